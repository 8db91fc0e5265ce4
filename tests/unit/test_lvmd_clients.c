/*
 * test_lvmd_clients.c — unit tests for lvmd's clients and their socket
 * turns (toolstack/lvmd/client.c, server.c) over real socket pairs, with
 * the requests' handling replaced: a client that sends requests without
 * end and never reads its replies has its requests wait once its unread
 * replies pass the mark (lvmd's memory stays bounded, its socket is no
 * longer polled for input), is served again once it reads, and a client
 * past the hard limit is dropped; other clients are served meanwhile.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "toolstack/lvmd/backend.h"
#include "toolstack/lvmd/client.h"
#include "toolstack/lvmd/guest.h"
#include "toolstack/lvmd/lvmd.h"
#include "toolstack/proto/proto.h"
#include "toolstack/common/clock.h"

/* ---- what the tested files call, replaced ---- */
#define REPLY_BYTES 4000
static unsigned dispatched;
static unsigned replies_per_request = 1;

/* reply: what each request is answered with. */
static json_object *reply(void)
{
	static char pad[REPLY_BYTES + 1];
	json_object *rep = lvm_proto_ok();

	if (!pad[0])
		memset(pad, 'x', REPLY_BYTES);
	json_object_object_add(rep, "pad", json_object_new_string(pad));
	return rep;
}

/* reply_len: its length on the wire. */
static size_t reply_len(void)
{
	json_object *rep = reply();
	char *buf;
	size_t len;

	assert_int_equal(lvm_proto_encode(rep, &buf, &len), 0);
	json_object_put(rep);
	free(buf);
	return len;
}

void lvmd_dispatch(struct lvmd *l, struct client *c, json_object *req,
		   uint64_t t_recv, uint64_t tsc_recv)
{
	(void)req;
	(void)t_recv;
	(void)tsc_recv;
	dispatched++;
	for (unsigned i = 0; i < replies_per_request; i++)
		lvmd_client_send(l, c, reply());
}

void lvmd_console_input(struct lvmd *l, struct guest *g, const char *buf,
			size_t len)
{
	(void)l;
	(void)g;
	(void)buf;
	(void)len;
}

int lvmd_console_replay(struct lvmd *l, struct guest *g)
{
	(void)l;
	(void)g;
	return -ENOENT;
}

static unsigned kicks;

void lvmd_pools_kick(struct lvmd *l)
{
	(void)l;
	kicks++;
}

void lvmd_pools_trim(struct lvmd *l)
{
	(void)l;
}

void lvmd_loader_forget(struct lvmd *l, struct client *c)
{
	(void)l;
	(void)c;
}

int lvmd_guest_info(struct lvmd *l, struct guest *g, struct lvm_info *out)
{
	(void)l;
	(void)g;
	(void)out;
	return -ESRCH;
}

/* ---- the harness ---- */
/* A request whose frame the socket took only in part: the rest is sent
 * first next time (a stream cut mid-frame would be a bad message). */
static char part[64];
static size_t part_len, part_off;

struct fixture {
	struct lvmd l;
	int peer[2];                 /* our ends of two clients */
	unsigned closed;             /* clients the loop closed */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int sv[2];

	if (!f)
		return -1;
	dispatched = 0;
	kicks = 0;
	replies_per_request = 1;
	part_len = part_off = 0;
	for (int i = 0; i < 2; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 ||
		    fcntl(sv[0], F_SETFL, O_NONBLOCK) < 0 ||
		    fcntl(sv[1], F_SETFL, O_NONBLOCK) < 0 ||
		    lvmd_client_new(&f->l, sv[0]) < 0)
			return -1;
		f->peer[i] = sv[1];
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	while (f->l.clients)
		lvmd_client_close(&f->l, f->l.clients);
	if (f->peer[0] >= 0)
		close(f->peer[0]);
	close(f->peer[1]);
	free(f);
	return 0;
}

/* turn: one turn of lvmd's loop over its clients (as loop.c's); the
 * events each client asked for into (ev) (in list order, at most 2). */
static void turn(struct fixture *f, short ev[2])
{
	struct pollfd pfd[LVMD_MAX_CLIENTS];
	struct client *who[LVMD_MAX_CLIENTS];
	size_t n = lvmd_clients_poll(&f->l, pfd, who);

	for (size_t i = 0; i < 2; i++)
		ev[i] = i < n ? pfd[i].events : 0;
	assert_true(poll(pfd, n, 0) >= 0);
	for (size_t i = 0; i < n; i++) {
		if (lvmd_server_step(&f->l, who[i], pfd[i].revents) < 0) {
			lvmd_client_close(&f->l, who[i]);
			f->closed++;
		}
	}
}

static const char request[] = "{\"op\":\"list\"}";

/* send_requests: as many whole requests on (fd) as its socket takes now,
 * at most (max); how many were completed. */
static unsigned send_requests(int fd, unsigned max)
{
	uint32_t len = sizeof(request) - 1;
	unsigned n = 0;
	ssize_t r;

	for (;;) {
		if (part_off == part_len) {
			if (n == max)
				return n;
			memcpy(part, &len, LVM_PROTO_HDR); /* little-endian */
			memcpy(part + LVM_PROTO_HDR, request, len);
			part_len = LVM_PROTO_HDR + len;
			part_off = 0;
		}
		r = write(fd, part + part_off, part_len - part_off);
		if (r <= 0)
			return n;
		part_off += (size_t)r;
		n += part_off == part_len;
	}
}

/* unread: the bytes waiting on (fd). */
static size_t unread(int fd)
{
	int n = 0;

	assert_int_equal(ioctl(fd, FIONREAD, &n), 0);
	return (size_t)n;
}

/* drain: read what (fd) has; how many bytes. */
static size_t drain(int fd)
{
	char buf[65536];
	size_t total = 0;
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) > 0)
		total += (size_t)r;
	return total;
}

static void test_unread_replies_stop_requests(void **state)
{
	struct fixture *f = *state;
	/* the clients are newest first: peer[1]'s is the first polled */
	int hog = f->peer[1], other = f->peer[0];
	size_t got = 0;
	unsigned sent = 0, i;
	short ev[2];

	for (i = 0; i < 2000; i++) {
		sent += send_requests(hog, 100000);
		turn(f, ev);
		/* what lvmd answered is in the socket or queued, never more
		 * than the mark and one reply past it */
		if ((size_t)dispatched * reply_len() >
		    unread(hog) + LVMD_CLIENT_OUT_PAUSE + 2 * reply_len())
			break;
	}
	assert_int_equal(i, 2000);
	assert_int_equal(f->closed, 0);
	assert_true(dispatched < sent);
	/* the hog's socket is no longer watched for requests */
	assert_false(ev[0] & POLLIN);
	assert_true(ev[1] & POLLIN);
	/* another client is served meanwhile */
	{
		unsigned before = dispatched;

		assert_int_equal(send_requests(other, 1), 1);
		turn(f, ev);
		assert_int_equal(dispatched, before + 1);
		assert_true(drain(other) > REPLY_BYTES);
	}
	/* the hog reads: every request it sent is answered in the end */
	for (i = 0; i < 100000 && got < sent * reply_len(); i++) {
		got += drain(hog);
		turn(f, ev);
	}
	assert_int_equal(dispatched, sent + 1);
	assert_int_equal(got, sent * reply_len());
	assert_int_equal(f->closed, 0);
}

static void test_hard_limit_drops(void **state)
{
	struct fixture *f = *state;
	int hog = f->peer[1], other = f->peer[0];
	short ev[2];
	unsigned i;

	/* each request answered with more than the hard limit allows */
	replies_per_request = LVMD_CLIENT_OUT_MAX / REPLY_BYTES + 100;
	assert_int_equal(send_requests(hog, 1), 1);
	for (i = 0; i < 10 && !f->closed; i++)
		turn(f, ev);
	assert_int_equal(f->closed, 1);
	assert_int_equal(f->l.nclients, 1);
	/* the other is still served */
	replies_per_request = 1;
	assert_int_equal(send_requests(other, 1), 1);
	turn(f, ev);
	assert_true(drain(other) > REPLY_BYTES);
}

/* A create that took a pool's shell: the refill thread is woken when its
 * client closes, once, and not before. */
static void test_refill_at_close(void **state)
{
	struct fixture *f = *state;
	uint64_t next = UINT64_MAX, now = lvm_now_ns();
	short ev[2];

	lvmd_client_refill_after(&f->l, f->l.clients);
	lvmd_clients_timers(&f->l, now, &next);
	assert_int_equal(kicks, 0);
	assert_true(next > now &&
		    next <= lvm_now_ns() + LVMD_REFILL_GRACE_MS * 1000000ull);
	/* the other client (peer[0]'s; the newest is first) goes: nothing */
	close(f->peer[0]);
	f->peer[0] = -1;
	for (int i = 0; i < 10 && !f->closed; i++)
		turn(f, ev);
	assert_int_equal(f->closed, 1);
	assert_int_equal(kicks, 0);
	lvmd_client_close(&f->l, f->l.clients);
	assert_int_equal(kicks, 1);
	next = UINT64_MAX;
	lvmd_clients_timers(&f->l, now + 10 * LVMD_REFILL_GRACE_MS * 1000000ull,
			    &next);
	assert_int_equal(kicks, 1);                     /* not twice */
	assert_int_equal(next, UINT64_MAX);
}

/* ... or when its grace is over, if the client stays connected. */
static void test_refill_after_grace(void **state)
{
	struct fixture *f = *state;
	uint64_t next = UINT64_MAX, now = lvm_now_ns();

	lvmd_client_refill_after(&f->l, f->l.clients);
	lvmd_clients_timers(&f->l, now + LVMD_REFILL_GRACE_MS * 1000000ull / 2,
			    &next);
	assert_int_equal(kicks, 0);
	lvmd_clients_timers(&f->l, now + 2 * LVMD_REFILL_GRACE_MS * 1000000ull,
			    &next);
	assert_int_equal(kicks, 1);
	lvmd_clients_timers(&f->l, now + 3 * LVMD_REFILL_GRACE_MS * 1000000ull,
			    &next);
	assert_int_equal(kicks, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refill_at_close, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refill_after_grace, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unread_replies_stop_requests,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_hard_limit_drops, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
