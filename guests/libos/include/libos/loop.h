/*
 * libos/loop.h — timers and the event dispatch loop. A guest that serves
 * (a TCP stack needs both) watches its event channels and arms timers,
 * then runs the loop: each round it clears and dispatches the pending
 * ports, runs the expired timers, then blocks in SCHEDOP_poll on all
 * watched ports until the next timer's deadline. No timer armed and no
 * event: it sleeps, with no periodic wake-up. The sysctl port (noxs) is
 * always watched: lifecycle requests are obeyed inside the loop.
 */
#ifndef LIBOS_LOOP_H
#define LIBOS_LOOP_H

#include <stdint.h>
#include <xen/event_channel.h>

#define LIBOS_LOOP_PORTS 8           /* watched ports, sysctl included */

struct libos_timer;
typedef void libos_timer_fn(struct libos_timer *t);

/* A timer: owned by its user, linked into the loop's list while armed. */
struct libos_timer {
	uint64_t deadline_ns;        /* Xen system time */
	libos_timer_fn *fn;
	void *arg;                   /* for fn */
	struct libos_timer *next;
	int armed;
};

/*
 * libos_timer_init() - prepare (t) to call (fn) (with t->arg = (arg))
 * when it expires; not armed.
 */
void libos_timer_init(struct libos_timer *t, libos_timer_fn *fn, void *arg);

/*
 * libos_timer_arm() - (re)arm (t) to expire at Xen system time
 * (deadline_ns); a deadline already past expires on the next round. The
 * callback runs once, from the loop, with (t) disarmed (it may re-arm).
 */
void libos_timer_arm(struct libos_timer *t, uint64_t deadline_ns);

/* libos_timer_cancel() - disarm (t); harmless if it is not armed. */
void libos_timer_cancel(struct libos_timer *t);

/*
 * libos_timer_next() - the earliest armed deadline, or 0 with none.
 */
uint64_t libos_timer_next(void);

/*
 * libos_timer_run() - call every timer whose deadline is <= (now_ns),
 * earliest first. Returns how many ran.
 */
int libos_timer_run(uint64_t now_ns);

typedef void libos_event_fn(void *arg);

/*
 * libos_loop_watch() - call (fn)(arg) from the loop whenever (port) has
 * been signalled (the pending bit is cleared before the call, so an event
 * during the call is seen on the next round), and once on the loop's
 * first round. Returns 0, -XEN_EINVAL for a port out of range or a NULL
 * (fn), -XEN_ENOSPC when LIBOS_LOOP_PORTS are watched already.
 */
int libos_loop_watch(evtchn_port_t port, libos_event_fn *fn, void *arg);

/*
 * libos_loop_run() - dispatch events and timers until libos_loop_stop().
 * A poweroff or reboot request ends the domain from inside the loop.
 * Returns the value given to libos_loop_stop(), or -XEN_ENODEV when there
 * is nothing to wait for (no port watched, no sysctl port, no timer) or
 * no shared_info.
 */
int libos_loop_run(void);

/* libos_loop_stop() - make libos_loop_run() return (rc) after this round. */
void libos_loop_stop(int rc);

#endif
