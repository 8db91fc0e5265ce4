/*
 * floor.c — lvm-bench-floor: the least a command can pay for one request
 * to lvmd. Static like the spawn baseline (lvm-bench-trivial), no JSON
 * library and no argument parsing beyond its own: it connects, writes one
 * request made with snprintf(), waits for the reply as `lvm` does (polls
 * up to 8 ms, yielding between polls, then blocks), writes the reply's
 * JSON to stdout and exits. What `lvm` pays beyond it is `lvm`'s own
 * work (its JSON, its checks, its output); what it pays beyond a static
 * no-op is the round trip and lvmd's work (bench/cmdpath.sh).
 *
 *   lvm-bench-floor create IMAGE NAME   a create, as `lvm create IMAGE
 *                                       --name NAME` asks it (its
 *                                       defaults: 4 MiB, 1 vCPU)
 *   lvm-bench-floor list                a list, as `lvm list` asks it
 *   lvm-bench-floor serve PATH          a server on PATH that answers
 *                                       every request at once with an
 *                                       empty list, in one poll loop:
 *                                       a round trip with no work in it
 *                                       (until killed)
 *
 * The socket is $LVM_SOCKET, else lvmd's default. IMAGE must be an
 * absolute path, NAME a plain guest name (neither is escaped). Exit 0
 * when lvmd's reply says ok; 1 with one line on stderr otherwise.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <lvm.h>                     /* LVM_DEFAULT_SOCK only: no liblvm */

#define BUSY_NS 8000000u             /* as `lvm`: toolstack/lvm/connect.c */
#define MAX_REPLY 65536u
#define SERVE_FDS 64

static int die(const char *what)
{
	fprintf(stderr, "lvm-bench-floor: %s: %s\n", what, strerror(errno));
	return 1;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* read_full: (n) bytes from (fd) into (p); 0, or -1 with errno set. */
static int read_full(int fd, void *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);

		if (r == 0)
			errno = ECONNRESET;
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return -1;
		}
		p = (char *)p + r;
		n -= (size_t)r;
	}
	return 0;
}

/* serve: answer each read of each connection on (path) with an empty
 * list (lvm-bench-floor's requests come in one write each). */
static int serve(const char *path)
{
	static const char body[] = "{\"ok\":true,\"guests\":[]}";
	static char buf[MAX_REPLY + 4], out[4 + sizeof(body)];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd p[SERVE_FDS];
	int n = 1;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "lvm-bench-floor: socket path too long\n");
		return 1;
	}
	strcpy(sa.sun_path, path);
	out[0] = (char)(sizeof(body) - 1);
	memcpy(out + 4, body, sizeof(body) - 1);
	unlink(path);
	p[0].fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	p[0].events = POLLIN;
	if (p[0].fd < 0 || bind(p[0].fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(p[0].fd, 64) < 0)
		return die(path);
	for (;;) {
		if (poll(p, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return die("poll");
		}
		for (int i = 1; i < n; i++) {
			ssize_t r;

			if (!p[i].revents)
				continue;
			r = recv(p[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r <= 0 || write(p[i].fd, out, 3 + sizeof(body)) < 0) {
				close(p[i].fd);
				p[i--] = p[--n];
			}
		}
		if (p[0].revents & POLLIN) {
			int fd = accept4(p[0].fd, NULL, NULL,
					 SOCK_NONBLOCK | SOCK_CLOEXEC);

			if (fd >= 0 && n < SERVE_FDS)
				p[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
			else if (fd >= 0)
				close(fd);
		}
	}
}

int main(int argc, char **argv)
{
	static char msg[4 + 4096], reply[MAX_REPLY + 1];
	const char *sock = getenv("LVM_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd p = { .events = POLLIN };
	unsigned char hdr[4];
	uint32_t n;
	uint64_t t0;
	int len, fd;

	if (argc == 4 && strcmp(argv[1], "create") == 0)
		len = snprintf(msg + 4, sizeof(msg) - 4,
			       "{\"op\":\"create\",\"name\":\"%s\",\"kernel\":\"%s\","
			       "\"memory_mb\":4,\"vcpus\":1,"
			       "\"on_poweroff\":\"destroy\",\"on_crash\":\"destroy\","
			       "\"on_reboot\":\"restart\",\"store\":\"auto\","
			       "\"paused\":false,\"wait_ready\":false}",
			       argv[3], argv[2]);
	else if (argc == 2 && strcmp(argv[1], "list") == 0)
		len = snprintf(msg + 4, sizeof(msg) - 4,
			       "{\"op\":\"list\",\"all\":false}");
	else if (argc == 3 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2]);
	else {
		fprintf(stderr, "usage: lvm-bench-floor create IMAGE NAME | list | serve PATH\n");
		return 1;
	}
	if (len < 0 || (size_t)len >= sizeof(msg) - 4) {
		fprintf(stderr, "lvm-bench-floor: request too long\n");
		return 1;
	}
	msg[0] = (char)(len & 0xff);
	msg[1] = (char)((len >> 8) & 0xff);
	msg[2] = msg[3] = 0;
	if (!sock || !sock[0])
		sock = LVM_DEFAULT_SOCK;
	if (strlen(sock) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "lvm-bench-floor: socket path too long\n");
		return 1;
	}
	strcpy(sa.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return die("socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return die(sock);
	if (write(fd, msg, (size_t)len + 4) != len + 4)
		return die("write");
	p.fd = fd;
	t0 = now_ns();
	while (poll(&p, 1, 0) == 0 && now_ns() - t0 < BUSY_NS)
		sched_yield();
	if (read_full(fd, hdr, 4) < 0)
		return die("read");
	n = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 |
	    (uint32_t)hdr[3] << 24;
	if (n == 0 || n > MAX_REPLY) {
		fprintf(stderr, "lvm-bench-floor: reply of %u bytes\n", n);
		return 1;
	}
	if (read_full(fd, reply, n) < 0)
		return die("read");
	reply[n] = '\n';
	if (write(1, reply, n + 1) != (ssize_t)n + 1)
		return die("write to stdout");
	if (strncmp(reply, "{\"ok\":true", 10) != 0) {
		fprintf(stderr, "lvm-bench-floor: lvmd said: %.*s\n", (int)n, reply);
		return 1;
	}
	return 0;
}
