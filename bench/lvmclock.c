/*
 * lvmclock.c — the clocks of one `lvm create` and its pool check
 * (lvmclock.h).
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "bench/lvmclock.h"

int lvm_bench_running_ms(double returned_ms, uint64_t total_ns,
			 uint64_t ready_ns, double *out)
{
	double total = (double)total_ns / 1e6;

	if (!isfinite(returned_ms) || returned_ms < 0.0 || total > returned_ms)
		return -EINVAL;
	*out = returned_ms - total + (double)ready_ns / 1e6;
	return 0;
}

int lvm_bench_pool_expect_parse(const char *s, enum lvm_bench_pool_expect *out)
{
	if (strcmp(s, "hit") == 0)
		*out = LVM_BENCH_POOL_HIT;
	else if (strcmp(s, "miss") == 0)
		*out = LVM_BENCH_POOL_MISS;
	else if (strcmp(s, "any") == 0)
		*out = LVM_BENCH_POOL_ANY;
	else
		return -EINVAL;
	return 0;
}

int lvm_bench_pool_check(enum lvm_bench_pool_expect want, bool hit)
{
	if ((want == LVM_BENCH_POOL_HIT && !hit) ||
	    (want == LVM_BENCH_POOL_MISS && hit))
		return -EAGAIN;
	return 0;
}
