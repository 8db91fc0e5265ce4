/*
 * timer.h — the clock the harness's tools time durations on.
 *
 * dom0's CLOCK_MONOTONIC can stand still for milliseconds in a PV dom0
 * (lvm-bench-clock, docs/benchmarks.md "Reading the numbers from the
 * box"); a duration that starts or ends in a stand-still is off by as
 * much. The TSC does not stand still, and lvmd already times its steps
 * on it at Xen's rate (toolstack/engine/steps.h), as liblvm then times
 * the client's round trip (lvm_timing's tsc_khz). So a tool's durations
 * are readings of lvm_bench_now() turned into milliseconds by lvm_ms():
 * on the TSC at Xen's rate once lvm_bench_timer_init() found it (dom0,
 * as root), else on lvm_now_ns(). Deadlines stay on lvm_now_ns().
 */
#ifndef LVM_BENCH_TIMER_H
#define LVM_BENCH_TIMER_H

#include <stdint.h>

/*
 * lvm_bench_timer_init() - time on the TSC at Xen's rate (xc_physinfo's
 * cpu_khz) if Xen gives it to this process, else on CLOCK_MONOTONIC; once,
 * before the first lvm_bench_now(). Says nothing either way.
 * Returns the rate in kHz, or 0 for CLOCK_MONOTONIC.
 */
uint64_t lvm_bench_timer_init(void);

/* lvm_bench_timer_set() - time on the TSC at (khz) (0: CLOCK_MONOTONIC). */
void lvm_bench_timer_set(uint64_t khz);

/* lvm_bench_timer_khz() - the rate timed at, 0 for CLOCK_MONOTONIC. */
uint64_t lvm_bench_timer_khz(void);

/* lvm_bench_now() - a reading, for lvm_ms(). */
uint64_t lvm_bench_now(void);

/* lvm_ms() - the milliseconds from reading (t0) to reading (t1) (0 if
 * (t1) is not later). */
double lvm_ms(uint64_t t0, uint64_t t1);

#endif
