/*
 * bucket.h — a token bucket over one 64-bit word (bucket.c): how often an
 * event channel port of a guest may be handled. Pure, unit-tested
 * (tests/unit/test_bucket.c). Internal to lvmd.
 *
 * The word is the bucket's "theoretical arrival time": each event taken
 * pushes it one interval later; an event is taken at once while it is at
 * most (burst - 1) intervals ahead of now, else it must wait until that
 * holds again. So at most (burst) events at once, then one per interval.
 */
#ifndef LVMD_BUCKET_H
#define LVMD_BUCKET_H

#include <stdbool.h>
#include <stdint.h>

/*
 * lvmd_bucket_take() - may an event be handled at (now) (monotonic ns)?
 * true: taken, (*tat) advanced by (interval_ns). false: not taken, (*tat)
 * unchanged, (*when) the earliest time at which it may be (> now).
 * (burst) 0 counts as 1.
 */
bool lvmd_bucket_take(uint64_t *tat, uint64_t now, uint64_t interval_ns,
		      uint32_t burst, uint64_t *when);

#endif
