/*
 * test_steps.c — the clock steps are timed on (toolstack/engine/steps.h):
 * the TSC's ticks in nanoseconds at a rate, and the choice of clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "toolstack/engine/steps.h"

/* Ticks at a rate: whole and partial nanoseconds, rates below and above
 * 1 GHz. */
static void test_tsc_ns(void **state)
{
	(void)state;
	assert_int_equal(lvm_tsc_ns(0, 2000000000u, 2000000u),
			 1000000000u);
	assert_int_equal(lvm_tsc_ns(100, 103, 3000000u), 1);
	assert_int_equal(lvm_tsc_ns(100, 102, 3000000u), 0);
	assert_int_equal(lvm_tsc_ns(5, 5 + 2500000u, 2500000u),
			 1000000u);
	assert_int_equal(lvm_tsc_ns(0, 1000u, 500000u), 2000u);
}

/* A TSC that went back, or did not move, is 0; a count past 64 bits of
 * nanoseconds is the largest. */
static void test_tsc_bounds(void **state)
{
	(void)state;
	assert_int_equal(lvm_tsc_ns(1000, 999, 2000000u), 0);
	assert_int_equal(lvm_tsc_ns(1000, 1000, 2000000u), 0);
	assert_true(lvm_tsc_ns(0, UINT64_MAX, 1u) == UINT64_MAX);
	assert_true(lvm_tsc_ns(0, UINT64_MAX, 1000000u) ==
		    UINT64_MAX);
}

/* With no rate, a step is on the monotonic clock; with one, its start
 * is a TSC reading. */
static void test_clock_choice(void **state)
{
	uint64_t before, start, after;

	(void)state;
	lvm_steps_on_tsc(0);
	before = lvm_now_ns();
	start = lvm_step_start();
	after = lvm_now_ns();
	assert_true(before <= start && start <= after);
	assert_true(lvm_step_ns(start) < 60000000000ull);
	assert_int_equal(lvm_step_at(7, 9), 7);

	lvm_steps_on_tsc(2000000u);
	before = lvm_rdtsc();
	start = lvm_step_start();
	after = lvm_rdtsc();
	assert_true(before <= start && start <= after);
	assert_int_equal(lvm_step_at(7, 9), 9);
	assert_int_equal(lvm_step_ns(UINT64_MAX), 0);
	lvm_steps_on_tsc(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tsc_ns),
		cmocka_unit_test(test_tsc_bounds),
		cmocka_unit_test(test_clock_choice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
