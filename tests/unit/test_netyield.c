/*
 * test_netyield.c — unit tests for the data path thread's scheduling
 * class (toolstack/lvmd/netyield.c): the moves between SCHED_IDLE and the
 * normal class from two readings, the readings' parsers, and, on this
 * machine's kernel, a thread that yields, and one that, starved by a busy
 * thread on its CPU, goes back to the normal class.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <unistd.h>
#include <cmocka.h>

#include "toolstack/common/clock.h"
#include "toolstack/lvmd/netyield.h"

#define MS 1000000ull

static struct lvmd_yield_sample at(uint64_t wait_ms, uint64_t turns,
				   uint64_t idle, uint64_t total)
{
	return (struct lvmd_yield_sample){ .wait_ns = wait_ms * MS,
					   .turns = turns,
					   .idle = idle,
					   .total = total };
}

/* Yielding: short waits stay; a long average wait per turn goes normal. */
static void test_yielding(void **state)
{
	struct lvmd_yield_sample a = at(100, 10, 0, 0), b;

	(void)state;
	b = at(110, 20, 0, 0); /* 1 ms a turn */
	assert_int_equal(lvmd_yield_decide(&a, &b, true, 0), LVMD_YIELD_STAY);
	b = at(100 + 49, 11, 0, 0); /* just under 50 ms */
	assert_int_equal(lvmd_yield_decide(&a, &b, true, 0), LVMD_YIELD_STAY);
	b = at(100 + 100, 12, 0, 0); /* 50 ms a turn */
	assert_int_equal(lvmd_yield_decide(&a, &b, true, 0),
			 LVMD_YIELD_TO_NORMAL);
	b = at(100 + 1500, 11, 0, 0); /* one turn after 1.5 s */
	assert_int_equal(lvmd_yield_decide(&a, &b, true, 0),
			 LVMD_YIELD_TO_NORMAL);
	b = at(100 + 60, 10, 0, 0); /* no turn counted, 60 ms waited */
	assert_int_equal(lvmd_yield_decide(&a, &b, true, 0),
			 LVMD_YIELD_TO_NORMAL);
	b = at(50, 30, 0, 0); /* went back: not this thread's */
	assert_int_equal(lvmd_yield_decide(&a, &b, true, 0), LVMD_YIELD_STAY);
	/* the CPU times do not count while yielding */
	b = at(101, 20, 1000, 1000);
	assert_int_equal(lvmd_yield_decide(&a, &b, true, 0), LVMD_YIELD_STAY);
}

/* In the normal class: held at least LVMD_YIELD_HOLD_NS, then back to
 * yielding once dom0's CPUs had 10% idle time, not before. */
static void test_normal(void **state)
{
	struct lvmd_yield_sample a = at(0, 0, 500, 10000), b;

	(void)state;
	b = at(0, 0, 500 + 100, 10000 + 1000); /* 10% idle */
	assert_int_equal(lvmd_yield_decide(&a, &b, false,
					   LVMD_YIELD_HOLD_NS - 1),
			 LVMD_YIELD_STAY);
	assert_int_equal(lvmd_yield_decide(&a, &b, false, LVMD_YIELD_HOLD_NS),
			 LVMD_YIELD_TO_IDLE);
	b = at(0, 0, 500 + 99, 10000 + 1000); /* 9.9% */
	assert_int_equal(lvmd_yield_decide(&a, &b, false, LVMD_YIELD_HOLD_NS),
			 LVMD_YIELD_STAY);
	b = at(9000, 9000, 500, 10000 + 1000); /* busy; its waits ignored */
	assert_int_equal(lvmd_yield_decide(&a, &b, false, 10 * LVMD_YIELD_HOLD_NS),
			 LVMD_YIELD_STAY);
	b = at(0, 0, 800, 10000); /* no tick between: nothing to say */
	assert_int_equal(lvmd_yield_decide(&a, &b, false, LVMD_YIELD_HOLD_NS),
			 LVMD_YIELD_STAY);
	b = at(0, 0, 400, 11000); /* went back */
	assert_int_equal(lvmd_yield_decide(&a, &b, false, LVMD_YIELD_HOLD_NS),
			 LVMD_YIELD_STAY);
	b = at(0, 0, 500 + 2000, 10000 + 1000); /* more idle than time */
	assert_int_equal(lvmd_yield_decide(&a, &b, false, LVMD_YIELD_HOLD_NS),
			 LVMD_YIELD_STAY);
}

static void test_parse_schedstat(void **state)
{
	struct lvmd_yield_sample s = { 0 };

	(void)state;
	assert_int_equal(lvmd_yield_parse_schedstat("3320993 4407000123 3\n",
						    &s), 0);
	assert_int_equal(s.wait_ns, 4407000123ull);
	assert_int_equal(s.turns, 3);
	assert_int_equal(lvmd_yield_parse_schedstat("1 2 3", &s), 0);
	assert_int_equal(lvmd_yield_parse_schedstat("", &s), -EINVAL);
	assert_int_equal(lvmd_yield_parse_schedstat("1 2\n", &s), -EINVAL);
	assert_int_equal(lvmd_yield_parse_schedstat("1 2 x\n", &s), -EINVAL);
	assert_int_equal(lvmd_yield_parse_schedstat("1 2 3 4\n", &s), -EINVAL);
	assert_int_equal(lvmd_yield_parse_schedstat("1 -2 3\n", &s), -EINVAL);
	assert_int_equal(lvmd_yield_parse_schedstat(
				 "1 99999999999999999999 3\n", &s),
			 -EINVAL);
	/* a refusal leaves the reading as it was */
	assert_int_equal(s.wait_ns, 2);
	assert_int_equal(s.turns, 3);
}

static void test_parse_stat(void **state)
{
	struct lvmd_yield_sample s = { 0 };

	(void)state;
	assert_int_equal(lvmd_yield_parse_stat(
				 "cpu  85 2 1029 1521 7 0 27 1452 0 0\n"
				 "cpu0 43 0 612 652 0 0 18 976 0 0\n",
				 &s),
			 0);
	assert_int_equal(s.idle, 1521 + 7);
	assert_int_equal(s.total, 85 + 2 + 1029 + 1521 + 7 + 0 + 27 + 1452);
	assert_int_equal(lvmd_yield_parse_stat("cpu0 43 0 612 652 0 0 18 976\n",
					       &s), -EINVAL);
	assert_int_equal(lvmd_yield_parse_stat("cpu  1 2 3 4 5 6 7\n", &s),
			 -EINVAL);
	assert_int_equal(lvmd_yield_parse_stat("intr 1 2 3 4 5 6 7 8\n", &s),
			 -EINVAL);
	assert_int_equal(lvmd_yield_parse_stat(
				 "cpu  18446744073709551615 1 0 0 0 0 0 0\n",
				 &s),
			 -EINVAL);
	assert_int_equal(s.idle, 1521 + 7);
}

/* ---- on this machine's kernel ---- */

struct live {
	bool enabled;
	int cpu;                     /* both threads on it; -1: not pinned */
	atomic_bool hog_stop;
	/* what the yielding thread saw */
	bool usable, on_at_start, on_at_end;
	int policy_at_start, policy_at_end;
	uint64_t starved;
};

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	assert_int_equal(sched_setaffinity(0, sizeof(set), &set), 0);
}

static void *hog(void *arg)
{
	struct live *lv = arg;

	pin(lv->cpu);
	while (!atomic_load(&lv->hog_stop))
		;
	return NULL;
}

/* yielder: start, then tick until it has gone back to the normal class
 * or 10 s have passed. */
static void *yielder(void *arg)
{
	struct live *lv = arg;
	struct lvmd_yield y;
	uint64_t t0;

	pin(lv->cpu);
	lvmd_yield_start(&y, lv->enabled);
	lv->usable = y.usable;
	lv->on_at_start = y.on;
	lv->policy_at_start = sched_getscheduler(0);
	t0 = lvm_now_ns();
	while (y.on && lvm_now_ns() - t0 < 10000 * MS)
		lvmd_yield_tick(&y, lvm_now_ns());
	lv->on_at_end = y.on;
	lv->policy_at_end = sched_getscheduler(0);
	lv->starved = y.starved;
	lvmd_yield_stop(&y);
	return NULL;
}

/* allowed_main: the oracle for this process's rights: SCHED_IDLE and
 * back on a thread of its own. */
static void *allowed_main(void *arg)
{
	struct sched_param p = { 0 };

	*(bool *)arg = sched_setscheduler(0, SCHED_IDLE, &p) == 0 &&
		       sched_setscheduler(0, SCHED_OTHER, &p) == 0;
	return NULL;
}

static bool allowed(void)
{
	pthread_t t;
	bool ok = false;

	assert_int_equal(pthread_create(&t, NULL, allowed_main, &ok), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	return ok;
}

static int first_cpu(void)
{
	cpu_set_t set;

	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			return i;
	return -1;
}

/* Turned off: the thread never leaves the normal class. */
static void test_live_off(void **state)
{
	struct live lv = { .enabled = false, .cpu = -1 };
	pthread_t t;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, yielder, &lv), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_false(lv.usable);
	assert_false(lv.on_at_start);
	assert_int_equal(lv.policy_at_start, SCHED_OTHER);
	assert_int_equal(lv.policy_at_end, SCHED_OTHER);
}

/* On, with a thread that never sleeps on its CPU: it yields at first,
 * is starved, and goes back to the normal class (once). Where the kernel
 * has no schedstat, or the process may not leave SCHED_IDLE, it must never
 * have yielded. */
static void test_live_starved(void **state)
{
	struct live lv = { .enabled = true, .cpu = first_cpu() };
	pthread_t h, t;
	bool can = access("/proc/thread-self/schedstat", R_OK) == 0 &&
		   access("/proc/stat", R_OK) == 0 && allowed();

	(void)state;
	atomic_init(&lv.hog_stop, false);
	assert_int_equal(pthread_create(&h, NULL, hog, &lv), 0);
	assert_int_equal(pthread_create(&t, NULL, yielder, &lv), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	atomic_store(&lv.hog_stop, true);
	assert_int_equal(pthread_join(h, NULL), 0);
	if (!can) {
		assert_false(lv.usable);
		assert_int_equal(lv.policy_at_start, SCHED_OTHER);
		return;
	}
	assert_true(lv.usable);
	assert_true(lv.on_at_start);
	assert_int_equal(lv.policy_at_start, SCHED_IDLE);
	assert_false(lv.on_at_end);
	assert_int_equal(lv.policy_at_end, SCHED_OTHER);
	assert_int_equal(lv.starved, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yielding),
		cmocka_unit_test(test_normal),
		cmocka_unit_test(test_parse_schedstat),
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_live_off),
		cmocka_unit_test(test_live_starved),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
