/*
 * stats.h — the statistics the benchmark harness reports for a set of
 * samples: minimum, percentiles (p50, p90, p99), maximum and mean.
 *
 * Percentiles interpolate linearly between the two nearest ranks of the
 * sorted samples: percentile p of n samples is the value at rank
 * h = (n - 1) * p / 100, counted from 0, interpolated between ranks
 * floor(h) and floor(h) + 1. So p50 of an even count is the mean of the two
 * middle samples, p0 is the minimum and p100 the maximum, and one sample
 * is every percentile of itself.
 *
 * Errors: 0 or -errno. Nothing here exits or prints.
 */
#ifndef LVM_BENCH_STATS_H
#define LVM_BENCH_STATS_H

#include <stddef.h>

struct lvm_stats {
	size_t n;
	double min, p50, p90, p99, max, mean;
};

/*
 * lvm_percentile() - percentile (p), 0 to 100, of the (n) samples
 * (sorted), which must be in ascending order, into (*out).
 * Returns 0, -ENODATA if (n) is 0, -EDOM if (p) is outside [0, 100] or not
 * a number.
 */
int lvm_percentile(const double *sorted, size_t n, double p, double *out);

/*
 * lvm_stats_compute() - the statistics of the (n) samples (v) into (*out).
 * Sorts (v) in place (ascending).
 * Returns 0, -ENODATA if (n) is 0, -EINVAL if a sample is not a finite
 * number (then (v) is left unsorted and (*out) untouched).
 */
int lvm_stats_compute(double *v, size_t n, struct lvm_stats *out);

#endif
