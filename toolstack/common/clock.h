/*
 * clock.h — the toolstack's clocks, one home for every product (engine,
 * proto, liblvm, lvmd, the dom0 tools of bench/). Header only.
 */
#ifndef LVM_COMMON_CLOCK_H
#define LVM_COMMON_CLOCK_H

#include <stdint.h>
#include <time.h>

/* lvm_now_ns() - CLOCK_MONOTONIC in nanoseconds: durations, deadlines. */
static inline uint64_t lvm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* lvm_ms_until() - from (now) to (deadline), both lvm_now_ns(), in
 * milliseconds rounded up (a poll() timeout that does not wake before the
 * deadline); 0 once the deadline has passed. */
static inline uint64_t lvm_ms_until(uint64_t now, uint64_t deadline)
{
	return deadline > now ? (deadline - now + 999999) / 1000000 : 0;
}

/* lvm_real_ns() - CLOCK_REALTIME in nanoseconds since the epoch: dates. */
static inline int64_t lvm_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* lvm_rdtsc() - the TSC, for the ready mark (dom0 and guest share it). */
static inline uint64_t lvm_rdtsc(void)
{
	return __builtin_ia32_rdtsc();
}

/*
 * lvm_tsc_ns() - the nanoseconds from TSC reading (from) to (to) at (khz)
 * (not 0; Xen's figure, xc_physinfo's cpu_khz): 0 if the TSC went back (a
 * vCPU moved to a CPU whose TSC lags), UINT64_MAX past what 64 bits hold.
 */
static inline uint64_t lvm_tsc_ns(uint64_t from, uint64_t to, uint64_t khz)
{
	unsigned __int128 ns;

	if (to <= from)
		return 0;
	ns = (unsigned __int128)(to - from) * 1000000u / khz;
	return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

#endif
