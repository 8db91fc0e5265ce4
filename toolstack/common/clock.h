/*
 * clock.h — the toolstack's clocks, one home for every product (engine,
 * proto, liblvm, lvmd, the dom0 tools of bench/). Header only.
 */
#ifndef LVM_COMMON_CLOCK_H
#define LVM_COMMON_CLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* lvm_rdtsc() - the TSC, for the ready mark (dom0 and guest share it). */
static inline uint64_t lvm_rdtsc(void)
{
	return __builtin_ia32_rdtsc();
}

/*
 * The monotonic clock's source, chosen once per program. By default the
 * kernel's CLOCK_MONOTONIC. In a Xen PV dom0 whose clock source has no
 * vDSO (the box's, and a stock Xen host's unless Xen keeps time by the
 * TSC), each reading is a system call: 50 us in the box, and lvmd's create
 * read it some twenty times. A program that knows the TSC's rate (lvmd,
 * from Xen's physinfo) then reads the TSC instead (lvm_clock_use_tsc()),
 * scaled from one reading of both: within Xen's calibration of the rate
 * (0.1% in the box) of the kernel's clock, and monotonic where dom0's
 * vCPUs share one TSC, as the ready mark already assumes.
 *
 * One per program: a weak definition, so that every file including this
 * header shares the linker's one copy. Set once, read by any thread.
 */
struct lvm_tsc_clock {
	uint64_t tsc0, ns0;          /* one reading of both */
	uint64_t mult;               /* ns a tick, in 2^-32 */
	_Atomic bool on;             /* set last (release) */
};
__attribute__((weak)) struct lvm_tsc_clock lvm_tsc_clock;

/* lvm_kernel_ns() - the kernel's CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t lvm_kernel_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* lvm_now_ns() - monotonic nanoseconds: durations, deadlines, within one
 * program (the kernel's clock, or the TSC scaled to it). */
static inline uint64_t lvm_now_ns(void)
{
	const struct lvm_tsc_clock *c = &lvm_tsc_clock;
	int64_t d;

	if (!atomic_load_explicit(&c->on, memory_order_acquire))
		return lvm_kernel_ns();
	d = (int64_t)(lvm_rdtsc() - c->tsc0);
	if (d <= 0)
		return c->ns0;
	return c->ns0 + (uint64_t)(((unsigned __int128)d * c->mult) >> 32);
}

/* lvm_clock_tsc_set() - lvm_now_ns() reads the TSC from now on, at (khz)
 * kHz, continuing the clock it read so far. Once, (khz) > 0. */
static inline void lvm_clock_tsc_set(uint64_t khz)
{
	struct lvm_tsc_clock *c = &lvm_tsc_clock;
	uint64_t now = lvm_now_ns();

	c->mult = (uint64_t)(((unsigned __int128)1000000u << 32) / khz);
	c->tsc0 = lvm_rdtsc();
	c->ns0 = now;
	atomic_store_explicit(&c->on, true, memory_order_release);
}

/* lvm_clock_kernel_cost() - what one reading of the kernel's clock
 * costs, in TSC ticks (the least of 8). */
static inline uint64_t lvm_clock_kernel_cost(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 8; i++) {
		uint64_t t0 = lvm_rdtsc(), t;

		(void)lvm_kernel_ns();
		t = lvm_rdtsc() - t0;
		if (t < best)
			best = t;
	}
	return best;
}

/* lvm_clock_use_tsc() - the choice, once: the TSC (at (khz) kHz, 0:
 * unknown) when a reading of the kernel's clock costs a microsecond or
 * more (a system call), else the kernel's clock. Returns whether the TSC
 * was chosen; (*cost_ns), if not NULL, what the kernel's reading cost. */
static inline bool lvm_clock_use_tsc(uint64_t khz, uint64_t *cost_ns)
{
	uint64_t ticks = lvm_clock_kernel_cost();
	uint64_t ns = khz ? ticks * 1000000u / khz : 0;

	if (cost_ns)
		*cost_ns = ns;
	if (!khz || ns < 1000)
		return false;
	lvm_clock_tsc_set(khz);
	return true;
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

#endif
