/*
 * cmdtime.c — lvm-bench-cmd: time one command, and optionally the moment
 * a text appears in a file (a guest's console log), and write raw CSV rows
 * (sample.h). The harness uses it for every system it drives through a
 * command (xl create, runc run, docker run), so they are all timed alike.
 *
 *   lvm-bench-cmd [-i ITERATION] [-c CLOCK] [-f FILE -x TEXT [-t SECONDS]]
 *                 [tag options] -- CMD [ARG...]
 *
 * The clock starts just before fork(). Row CLOCK (default "returned") is
 * the moment CMD exited, seen through a pidfd. The child only execs, as
 * lvm-bench-spawn's does (its standard output is set up before the fork),
 * and this tool sleeps until CMD exits (or, with -f, the file changes), so
 * that it never takes CMD's CPU to look. With -f and -x, row
 * "running" is the moment TEXT was first seen in FILE past the size FILE
 * had at the start (the file may not exist yet); FILE is checked whenever
 * its directory changes (inotify; every millisecond where there is none),
 * while CMD runs and after, for at most -t SECONDS (default 60) from the
 * start.
 *
 * CMD's standard output goes to standard error, so standard output carries
 * only the rows. Exit status: 0; 1 for bad usage or CMD failing to start or
 * exiting non-zero (no row); 2 when TEXT did not appear in time (the
 * CLOCK row is written, not "running").
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/timer.h"
#include "bench/tool.h"
#include "bench/watch.h"

static void usage(FILE *f)
{
	fputs("usage: lvm-bench-cmd [-i ITERATION] [-c CLOCK] "
	      "[-f FILE -x TEXT [-t SECONDS]] [tag options] -- CMD "
	      "[ARG...]\n" LVM_SAMPLE_TAG_USAGE,
	      f);
}

int main(int argc, char **argv)
{
	const char *clock = "returned", *file = NULL, *text = NULL;
	long iter = 0, timeout = 60;
	const struct lvm_tool_opt opts[] = {
	    {.opt = 'c', .str = &clock},
	    {.opt = 'f', .str = &file},
	    {.opt = 'x', .str = &text},
	    {.opt = 'i', .count = &iter, .max = 100000000},
	    {.opt = 't', .count = &timeout, .min = 1, .max = 86400},
	    {.opt = 0},
	};
	struct lvm_tool tool = {
	    .name = "lvm-bench-cmd",
	    .shortopts = "+hi:c:f:x:t:",
	    .usage = usage,
	    .opts = opts,
	};
	struct lvm_watch w = {.fd = -1, .ino = -1};
	uint64_t t0, t_ret = 0, t_run = 0, deadline, now;
	bool exited = false;
	pid_t pid = -1;
	int rc, st, status = 1, out_fd = -1, pfd = -1;

	rc = lvm_tool_parse(&tool, argc, argv);
	if (rc >= 0)
		return rc;
	lvm_bench_timer_init();
	if (optind >= argc || (file == NULL) != (text == NULL)) {
		usage(stderr);
		return 1;
	}
	if (file != NULL && lvm_watch_init(&w, file, text) < 0) {
		fprintf(stderr, "lvm-bench-cmd: bad wait text\n");
		goto out;
	}

	/* CMD's standard output is this tool's standard error: set here,
	 * restored after the fork. */
	fflush(stdout);
	out_fd = dup(STDOUT_FILENO);
	if (out_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		fprintf(stderr, "lvm-bench-cmd: dup: %s\n", strerror(errno));
		goto out;
	}
	t0 = lvm_bench_now();
	deadline = lvm_tool_deadline(timeout);
	pid = fork();
	if (pid == 0) {
		execvp(argv[optind], &argv[optind]);
		fprintf(stderr, "lvm-bench-cmd: %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	rc = pid < 0 ? errno : 0;
	if (dup2(out_fd, STDOUT_FILENO) < 0 && rc == 0) {
		fprintf(stderr, "lvm-bench-cmd: dup2: %s\n", strerror(errno));
		goto out;
	}
	if (rc) {
		fprintf(stderr, "lvm-bench-cmd: fork: %s\n", strerror(rc));
		goto out;
	}
	pfd = pidfd_open(pid, 0);
	if (pfd < 0) {
		fprintf(stderr, "lvm-bench-cmd: pidfd_open: %s\n",
			strerror(errno));
		goto out;
	}
	for (;;) {
		struct pollfd p[2];
		int n = 0, ms, wfd = file != NULL && !w.found ?
					     lvm_watch_fd(&w) : -1;

		if (!exited)
			p[n++] = (struct pollfd){.fd = pfd, .events = POLLIN};
		if (wfd >= 0)
			p[n++] = (struct pollfd){.fd = wfd, .events = POLLIN};
		/* Asleep until CMD exits, the file changes or the deadline; a
		 * file watched with no descriptor: a tick, every millisecond. */
		now = lvm_now_ns();
		ms = file != NULL && !w.found && wfd < 0 ? 1 :
		     deadline > now ? (int)((deadline - now) / 1000000u) + 1 : 0;
		poll(p, (nfds_t)n, ms);
		if (!exited && waitpid(pid, &st, WNOHANG) == pid) {
			t_ret = lvm_bench_now();
			exited = true;
			pid = -1;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				fprintf(stderr,
					"lvm-bench-cmd: %s failed (status 0x%x)\n",
					argv[optind], st);
				goto out;
			}
		}
		if (file != NULL && !w.found) {
			lvm_watch_poll(&w);
			if (w.found)
				t_run = lvm_bench_now();
		}
		if (exited && (file == NULL || w.found))
			break;
		if (lvm_now_ns() > deadline)
			break;
	}
	if (!exited) {
		fprintf(stderr, "lvm-bench-cmd: %s still running after %ld s\n",
			argv[optind], timeout);
		goto out;
	}
	if (lvm_sample_write(stdout, &tool.tag, clock, iter, lvm_ms(t0, t_ret)) < 0)
		goto out;
	if (file != NULL && !w.found) {
		fprintf(stderr,
			"lvm-bench-cmd: '%s' did not appear in %s "
			"within %ld s\n",
			text, file, timeout);
		status = 2;
		goto out;
	}
	if (file != NULL && lvm_sample_write(stdout, &tool.tag, "running", iter,
					     lvm_ms(t0, t_run)) < 0)
		goto out;
	status = 0;
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (fflush(stdout) != 0 && status == 0)
		status = 1;
	lvm_watch_free(&w);
	if (pfd >= 0)
		close(pfd);
	if (out_fd >= 0)
		close(out_fd);
	return status;
}
