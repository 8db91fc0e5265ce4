/*
 * netyield.c — the data path thread's scheduling class (see netyield.h):
 * SCHED_IDLE while dom0 has CPU to spare, the normal class while the
 * thread is starved, decided from its own run queue waits and dom0's idle
 * time, on the thread itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netyield.h"
#include "toolstack/common/clock.h"
#include "toolstack/engine/log.h"

enum lvmd_yield_move lvmd_yield_decide(const struct lvmd_yield_sample *a,
				       const struct lvmd_yield_sample *b,
				       bool on, uint64_t held_ns)
{
	uint64_t turns, wait, idle, total;

	if (on) {
		if (b->turns < a->turns || b->wait_ns < a->wait_ns)
			return LVMD_YIELD_STAY; /* not the same thread's */
		turns = b->turns - a->turns;
		wait = b->wait_ns - a->wait_ns;
		return wait >= LVMD_YIELD_STARVED_NS * (turns ? turns : 1) ?
			       LVMD_YIELD_TO_NORMAL :
			       LVMD_YIELD_STAY;
	}
	if (held_ns < LVMD_YIELD_HOLD_NS || b->total <= a->total ||
	    b->idle < a->idle)
		return LVMD_YIELD_STAY;
	idle = b->idle - a->idle;
	total = b->total - a->total;
	if (idle > total)
		return LVMD_YIELD_STAY;
	return idle * 100u >= total * LVMD_YIELD_SPARE_PCT ? LVMD_YIELD_TO_IDLE :
							     LVMD_YIELD_STAY;
}

/* number: one decimal at (*p), blanks before it skipped; (*p) moves past
 * it. 0, or -EINVAL. */
static int number(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > (UINT64_MAX - 9u) / 10u)
			return -EINVAL;
		n = n * 10u + (uint64_t)(*s - '0');
	}
	*p = s;
	*v = n;
	return 0;
}

int lvmd_yield_parse_schedstat(const char *text, struct lvmd_yield_sample *s)
{
	uint64_t run, wait, turns;

	if (number(&text, &run) < 0 || number(&text, &wait) < 0 ||
	    number(&text, &turns) < 0 || (*text != '\n' && *text != '\0'))
		return -EINVAL;
	s->wait_ns = wait;
	s->turns = turns;
	return 0;
}

int lvmd_yield_parse_stat(const char *text, struct lvmd_yield_sample *s)
{
	uint64_t f[8], total = 0;

	if (strncmp(text, "cpu ", 4) != 0)
		return -EINVAL;
	text += 4;
	for (int i = 0; i < 8; i++) {
		if (number(&text, &f[i]) < 0 || total + f[i] < total)
			return -EINVAL;
		total += f[i];
	}
	if (f[3] + f[4] < f[3])
		return -EINVAL;
	s->idle = f[3] + f[4];
	s->total = total;
	return 0;
}

/* reading: (fd)'s text from its start into (buf). 0, or -errno. */
static int reading(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	if (n < 0)
		return -errno;
	if (n == 0)
		return -EIO;
	buf[n] = '\0';
	return 0;
}

/* take: a reading at (now) into (s), dom0's CPU times too when (stat),
 * else (y)'s last ones. 0, or -errno. */
static int take(struct lvmd_yield *y, uint64_t now, bool stat,
		struct lvmd_yield_sample *s)
{
	char buf[512];
	int rc;

	*s = y->last;
	s->at_ns = now;
	rc = reading(y->sched_fd, buf, sizeof(buf));
	if (rc == 0 && lvmd_yield_parse_schedstat(buf, s) < 0)
		rc = -EINVAL;
	if (rc == 0 && stat) {
		rc = reading(y->stat_fd, buf, sizeof(buf));
		if (rc == 0 && lvmd_yield_parse_stat(buf, s) < 0)
			rc = -EINVAL;
	}
	return rc;
}

/* set_class: the calling thread SCHED_IDLE (idle) or the normal class.
 * 0, or -errno. */
static int set_class(bool idle)
{
	struct sched_param p = { 0 };

	return sched_setscheduler(0, idle ? SCHED_IDLE : SCHED_OTHER, &p) <
			       0 ?
		       -errno :
		       0;
}

/* probe_main: on a thread of its own, SCHED_IDLE and back (arg: the
 * result, 0 or -errno). */
static void *probe_main(void *arg)
{
	int rc = set_class(true);

	if (rc == 0)
		rc = set_class(false);
	*(int *)arg = rc;
	return NULL;
}

/* probe: whether a thread of lvmd may leave SCHED_IDLE once in it (one
 * without CAP_SYS_NICE may be kept there by its RLIMIT_NICE), tried on a
 * thread that ends at once, never on the caller. 0, or -errno. */
static int probe(void)
{
	pthread_t t;
	int rc = -EIO, r;

	r = pthread_create(&t, NULL, probe_main, &rc);
	if (r != 0)
		return -r;
	pthread_join(t, NULL);
	return rc;
}

/* give_up: the thread in the normal class for good, with the reason (or,
 * should the class not change back, in SCHED_IDLE, said as an error). */
static void give_up(struct lvmd_yield *y, int rc, const char *what)
{
	int r = y->on ? set_class(false) : 0;

	y->on = r < 0;
	y->usable = false;
	if (r < 0)
		lvm_log_err(-r, "netpath: %s, and it cannot leave SCHED_IDLE: the data path stays there",
			    what);
	else
		lvm_log_warn(-rc, "netpath: %s; the data path stays in the normal scheduling class",
			     what);
}

void lvmd_yield_start(struct lvmd_yield *y, bool enabled)
{
	uint64_t now = lvm_now_ns();
	int rc;

	/* Field by field: on and starved may be read meanwhile. */
	y->usable = false;
	y->sched_fd = y->stat_fd = -1;
	memset(&y->last, 0, sizeof(y->last));
	y->since_ns = 0;
	atomic_store_explicit(&y->on, false, memory_order_relaxed);
	atomic_store_explicit(&y->starved, 0, memory_order_relaxed);
	if (!enabled)
		return;
	y->sched_fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
	y->stat_fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
	if (y->sched_fd < 0 || y->stat_fd < 0) {
		lvm_log_info("netpath: no /proc/thread-self/schedstat or /proc/stat (%s): the data path does not yield",
			     strerror(errno));
		return;
	}
	rc = take(y, now, true, &y->last);
	if (rc < 0) {
		lvm_log_info("netpath: its run queue waits cannot be read (%s): the data path does not yield",
			     strerror(-rc));
		return;
	}
	/* It must be able to come back before it goes. */
	rc = probe();
	if (rc == 0)
		rc = set_class(true);
	if (rc < 0) {
		lvm_log_info("netpath: SCHED_IDLE and back not allowed (%s): the data path does not yield",
			     strerror(-rc));
		return;
	}
	y->usable = true;
	y->on = true;
	y->since_ns = now;
}

void lvmd_yield_tick(struct lvmd_yield *y, uint64_t now)
{
	struct lvmd_yield_sample s;
	enum lvmd_yield_move m;
	int rc;

	if (!y->usable ||
	    now - y->last.at_ns <
		    (y->on ? LVMD_YIELD_CHECK_NS : LVMD_YIELD_HOLD_NS))
		return;
	rc = take(y, now, !y->on, &s);
	if (rc < 0) {
		give_up(y, rc, "its run queue waits can no longer be read");
		return;
	}
	m = lvmd_yield_decide(&y->last, &s, y->on, now - y->since_ns);
	if (m != LVMD_YIELD_STAY) {
		bool idle = m == LVMD_YIELD_TO_IDLE;

		rc = set_class(idle);
		if (rc == 0 && !idle) /* dom0's idle time counts from now */
			rc = take(y, now, true, &s);
		if (rc < 0) {
			give_up(y, rc, idle ? "going back to SCHED_IDLE" :
					      "leaving SCHED_IDLE");
			return;
		}
		y->on = idle;
		y->since_ns = now;
		if (!idle)
			/* (lvmd's log limits how often one line is said.) */
			lvm_log_info("netpath: starved by other work on dom0's CPUs: the data path runs in the normal scheduling class until they have idle time (%" PRIu64 " time(s) so far)",
				     ++y->starved);
	}
	y->last = s;
}

void lvmd_yield_state(struct lvmd_yield *y, bool *on, uint64_t *starved)
{
	*on = atomic_load_explicit(&y->on, memory_order_relaxed);
	*starved = atomic_load_explicit(&y->starved, memory_order_relaxed);
}

void lvmd_yield_stop(struct lvmd_yield *y)
{
	if (y->sched_fd >= 0)
		close(y->sched_fd);
	if (y->stat_fd >= 0)
		close(y->stat_fd);
	y->sched_fd = y->stat_fd = -1;
	y->usable = false;
}
