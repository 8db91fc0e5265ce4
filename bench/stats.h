/*
 * stats.h — the few statistics the benchmark tools print: median, minimum
 * and maximum of a series of durations. Header-only; host code.
 */
#ifndef LVM_BENCH_STATS_H
#define LVM_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

struct lvm_stats {
	double median, min, max;
};

static int lvm_stats_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * lvm_stats_of() - the median, minimum and maximum of the (n) values at
 * (v), which it sorts in place. (n) 0 gives zeros.
 */
static inline struct lvm_stats lvm_stats_of(double *v, size_t n)
{
	struct lvm_stats s = { 0, 0, 0 };

	if (n == 0)
		return s;
	qsort(v, n, sizeof(*v), lvm_stats_cmp);
	s.min = v[0];
	s.max = v[n - 1];
	s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return s;
}

/* lvm_mono_ns() - CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t lvm_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
