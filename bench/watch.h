/*
 * watch.h — waiting for a text to appear in a growing file, such as a
 * guest's console log written by xenconsoled: the "running" clock of the
 * guests that announce themselves on their console.
 *
 * Only what the file gains after lvm_watch_init() is searched, so a log
 * left by an earlier guest of the same name cannot match. The file may
 * appear later. The caller polls: on a tick of its own, or when the
 * descriptor lvm_watch_fd() gives turns readable (inotify on the file's
 * directory), so that a waiting caller need not wake up to look.
 */
#ifndef LVM_BENCH_WATCH_H
#define LVM_BENCH_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct lvm_watch {
	bool found;	  /* the text was seen */
	int fd;		  /* private; -1 until the file is opened */
	int ino;	  /* private: inotify on the file's directory, or -1 */
	const char *path; /* private */
	const char *text; /* private */
	size_t tlen;	  /* private */
	off_t skip;	  /* private: the file's size at init */
	char *buf;	  /* private: read buffer, starting with a carry */
	size_t cap;	  /* private */
	size_t ncarry;	  /* private */
};

/*
 * lvm_watch_init() - start watching (path) for (text); both must outlive
 * (w). Returns 0, -EINVAL if (text) is empty, -ENOMEM.
 * Release with lvm_watch_free(), also after a failed init.
 */
int lvm_watch_init(struct lvm_watch *w, const char *path, const char *text);

/*
 * lvm_watch_poll() - read what the file gained since the last call and
 * set w->found if the text is now there. Cheap when nothing changed; a
 * file that does not exist yet is not an error.
 */
void lvm_watch_poll(struct lvm_watch *w);

/*
 * lvm_watch_fd() - a descriptor that turns readable when the file's
 * directory changes (the file written, made or renamed into place); call
 * lvm_watch_poll() then. -1 if there is none (inotify refused, or no such
 * directory yet): poll on a tick instead.
 */
int lvm_watch_fd(const struct lvm_watch *w);

/* lvm_watch_free() - close and free; safe on a zeroed (w) with fd and
 * ino -1. */
void lvm_watch_free(struct lvm_watch *w);

#endif
