/*
 * daytimed.c — lvm-bench-daytimed: the process baseline of create to
 * first reply. A daytime server: to each connection one line with the
 * current UTC time ("2026-12-02 03:40:00 UTC"), then close. Built static,
 * so starting it costs no dynamic loading.
 *
 *   lvm-bench-daytimed [-a ADDR] [-p PORT] [-1]
 *
 * Listens on ADDR (IPv4, default 127.0.0.1) port PORT (default 13); with
 * -1 exits 0 after serving one connection. Exit status 1 with one line
 * on stderr when it cannot listen.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench/netconn.h"

#define TOOL "lvm-bench-daytimed"

/* A listening socket on (sa), or -errno. */
static int listen_on(const struct sockaddr_in *sa)
{
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 ||
	    listen(fd, 64) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* Send the time line to (fd) and close it. */
static void serve(int fd)
{
	char line[40];
	struct tm tm;
	time_t now = time(NULL);
	size_t n;

	gmtime_r(&now, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%d %H:%M:%S UTC\r\n", &tm);
	if (n > 0 && write(fd, line, n) < 0)
		perror(TOOL ": write");
	close(fd);
}

int main(int argc, char **argv)
{
	const char *addr = "127.0.0.1", *port = "13";
	struct sockaddr_in sa = { 0 };
	bool once = false;
	int c, lfd, fd;

	while ((c = getopt(argc, argv, "a:p:1")) != -1) {
		switch (c) {
		case 'a': addr = optarg; break;
		case 'p': port = optarg; break;
		case '1': once = true; break;
		default:
			fputs("usage: " TOOL " [-a ADDR] [-p PORT] [-1]\n", stderr);
			return 1;
		}
	}
	if (lvm_netconn_addr(addr, port, &sa) < 0) {
		fprintf(stderr, TOOL ": bad address %s or port %s\n", addr, port);
		return 1;
	}
	lfd = listen_on(&sa);
	if (lfd < 0) {
		fprintf(stderr, TOOL ": cannot listen on %s:%s: %s\n", addr, port,
			strerror(-lfd));
		return 1;
	}
	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, TOOL ": accept: %s\n", strerror(errno));
			close(lfd);
			return 1;
		}
		serve(fd);
		if (once)
			break;
	}
	close(lfd);
	return 0;
}
