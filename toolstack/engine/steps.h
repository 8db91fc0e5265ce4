/*
 * steps.h — how long one step of building or creating a guest took: the
 * phases of lvm_timing, lvm_shell's t, lvmd's attach figures.
 *
 * A step is timed on the TSC once lvm_steps_on_tsc() has its rate (lvmd
 * gives Xen's figure at its start, before any thread builds), else on
 * lvm_now_ns(). In a PV dom0 under Xen's default clock source, reading
 * CLOCK_MONOTONIC is a system call (18 µs each in the test box; a create
 * from a pool built ahead timed some 15 steps); reading the TSC is one
 * instruction, and the ready mark already relies on dom0's TSC. Never for
 * deadlines or anything compared across steps: those are lvm_now_ns().
 */
#ifndef LVM_ENGINE_STEPS_H
#define LVM_ENGINE_STEPS_H

#include <stdatomic.h>
#include <stdint.h>

#include "toolstack/common/clock.h"

/* The TSC's rate in kHz while steps are timed on it; 0: lvm_now_ns(). */
extern _Atomic uint64_t lvm_steps_khz;

/*
 * lvm_steps_on_tsc() - time steps on the TSC from now on, at (khz) (0:
 * on lvm_now_ns()). Called once, before any step is timed: a step
 * started on one clock and ended on the other would be wrong.
 */
void lvm_steps_on_tsc(uint64_t khz);

/* lvm_step_start() - the start of a step, for lvm_step_ns(). */
static inline uint64_t lvm_step_start(void)
{
	return atomic_load_explicit(&lvm_steps_khz, memory_order_relaxed) ?
		       lvm_rdtsc() : lvm_now_ns();
}

/*
 * lvm_step_at() - the start of a step taken earlier on both clocks:
 * (tsc) from lvm_rdtsc(), (ns) from lvm_now_ns(), whichever steps are
 * timed on.
 */
static inline uint64_t lvm_step_at(uint64_t ns, uint64_t tsc)
{
	return atomic_load_explicit(&lvm_steps_khz, memory_order_relaxed) ?
		       tsc : ns;
}

/* lvm_step_ns() - nanoseconds from (start), an lvm_step_start(), to now. */
static inline uint64_t lvm_step_ns(uint64_t start)
{
	uint64_t khz = atomic_load_explicit(&lvm_steps_khz,
					    memory_order_relaxed);

	if (!khz)
		return lvm_now_ns() - start;
	return lvm_tsc_ns(start, lvm_rdtsc(), khz);
}

#endif
