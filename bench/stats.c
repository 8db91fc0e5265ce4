/*
 * stats.c — percentiles and summaries of samples (stats.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "bench/stats.h"

int lvm_percentile(const double *sorted, size_t n, double p, double *out)
{
	double h, frac;
	size_t lo;

	if (n == 0)
		return -ENODATA;
	if (!(p >= 0.0 && p <= 100.0))
		return -EDOM;
	h = (double)(n - 1) * p / 100.0;
	lo = (size_t)floor(h);
	if (lo >= n - 1) {
		*out = sorted[n - 1];
		return 0;
	}
	frac = h - (double)lo;
	*out = sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int lvm_stats_compute(double *v, size_t n, struct lvm_stats *out)
{
	struct lvm_stats s = {.n = n};
	double sum = 0.0;
	size_t i;

	if (n == 0)
		return -ENODATA;
	for (i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			return -EINVAL;
		sum += v[i];
	}
	qsort(v, n, sizeof(*v), cmp_double);
	s.min = v[0];
	s.max = v[n - 1];
	s.mean = sum / (double)n;
	/* Cannot fail: n > 0 and the ranks are constants in range. */
	lvm_percentile(v, n, 50.0, &s.p50);
	lvm_percentile(v, n, 90.0, &s.p90);
	lvm_percentile(v, n, 99.0, &s.p99);
	*out = s;
	return 0;
}
