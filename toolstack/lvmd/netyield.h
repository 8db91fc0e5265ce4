/*
 * netyield.h — the data path thread's scheduling class (netyield.c):
 * while dom0 has CPU to spare, the thread runs as SCHED_IDLE, so that any
 * other task of dom0 that wakes (lvmd's control thread, a command, a
 * library client, the refill thread) takes a CPU from it at once: traffic
 * does not delay a create. When the thread finds itself starved (each of
 * its turns waited long on a run queue: every CPU of dom0 busy with other
 * work), it goes back to the normal class, and returns to SCHED_IDLE once
 * dom0 has idle time again. Internal to lvmd.
 *
 * All of it runs on the data path thread, from its loop, and reads only
 * the thread's own /proc/thread-self/schedstat and /proc/stat: no timer of
 * its own, no wake-up while the thread sleeps. Where those files or the
 * class cannot be had, the thread stays in the normal class.
 */
#ifndef LVMD_NETYIELD_H
#define LVMD_NETYIELD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* A turn waited this long on average on a run queue: starved. */
#define LVMD_YIELD_STARVED_NS 50000000ull
/* Checked at most this often while yielding ... */
#define LVMD_YIELD_CHECK_NS 100000000ull
/* ... and in the normal class, which it keeps at least this long. */
#define LVMD_YIELD_HOLD_NS 1000000000ull
/* dom0's share of idle CPU time (percent) that lets it yield again. */
#define LVMD_YIELD_SPARE_PCT 10u

/* One reading: the thread's schedstat and dom0's CPU times. */
struct lvmd_yield_sample {
	uint64_t at_ns;              /* when (CLOCK_MONOTONIC) */
	uint64_t wait_ns;            /* time waited on a run queue */
	uint64_t turns;              /* times it was given a CPU */
	uint64_t idle, total;        /* /proc/stat's "cpu" line, in ticks:
					idle + iowait, and all of it */
};

struct lvmd_yield {
	/* The thread's own. */
	bool usable;                 /* the files and the class are there */
	int sched_fd, stat_fd;
	struct lvmd_yield_sample last;
	uint64_t since_ns;           /* in the present class since */
	/* Written by the thread when they change, read by any thread
	 * (lvmd_yield_state()). */
	_Atomic bool on;             /* SCHED_IDLE now */
	_Atomic uint64_t starved;    /* times it went back to the normal
					class */
};

/* What lvmd_yield_decide() says. */
enum lvmd_yield_move {
	LVMD_YIELD_STAY,
	LVMD_YIELD_TO_NORMAL,
	LVMD_YIELD_TO_IDLE,
};

/*
 * lvmd_yield_decide() - the move from reading (a) to reading (b) for a
 * thread that yields now (on) and has been in its class for (held_ns):
 * yielding, to the normal class when its turns since (a) waited
 * LVMD_YIELD_STARVED_NS or more on average; in the normal class, after
 * LVMD_YIELD_HOLD_NS, back to yielding when dom0's CPUs were idle at
 * least LVMD_YIELD_SPARE_PCT of the time between the two. Pure.
 */
enum lvmd_yield_move lvmd_yield_decide(const struct lvmd_yield_sample *a,
				       const struct lvmd_yield_sample *b,
				       bool on, uint64_t held_ns);

/*
 * lvmd_yield_parse_schedstat() - "RUN_NS WAIT_NS TURNS\n" (the kernel's
 * /proc/.../schedstat) into (s)'s wait_ns and turns. 0, or -EINVAL.
 */
int lvmd_yield_parse_schedstat(const char *text,
			       struct lvmd_yield_sample *s);

/*
 * lvmd_yield_parse_stat() - the first line of /proc/stat ("cpu  USER NICE
 * SYSTEM IDLE IOWAIT IRQ SOFTIRQ STEAL ...") into (s)'s idle (IDLE +
 * IOWAIT) and total (the eight summed). 0, or -EINVAL.
 */
int lvmd_yield_parse_stat(const char *text, struct lvmd_yield_sample *s);

/*
 * lvmd_yield_start() - on the data path thread: open its readings and, if
 * (enabled) and they can be had, make it SCHED_IDLE. Says once in the log
 * why it does not yield when it cannot.
 */
void lvmd_yield_start(struct lvmd_yield *y, bool enabled);

/*
 * lvmd_yield_tick() - on the data path thread, at each turn of its loop:
 * at most every LVMD_YIELD_CHECK_NS (LVMD_YIELD_HOLD_NS in the normal
 * class), read, decide and change class. Cheap between checks.
 */
void lvmd_yield_tick(struct lvmd_yield *y, uint64_t now_ns);

/*
 * lvmd_yield_state() - from any thread: (*on) whether the thread yields
 * now, (*starved) how many times it went back to the normal class. Never
 * waits; (y) must have been through lvmd_yield_start() or be zeroed.
 */
void lvmd_yield_state(struct lvmd_yield *y, bool *on, uint64_t *starved);

/* lvmd_yield_stop() - close what lvmd_yield_start() opened. */
void lvmd_yield_stop(struct lvmd_yield *y);

#endif
