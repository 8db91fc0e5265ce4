/*
 * bucket.c — the token bucket of a guest's event channel port (see
 * bucket.h).
 */
#include "bucket.h"

bool lvmd_bucket_take(uint64_t *tat, uint64_t now, uint64_t interval_ns,
		      uint32_t burst, uint64_t *when)
{
	uint64_t tau = (uint64_t)(burst ? burst - 1 : 0) * interval_ns;

	if (*tat > now && *tat - now > tau) {
		*when = *tat - tau;
		return false;
	}
	*tat = (*tat > now ? *tat : now) + interval_ns;
	return true;
}
