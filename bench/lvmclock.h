/*
 * lvmclock.h — the two clocks of one `lvm create` as the harness reports
 * them, and the pool check of a sample; pure arithmetic, shared by the
 * library tool (lvm-bench-lvm) and unit-tested.
 *
 * "returned" is the caller's own clock: from just before the create call
 * (or the fork of `lvm create`) to its return. "running" ends at the
 * guest's ready mark, which lvmd measures from the moment it received the
 * request (ready_ns) on dom0's clock. The caller's share before lvmd
 * received the request is at most returned − total_ns (lvmd's request
 * received → reply), so
 *
 *     running = returned − total + ready
 *
 * an upper bound: it also counts the reply's way back (and, for a
 * command, the command's exit), never less than the truth.
 */
#ifndef LVM_BENCH_LVMCLOCK_H
#define LVM_BENCH_LVMCLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* What a sample's create must have been: from the pool, cold, either. */
enum lvm_bench_pool_expect {
	LVM_BENCH_POOL_ANY = 0,
	LVM_BENCH_POOL_HIT = 1,
	LVM_BENCH_POOL_MISS = 2,
};

/*
 * lvm_bench_running_ms() - the "running" clock in ms from (returned_ms),
 * the caller's create time, and lvmd's (total_ns) and (ready_ns) of the
 * same create, into (*out).
 * Returns 0; -EINVAL if (returned_ms) is negative or not a number, or if
 * lvmd's total is longer than the caller's whole create (clocks that
 * cannot be compared).
 */
int lvm_bench_running_ms(double returned_ms, uint64_t total_ns,
			 uint64_t ready_ns, double *out);

/*
 * lvm_bench_pool_expect_parse() - "hit", "miss" or "any" into (*out).
 * Returns 0 or -EINVAL.
 */
int lvm_bench_pool_expect_parse(const char *s, enum lvm_bench_pool_expect *out);

/*
 * lvm_bench_pool_check() - whether a create that was (hit) from the pool
 * or not meets (want). Returns 0, or -EAGAIN if it does not.
 */
int lvm_bench_pool_check(enum lvm_bench_pool_expect want, bool hit);

#endif
