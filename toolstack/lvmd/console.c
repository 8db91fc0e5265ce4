/*
 * console.c — the console backend: each guest's xencons ring drained into
 * its log file STATE_DIR/console/NAME.log and to attached clients, and
 * their input fed into the ring (see lvmd.h; the ring logic is in
 * cons_ring.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lvmd.h"
#include "toolstack/engine/log.h"

/* At most this much output is taken per event, so a guest that keeps
 * writing cannot hold the loop. */
#define DRAIN_MAX (16 * 2048)

/*
 * rotate: a guest can write without end, and the logs live in /run: past
 * LVMD_LOG_MAX the log becomes NAME.log.1 (replacing an older one) and a
 * new NAME.log starts, so a guest holds at most twice that.
 */
static void rotate(struct lvmd *l, struct guest *g)
{
	char path[PATH_MAX + 80], old[PATH_MAX + 80];
	int fd;

	snprintf(path, sizeof(path), "%s/%s.log", l->cons_dir, g->rec.name);
	snprintf(old, sizeof(old), "%s/%s.log.1", l->cons_dir, g->rec.name);
	if (rename(path, old) < 0)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC |
				O_NOCTTY, 0600);
	if (fd < 0)
		return; /* keep writing to the renamed one */
	close(g->log_fd);
	g->log_fd = fd;
	g->log_bytes = 0;
}

static void log_write(struct lvmd *l, struct guest *g, const char *buf,
		      size_t len)
{
	ssize_t r;

	if (g->log_fd >= 0 && g->log_bytes + len > LVMD_LOG_MAX)
		rotate(l, g);
	while (g->log_fd >= 0 && len) {
		r = write(g->log_fd, buf, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return; /* a full disk must not stop the guest */
		buf += r;
		len -= (size_t)r;
		g->log_bytes += (uint64_t)r;
	}
}

void lvmd_console_note(struct lvmd *l, struct guest *g, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	log_write(l, g, "\n[", 2);
	log_write(l, g, msg, strlen(msg));
	log_write(l, g, "]\n", 2);
}

/* flush_input: give the guest what clients typed, as far as it fits. */
static int flush_input(struct lvmd *l, struct guest *g, bool *notify)
{
	int n;

	(void)l;
	if (!g->in_len)
		return 0;
	n = lvm_cons_ring_write(g->cons_page, &g->cons, g->in_buf, g->in_len);
	if (n < 0)
		return n;
	if (n > 0) {
		memmove(g->in_buf, g->in_buf + n, g->in_len - (size_t)n);
		g->in_len -= (size_t)n;
		*notify = true;
	}
	return 0;
}

void lvmd_console_event(struct lvmd *l, struct guest *g)
{
	char buf[2048];
	size_t total = 0;
	bool notify = false;
	int n;

	if (!g->cons_page || g->doom[0])
		return;
	while (total < DRAIN_MAX) {
		n = lvm_cons_ring_read(g->cons_page, &g->cons, buf, sizeof(buf));
		if (n < 0) {
			lvmd_guest_doom(l, g, "console ring indices out of range");
			return;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		notify = true;
		log_write(l, g, buf, (size_t)n);
		for (struct client *c = l->clients; c; c = c->next)
			if (c->mode == C_CONSOLE && c->cg == g)
				lvmd_client_raw(l, c, buf, (size_t)n);
	}
	if (flush_input(l, g, &notify) < 0) {
		lvmd_guest_doom(l, g, "console ring indices out of range");
		return;
	}
	if (notify && g->cons_lport >= 0)
		xenevtchn_notify(l->xce, (evtchn_port_t)g->cons_lport);
}

void lvmd_console_input(struct lvmd *l, struct guest *g, const char *buf,
			size_t len)
{
	size_t room = sizeof(g->in_buf) - g->in_len;
	bool notify = false;

	if (len > room)
		len = room; /* typing faster than the guest reads: dropped */
	memcpy(g->in_buf + g->in_len, buf, len);
	g->in_len += len;
	if (!g->cons_page || g->doom[0])
		return;
	if (flush_input(l, g, &notify) < 0) {
		lvmd_guest_doom(l, g, "console ring indices out of range");
		return;
	}
	if (notify && g->cons_lport >= 0)
		xenevtchn_notify(l->xce, (evtchn_port_t)g->cons_lport);
}

int lvmd_console_attach(struct lvmd *l, struct client *c, struct guest *g)
{
	char path[PATH_MAX + 80], buf[4096];
	struct stat st;
	off_t off = 0;
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.log", l->cons_dir, g->rec.name);
	lvmd_console_event(l, g); /* the log holds everything so far */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0) {
		if (st.st_size > (off_t)LVMD_CONSOLE_REPLAY)
			off = st.st_size - (off_t)LVMD_CONSOLE_REPLAY;
		while ((r = pread(fd, buf, sizeof(buf), off)) > 0) {
			lvmd_client_raw(l, c, buf, (size_t)r);
			off += r;
		}
	}
	if (fd >= 0)
		close(fd);
	c->mode = C_CONSOLE;
	c->cg = g;
	return 0;
}
