/*
 * spawn.c — lvm-bench-spawn: the process baseline for `lvm create`. Times
 * (n) rounds of fork + exec + wait of a static binary (this program,
 * linked statically, run as `lvm-bench-spawn --exit`, which exits at
 * once) and prints one line per round, "spawn: MS ms".
 *
 *   lvm-bench-spawn [N]      (default 20)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	char self[4096];
	ssize_t len;
	long n = 20;

	if (argc > 1 && strcmp(argv[1], "--exit") == 0)
		return 0;
	if (argc > 1)
		n = strtol(argv[1], NULL, 10);
	if (n < 1) {
		fprintf(stderr, "usage: lvm-bench-spawn [N]\n");
		return 2;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0) {
		perror("lvm-bench-spawn: /proc/self/exe");
		return 1;
	}
	self[len] = '\0';
	for (long i = 0; i < n; i++) {
		double t0 = now_ms();
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("lvm-bench-spawn: fork");
			return 1;
		}
		if (pid == 0) {
			execl(self, self, "--exit", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "lvm-bench-spawn: the child failed\n");
			return 1;
		}
		printf("spawn: %.3f ms\n", now_ms() - t0);
	}
	return 0;
}
