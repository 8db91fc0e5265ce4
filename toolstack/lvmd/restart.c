/*
 * restart.c — the restart budget and back-off of a rebooting guest (see
 * restart.h).
 */
#include <errno.h>

#include "restart.h"

int lvmd_restart_next(struct lvmd_restarts *r, uint64_t now_ns,
		      uint64_t *delay_ns)
{
	uint64_t ms;

	/* It ran long enough since its last restart: not a loop. */
	if (now_ns >= r->since_ns &&
	    now_ns - r->since_ns >= LVMD_RESTART_WINDOW_MS * 1000000ull)
		r->count = 0;
	if (r->count >= LVMD_RESTART_BUDGET)
		return -ELOOP;
	r->count++;
	ms = 0;
	if (r->count >= 2)
		ms = r->count - 2 < 32 ?
		     (uint64_t)LVMD_RESTART_BACKOFF_MS << (r->count - 2) :
		     LVMD_RESTART_BACKOFF_MAX_MS;
	if (ms > LVMD_RESTART_BACKOFF_MAX_MS)
		ms = LVMD_RESTART_BACKOFF_MAX_MS;
	*delay_ns = ms * 1000000u;
	r->since_ns = now_ns + *delay_ns;
	return 0;
}
