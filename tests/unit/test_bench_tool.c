/*
 * test_bench_tool.c — unit tests for bench/tool.c: the measuring tools'
 * common command line (own, guest and tag options; -h; bad values) and
 * their measurement loop (warm-up rounds unwritten, rows per clock, rows
 * as the rounds go or at the end, a failing round).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "bench/tool.h"

static int usage_calls;

static void usage(FILE *f)
{
	(void)f;
	usage_calls++;
}

/* The tool's own option: -q VALUE, "bad" refused. */
static int option(void *ctx, int opt, const char *arg)
{
	if (opt != 'q')
		return -ENOENT;
	*(const char **)ctx = arg;
	return strcmp(arg, "bad") == 0 ? -EINVAL : 0;
}

/* parse: lvm_tool_parse() over (args), a NULL-terminated list. */
static int parse(struct lvm_tool *t, const char **args)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = "tool";
	while (*args != NULL && argc < 31)
		argv[argc++] = (char *)*args++;
	assert_null(*args);
	argv[argc] = NULL;
	optind = 0;
	return lvm_tool_parse(t, argc, argv);
}

static void test_parse_own_guest_and_tag_options(void **state)
{
	const char *q = NULL, *s = NULL;
	long c = 0;
	const struct lvm_tool_opt opts[] = {
	    {.opt = 's', .str = &s, .min = 2},
	    {.opt = 'c', .count = &c, .min = 1, .max = 9},
	    {.opt = 0},
	};
	struct lvm_tool_guests g = {.prefix = "p", .min_mib = 4, .n = 10};
	struct lvm_tool t = {.name = "tool",
			     .shortopts = "hq:s:c:" LVM_TOOL_GUESTS_SHORTOPTS,
			     .usage = usage, .opts = opts, .option = option,
			     .ctx = &q, .guests = &g, .system = "sys",
			     .mode = "m"};
	const char *ok[] = {"-q", "x", "-n", "3", "-M", "8", "--running", "5",
			    "-s", "ab", "-c", "9",
			    "--destroy-prefix", "abc", "rest", NULL};
	const char *short_str[] = {"-s", "a", NULL};
	const char *big_count[] = {"-c", "10", NULL};

	(void)state;
	assert_int_equal(parse(&t, ok), -1);
	assert_string_equal(s, "ab");
	assert_int_equal(c, 9);
	assert_string_equal(q, "x");
	assert_int_equal(g.n, 3);
	assert_int_equal(g.memory_mib, 8);
	assert_string_equal(g.destroy, "abc");
	assert_int_equal(t.tag.running, 5);
	assert_string_equal(t.tag.system, "sys");
	assert_string_equal(t.tag.mode, "m");
	assert_string_equal(t.tag.experiment, "start");
	assert_string_equal(ok[optind - 1], "rest");
	assert_int_equal(parse(&t, short_str), 1);
	assert_int_equal(parse(&t, big_count), 1);
}

static void test_parse_refusals(void **state)
{
	const char *q = NULL;
	struct lvm_tool_guests g = {.min_mib = 4};
	struct lvm_tool t = {.name = "tool",
			     .shortopts = "hq:" LVM_TOOL_GUESTS_SHORTOPTS,
			     .usage = usage, .option = option, .ctx = &q,
			     .guests = &g};
	struct lvm_tool plain = {.name = "plain", .shortopts = "hq:",
				 .usage = usage, .option = option, .ctx = &q};
	const char *bad_own[] = {"-q", "bad", NULL};
	const char *bad_guest[] = {"-M", "2", NULL};
	const char *bad_tag[] = {"--system", "a,b", NULL};
	const char *short_prefix[] = {"--destroy-prefix", "ab", NULL};
	const char *unknown[] = {"-z", NULL};
	const char *help[] = {"--help", NULL};
	const char *no_destroy[] = {"--destroy-prefix", "abc", NULL};

	(void)state;
	assert_int_equal(parse(&t, bad_own), 1);
	assert_int_equal(parse(&t, bad_guest), 1);
	assert_int_equal(parse(&t, bad_tag), 1);
	assert_int_equal(parse(&t, short_prefix), 1);
	usage_calls = 0;
	assert_int_equal(parse(&t, unknown), 1);
	assert_int_equal(usage_calls, 1);
	assert_int_equal(parse(&t, help), 0);
	assert_int_equal(usage_calls, 2);
	/* Without guest options, --destroy-prefix is unknown. */
	assert_int_equal(parse(&plain, no_destroy), 1);
	assert_int_equal(usage_calls, 3);
}

/* A round: ms = {10 * i + 1, 10 * i + 2}; fails at round fail_at. */
static long fail_at = 1000;
static long rounds_run;

static int round_fn(void *ctx, long i, double *ms)
{
	(void)ctx;
	rounds_run++;
	if (i == fail_at)
		return -EIO;
	ms[0] = 10.0 * (double)i + 1;
	ms[1] = 10.0 * (double)i + 2;
	return 0;
}

/* series: run lvm_tool_series() with stdout in a file; its rows into
 * (out) of (size) bytes. Returns its result. */
static int series(long n, long warm, int nclocks, bool as_it_goes,
		  char *out, size_t size)
{
	static const char *const clocks[] = {"returned", "running"};
	struct lvm_tool t = {.name = "tool"};
	char path[] = "/tmp/lvm-test-tool.XXXXXX";
	int fd = mkstemp(path), saved = dup(STDOUT_FILENO), rc;
	FILE *f;
	size_t len;

	assert_true(fd >= 0 && saved >= 0);
	lvm_sample_tag_init(&t.tag);
	t.tag.system = "s";
	t.tag.mode = "m";
	fflush(stdout);
	dup2(fd, STDOUT_FILENO);
	rounds_run = 0;
	rc = lvm_tool_series(&t, n, warm, clocks, nclocks, as_it_goes,
			     round_fn);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	f = fdopen(fd, "r");
	assert_non_null(f);
	rewind(f);
	len = fread(out, 1, size - 1, f);
	out[len] = '\0';
	fclose(f);
	unlink(path);
	return rc;
}

/* Series: rounds, warm-up rounds, clocks, rows as they go; the round that
 * fails (1000: none, -1: a warm-up one); result, rounds run (-1: not
 * checked) and rows printed. */
static const struct {
	const char *what;
	long n, warm;
	int nclocks;
	bool as_it_goes;
	long fail_at;
	int rc;
	long rounds;
	const char *rows;
} series_cases[] = {
	{"two clocks, rows at the end", 2, 1, 2, false, 1000, 0, 3,
	 "start,s,m,returned,0,0,1.000\n"
	 "start,s,m,running,0,0,2.000\n"
	 "start,s,m,returned,0,1,11.000\n"
	 "start,s,m,running,0,1,12.000\n"},
	{"one clock, rows as they go", 2, 0, 1, true, 1000, 0, 2,
	 "start,s,m,returned,0,0,1.000\n"
	 "start,s,m,returned,0,1,11.000\n"},
	/* Rows at the end: none once a round failed. */
	{"failed round, rows at the end", 3, 2, 1, false, 1, 1, 4, ""},
	/* Rows as the rounds go: those before the failed round. */
	{"failed round, rows as they go", 3, 0, 1, true, 1, 1, -1,
	 "start,s,m,returned,0,0,1.000\n"},
	/* A failing warm-up round stops the series too. */
	{"failed warm-up round", 3, 2, 1, true, -1, 1, 2, ""},
};

static void test_series(void **state)
{
	char out[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(series_cases) / sizeof(series_cases[0]); i++) {
		fail_at = series_cases[i].fail_at;
		if (series(series_cases[i].n, series_cases[i].warm,
			   series_cases[i].nclocks, series_cases[i].as_it_goes,
			   out, sizeof(out)) != series_cases[i].rc)
			fail_msg("%s: wrong result", series_cases[i].what);
		if (series_cases[i].rounds >= 0 &&
		    rounds_run != series_cases[i].rounds)
			fail_msg("%s: %ld rounds run, want %ld", series_cases[i].what,
				 rounds_run, series_cases[i].rounds);
		if (strcmp(out, series_cases[i].rows) != 0)
			fail_msg("%s: rows\n%s\nwant\n%s", series_cases[i].what,
				 out, series_cases[i].rows);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_own_guest_and_tag_options),
	    cmocka_unit_test(test_parse_refusals),
	    cmocka_unit_test(test_series),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
