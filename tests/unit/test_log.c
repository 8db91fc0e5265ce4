/*
 * test_log.c — unit tests for the rate limit of the log
 * (toolstack/engine/log.c): a call site's token bucket (burst, refill,
 * its cap, the count of lines dropped), and lvm_log() through it: the
 * "suppressed" line before the next line that passes, sites apart.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "toolstack/engine/log.h"

#define SEC 1000000000ull
#define T0 (5 * SEC)

static void test_bucket_burst_then_rate(void **state)
{
	struct lvm_log_bucket b = { .site = "x", .last_ns = T0,
				    .credit_ns = 3 * SEC / 2 };
	unsigned passed = 0;

	(void)state;
	/* 3 in a row at 2 a second, then no more at the same instant */
	for (int i = 0; i < 10; i++)
		passed += lvm_log_bucket_take(&b, T0, 3, SEC / 2);
	assert_int_equal(passed, 3);
	assert_int_equal(b.suppressed, 7);
	/* half a second later: one more */
	assert_true(lvm_log_bucket_take(&b, T0 + SEC / 2, 3, SEC / 2));
	assert_false(lvm_log_bucket_take(&b, T0 + SEC / 2, 3, SEC / 2));
	/* an hour of quiet refills the burst, no more */
	passed = 0;
	for (int i = 0; i < 10; i++)
		passed += lvm_log_bucket_take(&b, T0 + 3600 * SEC, 3, SEC / 2);
	assert_int_equal(passed, 3);
}

static void test_bucket_clock_backwards(void **state)
{
	struct lvm_log_bucket b = { .site = "x", .last_ns = T0, .credit_ns = 0 };

	(void)state;
	assert_false(lvm_log_bucket_take(&b, T0 - SEC, 1, SEC));
	assert_int_equal(b.last_ns, T0);
	assert_true(lvm_log_bucket_take(&b, T0 + SEC, 1, SEC));
}

static char lines[64][128];
static unsigned nlines;

static void collect(void *arg, enum lvm_log_level level, int errnum,
		    const char *msg)
{
	(void)arg;
	(void)level;
	(void)errnum;
	if (nlines < 64)
		snprintf(lines[nlines], sizeof(lines[0]), "%s", msg);
	nlines++;
}

/* log_a, log_b: two call sites. */
static void log_a(int i) { lvm_log_info("a %d", i); }
static void log_b(int i) { lvm_log_info("b %d", i); }

static void test_lvm_log_limited(void **state)
{
	(void)state;
	nlines = 0;
	lvm_log_set(collect, NULL, LVM_LOG_INFO);
	/* 5 lines in a row, then one a second: none more within the
	 * microseconds this loop takes */
	lvm_log_limit(5, 1000);
	for (int i = 0; i < 50; i++) {
		log_a(i);
		log_b(i);
	}
	assert_int_equal(nlines, 10);
	for (unsigned i = 0; i < 10; i++) {
		char want[16];

		snprintf(want, sizeof(want), "%c %u", i % 2 ? 'b' : 'a', i / 2);
		assert_string_equal(lines[i], want);
	}
	/* off: everything passes again */
	lvm_log_limit(0, 0);
	log_a(99);
	assert_int_equal(nlines, 11);
	assert_string_equal(lines[10], "a 99");
	lvm_log_set(NULL, NULL, LVM_LOG_WARN);
}

/* The next line that passes says how many were dropped before it. */
static void test_suppressed_line(void **state)
{
	(void)state;
	nlines = 0;
	lvm_log_set(collect, NULL, LVM_LOG_INFO);
	/* 2 in a row, then one every 50 ms */
	lvm_log_limit(2, 50);
	for (int i = 0; i < 7; i++)
		log_a(i);
	assert_int_equal(nlines, 2);
	usleep(120000);
	log_a(7);
	assert_int_equal(nlines, 4);
	assert_string_equal(lines[0], "a 0");
	assert_string_equal(lines[1], "a 1");
	assert_string_equal(lines[2], "5 lines like the next were suppressed");
	assert_string_equal(lines[3], "a 7");
	/* dropped again; flushed, they are said with their format */
	log_a(8);
	log_a(9);
	log_a(10);
	assert_int_equal(nlines, 5);
	lvm_log_flush();
	assert_int_equal(nlines, 6);
	assert_string_equal(lines[5], "2 lines like 'a %d' were suppressed");
	lvm_log_flush();
	assert_int_equal(nlines, 6);
	lvm_log_limit(0, 0);
	lvm_log_set(NULL, NULL, LVM_LOG_WARN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_burst_then_rate),
		cmocka_unit_test(test_bucket_clock_backwards),
		cmocka_unit_test(test_lvm_log_limited),
		cmocka_unit_test(test_suppressed_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
