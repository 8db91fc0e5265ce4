/*
 * client.c — lvmd's clients: each connection's buffers and mode, replies
 * queued and sent without blocking (a client that does not read them has
 * its requests wait, then is dropped), replies held until a guest is ready,
 * gone or rebuilt, console mode; and the handlers of the guest layers'
 * news (lvmd_client_hooks, see guest.h and client.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend.h"
#include "client.h"
#include "guest.h"
#include "toolstack/common/clock.h"
#include "lvmd.h"
#include "toolstack/engine/log.h"
#include "toolstack/proto/proto_json.h"

#define IN_MAX (LVM_PROTO_HDR + LVM_PROTO_MAX)

enum client_mode {
	C_REQUEST,                   /* reading requests */
	C_WAIT,                      /* a reply is waiting on a guest */
	C_CONSOLE,                   /* raw bytes to and from a guest */
	C_CLOSING,                   /* send what is queued, then close */
};

struct client {
	struct client *next, *prev;
	int fd;
	enum client_mode mode;
	char *in;                    /* request bytes received so far */
	size_t in_len;
	char *out;                   /* bytes to send */
	size_t out_len, out_cap;
	/* a reply held back (mode C_WAIT) */
	enum client_wait wait;
	struct guest *wg;
	uint64_t wait_deadline_ns;
	json_object *held;           /* the reply, completed when done */
	struct lvm_timing timing;
	/* console (mode C_CONSOLE) */
	struct guest *cg;
	bool dropped;                /* kill_client(): nothing more queued */
	bool refill_at_close;        /* lvmd_client_refill_after() */
};

int lvmd_client_new(struct lvmd *l, int fd)
{
	struct client *c;

	if (l->nclients >= LVMD_MAX_CLIENTS) {
		close(fd);
		return -EMFILE;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->fd = fd;
	c->next = l->clients;
	if (l->clients)
		l->clients->prev = c;
	l->clients = c;
	l->nclients++;
	return 0;
}

void lvmd_client_close(struct lvmd *l, struct client *c)
{
	lvmd_loader_forget(l, c);    /* its request parked, if any */
	if (c->prev)
		c->prev->next = c->next;
	else
		l->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	l->nclients--;
	close(c->fd);
	if (c->refill_at_close) {
		l->refill_due_ns = 0;
		lvmd_pools_kick(l);
	}
	json_object_put(c->held);
	free(c->in);
	free(c->out);
	free(c);
	/* lvmd at rest: what the requests freed goes back (poolthr.c). */
	if (!l->clients)
		lvmd_pools_trim(l);
}

/* kill_client: drop (c) at the next turn of the loop, sending nothing
 * more. */
static void kill_client(struct client *c)
{
	c->mode = C_CLOSING;
	c->dropped = true;
	c->out_len = 0;
	c->cg = NULL;
	c->wg = NULL;
	c->wait = W_NONE;
}

static void queue(struct client *c, const char *buf, size_t len)
{
	size_t cap;
	char *n;

	if (c->dropped)
		return;
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

/* behind: (c) has (len) more bytes to queue past LVMD_CLIENT_OUT_MAX
 * unsent: it is dropped (a line says why). */
static bool behind(struct client *c, size_t len, const char *what)
{
	if (c->out_len + len <= LVMD_CLIENT_OUT_MAX)
		return false;
	lvm_log_warn(0, "a client fell %u bytes behind (%s unread); dropped it",
		     LVMD_CLIENT_OUT_MAX, what);
	kill_client(c);
	return true;
}

bool lvmd_client_full(const struct client *c)
{
	return c->mode == C_REQUEST && c->out_len >= LVMD_CLIENT_OUT_PAUSE;
}

void lvmd_client_send(struct lvmd *l, struct client *c, json_object *msg)
{
	char *buf = NULL;
	size_t len;
	int rc;

	(void)l;
	if (!msg)
		msg = lvm_proto_error(ENOMEM, "lvmd: out of memory");
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
	if (!behind(c, len, "replies"))
		queue(c, buf, len);
	free(buf);
}

json_object *lvmd_reply_info(struct lvm_info *info)
{
	json_object *rep = lvm_proto_ok(), *o = lvm_proto_info_to_json(info);

	lvm_info_clear(info);
	if (!rep || !o || json_object_object_add(rep, "info", o) < 0) {
		json_object_put(rep);
		json_object_put(o);
		return NULL;
	}
	return rep;
}

/* raw: queue raw bytes (console mode); drops a client that is too far
 * behind. */
static void raw(struct client *c, const char *buf, size_t len)
{
	if (!behind(c, len, "its console"))
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

void lvmd_client_flush(struct client *c)
{
	if (flush(c) < 0)
		kill_client(c);
}

json_object *lvmd_client_request(struct lvmd *l, struct client *c)
{
	json_object *req;
	size_t used;
	int rc;

	if (c->mode != C_REQUEST || !c->in_len || lvmd_client_full(c))
		return NULL;
	rc = lvm_proto_decode(c->in, c->in_len, &used, &req);
	if (rc == 0)
		return NULL;
	if (rc < 0) {
		lvmd_client_fail(l, c, EPROTO, "bad message: %s",
				 rc == -EMSGSIZE ? "bad length" :
						   "not one JSON object");
		c->mode = C_CLOSING;
		c->in_len = 0;
		return NULL;
	}
	memmove(c->in, c->in + used, c->in_len - used);
	c->in_len -= used;
	return req;
}

/* read_requests: take what the socket has; -1 when the client is gone. */
static int read_requests(struct client *c)
{
	size_t room;
	ssize_t r;

	if (!c->in && !(c->in = malloc(IN_MAX)))
		return -1;
	while (c->in_len < IN_MAX) {
		room = IN_MAX - c->in_len;
		r = recv(c->fd, c->in + c->in_len, room, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		}
		if (r == 0)
			return -1;
		c->in_len += (size_t)r;
		/* Less than there was room for: the socket is drained, no
		 * second read to hear EAGAIN (the poll is level-triggered:
		 * what comes later wakes it). */
		if ((size_t)r < room)
			break;
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

int lvmd_client_read(struct lvmd *l, struct client *c, short revents)
{
	if (!(revents & POLLIN))
		return 0;
	if (c->mode == C_REQUEST && read_requests(c) < 0)
		return -1;
	if (c->mode == C_CONSOLE && read_console(l, c) < 0)
		return -1;
	return 0;
}

int lvmd_client_write(struct client *c, short revents)
{
	if ((revents & (POLLERR | POLLHUP)) && !(revents & POLLIN))
		return -1;
	if (flush(c) < 0)
		return -1;
	if (c->mode == C_CLOSING && c->out_len == 0)
		return -1;
	return 0;
}

size_t lvmd_clients_poll(struct lvmd *l, struct pollfd *pfd,
			 struct client **who)
{
	size_t n = 0;

	for (struct client *c = l->clients; c; c = c->next) {
		short ev = 0;

		if ((c->mode == C_REQUEST && !lvmd_client_full(c)) ||
		    c->mode == C_CONSOLE)
			ev |= POLLIN;
		if (c->out_len)
			ev |= POLLOUT;
		who[n] = c;
		pfd[n++] = (struct pollfd){ .fd = c->fd, .events = ev };
	}
	return n;
}

void lvmd_client_hold(struct client *c, enum client_wait wait,
		      struct guest *g, json_object *rep,
		      const struct lvm_timing *t, uint64_t deadline_ns)
{
	c->mode = C_WAIT;
	c->wait = wait;
	c->wg = g;
	c->held = rep;
	if (t)
		c->timing = *t;
	c->wait_deadline_ns = deadline_ns;
}

/* release: (c) reads requests again. */
static void release(struct client *c)
{
	c->wait = W_NONE;
	c->wg = NULL;
	c->mode = C_REQUEST;
}

bool lvmd_client_resume(struct client *c)
{
	if (c->mode != C_WAIT || c->wait != W_IMAGE)
		return false;
	release(c);
	return true;
}

void lvmd_client_console(struct lvmd *l, struct client *c, struct guest *g,
			 bool live)
{
	char buf[4096];
	ssize_t r;
	int fd = lvmd_console_replay(l, g);

	while (fd >= 0 && (r = read(fd, buf, sizeof(buf))) > 0)
		raw(c, buf, (size_t)r);
	if (fd >= 0)
		close(fd);
	if (c->mode == C_CLOSING)
		return; /* dropped while replaying */
	c->mode = live ? C_CONSOLE : C_CLOSING;
	c->cg = live ? g : NULL;
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
	release(c);
	tj = lvm_proto_timing_to_json(&c->timing);
	if (!tj || json_object_object_add(rep, "timing", tj) < 0) {
		json_object_put(tj);
		json_object_put(rep);
		lvmd_client_fail(l, c, ENOMEM, "lvmd: out of memory");
		return;
	}
	lvmd_client_send(l, c, rep);
}

void lvmd_client_refill_after(struct lvmd *l, struct client *c)
{
	uint64_t due = lvm_now_ns() + LVMD_REFILL_GRACE_MS * 1000000ull;

	c->refill_at_close = true;
	if (!l->refill_due_ns || due < l->refill_due_ns)
		l->refill_due_ns = due;
}

void lvmd_clients_timers(struct lvmd *l, uint64_t now, uint64_t *next)
{
	if (l->refill_due_ns && now >= l->refill_due_ns) {
		l->refill_due_ns = 0;
		lvmd_pools_kick(l);
	} else if (l->refill_due_ns && l->refill_due_ns < *next) {
		*next = l->refill_due_ns;
	}
	for (struct client *c = l->clients; c; c = c->next) {
		if (c->mode != C_WAIT || c->wait != W_READY)
			continue;
		if (c->wg)
			c->wg->ctl->poll(l, c->wg);
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

/* ---- the guest hooks (guest.h) ---- */

static void on_ready(struct lvmd *l, struct guest *g)
{
	for (struct client *c = l->clients; c; c = c->next)
		if (c->mode == C_WAIT && c->wait == W_READY && c->wg == g)
			finish_ready(l, c);
}

static void on_gone(struct lvmd *l, struct guest *g, int why)
{
	bool reboot;

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
		reboot = c->wait == W_REBOOT;
		release(c);
		if (why == 0 && reboot)
			/* a reboot answered by a poweroff (or a reboot that
			 * was not restarted) did not happen: say so */
			lvmd_client_fail(l, c, ECANCELED, "%s %s", g->rec.name,
					 g->stop_note[0] ? g->stop_note :
					 "shut down instead of rebooting");
		else if (why == 0)
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

static void on_output(struct lvmd *l, struct guest *g, const char *buf,
		      size_t len)
{
	for (struct client *c = l->clients; c; c = c->next)
		if (c->mode == C_CONSOLE && c->cg == g)
			raw(c, buf, len);
}

static void on_rebuilding(struct lvmd *l, struct guest *g)
{
	for (struct client *c = l->clients; c; c = c->next) {
		if (c->mode == C_WAIT && c->wait == W_REBOOT && c->wg == g) {
			c->wait = W_REBOOT_HELD;
			c->wg = NULL;
		}
	}
}

static void on_rebuilt(struct lvmd *l, const char *name, struct guest *ng,
		       int rc, const char *err)
{
	struct lvm_info info;

	for (struct client *c = l->clients; c; c = c->next) {
		if (c->mode != C_WAIT || c->wait != W_REBOOT_HELD)
			continue;
		release(c);
		if (rc < 0)
			lvmd_client_fail(l, c, -rc, "%s: rebuilding it: %s",
					 name, err);
		else if (lvmd_guest_info(l, ng, &info) < 0)
			lvmd_client_fail(l, c, ESRCH, "%s: vanished after its reboot",
					 name);
		else
			lvmd_client_send(l, c, lvmd_reply_info(&info));
	}
}

const struct lvmd_hooks lvmd_client_hooks = {
	.ready = on_ready,
	.gone = on_gone,
	.output = on_output,
	.rebuilding = on_rebuilding,
	.rebuilt = on_rebuilt,
};
