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

	if (r->count == 0 || now_ns < r->window_ns ||
	    now_ns - r->window_ns >= LVMD_RESTART_WINDOW_MS * 1000000ull) {
		r->window_ns = now_ns;
		r->count = 0;
	}
	if (r->count >= LVMD_RESTART_BUDGET)
		return -ELOOP;
	r->count++;
	if (r->count == 1) {
		*delay_ns = 0;
		return 0;
	}
	ms = LVMD_RESTART_BACKOFF_MAX_MS;
	if (r->count - 2 < 32)
		ms = (uint64_t)LVMD_RESTART_BACKOFF_MS << (r->count - 2);
	if (ms > LVMD_RESTART_BACKOFF_MAX_MS)
		ms = LVMD_RESTART_BACKOFF_MAX_MS;
	*delay_ns = ms * 1000000u;
	return 0;
}
