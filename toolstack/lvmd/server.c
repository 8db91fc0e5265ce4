/*
 * server.c — lvmd's socket: listening, clients, framing, held replies (see
 * lvmd.h and proto.h). Client sockets are non-blocking; what cannot be
 * sent at once waits in the client's output buffer.
 *
 * A client is freed only by lvmd_client_close(), which only the loop
 * calls; elsewhere a client to be dropped is marked C_CLOSING with its
 * output discarded (dead).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include "lvmd.h"
#include "toolstack/engine/log.h"

#define IN_MAX (LVM_PROTO_HDR + LVM_PROTO_MAX)

int lvmd_listen(struct lvmd *l)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, probe, rc;

	if (strlen(l->sock_path) >= sizeof(sa.sun_path))
		return lvm_log_err(ENAMETOOLONG, "socket path %s", l->sock_path);
	strcpy(sa.sun_path, l->sock_path);
	/* A socket file nobody answers on is a leftover: replace it. */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0) {
		if (connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(probe);
			return lvm_log_err(EADDRINUSE,
					   "another lvmd answers on %s", l->sock_path);
		}
		close(probe);
	}
	unlink(l->sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lvm_log_err(errno, "socket");
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0 || chmod(l->sock_path, 0600) < 0) {
		rc = lvm_log_err(errno, "cannot bind %s", l->sock_path);
		close(fd);
		return rc;
	}
	if (listen(fd, 64) < 0) {
		rc = lvm_log_err(errno, "listen on %s", l->sock_path);
		close(fd);
		return rc;
	}
	l->listen_fd = fd;
	return 0;
}

void lvmd_accept(struct lvmd *l)
{
	struct ucred cred;
	socklen_t len;
	struct client *c;
	int fd;

	for (;;) {
		fd = accept4(l->listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				lvm_log_warn(errno, "accept");
			return;
		}
		len = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
		    (cred.uid != 0 && cred.uid != geteuid())) {
			lvm_log_warn(0, "refused a client of uid %d",
				     len == sizeof(cred) ? (int)cred.uid : -1);
			close(fd);
			continue;
		}
		if (l->nclients >= LVMD_MAX_CLIENTS) {
			lvm_log_warn(0, "too many clients; refused one");
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->next = l->clients;
		if (l->clients)
			l->clients->prev = c;
		l->clients = c;
		l->nclients++;
	}
}

void lvmd_client_close(struct lvmd *l, struct client *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		l->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	l->nclients--;
	close(c->fd);
	json_object_put(c->held);
	free(c->in);
	free(c->out);
	free(c);
}

/* kill: drop (c) at the next turn of the loop, sending nothing more. */
static int flush(struct client *c);

static void kill_client(struct client *c)
{
	c->mode = C_CLOSING;
	c->out_len = 0;
	c->cg = NULL;
	c->wg = NULL;
	c->wait = W_NONE;
}

static void queue(struct client *c, const char *buf, size_t len)
{
	size_t cap;
	char *n;

	if (c->out_len + len > c->out_cap) {
		cap = c->out_cap ? c->out_cap : 4096;
		while (cap < c->out_len + len)
			cap *= 2;
		n = realloc(c->out, cap);
		if (!n) {
			kill_client(c);
			return;
		}
		c->out = n;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
}

void lvmd_client_send(struct lvmd *l, struct client *c, json_object *msg)
{
	char *buf = NULL;
	size_t len;
	int rc;

	(void)l;
	if (!msg) {
		kill_client(c);
		return;
	}
	rc = lvm_proto_encode(msg, &buf, &len);
	json_object_put(msg);
	if (rc < 0) {
		lvm_log_warn(-rc, "cannot encode a reply");
		kill_client(c);
		return;
	}
	queue(c, buf, len);
	free(buf);
}

void lvmd_client_raw(struct lvmd *l, struct client *c, const char *buf,
		     size_t len)
{
	(void)l;
	if (c->out_len + len > LVMD_CLIENT_OUT_MAX) {
		lvm_log_warn(0, "a console client fell %u bytes behind; dropped it",
			     LVMD_CLIENT_OUT_MAX);
		kill_client(c);
		return;
	}
	queue(c, buf, len);
}

void lvmd_client_fail(struct lvmd *l, struct client *c, int errnum,
		      const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	lvm_log_debug("request failed: %s", line);
	lvmd_client_send(l, c, lvm_proto_error(errnum, line));
}

void lvmd_client_flush(struct client *c)
{
	if (flush(c) < 0)
		kill_client(c);
}

/* flush: send what is queued; -1 if the client is gone. */
static int flush(struct client *c)
{
	ssize_t r;

	while (c->out_len) {
		r = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		memmove(c->out, c->out + r, c->out_len - (size_t)r);
		c->out_len -= (size_t)r;
	}
	return 0;
}

/* requests: handle each whole request in (c)'s input, one at a time. */
static void requests(struct lvmd *l, struct client *c)
{
	json_object *req;
	size_t used;
	int rc;

	while (c->mode == C_REQUEST && c->in_len) {
		rc = lvm_proto_decode(c->in, c->in_len, &used, &req);
		if (rc == 0)
			return;
		if (rc < 0) {
			lvmd_client_fail(l, c, EPROTO, "bad message: %s",
					 rc == -EMSGSIZE ? "bad length" :
							   "not one JSON object");
			c->mode = C_CLOSING;
			c->in_len = 0;
			return;
		}
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
		lvmd_dispatch(l, c, req, lvmd_now_ns(), lvmd_rdtsc());
		json_object_put(req);
	}
}

/* read_requests: take what the socket has; -1 when the client is gone. */
static int read_requests(struct client *c)
{
	ssize_t r;

	if (!c->in && !(c->in = malloc(IN_MAX)))
		return -1;
	while (c->in_len < IN_MAX) {
		r = recv(c->fd, c->in + c->in_len, IN_MAX - c->in_len,
			 MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		}
		if (r == 0)
			return -1;
		c->in_len += (size_t)r;
	}
	return 0;
}

static int read_console(struct lvmd *l, struct client *c)
{
	char buf[1024];
	ssize_t r;

	r = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (r < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (r == 0)
		return -1;
	if (c->cg)
		lvmd_console_input(l, c->cg, buf, (size_t)r);
	return 0;
}

short lvmd_client_events(const struct client *c)
{
	short ev = 0;

	if (c->mode == C_REQUEST || c->mode == C_CONSOLE)
		ev |= POLLIN;
	if (c->out_len)
		ev |= POLLOUT;
	return ev;
}

/* Returns -1 when (c) should be closed. */
int lvmd_client_step(struct lvmd *l, struct client *c, short revents)
{
	if (revents & POLLIN) {
		if (c->mode == C_REQUEST && read_requests(c) < 0)
			return -1;
		if (c->mode == C_CONSOLE && read_console(l, c) < 0)
			return -1;
	}
	requests(l, c);
	if ((revents & (POLLERR | POLLHUP)) && !(revents & POLLIN))
		return -1;
	if (flush(c) < 0)
		return -1;
	if (c->mode == C_CLOSING && c->out_len == 0)
		return -1;
	return 0;
}

/* finish_ready: send a held create reply, with the ready mark if known. */
static void finish_ready(struct lvmd *l, struct client *c)
{
	json_object *rep = c->held, *tj;

	c->held = NULL;
	if (c->wg && c->wg->has_ready) {
		c->timing.has_ready = true;
		c->timing.ready_ns = c->wg->ready_ns;
	}
	c->wait = W_NONE;
	c->wg = NULL;
	c->mode = C_REQUEST;
	tj = lvm_proto_timing_to_json(&c->timing);
	if (!tj || json_object_object_add(rep, "timing", tj) < 0) {
		json_object_put(tj);
		json_object_put(rep);
		lvmd_client_fail(l, c, ENOMEM, "lvmd: out of memory");
		return;
	}
	lvmd_client_send(l, c, rep);
}

void lvmd_clients_guest_ready(struct lvmd *l, struct guest *g)
{
	for (struct client *c = l->clients; c; c = c->next)
		if (c->mode == C_WAIT && c->wait == W_READY && c->wg == g)
			finish_ready(l, c);
}

void lvmd_clients_guest_gone(struct lvmd *l, struct guest *g, int why)
{
	for (struct client *c = l->clients; c; c = c->next) {
		if (c->mode == C_CONSOLE && c->cg == g) {
			c->cg = NULL;
			c->mode = C_CLOSING;
			continue;
		}
		if (c->mode != C_WAIT || c->wg != g)
			continue;
		if (c->wait == W_READY) {
			finish_ready(l, c);
			continue;
		}
		c->mode = C_REQUEST;
		c->wait = W_NONE;
		c->wg = NULL;
		if (why == 0)
			lvmd_client_send(l, c, lvm_proto_ok());
		else if (why == -ETIMEDOUT)
			lvmd_client_fail(l, c, ETIMEDOUT,
					 "%s did not shut down in time: destroyed",
					 g->rec.name);
		else if (why == -ECANCELED)
			lvmd_client_fail(l, c, ECANCELED,
					 "%s was destroyed meanwhile", g->rec.name);
		else
			lvmd_client_fail(l, c, -why, "%s was destroyed: %s",
					 g->rec.name,
					 g->doom[0] ? g->doom : strerror(-why));
	}
}

void lvmd_clients_timers(struct lvmd *l, uint64_t now, uint64_t *next)
{
	for (struct client *c = l->clients; c; c = c->next) {
		if (c->mode != C_WAIT || c->wait != W_READY)
			continue;
		if (c->wg)
			lvmd_sysctl_poll(l, c->wg);
		if (c->mode != C_WAIT)
			continue; /* answered by the poll */
		if (now >= c->wait_deadline_ns) {
			finish_ready(l, c);
			continue;
		}
		if (c->wait_deadline_ns < *next)
			*next = c->wait_deadline_ns;
		if (now + LVMD_READY_POLL_MS * 1000000ull < *next)
			*next = now + LVMD_READY_POLL_MS * 1000000ull;
	}
}
