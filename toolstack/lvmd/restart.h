/*
 * restart.h — the restart budget of a guest that reboots itself
 * (restart.c): how long lvmd waits before it builds the guest again, and
 * when it stops. Pure arithmetic on a monotonic clock, unit-tested; the
 * reboots themselves are reboot.c's. Internal to lvmd.
 *
 * The budget: at most LVMD_RESTART_BUDGET restarts within a window of
 * LVMD_RESTART_WINDOW_MS that opens at the first restart counted in it.
 * The first restart of a window is immediate; the k-th (k >= 2) waits
 * LVMD_RESTART_BACKOFF_MS * 2^(k-2), at most LVMD_RESTART_BACKOFF_MAX_MS.
 * One reboot past the budget within the window: no restart.
 */
#ifndef LVMD_RESTART_H
#define LVMD_RESTART_H

#include <stdint.h>

#define LVMD_RESTART_BUDGET 8
#define LVMD_RESTART_WINDOW_MS 60000u
#define LVMD_RESTART_BACKOFF_MS 100u
#define LVMD_RESTART_BACKOFF_MAX_MS 2000u

/* One guest's restarts in the current window. Zeroed: none yet. */
struct lvmd_restarts {
	uint64_t window_ns;          /* the window opened then (monotonic) */
	unsigned count;              /* restarts counted in it */
};

/*
 * lvmd_restart_next() - count a reboot at (now_ns) in (r). Returns 0 with
 * the wait before the rebuild in (*delay_ns), or -ELOOP when the budget
 * of the window is spent (then (r) keeps the count).
 */
int lvmd_restart_next(struct lvmd_restarts *r, uint64_t now_ns,
		      uint64_t *delay_ns);

#endif
