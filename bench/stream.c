/*
 * stream.c — lvm-bench-stream: a TCP stream from dom0 to a guest's
 * discard service (the sink guest, TCP port 9), for the throughput and
 * isolation figures. Connects (retried until the timeout, netconn.h),
 * writes zeros for SECONDS or until SIGTERM/SIGINT, and prints the bytes
 * sent and MB/s (10^6 bytes per second) over the time it wrote, timed
 * on the harness's clock (bench/timer.h).
 *
 *   lvm-bench-stream -a ADDR [-p PORT] [-d SECONDS] [-b BYTES]
 *                    [-t TIMEOUT_MS]
 *
 * Default port 9, 5 seconds, writes of 65536 bytes, a 10000 ms timeout.
 * Prints "bytes,seconds,MBps" as one CSV row. Exit status 0, or 1 with
 * one line on stderr (no connection, a write that failed).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/netconn.h"
#include "bench/timer.h"
#include "toolstack/common/clock.h"

#define TOOL "lvm-bench-stream"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* A positive number into (*v); 0 or -EINVAL. */
static int number(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || *s == '\0' || *end != '\0' || *v == 0 ? -EINVAL : 0;
}

/* Write (buf) to (fd) until (end_ns) or a signal; bytes into (*sent). */
static int pump(int fd, const char *buf, size_t size, uint64_t end_ns,
		unsigned long long *sent)
{
	ssize_t w;
	int rc;

	while (!stop && lvm_now_ns() < end_ns) {
		w = write(fd, buf, size);
		if (w > 0) {
			*sent += (unsigned long long)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN)
			return -errno;
		rc = lvm_netconn_wait(fd, POLLOUT, end_ns, 100);
		if (rc < 0 && rc != -EINTR)
			return rc;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *port = "9";
	unsigned long secs = 5, size = 65536, timeout = 10000;
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long long sent = 0;
	struct sockaddr_in to = { 0 };
	uint64_t t0, t1;
	unsigned tries;
	char *buf;
	int c, fd, rc;

	while ((c = getopt(argc, argv, "a:p:d:b:t:")) != -1) {
		switch (c) {
		case 'a': addr = optarg; break;
		case 'p': port = optarg; break;
		case 'd': if (number(optarg, &secs)) goto bad; break;
		case 'b': if (number(optarg, &size)) goto bad; break;
		case 't': if (number(optarg, &timeout)) goto bad; break;
		default: goto bad;
		}
	}
	if (!addr || lvm_netconn_addr(addr, port, &to) < 0)
		goto bad;
	lvm_bench_timer_init();
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	buf = calloc(1, size);
	if (!buf) {
		fputs(TOOL ": out of memory\n", stderr);
		return 1;
	}
	fd = lvm_netconn_open(&to, 50, lvm_now_ns() + timeout * 1000000u, NULL,
			      NULL, &tries);
	if (fd < 0) {
		fprintf(stderr, TOOL ": cannot connect to %s:%s: %s\n", addr,
			port, strerror(-fd));
		free(buf);
		return 1;
	}
	t0 = lvm_bench_now();
	rc = pump(fd, buf, size, lvm_now_ns() + secs * 1000000000u, &sent);
	t1 = lvm_bench_now();
	close(fd);
	free(buf);
	if (rc < 0) {
		fprintf(stderr, TOOL ": write to %s:%s after %llu bytes: %s\n",
			addr, port, sent, strerror(-rc));
		return 1;
	}
	printf("%llu,%.3f,%.2f\n", sent, lvm_ms(t0, t1) / 1e3,
	       (double)sent / (lvm_ms(t0, t1) * 1e3));
	return 0;
bad:
	fputs("usage: " TOOL " -a ADDR [-p PORT] [-d SECONDS] [-b BYTES] "
	      "[-t TIMEOUT_MS]\n", stderr);
	return 1;
}
