/*
 * restart.h — the restart budget of a guest that reboots itself
 * (restart.c): how long lvmd waits before it builds the guest again, and
 * when it stops. Pure arithmetic on a monotonic clock, unit-tested; the
 * reboots themselves are reboot.c's. Internal to lvmd.
 *
 * The budget: at most LVMD_RESTART_BUDGET restarts in a row, each of a
 * guest that ran less than LVMD_RESTART_WINDOW_MS since it was built
 * again; a guest that ran that long starts afresh. (Its uptime, not a
 * fixed window of wall time: on a slow host, where a rebuild itself takes
 * seconds, a loop is still a loop.) The first restart in a row is
 * immediate; the k-th (k >= 2) waits LVMD_RESTART_BACKOFF_MS * 2^(k-2),
 * at most LVMD_RESTART_BACKOFF_MAX_MS. One reboot past the budget: no
 * restart.
 */
#ifndef LVMD_RESTART_H
#define LVMD_RESTART_H

#include <stdint.h>

#define LVMD_RESTART_BUDGET 8
#define LVMD_RESTART_WINDOW_MS 60000u
#define LVMD_RESTART_BACKOFF_MS 100u
#define LVMD_RESTART_BACKOFF_MAX_MS 2000u

/* One guest's restarts in a row. Zeroed: none yet. */
struct lvmd_restarts {
	uint64_t since_ns;           /* monotonic: the last restart was due
					then (its rebuild, after the wait) */
	unsigned count;              /* restarts in a row */
};

/*
 * lvmd_restart_next() - count a reboot at (now_ns) in (r). Returns 0 with
 * the wait before the rebuild in (*delay_ns), or -ELOOP when the budget
 * is spent (then (r) keeps the count).
 */
int lvmd_restart_next(struct lvmd_restarts *r, uint64_t now_ns,
		      uint64_t *delay_ns);

#endif
