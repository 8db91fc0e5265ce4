/*
 * watch.c — waiting for a text in a growing file (watch.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/watch.h"

/* watch_dir() - inotify on (path)'s directory, or -1. */
static int watch_dir(const char *path)
{
	char *copy = strdup(path);   /* dirname() writes into its argument */
	int fd = copy ? inotify_init1(IN_NONBLOCK | IN_CLOEXEC) : -1;

	if (fd >= 0 && inotify_add_watch(fd, dirname(copy), IN_MODIFY |
					 IN_CREATE | IN_MOVED_TO |
					 IN_CLOSE_WRITE) < 0) {
		close(fd);
		fd = -1;
	}
	free(copy);
	return fd;
}

int lvm_watch_init(struct lvm_watch *w, const char *path, const char *text)
{
	struct stat st;

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	w->ino = -1;
	w->path = path;
	w->text = text;
	w->tlen = strlen(text);
	if (w->tlen == 0)
		return -EINVAL;
	w->cap = w->tlen + 4096;
	w->buf = malloc(w->cap);
	if (w->buf == NULL)
		return -ENOMEM;
	if (stat(path, &st) == 0)
		w->skip = st.st_size;
	w->ino = watch_dir(path);
	return 0;
}

int lvm_watch_fd(const struct lvm_watch *w)
{
	return w->ino;
}

void lvm_watch_free(struct lvm_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	if (w->ino >= 0)
		close(w->ino);
	w->ino = -1;
	free(w->buf);
	w->buf = NULL;
}

void lvm_watch_poll(struct lvm_watch *w)
{
	ssize_t r;

	if (w->found || w->buf == NULL)
		return;
	/* The events so far, drained before the file is read: a write after
	 * this read makes a new one. */
	if (w->ino >= 0) {
		char ev[4096] __attribute__((aligned(8)));

		while (read(w->ino, ev, sizeof(ev)) > 0)
			;
	}
	if (w->fd < 0) {
		w->fd = open(w->path, O_RDONLY | O_CLOEXEC);
		if (w->fd < 0)
			return;
		if (lseek(w->fd, w->skip, SEEK_SET) < 0) {
			close(w->fd);
			w->fd = -1;
			return;
		}
	}
	for (;;) {
		r = read(w->fd, w->buf + w->ncarry, w->cap - w->ncarry);
		if (r <= 0)
			return;
		w->ncarry += (size_t)r;
		if (memmem(w->buf, w->ncarry, w->text, w->tlen) != NULL) {
			w->found = true;
			return;
		}
		/* Keep the last tlen - 1 bytes: a match may span reads. */
		if (w->ncarry >= w->tlen) {
			memmove(w->buf, w->buf + w->ncarry - (w->tlen - 1),
				w->tlen - 1);
			w->ncarry = w->tlen - 1;
		}
	}
}
