/*
 * test_bench_watch.c — unit tests for bench/watch.c: a text appearing in a
 * growing file, and what must not count as seeing it.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	fx->w.ino = -1;
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

/*
 * A watch case: (before) is in the file before the watch starts (NULL: no
 * file yet); with (poll_first) the watch polls once before any chunk is
 * written; then each chunk is appended and polled, and the mark must be
 * found after the last chunk and not before.
 */
struct watch_case {
	const char *name;
	const char *before;
	bool poll_first;
	const char *mark;
	const char *chunks[4];
};

static void run_watch_case(const struct watch_case *c)
{
	void *state = NULL;
	struct fixture *fx;
	size_t i;

	assert_int_equal(setup(&state), 0);
	fx = state;
	if (c->before != NULL)
		append(fx->path, c->before);
	if (lvm_watch_init(&fx->w, fx->path, c->mark) != 0)
		fail_msg("case \"%s\": lvm_watch_init failed", c->name);
	if (c->poll_first) {
		lvm_watch_poll(&fx->w);
		if (fx->w.found)
			fail_msg("case \"%s\": found before any chunk", c->name);
	}
	for (i = 0; c->chunks[i] != NULL; i++) {
		bool last = c->chunks[i + 1] == NULL;

		if (seen_after(fx, c->chunks[i]) != last)
			fail_msg("case \"%s\": after chunk %zu \"%s\": found %s, want %s",
				 c->name, i, c->chunks[i], last ? "no" : "yes",
				 last ? "yes" : "no");
	}
	assert_int_equal(teardown(&state), 0);
}

static void test_watch_cases(void **state)
{
	static const struct watch_case cases[] = {
		{ "text in a file that appears later", NULL, true, "hello:",
		  { "booting\r\n", "hello: up\r\n", NULL } },
		{ "text split across writes", NULL, false, "ready-mark",
		  { "xxxxready-", "ma", "rk\n", NULL } },
		{ "old content does not count",
		  "hello: from an earlier guest\n", true, "hello:",
		  { "hel", "lo: again\n", NULL } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_watch_case(&cases[i]);
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

/* readable() - whether (fd) turns readable within (ms). */
static bool readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* The descriptor wakes a waiting caller when the file is made and when it
 * grows, and is quiet once polled. */
static void test_fd_wakes_on_writes(void **state)
{
	struct fixture *fx = *state;
	int fd;

	assert_int_equal(lvm_watch_init(&fx->w, fx->path, "mark"), 0);
	fd = lvm_watch_fd(&fx->w);
	assert_true(fd >= 0);
	assert_false(readable(fd, 0));
	append(fx->path, "boot\n");         /* made */
	assert_true(readable(fd, 1000));
	lvm_watch_poll(&fx->w);
	assert_false(fx->w.found);
	assert_false(readable(fd, 0));       /* drained */
	append(fx->path, "the mark\n");     /* grown */
	assert_true(readable(fd, 1000));
	lvm_watch_poll(&fx->w);
	assert_true(fx->w.found);
}

/* No directory to watch: no descriptor, and polling on a tick still finds
 * the text once the file is there. */
static void test_no_dir_no_fd(void **state)
{
	struct fixture *fx = *state;
	char sub[128], path[160];

	snprintf(sub, sizeof(sub), "%s/later", fx->dir);
	snprintf(path, sizeof(path), "%s/guest.log", sub);
	assert_int_equal(lvm_watch_init(&fx->w, path, "mark"), 0);
	assert_int_equal(lvm_watch_fd(&fx->w), -1);
	assert_int_equal(mkdir(sub, 0700), 0);
	append(path, "mark\n");
	lvm_watch_poll(&fx->w);
	assert_true(fx->w.found);
	unlink(path);
	rmdir(sub);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_watch_cases),
	    T(test_text_past_a_long_output),
	    T(test_empty_text_refused),
	    T(test_fd_wakes_on_writes),
	    T(test_no_dir_no_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
