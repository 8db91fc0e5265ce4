/*
 * test_logprune.c — unit tests for the queue of gone guests' console logs
 * (toolstack/lvmd/logprune.c): nothing goes under the limits; past the
 * count or the byte budget (live logs' bytes included) the oldest go
 * first; a name that goes again is the newest, once; a name taken back by
 * a new guest leaves the queue; a budget live logs alone pass empties it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "toolstack/lvmd/logprune.h"

#define MIB (1ull << 20)

/* order: the queue's names, oldest first, joined by spaces. */
static const char *order(const struct lvmd_logq *q)
{
	static char s[256];
	size_t k = 0;

	s[0] = '\0';
	for (const struct lvmd_gone_log *e = q->head; e; e = e->next) {
		int n = snprintf(s + k, sizeof(s) - k, "%s%s", k ? " " : "",
				 e->name);

		if (n < 0 || (size_t)n >= sizeof(s) - k)
			break;
		k += (size_t)n;
	}
	return s;
}

/* prune: pop while over, as console.c does; how many went. */
static int prune(struct lvmd_logq *q, size_t kept, uint64_t budget,
		 uint64_t live)
{
	int n = 0;

	while (lvmd_logq_over(q, kept, budget, live)) {
		lvmd_logq_pop(q);
		n++;
	}
	return n;
}

static void test_under_limits(void **state)
{
	struct lvmd_logq q = { 0 };

	(void)state;
	assert_false(lvmd_logq_over(&q, 0, 0, MIB)); /* empty: never over */
	assert_int_equal(lvmd_logq_push(&q, "a", MIB), 0);
	assert_int_equal(lvmd_logq_push(&q, "b", MIB), 0);
	assert_int_equal(prune(&q, 2, 3 * MIB, MIB), 0);
	assert_string_equal(order(&q), "a b");
	assert_int_equal(q.n, 2);
	assert_true(q.bytes == 2 * MIB);
	lvmd_logq_clear(&q);
	assert_null(q.head);
	assert_int_equal(q.n, 0);
}

static void test_count_oldest_first(void **state)
{
	struct lvmd_logq q = { 0 };

	(void)state;
	lvmd_logq_push(&q, "a", 10);
	lvmd_logq_push(&q, "b", 10);
	lvmd_logq_push(&q, "c", 10);
	lvmd_logq_push(&q, "d", 10);
	assert_int_equal(prune(&q, 2, MIB, 0), 2);
	assert_string_equal(order(&q), "c d");
	assert_int_equal(prune(&q, 0, MIB, 0), 2);
	assert_string_equal(order(&q), "");
	assert_true(q.bytes == 0);
	lvmd_logq_clear(&q);
}

static void test_budget_with_live(void **state)
{
	struct lvmd_logq q = { 0 };

	(void)state;
	lvmd_logq_push(&q, "a", 2 * MIB);
	lvmd_logq_push(&q, "b", 1 * MIB);
	lvmd_logq_push(&q, "c", 1 * MIB);
	/* 4 MiB gone + 5 MiB live, budget 8 MiB: a goes (2 MiB), enough */
	assert_int_equal(prune(&q, 100, 8 * MIB, 5 * MIB), 1);
	assert_string_equal(order(&q), "b c");
	/* live logs alone past the budget: every gone one goes */
	assert_int_equal(prune(&q, 100, 8 * MIB, 9 * MIB), 2);
	assert_string_equal(order(&q), "");
	lvmd_logq_clear(&q);
}

static void test_same_name_again(void **state)
{
	struct lvmd_logq q = { 0 };

	(void)state;
	lvmd_logq_push(&q, "a", 10);
	lvmd_logq_push(&q, "b", 20);
	lvmd_logq_push(&q, "a", 30); /* a came back and went again */
	assert_string_equal(order(&q), "b a");
	assert_int_equal(q.n, 2);
	assert_true(q.bytes == 50);
	assert_int_equal(prune(&q, 1, MIB, 0), 1);
	assert_string_equal(order(&q), "a");
	lvmd_logq_clear(&q);
}

static void test_take(void **state)
{
	struct lvmd_logq q = { 0 };
	char name[16];

	(void)state;
	/* enough names to share hash chains */
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "g%d", i);
		assert_int_equal(lvmd_logq_push(&q, name, 1), 0);
	}
	assert_int_equal(q.n, 3000);
	assert_true(lvmd_logq_take(&q, "g1500"));
	assert_false(lvmd_logq_take(&q, "g1500"));
	assert_false(lvmd_logq_take(&q, "nobody"));
	assert_true(lvmd_logq_take(&q, "g0"));    /* the oldest */
	assert_true(lvmd_logq_take(&q, "g2999")); /* the newest */
	assert_int_equal(q.n, 2997);
	assert_true(q.bytes == 2997);
	assert_string_equal(q.head->name, "g1");
	assert_string_equal(q.tail->name, "g2998");
	assert_int_equal(prune(&q, 2, MIB, 0), 2995);
	assert_string_equal(order(&q), "g2997 g2998");
	lvmd_logq_clear(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_under_limits),
		cmocka_unit_test(test_count_oldest_first),
		cmocka_unit_test(test_budget_with_live),
		cmocka_unit_test(test_same_name_again),
		cmocka_unit_test(test_take),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
