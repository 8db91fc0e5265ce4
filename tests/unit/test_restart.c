/*
 * test_restart.c — unit tests for the restart budget and back-off of a
 * rebooting guest (toolstack/lvmd/restart.c): the delays of a loop, the
 * end of the budget, a fresh start for a guest that ran long enough.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <cmocka.h>

#include "toolstack/lvmd/restart.h"

#define MS 1000000ull
#define T0 (1000 * MS)               /* a monotonic clock is never 0 */

/* The k-th restart of a window waits this long (k from 1). */
static const uint64_t want_ms[LVMD_RESTART_BUDGET] = {
	0, 100, 200, 400, 800, 1600, 2000, 2000,
};

static void test_backoff_then_budget(void **state)
{
	struct lvmd_restarts r = { 0 };
	uint64_t now = T0, delay;

	(void)state;
	for (unsigned k = 0; k < LVMD_RESTART_BUDGET; k++) {
		delay = 12345;
		if (lvmd_restart_next(&r, now, &delay) != 0)
			fail_msg("restart %u refused", k + 1);
		if (delay != want_ms[k] * MS)
			fail_msg("restart %u: %llu ms, want %llu", k + 1,
				 (unsigned long long)(delay / MS),
				 (unsigned long long)want_ms[k]);
		assert_int_equal(r.count, k + 1);
		now += delay + 50 * MS;      /* it ran 50 ms, then rebooted */
	}
	assert_int_equal(lvmd_restart_next(&r, now, &delay), -ELOOP);
	assert_int_equal(lvmd_restart_next(&r, now + MS, &delay), -ELOOP);
	assert_int_equal(r.count, LVMD_RESTART_BUDGET);
}

/* A guest that ran a whole window since its last restart (its rebuild,
 * after the wait) starts afresh; one that ran a little less does not. */
static void test_uptime_resets(void **state)
{
	struct lvmd_restarts r = { 0 };
	uint64_t now = T0, delay;

	(void)state;
	for (unsigned k = 0; k < LVMD_RESTART_BUDGET - 1; k++) {
		assert_int_equal(lvmd_restart_next(&r, now, &delay), 0);
		now += delay;                /* rebuilt now */
	}
	/* ran just under a window: the last restart of the budget */
	now += LVMD_RESTART_WINDOW_MS * MS - 1;
	assert_int_equal(lvmd_restart_next(&r, now, &delay), 0);
	assert_int_equal(delay, 2000 * MS);
	now += delay;
	/* ran a whole window: afresh, no wait */
	now += LVMD_RESTART_WINDOW_MS * MS;
	assert_int_equal(lvmd_restart_next(&r, now, &delay), 0);
	assert_int_equal(delay, 0);
	assert_int_equal(r.count, 1);
	assert_int_equal(lvmd_restart_next(&r, now + MS, &delay), 0);
	assert_int_equal(delay, 100 * MS);
}

/* Slow rebuilds do not stretch the budget: 10 s between two reboots,
 * 9 s of it building, is still a loop. */
static void test_slow_rebuilds(void **state)
{
	struct lvmd_restarts r = { 0 };
	uint64_t now = T0, delay;
	unsigned k = 0;

	(void)state;
	while (k < 100 && lvmd_restart_next(&r, now, &delay) == 0) {
		now += delay + 10000 * MS;
		k++;
	}
	assert_int_equal(k, LVMD_RESTART_BUDGET);
}

/* A guest rebooting once a minute, or less often, always restarts at
 * once. */
static void test_rare_reboots(void **state)
{
	struct lvmd_restarts r = { 0 };
	uint64_t delay;

	(void)state;
	for (unsigned k = 0; k < 3 * LVMD_RESTART_BUDGET; k++) {
		assert_int_equal(lvmd_restart_next(&r, T0 + k *
						   LVMD_RESTART_WINDOW_MS * MS,
						   &delay), 0);
		assert_int_equal(delay, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_then_budget),
		cmocka_unit_test(test_uptime_resets),
		cmocka_unit_test(test_slow_rebuilds),
		cmocka_unit_test(test_rare_reboots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
