/*
 * test_bucket.c — unit tests for the token bucket of a guest's event
 * channel port (toolstack/lvmd/bucket.c): a burst taken at once, then one
 * event per interval, the time to wait when refused, a pause refilling
 * the burst but never more, a burst of 0 or 1.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "toolstack/lvmd/bucket.h"

#define MS 1000000ull

/* take_all: how many events are taken at (now), at most (max). */
static unsigned take_all(uint64_t *tat, uint64_t now, uint64_t iv,
			 uint32_t burst, unsigned max, uint64_t *when)
{
	unsigned n = 0;

	while (n < max && lvmd_bucket_take(tat, now, iv, burst, when))
		n++;
	return n;
}

static void test_burst_then_rate(void **state)
{
	uint64_t tat = 0, when = 0, now = 1000 * MS;

	(void)state;
	assert_int_equal(take_all(&tat, now, 5 * MS, 8, 100, &when), 8);
	/* refused: the next one may be taken one interval on */
	assert_int_equal(when, now + 5 * MS);
	assert_false(lvmd_bucket_take(&tat, now + 5 * MS - 1, 5 * MS, 8, &when));
	assert_true(lvmd_bucket_take(&tat, when, 5 * MS, 8, &when));
	assert_false(lvmd_bucket_take(&tat, now + 5 * MS, 5 * MS, 8, &when));
	assert_int_equal(when, now + 10 * MS);
}

static void test_rate_over_a_second(void **state)
{
	uint64_t tat = 0, when = 0, t;
	unsigned taken = 0;

	(void)state;
	/* a guest notifying every 10 us for a second: 8 + 1000 ms / 5 ms */
	for (t = 0; t < 1000 * MS; t += 10000)
		taken += lvmd_bucket_take(&tat, 5000 * MS + t, 5 * MS, 8, &when);
	assert_in_range(taken, 8 + 199, 8 + 200);
}

static void test_pause_refills_burst_only(void **state)
{
	uint64_t tat = 0, when = 0, now = 1000 * MS;

	(void)state;
	assert_int_equal(take_all(&tat, now, 5 * MS, 4, 100, &when), 4);
	/* an hour of silence gives back the burst, not more */
	now += 3600000 * MS;
	assert_int_equal(take_all(&tat, now, 5 * MS, 4, 100, &when), 4);
	assert_int_equal(when, now + 5 * MS);
}

static void test_small_bursts(void **state)
{
	uint64_t tat = 0, when = 0, now = 1000 * MS;

	(void)state;
	assert_int_equal(take_all(&tat, now, 5 * MS, 0, 100, &when), 1);
	assert_int_equal(when, now + 5 * MS);
	tat = 0;
	assert_int_equal(take_all(&tat, now, 5 * MS, 1, 100, &when), 1);
	assert_int_equal(when, now + 5 * MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_rate),
		cmocka_unit_test(test_rate_over_a_second),
		cmocka_unit_test(test_pause_refills_burst_only),
		cmocka_unit_test(test_small_bursts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
