/*
 * steps.c — the clock that steps are timed on (steps.h).
 */
#include "steps.h"

_Atomic uint64_t lvm_steps_khz;

void lvm_steps_on_tsc(uint64_t khz)
{
	atomic_store(&lvm_steps_khz, khz);
}
