/*
 * lvm_ping — a test harness, not the product: how soon lvmd answers while
 * something else goes on. Over one liblvm connection (no process started
 * per request, so only lvmd's answer is timed), asks for the guest list
 * again and again, every INTERVAL ms, while process PID lives, and prints
 * one line per answer: its round trip in ms, then 1 if PID still lived
 * when it came, 0 if not (the last line). Integration tests drive it
 * (tests/integration/lvm-image-big.sh).
 *
 *   lvm_ping PID [INTERVAL_MS]      (INTERVAL_MS: default 100)
 *
 * The socket is $LVM_SOCKET, else liblvm's default. Exit status 0, or 1
 * with one line on stderr when lvmd cannot be reached or a list fails.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include <lvm.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int lives(pid_t pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

int main(int argc, char **argv)
{
	struct timespec gap = { 0, 100 * 1000000L };
	struct lvm_info *list;
	pid_t pid;
	size_t n;
	lvm_t *h;
	double t;
	int alive;

	if (argc < 2 || argc > 3 || (pid = (pid_t)atol(argv[1])) <= 0) {
		fputs("usage: lvm_ping PID [INTERVAL_MS]\n", stderr);
		return 2;
	}
	if (argc == 3) {
		long ms = atol(argv[2]);

		gap.tv_sec = ms / 1000;
		gap.tv_nsec = (ms % 1000) * 1000000L;
	}
	h = lvm_open(getenv("LVM_SOCKET"));
	if (!h) {
		fprintf(stderr, "lvm_ping: cannot reach lvmd: %s\n",
			strerror(errno));
		return 1;
	}
	do {
		t = now_ms();
		if (lvm_list(h, false, &list, &n) < 0) {
			fprintf(stderr, "lvm_ping: list: %s\n", lvm_last_error(h));
			lvm_close(h);
			return 1;
		}
		t = now_ms() - t;
		lvm_list_free(list, n);
		alive = lives(pid);
		printf("%.0f %d\n", t, alive);
		fflush(stdout);
		nanosleep(&gap, NULL);
	} while (alive);
	lvm_close(h);
	return 0;
}
