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
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/sample.h"

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

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
	    LVM_SAMPLE_TAG_LONGOPTS,
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct lvm_sample_tag tag;
	enum method m = M_FORK;
	long n = 100, warm = 10, i;
	double *ms = NULL;
	uint64_t t0;
	int opt, rc, status = 1;

	lvm_sample_tag_init(&tag);
	tag.system = "process";
	tag.mode = "fork-exec";
	while ((opt = getopt_long(argc, argv, "+hn:w:m:", lopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			rc = lvm_parse_count(optarg, 1, 10000000, &n);
			break;
		case 'w':
			rc = lvm_parse_count(optarg, 0, 10000000, &warm);
			break;
		case 'm':
			rc = 0;
			if (strcmp(optarg, "fork") == 0) {
				m = M_FORK;
				tag.mode = "fork-exec";
			} else if (strcmp(optarg, "spawn") == 0) {
				m = M_SPAWN;
				tag.mode = "posix-spawn";
			} else {
				rc = -EINVAL;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			rc = lvm_sample_tag_option(&tag, opt, optarg);
			if (rc == -ENOENT) {
				usage(stderr);
				return 1;
			}
			break;
		}
		if (rc < 0) {
			fprintf(stderr, "lvm-bench-spawn: bad value '%s'\n",
				optarg);
			return 1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	ms = calloc((size_t)n, sizeof(*ms));
	if (ms == NULL) {
		fprintf(stderr, "lvm-bench-spawn: out of memory\n");
		goto out;
	}
	for (i = -warm; i < n; i++) {
		t0 = lvm_now_ns();
		rc = run_once(m, &argv[optind]);
		if (rc < 0) {
			fprintf(stderr, "lvm-bench-spawn: %s: %s\n",
				argv[optind],
				rc == -ECHILD ? "did not exit with status 0"
					      : strerror(-rc));
			goto out;
		}
		if (i >= 0)
			ms[i] = lvm_ms(t0, lvm_now_ns());
	}
	for (i = 0; i < n; i++) {
		if (lvm_sample_write(stdout, &tag, "exited", i, ms[i]) < 0) {
			fprintf(stderr, "lvm-bench-spawn: write failed\n");
			goto out;
		}
	}
	status = fflush(stdout) == 0 ? 0 : 1;
out:
	free(ms);
	return status;
}
