/*
 * test_timer.c — unit tests for the library OS's timers
 * (guests/libos/timer.c), built hosted: order of expiry, cancel, re-arm
 * from a callback, the next deadline the event loop sleeps until.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libos/loop.h>

static int order[8], fired;

static void record(struct libos_timer *t)
{
	order[fired++] = (int)(intptr_t)t->arg;
}

/* Re-arms itself 10 ns later, twice. */
static void again(struct libos_timer *t)
{
	record(t);
	if (fired < 3)
		libos_timer_arm(t, t->deadline_ns + 10);
}

static int reset(void **state)
{
	(void)state;
	fired = 0;
	assert_int_equal(libos_timer_next(), 0);
	return 0;
}

static void test_expiry_order(void **state)
{
	struct libos_timer a, b, c;

	(void)state;
	libos_timer_init(&a, record, (void *)1);
	libos_timer_init(&b, record, (void *)2);
	libos_timer_init(&c, record, (void *)3);
	libos_timer_arm(&a, 300);
	libos_timer_arm(&b, 100);
	libos_timer_arm(&c, 200);
	assert_int_equal(libos_timer_next(), 100);
	assert_int_equal(libos_timer_run(99), 0);
	assert_int_equal(libos_timer_run(250), 2);
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 3);
	assert_int_equal(libos_timer_next(), 300);
	assert_int_equal(libos_timer_run(1000), 1);
	assert_int_equal(order[2], 1);
	assert_int_equal(libos_timer_next(), 0);
}

static void test_cancel_and_rearm(void **state)
{
	struct libos_timer a, b;

	(void)state;
	libos_timer_init(&a, record, (void *)1);
	libos_timer_init(&b, record, (void *)2);
	libos_timer_arm(&a, 100);
	libos_timer_arm(&b, 200);
	libos_timer_cancel(&a);
	libos_timer_cancel(&a);                 /* harmless twice */
	assert_int_equal(libos_timer_next(), 200);
	libos_timer_arm(&b, 50);                /* moved, not doubled */
	assert_int_equal(libos_timer_next(), 50);
	assert_int_equal(libos_timer_run(1000), 1);
	assert_int_equal(order[0], 2);
	assert_int_equal(libos_timer_next(), 0);
}

static void test_rearm_from_callback(void **state)
{
	struct libos_timer a;

	(void)state;
	libos_timer_init(&a, again, (void *)7);
	libos_timer_arm(&a, 100);
	assert_int_equal(libos_timer_run(100), 1);      /* re-armed at 110 */
	assert_int_equal(libos_timer_next(), 110);
	assert_int_equal(libos_timer_run(1000), 2);     /* 110, then 120 */
	assert_int_equal(fired, 3);
	assert_int_equal(libos_timer_next(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_expiry_order, reset),
		cmocka_unit_test_setup(test_cancel_and_rearm, reset),
		cmocka_unit_test_setup(test_rearm_from_callback, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
