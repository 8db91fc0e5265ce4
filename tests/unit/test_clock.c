/*
 * test_clock.c — unit tests for the monotonic clock's TSC source
 * (toolstack/common/clock.h): the scaling from ticks to nanoseconds, the
 * clock continued across the switch, a TSC read behind the anchor, and the
 * choice.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "toolstack/common/clock.h"

static int reset(void **state)
{
	(void)state;
	memset(&lvm_tsc_clock, 0, sizeof(lvm_tsc_clock));
	return 0;
}

/* Ticks since the anchor, read before and after (n), a reading of the
 * clock: at 1,000,000 kHz a tick is a nanosecond, at 2,000,000 half. */
static void bracket(uint64_t khz)
{
	const struct lvm_tsc_clock *c = &lvm_tsc_clock;

	lvm_clock_tsc_set(khz);
	for (int i = 0; i < 1000; i++) {
		uint64_t d1 = lvm_rdtsc() - c->tsc0;
		uint64_t n = lvm_now_ns() - c->ns0;
		uint64_t d2 = lvm_rdtsc() - c->tsc0;

		assert_true(n >= d1 * 1000000u / khz);
		assert_true(n <= d2 * 1000000u / khz + 1);
	}
}

static void test_scale_1ghz(void **state)
{
	(void)state;
	bracket(1000000);
}

static void test_scale_2ghz(void **state)
{
	(void)state;
	bracket(2000000);
}

/* A rate with a remainder: 2,096,021 kHz, a tick 0.477094... ns. */
static void test_scale_odd(void **state)
{
	(void)state;
	bracket(2096021);
	/* and a day's ticks do not overflow, nor lose more than 100 us to
	 * the scale's rounding (7 us at this rate) */
	lvm_tsc_clock.tsc0 = lvm_rdtsc() - 2096021000ull * 86400;
	assert_true(lvm_now_ns() - lvm_tsc_clock.ns0 >=
		    86400ull * 1000000000 - 100000);
	assert_true(lvm_now_ns() - lvm_tsc_clock.ns0 <
		    86401ull * 1000000000);
}

/* The switch continues the clock read so far, and it never goes back. */
static void test_continues(void **state)
{
	uint64_t before, after, last;

	(void)state;
	assert_false(atomic_load(&lvm_tsc_clock.on));
	before = lvm_now_ns();
	lvm_clock_tsc_set(1000000);
	after = lvm_now_ns();
	assert_true(atomic_load(&lvm_tsc_clock.on));
	assert_true(after >= before);
	assert_true(lvm_tsc_clock.ns0 >= before && lvm_tsc_clock.ns0 <= after);
	last = after;
	for (int i = 0; i < 10000; i++) {
		uint64_t t = lvm_now_ns();

		assert_true(t >= last);
		last = t;
	}
}

/* A TSC behind the anchor (another CPU's, a little late) reads as the
 * anchor, never as a time far ahead. */
static void test_behind_anchor(void **state)
{
	(void)state;
	lvm_clock_tsc_set(1000000);
	lvm_tsc_clock.tsc0 = lvm_rdtsc() + 1000000000ull;
	assert_int_equal(lvm_now_ns(), lvm_tsc_clock.ns0);
}

/* The choice, by what a reading of the kernel's clock costs at the rate
 * given: no rate, the kernel's clock; a rate so fast that any reading
 * costs under a microsecond, kept; a rate at which the reading measured
 * here costs 10 us, the TSC. The cost is reported either way. */
static void test_choice(void **state)
{
	uint64_t cost = 12345, ticks;

	(void)state;
	assert_false(lvm_clock_use_tsc(0, &cost));
	assert_false(atomic_load(&lvm_tsc_clock.on));
	assert_false(lvm_clock_use_tsc(1ull << 50, &cost));
	assert_int_equal(cost, 0);
	assert_false(atomic_load(&lvm_tsc_clock.on));
	ticks = lvm_clock_kernel_cost();
	if (ticks == 0)
		ticks = 1;
	assert_true(lvm_clock_use_tsc(ticks * 100, &cost));
	assert_true(cost >= 1000);
	assert_true(atomic_load(&lvm_tsc_clock.on));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_scale_1ghz, reset),
	    cmocka_unit_test_setup(test_scale_2ghz, reset),
	    cmocka_unit_test_setup(test_scale_odd, reset),
	    cmocka_unit_test_setup(test_continues, reset),
	    cmocka_unit_test_setup(test_behind_anchor, reset),
	    cmocka_unit_test_setup(test_choice, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
