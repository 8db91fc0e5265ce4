/*
 * test_bench_lvmclock.c — unit tests for bench/lvmclock.c: the "running"
 * clock of an lvm create put on the caller's clock, the clocks it must
 * refuse, and the pool check of a sample.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bench/lvmclock.h"

#define EPS 1e-9

static void test_running_is_returned_less_total_plus_ready(void **state)
{
	double out = -1.0;

	(void)state;
	/* 30 ms seen by the caller, 24 ms in lvmd, ready 39 ms after the
	 * request reached lvmd: 6 ms before lvmd at most, so 45 ms. */
	assert_int_equal(lvm_bench_running_ms(30.0, 24000000, 39000000, &out),
			 0);
	assert_float_equal(out, 45.0, EPS);
}

static void test_running_can_precede_returned(void **state)
{
	double out = -1.0;

	(void)state;
	/* Ready before the reply left lvmd. */
	assert_int_equal(lvm_bench_running_ms(10.0, 8000000, 5000000, &out), 0);
	assert_float_equal(out, 7.0, EPS);
}

static void test_running_equal_clocks(void **state)
{
	double out = -1.0;

	(void)state;
	assert_int_equal(lvm_bench_running_ms(8.0, 8000000, 0, &out), 0);
	assert_float_equal(out, 0.0, EPS);
}

static void test_running_refuses_impossible_clocks(void **state)
{
	double out = 123.0;

	(void)state;
	/* lvmd cannot take longer than the whole call. */
	assert_int_equal(lvm_bench_running_ms(5.0, 5000001, 1000, &out),
			 -EINVAL);
	assert_int_equal(lvm_bench_running_ms(-1.0, 0, 0, &out), -EINVAL);
	assert_int_equal(lvm_bench_running_ms(NAN, 0, 0, &out), -EINVAL);
	assert_int_equal(lvm_bench_running_ms(INFINITY, 0, 0, &out), -EINVAL);
	assert_float_equal(out, 123.0, EPS);
}

static void test_expect_parse(void **state)
{
	enum lvm_bench_pool_expect e = LVM_BENCH_POOL_ANY;

	(void)state;
	assert_int_equal(lvm_bench_pool_expect_parse("hit", &e), 0);
	assert_int_equal(e, LVM_BENCH_POOL_HIT);
	assert_int_equal(lvm_bench_pool_expect_parse("miss", &e), 0);
	assert_int_equal(e, LVM_BENCH_POOL_MISS);
	assert_int_equal(lvm_bench_pool_expect_parse("any", &e), 0);
	assert_int_equal(e, LVM_BENCH_POOL_ANY);
	assert_int_equal(lvm_bench_pool_expect_parse("", &e), -EINVAL);
	assert_int_equal(lvm_bench_pool_expect_parse("Hit", &e), -EINVAL);
	assert_int_equal(lvm_bench_pool_expect_parse("hits", &e), -EINVAL);
	assert_int_equal(e, LVM_BENCH_POOL_ANY);
}

static void test_pool_check(void **state)
{
	(void)state;
	assert_int_equal(lvm_bench_pool_check(LVM_BENCH_POOL_HIT, true), 0);
	assert_int_equal(lvm_bench_pool_check(LVM_BENCH_POOL_HIT, false),
			 -EAGAIN);
	assert_int_equal(lvm_bench_pool_check(LVM_BENCH_POOL_MISS, false), 0);
	assert_int_equal(lvm_bench_pool_check(LVM_BENCH_POOL_MISS, true),
			 -EAGAIN);
	assert_int_equal(lvm_bench_pool_check(LVM_BENCH_POOL_ANY, true), 0);
	assert_int_equal(lvm_bench_pool_check(LVM_BENCH_POOL_ANY, false), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_running_is_returned_less_total_plus_ready),
	    cmocka_unit_test(test_running_can_precede_returned),
	    cmocka_unit_test(test_running_equal_clocks),
	    cmocka_unit_test(test_running_refuses_impossible_clocks),
	    cmocka_unit_test(test_expect_parse),
	    cmocka_unit_test(test_pool_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
