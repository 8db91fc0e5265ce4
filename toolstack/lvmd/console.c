/*
 * console.c — the console backend: each guest's xencons ring drained into
 * its log file STATE_DIR/console/NAME.log and to attached clients (through
 * hooks->output), and their input fed into the ring (see backend.h; the
 * ring logic is in cons_ring.c). The logs live in /run: each is rotated
 * past LVMD_LOG_MAX, and the logs of gone guests are removed, oldest
 * first, past a count and an overall size: the directory is read once,
 * when the first guest goes; from then on a queue of the gone guests' logs
 * and a count of the live ones' bytes say what to remove, so a removal
 * costs the same however many logs there are (logprune.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "guest.h"
#include "logprune.h"
#include "lvmd.h"
#include "toolstack/engine/log.h"
#include "toolstack/engine/steps.h"

/* At most this much output is taken per event (two rings' worth), so a
 * guest that keeps writing cannot hold the loop: with its port's budget
 * (LVMD_PORT_RATE), what one guest can make lvmd write is bounded. */
#define DRAIN_MAX (2 * 2048)

/* count: (g)'s logs now hold (bytes), in lvmd's count of the live logs. */
static void count(struct lvmd *l, struct guest *g, uint64_t bytes)
{
	l->live_log_bytes += bytes - g->log_counted;
	g->log_counted = bytes;
}

/* stop_log: (g)'s log cannot go on within its cap: no more of its output
 * is kept (one line says so), rather than written without a cap. */
static void stop_log(struct guest *g, int errnum, const char *what)
{
	lvm_log_warn(errnum, "%s: cannot rotate its console log (%s): no more of its output is logged",
		     g->rec.name, what);
	close(g->log_fd);
	g->log_fd = -1;
}

/*
 * rotate: a guest can write without end, and the logs live in /run: past
 * LVMD_LOG_MAX the log becomes NAME.log.1 (replacing an older one) and a
 * new NAME.log starts, so a guest holds at most twice that. If either
 * step fails, the log stops.
 */
static void rotate(struct lvmd *l, struct guest *g)
{
	char path[PATH_MAX + 80], old[PATH_MAX + 80];
	int fd;

	snprintf(path, sizeof(path), "%s/%s.log", l->cons_dir, g->rec.name);
	snprintf(old, sizeof(old), "%s/%s.log.1", l->cons_dir, g->rec.name);
	if (rename(path, old) < 0) {
		stop_log(g, errno, "rename");
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC |
				O_NOCTTY, 0600);
	if (fd < 0) {
		stop_log(g, errno, "reopen");
		return;
	}
	close(g->log_fd);
	g->log_fd = fd;
	g->log_old_bytes = g->log_bytes;
	g->log_bytes = 0;
	count(l, g, g->log_old_bytes);
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
		count(l, g, g->log_bytes + g->log_old_bytes);
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

void lvmd_console_drain(struct lvmd *l, struct guest *g)
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
		g->cons_bytes += (uint64_t)n;
		log_write(l, g, buf, (size_t)n);
		l->hooks->output(l, g, buf, (size_t)n);
	}
	if (flush_input(l, g, &notify) < 0) {
		lvmd_guest_doom(l, g, "console ring indices out of range");
		return;
	}
	if (notify)
		lvmd_port_notify(l, g->cons_lport);
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
	if (notify)
		lvmd_port_notify(l, g->cons_lport);
}

int lvmd_console_replay(struct lvmd *l, struct guest *g)
{
	char path[PATH_MAX + 80];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.log", l->cons_dir, g->rec.name);
	lvmd_console_drain(l, g); /* the log holds everything so far */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && st.st_size > (off_t)LVMD_CONSOLE_REPLAY &&
	    lseek(fd, st.st_size - (off_t)LVMD_CONSOLE_REPLAY, SEEK_SET) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* open_log: open (g)'s console log if it is not open (truncated when
 * (trunc)); on failure a warning: the guest runs on, its output is not
 * kept. */
static void open_log(struct lvmd *l, struct guest *g, bool trunc)
{
	char path[PATH_MAX + 80];
	struct stat st;

	if (g->log_fd >= 0)
		return;
	snprintf(path, sizeof(path), "%s/%s.log", l->cons_dir, g->rec.name);
	g->log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
				       O_NOCTTY | (trunc ? O_TRUNC : 0),
			 0600);
	if (g->log_fd < 0) {
		lvm_log_warn(errno, "%s: cannot open the console log %s",
			     g->rec.name, path);
		return;
	}
	g->log_bytes = fstat(g->log_fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	snprintf(path, sizeof(path), "%s/%s.log.1", l->cons_dir, g->rec.name);
	g->log_old_bytes = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
	count(l, g, g->log_bytes + g->log_old_bytes);
	/* A gone guest's log under this name is this guest's now. */
	if (l->gone_logs)
		lvmd_logq_take(l->gone_logs, g->rec.name);
}

void lvmd_console_open_later(struct lvmd *l, struct guest *g)
{
	if (!g->log_later)
		return;
	g->log_later = false;
	open_log(l, g, true);
}

/* start: bind (g)'s console port (or take the one a pool's shell bound
 * ahead) and open its log unless (later); (adopt): take over the
 * ring indices dom0 last wrote, else (a new domain) start from zero. */
static int start(struct lvmd *l, struct guest *g, bool adopt, bool trunc,
		 bool later)
{
	uint64_t t0;
	int rc;

	if (adopt)
		lvm_cons_ring_adopt(&g->cons, g->cons_page);
	else
		memset(&g->cons, 0, sizeof(g->cons));
	/* Bound ahead when the guest came from a pool's shell. */
	rc = lvmd_port_attach(l, g, &g->cons_lport, g->rec.console_port,
			      &lvmd_backend_console);
	if (rc < 0)
		return lvm_log_err(-rc, "%s (d%u): cannot bind console port %u",
				   g->rec.name, g->rec.domid, g->rec.console_port);
	g->log_later = later;
	if (later)
		return 0;
	t0 = lvm_step_start();
	open_log(l, g, trunc);
	l->t_attach.log += lvm_step_ns(t0);
	return 0;
}

static int attach(struct lvmd *l, struct guest *g, unsigned flags)
{
	return start(l, g, false, !(flags & LVMD_ATTACH_KEEP_LOG),
		     (flags & LVMD_ATTACH_LOG_LATER) != 0);
}

static int adopt(struct lvmd *l, struct guest *g)
{
	return start(l, g, true, false, false);
}

/* log_name: (file)'s guest name into (name), if it is NAME.log or
 * NAME.log.1. */
static bool log_name(const char *file, char *name, size_t cap)
{
	size_t n = strlen(file);

	if (n > 6 && strcmp(file + n - 6, ".log.1") == 0)
		n -= 6;
	else if (n > 4 && strcmp(file + n - 4, ".log") == 0)
		n -= 4;
	else
		return false;
	if (n >= cap)
		return false;
	memcpy(name, file, n);
	name[n] = '\0';
	return true;
}

struct found {
	char name[LVM_NAME_MAX + 1];
	uint64_t bytes;              /* NAME.log and NAME.log.1 together */
	int64_t mtime_ns;            /* the newer of the two */
};

/* add: the file (st) of guest (name) into (*f), one entry per file
 * (merge() makes it one per name). */
static int add(struct found **f, size_t *n, size_t *cap, const char *name,
	       const struct stat *st)
{
	struct found *e;
	void *p;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		p = realloc(*f, *cap * sizeof(**f));
		if (!p)
			return -ENOMEM;
		*f = p;
	}
	e = &(*f)[(*n)++];
	memset(e, 0, sizeof(*e));
	strcpy(e->name, name);
	e->bytes = (uint64_t)st->st_size;
	e->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 +
			st->st_mtim.tv_nsec;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->name,
		      ((const struct found *)b)->name);
}

/* merge: (f)'s entries sorted by name, a name's two files (NAME.log and
 * NAME.log.1) made one entry: their bytes summed, the newer time. Returns
 * the entries left. Sorting keeps a directory of N logs at N log N. */
static size_t merge(struct found *f, size_t n)
{
	size_t out = 0;

	if (!n)
		return 0;
	qsort(f, n, sizeof(*f), by_name);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(f[i].name, f[out].name) != 0) {
			f[++out] = f[i];
			continue;
		}
		f[out].bytes += f[i].bytes;
		if (f[i].mtime_ns > f[out].mtime_ns)
			f[out].mtime_ns = f[i].mtime_ns;
	}
	return out + 1;
}

/* remove_log: both files of guest (name). */
static void remove_log(struct lvmd *l, const char *name)
{
	char path[PATH_MAX + 80];

	snprintf(path, sizeof(path), "%s/%s.log", l->cons_dir, name);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s.log.1", l->cons_dir, name);
	unlink(path);
}

static int by_mtime(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	return (x->mtime_ns > y->mtime_ns) - (x->mtime_ns < y->mtime_ns);
}

/*
 * index_logs: the queue of gone guests' logs, from one read of the
 * directory: every log no managed guest has, (gone)'s among them, oldest
 * (mtime) first. -errno (no queue then: the next guest to go tries again).
 */
static int index_logs(struct lvmd *l, const struct guest *gone)
{
	char name[LVM_NAME_MAX + 1];
	struct found *f = NULL;
	size_t n = 0, cap = 0;
	struct lvmd_logq *q;
	struct dirent *d;
	struct stat st;
	int rc = 0;
	DIR *dir;

	q = calloc(1, sizeof(*q));
	dir = q ? opendir(l->cons_dir) : NULL;
	if (!dir) {
		rc = q ? -errno : -ENOMEM;
		free(q);
		return rc;
	}
	while ((d = readdir(dir)) && rc == 0) {
		if (!log_name(d->d_name, name, sizeof(name)) ||
		    fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		rc = add(&f, &n, &cap, name, &st);
	}
	closedir(dir);
	n = rc == 0 ? merge(f, n) : 0;
	if (n)
		qsort(f, n, sizeof(*f), by_mtime);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct guest *g = lvmd_guest_by_name(l, f[i].name);

		if (!g || g == gone)
			rc = lvmd_logq_push(q, f[i].name, f[i].bytes);
	}
	free(f);
	if (rc < 0) {
		lvmd_logq_clear(q);
		free(q);
		return rc;
	}
	l->gone_logs = q;
	return 0;
}

/*
 * prune: (gone) was just forgotten: its logs join the gone guests'
 * (read from the directory the first time), and the oldest of those go
 * while there are more than l->logs_kept of them or all the logs pass
 * l->log_budget. No directory read but the first.
 */
static void prune(struct lvmd *l, struct guest *gone)
{
	size_t dropped = 0;
	int rc;

	rc = l->gone_logs ? lvmd_logq_push(l->gone_logs, gone->rec.name,
					   gone->log_counted) :
			    index_logs(l, gone);
	count(l, gone, 0);
	if (rc < 0) {
		lvm_log_warn(-rc, "%s: cannot account for its console log",
			     gone->rec.name);
		return;
	}
	while (lvmd_logq_over(l->gone_logs, l->logs_kept, l->log_budget,
			      l->live_log_bytes)) {
		const char *name = l->gone_logs->head->name;
		const struct guest *g = lvmd_guest_by_name(l, name);

		if (!g || g == gone) {
			remove_log(l, name);
			dropped++;
		}
		lvmd_logq_pop(l->gone_logs);
	}
	if (dropped)
		lvm_log_debug("removed the console logs of %zu gone guests",
			      dropped);
}

static void detach(struct lvmd *l, struct guest *g, bool gone)
{
	if (g->cons_page && g->cons_lport >= 0 && !g->doom[0])
		lvmd_console_drain(l, g); /* what it wrote last */
	lvmd_port_unbind(l, &g->cons_lport);
	if (g->log_fd >= 0) {
		close(g->log_fd);
		g->log_fd = -1;
	}
	if (gone)
		prune(l, g);
	else
		count(l, g, 0); /* counted again when its log reopens */
}

/* teardown: the queue of gone guests' logs freed. */
static void teardown(struct lvmd *l)
{
	if (!l->gone_logs)
		return;
	lvmd_logq_clear(l->gone_logs);
	free(l->gone_logs);
	l->gone_logs = NULL;
}

/* setup: the directory of the console logs. */
static int setup(struct lvmd *l)
{
	snprintf(l->cons_dir, sizeof(l->cons_dir), "%s/console", l->state_dir);
	if (mkdir(l->cons_dir, 0700) < 0 && errno != EEXIST)
		return lvm_log_err(errno, "cannot create %s", l->cons_dir);
	return 0;
}

const struct lvmd_backend lvmd_backend_console = {
	.name = "console",
	.usage = "consoles: a log each in STATE_DIR/console, `lvm console`",
	.setup = setup,
	.attach = attach,
	.adopt = adopt,
	.event = lvmd_console_drain,
	.detach = detach,
	.teardown = teardown,
};
