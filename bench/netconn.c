/*
 * netconn.c — a TCP connect retried until a deadline, for the network
 * tools (see netconn.h). Tries overlap: a new one starts every step while
 * the older ones stay open (at most LVM_NETCONN_OPEN_MAX), so an answer
 * slower than the step still completes its own try.
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
	ms = lvm_ms_until(now, deadline_ns);
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

/* The tries open, oldest first (p[i].fd), for one poll. */
struct tries {
	struct pollfd p[LVM_NETCONN_OPEN_MAX];
	unsigned n;
};

static void drop_at(struct tries *t, unsigned i)
{
	close(t->p[i].fd);
	for (unsigned j = i + 1; j < t->n; j++)
		t->p[j - 1] = t->p[j];
	t->n--;
}

/* Every try closed but (keep) (-1: none); returns (rc). */
static int close_all(struct tries *t, int keep, int rc)
{
	for (unsigned i = 0; i < t->n; i++)
		if (t->p[i].fd != keep)
			close(t->p[i].fd);
	t->n = 0;
	return rc;
}

/*
 * One new try: 1 when its socket connected at once (in *out), 0 when it
 * is in progress (kept in (t), the oldest given up if (t) is full),
 * -EAGAIN when it failed in a way worth another try at once, or -errno.
 */
static int start_try(struct tries *t, const struct sockaddr_in *sa, int *out)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0), e;

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0) {
		*out = fd;
		return 1;
	}
	e = errno;
	if (e != EINPROGRESS) {
		close(fd);
		return retryable(e) ? -EAGAIN : -e;
	}
	if (t->n == LVM_NETCONN_OPEN_MAX)
		drop_at(t, 0);
	t->p[t->n++] = (struct pollfd){ .fd = fd, .events = POLLOUT };
	return 0;
}

/*
 * The tries that completed: 1 with a connected socket in *out (the
 * others closed), 0 when none did (the refused or lost ones closed,
 * *again set when one was: a new try is due at once), or -errno.
 */
static int reap(struct tries *t, int *again, int *out)
{
	for (unsigned i = 0; i < t->n;) {
		int e = 0, fd = t->p[i].fd;
		socklen_t len = sizeof(e);

		if (!t->p[i].revents) {
			i++;
			continue;
		}
		t->p[i].revents = 0;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
			e = errno;
		if (e == 0) {
			*out = fd;
			return close_all(t, fd, 1);
		}
		if (!retryable(e))
			return close_all(t, -1, -e);
		drop_at(t, i);
		*again = 1;
	}
	return 0;
}

int lvm_netconn_open(const struct sockaddr_in *sa, unsigned step_ms,
		     uint64_t deadline_ns, lvm_netconn_check check, void *arg,
		     unsigned *tries)
{
	struct tries t = { .n = 0 };
	uint64_t step_ns = (uint64_t)step_ms * 1000000u, next = 0, now, until, ms;
	int rc, again, r, fd = -1;

	*tries = 0;
	for (;;) {
		now = lvm_now_ns();
		if (now >= deadline_ns)
			return close_all(&t, -1, -ETIMEDOUT);
		if (now >= next) {
			if (check != NULL && (rc = check(arg)) != 0)
				return close_all(&t, -1, rc);
			++*tries;
			rc = start_try(&t, sa, &fd);
			if (rc > 0)
				return close_all(&t, fd, fd);
			if (rc < 0 && rc != -EAGAIN)
				return close_all(&t, -1, rc);
			next = rc == -EAGAIN ? now : now + step_ns;
			if (rc == -EAGAIN)
				continue;
		}
		/* Wait for any try until the next one is due. */
		until = next < deadline_ns ? next : deadline_ns;
		ms = lvm_ms_until(now, until);
		do {
			r = poll(t.p, t.n, (int)(ms < 60000 ? ms : 60000));
		} while (r < 0 && errno == EINTR);
		if (r < 0)
			return close_all(&t, -1, -errno);
		if (r == 0)
			continue;
		again = 0;
		rc = reap(&t, &again, &fd);
		if (rc != 0)
			return rc > 0 ? fd : rc;
		if (again)
			next = 0;    /* refused or lost: another try at once */
	}
}
