/*
 * spawn.c — lvm-bench-spawn: the process baselines. Starts PROGRAM and
 * waits for it, (iterations) times after (warmup) untimed runs, with
 * fork()+execv()+waitpid() or posix_spawn()+waitpid(), and writes one raw
 * CSV row per timed run (sample.h), clock "exited".
 *
 *   lvm-bench-spawn [-n N] [-w W] [-m fork|spawn] [tag options] PROG [ARG...]
 *
 * The durations are kept in memory and written at the end, so writing
 * does not disturb the runs. Exit status 0, or 1 with one line on stderr
 * (bad usage, a start that failed, PROGRAM exiting non-zero).
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/timer.h"
#include "bench/tool.h"

extern char **environ;

enum method { M_FORK, M_SPAWN };

/* Start (argv) with (m), wait for it. Returns 0, or -errno / -ECHILD when
 * it did not exit with status 0. */
static int run_once(enum method m, char **argv)
{
	pid_t pid, w;
	int st, r;

	if (m == M_SPAWN) {
		r = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);
		if (r != 0)
			return -r;
	} else {
		pid = fork();
		if (pid < 0)
			return -errno;
		if (pid == 0) {
			execv(argv[0], argv);
			_exit(127);
		}
	}
	do {
		w = waitpid(pid, &st, 0);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	return (WIFEXITED(st) && WEXITSTATUS(st) == 0) ? 0 : -ECHILD;
}

static void usage(FILE *f)
{
	fputs("usage: lvm-bench-spawn [-n N] [-w W] [-m fork|spawn] "
	      "[tag options] PROG [ARG...]\n" LVM_SAMPLE_TAG_USAGE,
	      f);
}

struct spawn {
	struct lvm_tool *tool;
	enum method m;
	long n, warm;
	char **argv;
};

/* -m fork|spawn. */
static int option(void *ctx, int opt, const char *arg)
{
	struct spawn *s = ctx;

	if (opt != 'm')
		return -ENOENT;
	if (strcmp(arg, "fork") == 0) {
		s->m = M_FORK;
		s->tool->tag.mode = "fork-exec";
	} else if (strcmp(arg, "spawn") == 0) {
		s->m = M_SPAWN;
		s->tool->tag.mode = "posix-spawn";
	} else {
		return -EINVAL;
	}
	return 0;
}

/* One round: start and reap the program, timed into ms[0]. */
static int round_once(void *ctx, long i, double *ms)
{
	struct spawn *s = ctx;
	uint64_t t0 = lvm_bench_now();
	int rc;

	(void)i;
	rc = run_once(s->m, s->argv);
	if (rc < 0) {
		fprintf(stderr, "lvm-bench-spawn: %s: %s\n", s->argv[0],
			rc == -ECHILD ? "did not exit with status 0"
				      : strerror(-rc));
		return rc;
	}
	ms[0] = lvm_ms(t0, lvm_bench_now());
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const clocks[] = {"exited"};
	struct spawn s = {.m = M_FORK, .n = 100, .warm = 10};
	const struct lvm_tool_opt opts[] = {
	    {.opt = 'n', .count = &s.n, .min = 1, .max = 10000000},
	    {.opt = 'w', .count = &s.warm, .max = 10000000},
	    {.opt = 0},
	};
	struct lvm_tool tool = {
	    .name = "lvm-bench-spawn",
	    .shortopts = "+hn:w:m:",
	    .usage = usage,
	    .opts = opts,
	    .option = option,
	    .ctx = &s,
	    .system = "process",
	    .mode = "fork-exec",
	};
	int rc;

	s.tool = &tool;
	rc = lvm_tool_parse(&tool, argc, argv);
	if (rc >= 0)
		return rc;
	lvm_bench_timer_init();
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	s.argv = &argv[optind];
	return lvm_tool_series(&tool, s.n, s.warm, clocks, 1, false,
			       round_once);
}
