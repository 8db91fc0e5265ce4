/*
 * netconn.c — a TCP connect retried until a deadline, for the network
 * tools (see netconn.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/netconn.h"
#include "toolstack/common/clock.h"

int lvm_netconn_addr(const char *addr, const char *port,
		     struct sockaddr_in *sa)
{
	char *end;
	long p = strtol(port, &end, 10);

	if (*port == '\0' || *end != '\0' || p < 1 || p > 65535)
		return -EINVAL;
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)p);
	if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1)
		return -EINVAL;
	return 0;
}

int lvm_netconn_wait(int fd, short events, uint64_t deadline_ns,
		     unsigned cap_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	uint64_t now = lvm_now_ns();
	uint64_t ms;
	int r;

	if (now >= deadline_ns)
		return 0;
	ms = (deadline_ns - now + 999999) / 1000000;
	if (cap_ms != 0 && ms > cap_ms)
		ms = cap_ms;
	do {
		r = poll(&p, 1, (int)ms);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r > 0;
}

/* A refusal or loss the peer's coming up ends: try again. */
static int retryable(int e)
{
	return e == ECONNREFUSED || e == EHOSTUNREACH || e == ENETUNREACH ||
	       e == ETIMEDOUT || e == ECONNRESET || e == EHOSTDOWN;
}

/* One try: the socket connected, -EAGAIN to try again, or -errno. */
static int try_once(const struct sockaddr_in *sa, unsigned step_ms,
		    uint64_t deadline_ns)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	int rc, e = 0;
	socklen_t len = sizeof(e);

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		rc = retryable(errno) ? -EAGAIN : -errno;
		goto out;
	}
	rc = lvm_netconn_wait(fd, POLLOUT, deadline_ns, step_ms);
	if (rc <= 0) {
		rc = rc == 0 ? -EAGAIN : rc;
		goto out;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0) {
		rc = -errno;
		goto out;
	}
	if (e == 0)
		return fd;
	rc = retryable(e) ? -EAGAIN : -e;
out:
	close(fd);
	return rc;
}

int lvm_netconn_open(const struct sockaddr_in *sa, unsigned step_ms,
		     uint64_t deadline_ns, lvm_netconn_check check, void *arg,
		     unsigned *tries)
{
	int rc;

	*tries = 0;
	for (;;) {
		if (lvm_now_ns() >= deadline_ns)
			return -ETIMEDOUT;
		if (check != NULL && (rc = check(arg)) != 0)
			return rc;
		++*tries;
		rc = try_once(sa, step_ms, deadline_ns);
		if (rc != -EAGAIN)
			return rc;
	}
}
