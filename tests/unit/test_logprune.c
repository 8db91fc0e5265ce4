/*
 * test_logprune.c — unit tests for the choice of the console logs of gone
 * guests to remove (toolstack/lvmd/logprune.c): nothing under the limits,
 * the oldest gone ones first past the count, past the byte budget, live
 * guests' logs never, and a budget that live logs alone pass.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "toolstack/lvmd/logprune.h"

#define MIB (1ull << 20)

/* dropped: the indices marked, as a string of digits. */
static const char *dropped(const struct lvmd_log_entry *e, size_t n)
{
	static char s[32];
	size_t k = 0;

	for (size_t i = 0; i < n && k + 1 < sizeof(s); i++)
		if (e[i].drop)
			s[k++] = (char)('0' + i);
	s[k] = '\0';
	return s;
}

static void test_under_limits(void **state)
{
	struct lvmd_log_entry e[] = {
		{ .bytes = MIB, .mtime_ns = 3, .drop = true },
		{ .bytes = MIB, .mtime_ns = 1, .live = true },
	};

	(void)state;
	assert_int_equal(lvmd_logs_choose(e, 2, 1, 2 * MIB), 0);
	assert_string_equal(dropped(e, 2), "");
}

static void test_count_oldest_first(void **state)
{
	struct lvmd_log_entry e[] = {
		{ .bytes = 10, .mtime_ns = 50 },
		{ .bytes = 10, .mtime_ns = 10 },
		{ .bytes = 10, .mtime_ns = 5, .live = true },
		{ .bytes = 10, .mtime_ns = 40 },
		{ .bytes = 10, .mtime_ns = 20 },
	};

	(void)state;
	/* four gone, two kept: the two oldest gone go, never the live one */
	assert_int_equal(lvmd_logs_choose(e, 5, 2, MIB), 2);
	assert_string_equal(dropped(e, 5), "14");
	assert_int_equal(lvmd_logs_choose(e, 5, 0, MIB), 4);
	assert_string_equal(dropped(e, 5), "0134");
}

static void test_budget(void **state)
{
	struct lvmd_log_entry e[] = {
		{ .bytes = 2 * MIB, .mtime_ns = 30 },
		{ .bytes = 1 * MIB, .mtime_ns = 20 },
		{ .bytes = 3 * MIB, .mtime_ns = 10, .live = true },
		{ .bytes = 1 * MIB, .mtime_ns = 40 },
	};

	(void)state;
	/* 7 MiB, budget 5: the oldest gone (1 MiB) leaves 6, then 2 MiB */
	assert_int_equal(lvmd_logs_choose(e, 4, 100, 5 * MIB), 2);
	assert_string_equal(dropped(e, 4), "01");
	/* live logs alone over the budget: every gone one goes, no more */
	assert_int_equal(lvmd_logs_choose(e, 4, 100, 2 * MIB), 3);
	assert_string_equal(dropped(e, 4), "013");
}

static void test_empty(void **state)
{
	(void)state;
	assert_int_equal(lvmd_logs_choose(NULL, 0, 0, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_under_limits),
		cmocka_unit_test(test_count_oldest_first),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
