/*
 * test_bench_stats.c — unit tests for bench/stats.c: percentiles on small,
 * odd and even samples, the summary, and the inputs it must refuse.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bench/stats.h"

#define EPS 1e-9

static double pct(const double *v, size_t n, double p)
{
	double out = -1.0;

	assert_int_equal(lvm_percentile(v, n, p, &out), 0);
	return out;
}

/* Percentiles of small samples: (n) values, percentile (p), expected. */
static const struct {
	const char *what;
	size_t n;
	double v[6];
	double p, want;
} pct_cases[] = {
	{"one sample is every percentile", 1, {7.5}, 0, 7.5},
	{"one sample is every percentile", 1, {7.5}, 50, 7.5},
	{"one sample is every percentile", 1, {7.5}, 99, 7.5},
	{"one sample is every percentile", 1, {7.5}, 100, 7.5},
	{"two samples interpolate", 2, {10, 20}, 0, 10},
	{"two samples interpolate", 2, {10, 20}, 50, 15},
	{"two samples interpolate", 2, {10, 20}, 90, 19},
	{"two samples interpolate", 2, {10, 20}, 100, 20},
	{"odd count: median is the middle", 5, {1, 2, 3, 4, 100}, 50, 3},
	/* rank 0.9 * 4 = 3.6: 4 + 0.6 * (100 - 4) */
	{"odd count, rank 3.6", 5, {1, 2, 3, 4, 100}, 90, 61.6},
	/* rank 0.99 * 4 = 3.96 */
	{"odd count, rank 3.96", 5, {1, 2, 3, 4, 100}, 99, 4 + 0.96 * 96},
	{"even count: median is the mean of the middle", 6, {1, 2, 3, 4, 5, 6}, 50, 3.5},
	{"even count, lowest", 6, {1, 2, 3, 4, 5, 6}, 0, 1},
	{"even count, highest", 6, {1, 2, 3, 4, 5, 6}, 100, 6},
	/* rank 0.9 * 5 = 4.5 */
	{"even count, rank 4.5", 6, {1, 2, 3, 4, 5, 6}, 90, 5.5},
};

static void test_small_samples(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pct_cases) / sizeof(pct_cases[0]); i++) {
		double got = pct(pct_cases[i].v, pct_cases[i].n, pct_cases[i].p);

		if (fabs(got - pct_cases[i].want) > EPS)
			fail_msg("%s: p%g of %zu samples is %g, want %g",
				 pct_cases[i].what, pct_cases[i].p,
				 pct_cases[i].n, got, pct_cases[i].want);
	}
}

static void test_hundred_samples(void **state)
{
	double v[101];
	size_t i;

	(void)state;
	for (i = 0; i <= 100; i++)
		v[i] = (double)i;
	assert_float_equal(pct(v, 101, 50), 50, EPS);
	assert_float_equal(pct(v, 101, 90), 90, EPS);
	assert_float_equal(pct(v, 101, 99), 99, EPS);
}

static void test_percentile_of_nothing(void **state)
{
	double out = 42;

	(void)state;
	assert_int_equal(lvm_percentile(NULL, 0, 50, &out), -ENODATA);
	assert_float_equal(out, 42, EPS);
}

static void test_percentile_out_of_range(void **state)
{
	const double v[] = {1, 2};
	double out;

	(void)state;
	assert_int_equal(lvm_percentile(v, 2, -1, &out), -EDOM);
	assert_int_equal(lvm_percentile(v, 2, 100.5, &out), -EDOM);
	assert_int_equal(lvm_percentile(v, 2, NAN, &out), -EDOM);
}

static void test_compute_sorts_and_summarises(void **state)
{
	double v[] = {9, 1, 5, 3, 7};
	struct lvm_stats s;

	(void)state;
	assert_int_equal(lvm_stats_compute(v, 5, &s), 0);
	assert_int_equal(s.n, 5);
	assert_float_equal(s.min, 1, EPS);
	assert_float_equal(s.max, 9, EPS);
	assert_float_equal(s.p50, 5, EPS);
	assert_float_equal(s.mean, 5, EPS);
	assert_float_equal(s.p90, 7 + 0.6 * 2, EPS);
	assert_float_equal(v[0], 1, EPS);
	assert_float_equal(v[4], 9, EPS);
}

static void test_compute_with_ties(void **state)
{
	double v[] = {2, 2, 2, 2};
	struct lvm_stats s;

	(void)state;
	assert_int_equal(lvm_stats_compute(v, 4, &s), 0);
	assert_float_equal(s.min, 2, EPS);
	assert_float_equal(s.p99, 2, EPS);
	assert_float_equal(s.mean, 2, EPS);
}

static void test_compute_empty(void **state)
{
	struct lvm_stats s = {.n = 99};

	(void)state;
	assert_int_equal(lvm_stats_compute(NULL, 0, &s), -ENODATA);
	assert_int_equal(s.n, 99);
}

static void test_compute_refuses_non_finite(void **state)
{
	double v[] = {3, NAN, 1};
	double w[] = {3, INFINITY};
	struct lvm_stats s = {.n = 99};

	(void)state;
	assert_int_equal(lvm_stats_compute(v, 3, &s), -EINVAL);
	assert_int_equal(lvm_stats_compute(w, 2, &s), -EINVAL);
	assert_int_equal(s.n, 99);
	assert_float_equal(v[0], 3, EPS); /* left unsorted */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_small_samples),
	    cmocka_unit_test(test_hundred_samples),
	    cmocka_unit_test(test_percentile_of_nothing),
	    cmocka_unit_test(test_percentile_out_of_range),
	    cmocka_unit_test(test_compute_sorts_and_summarises),
	    cmocka_unit_test(test_compute_with_ties),
	    cmocka_unit_test(test_compute_empty),
	    cmocka_unit_test(test_compute_refuses_non_finite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
