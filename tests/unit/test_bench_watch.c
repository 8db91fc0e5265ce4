/*
 * test_bench_watch.c — unit tests for bench/watch.c: a text appearing in a
 * growing file, and what must not count as seeing it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "bench/watch.h"

struct fixture {
	char dir[64];
	char path[96];
	struct lvm_watch w;
};

static int setup(void **state)
{
	struct fixture *fx = TEST_FIXTURE_NEW(state, struct fixture, "watch");

	if (fx == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/guest-x.log", fx->dir);
	fx->w.fd = -1;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	lvm_watch_free(&fx->w);
	return test_fixture_free(fx, fx->dir);
}

static void append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* seen_after: append (text) to the watched file, poll once; found yet? */
static bool seen_after(struct fixture *fx, const char *text)
{
	append(fx->path, text);
	lvm_watch_poll(&fx->w);
	return fx->w.found;
}

static void test_text_in_a_file_that_appears_later(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(lvm_watch_init(&fx->w, fx->path, "hello:"), 0);
	lvm_watch_poll(&fx->w);
	assert_false(fx->w.found);
	assert_false(seen_after(fx, "booting\r\n"));
	assert_true(seen_after(fx, "hello: up\r\n"));
}

static void test_text_split_across_writes(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(lvm_watch_init(&fx->w, fx->path, "ready-mark"), 0);
	assert_false(seen_after(fx, "xxxxready-"));
	assert_false(seen_after(fx, "ma"));
	assert_true(seen_after(fx, "rk\n"));
}

static void test_old_content_does_not_count(void **state)
{
	struct fixture *fx = *state;

	append(fx->path, "hello: from an earlier guest\n");
	assert_int_equal(lvm_watch_init(&fx->w, fx->path, "hello:"), 0);
	lvm_watch_poll(&fx->w);
	assert_false(fx->w.found);
	assert_false(seen_after(fx, "hel"));
	assert_true(seen_after(fx, "lo: again\n"));
}

static void test_text_past_a_long_output(void **state)
{
	struct fixture *fx = *state;
	char *big = malloc(20001);

	assert_non_null(big);
	memset(big, 'y', 20000);
	big[20000] = '\0';
	assert_int_equal(lvm_watch_init(&fx->w, fx->path, "mark"), 0);
	append(fx->path, big);
	assert_false(seen_after(fx, "ma"));
	assert_true(seen_after(fx, "rk"));
	free(big);
}

static void test_empty_text_refused(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(lvm_watch_init(&fx->w, fx->path, ""), -EINVAL);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_text_in_a_file_that_appears_later),
	    T(test_text_split_across_writes),
	    T(test_old_content_does_not_count),
	    T(test_text_past_a_long_output),
	    T(test_empty_text_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
