/*
 * summary.h — from the raw samples of a run to one row of statistics per
 * series: what lvm-bench-stats does, as a function the tests can call.
 *
 * Input: raw CSV (sample.h) with a header row; the columns experiment,
 * system, mode, clock, running_guests and ms are found by name, in any
 * order; other columns (iteration) are ignored. A series is the samples
 * with the same experiment, system, mode, clock and running_guests.
 *
 * Output: CSV with the header
 *   experiment,system,mode,clock,running_guests,n,min,p50,p90,p99,max,mean
 * and one row per series, in the order the series first appear in the
 * input; durations in ms with three decimals (stats.h says how the
 * percentiles are computed).
 */
#ifndef LVM_BENCH_SUMMARY_H
#define LVM_BENCH_SUMMARY_H

#include <stddef.h>
#include <stdio.h>

#define LVM_SUMMARY_HEADER                                                     \
	"experiment,system,mode,clock,running_guests,n,min,p50,p90,p99,"       \
	"max,mean"

/*
 * lvm_summary_run() - read raw samples from (in), write the summary to
 * (out). An input with a header and no sample gives a header and no row.
 * Returns 0; -EINVAL for malformed input (no header, a missing column, a
 * row with a different number of fields than the header, a count or
 * duration that is not a non-negative number), with a message naming the
 * line in (err) of (errlen) bytes; -ENOMEM; -EIO if reading or writing
 * failed. Nothing is written to (out) unless the whole input is valid.
 */
int lvm_summary_run(FILE *in, FILE *out, char *err, size_t errlen);

#endif
