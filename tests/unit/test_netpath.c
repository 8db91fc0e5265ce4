/*
 * test_netpath.c — unit tests for lvmd's per-vif data path (netcopy.c):
 * in-memory rings and region, and a socket pair of datagrams standing in
 * for the TAP. TX frames reach the descriptor intact, RX frames land in
 * posted buffers, oversize frames are dropped and counted, no buffer
 * means nothing read, the newest frames queued before a connect reach
 * the guest and the older are dropped, each hostile guest write gets its
 * verdict with nothing else touched, and each call's work is bounded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <noxs/noxs.h>
#include <noxs/vring.h>

#include "toolstack/lvmd/netcopy.h"

#define REGION (16u * 4096u)

struct fix {
	struct noxs_vif_rings *rings;
	uint8_t *region;
	int fd[2];                   /* [0] the vif's side, [1] the "kernel" */
	struct np_io io;
	struct vring_front tx, rx;   /* the guest's side */
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->rings = calloc(1, sizeof(*f->rings));
	f->region = calloc(1, REGION);
	assert_non_null(f->rings);
	assert_non_null(f->region);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK,
				    0, f->fd), 0);
	vring_front_init(&f->tx, &f->rings->tx_idx, f->rings->tx);
	vring_front_init(&f->rx, &f->rings->rx_idx, f->rings->rx);
	np_io_init(&f->io, f->rings, f->region, REGION, f->fd[0], false);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	close(f->fd[0]);
	close(f->fd[1]);
	free(f->rings);
	free(f->region);
	free(f);
	return 0;
}

/* The guest posts a request on (fr) and publishes it. */
static void post(struct vring_front *fr, uint32_t offset, uint16_t len,
		 uint16_t id)
{
	struct noxs_vif_desc d = { .offset = offset, .len = len, .id = id };

	assert_int_equal(vring_front_post(fr, &d), 0);
	vring_front_push(fr);
}

/* Bytes of the next datagram waiting on (fd), or -1 if none. */
static ssize_t next_frame(int fd, uint8_t *buf, size_t size)
{
	ssize_t n = recv(fd, buf, size, MSG_DONTWAIT);

	return n < 0 && errno == EAGAIN ? -1 : n;
}

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/* ---- honest traffic ---- */

static void test_tx_frames_reach_fd(void **state)
{
	struct fix *f = *state;
	static const uint16_t lens[] = { 60, 1514, 1 };
	uint8_t got[2048];
	struct noxs_vif_desc r;
	uint32_t arg;
	bool notify;

	for (uint16_t i = 0; i < 3; i++) {
		fill(f->region + i * 2048u, lens[i], (uint8_t)(i + 1));
		post(&f->tx, i * 2048u, lens[i], (uint16_t)(10 + i));
	}
	assert_int_equal(np_io_tx(&f->io, NP_BATCH, &notify, &arg), 3);
	assert_true(notify);
	for (uint16_t i = 0; i < 3; i++) {
		assert_int_equal(next_frame(f->fd[1], got, sizeof(got)),
				 lens[i]);
		assert_memory_equal(got, f->region + i * 2048u, lens[i]);
		assert_int_equal(vring_front_take(&f->tx, &r, NULL), 1);
		assert_int_equal(r.id, 10 + i);
		assert_int_equal(r.status, NOXS_VIF_STATUS_OK);
	}
	assert_int_equal(next_frame(f->fd[1], got, sizeof(got)), -1);
	assert_int_equal(f->io.c.tx_packets, 3);
	assert_int_equal(f->io.c.tx_bytes, 60 + 1514 + 1);
	/* Nothing more: no work, no notification. */
	assert_int_equal(np_io_tx(&f->io, NP_BATCH, &notify, &arg), 0);
	assert_false(notify);
}

static void test_tx_refused_answers_error(void **state)
{
	struct fix *f = *state;
	struct noxs_vif_desc r;
	uint32_t arg;
	bool notify;
	int p[2];

	assert_int_equal(pipe(p), 0);
	f->io.fd = p[0]; /* a read end: every write fails */
	post(&f->tx, 0, 60, 3);
	assert_int_equal(np_io_tx(&f->io, NP_BATCH, &notify, &arg), 1);
	assert_int_equal(vring_front_take(&f->tx, &r, NULL), 1);
	assert_int_equal(r.id, 3);
	assert_int_equal(r.status, NOXS_VIF_STATUS_ERROR);
	assert_int_equal(f->io.c.tx_errors, 1);
	assert_int_equal(f->io.c.tx_packets, 0);
	close(p[0]);
	close(p[1]);
}

static void test_rx_frames_land_in_buffers(void **state)
{
	struct fix *f = *state;
	static const uint16_t caps[] = { NOXS_VIF_FRAME_MAX, 100 };
	uint16_t cap_of[NOXS_VIF_RING_SIZE] = { 0 };
	uint8_t frame[2][1514];
	struct noxs_vif_desc r;
	uint32_t arg;
	bool notify;

	for (uint16_t i = 0; i < 2; i++) {
		post(&f->rx, 4096u * (i + 1), caps[i], i);
		cap_of[i] = caps[i];
	}
	fill(frame[0], 1514, 9);
	fill(frame[1], 100, 33);
	assert_int_equal(send(f->fd[1], frame[0], 1514, 0), 1514);
	assert_int_equal(send(f->fd[1], frame[1], 100, 0), 100);
	assert_int_equal(np_io_rx(&f->io, NP_BATCH, &notify, &arg), 2);
	assert_true(notify);
	assert_true(f->io.rx_starved); /* both buffers used: TAP not polled */
	assert_int_equal(vring_front_take(&f->rx, &r, cap_of), 1);
	assert_int_equal(r.id, 0);
	assert_int_equal(r.len, 1514);
	assert_int_equal(r.status, NOXS_VIF_STATUS_OK);
	assert_memory_equal(f->region + 4096, frame[0], 1514);
	assert_int_equal(vring_front_take(&f->rx, &r, cap_of), 1);
	assert_int_equal(r.id, 1);
	assert_int_equal(r.len, 100);
	assert_memory_equal(f->region + 8192, frame[1], 100);
	assert_int_equal(f->io.c.rx_packets, 2);
	assert_int_equal(f->io.c.rx_bytes, 1614);
	/* Buffers used up: the next call takes none and reads nothing. */
	assert_int_equal(send(f->fd[1], frame[1], 50, 0), 50);
	assert_int_equal(np_io_rx(&f->io, NP_BATCH, &notify, &arg), 0);
	assert_true(f->io.rx_starved);
	assert_false(notify);
	assert_int_equal(next_frame(f->fd[0], frame[0], 1514), 50);
}

static void test_rx_oversize_dropped(void **state)
{
	struct fix *f = *state;
	uint16_t cap_of[NOXS_VIF_RING_SIZE] = { [5] = 100 };
	uint8_t big[200], small[80];
	struct noxs_vif_desc r;
	uint32_t arg;
	bool notify;

	post(&f->rx, 0, 100, 5);
	fill(big, sizeof(big), 1);
	fill(small, sizeof(small), 2);
	assert_int_equal(send(f->fd[1], big, sizeof(big), 0), 200);
	assert_int_equal(send(f->fd[1], small, sizeof(small), 0), 80);
	/* Both read; the first dropped, its buffer kept for the second. */
	assert_int_equal(np_io_rx(&f->io, NP_BATCH, &notify, &arg), 2);
	assert_int_equal(f->io.c.rx_dropped, 1);
	assert_int_equal(f->io.c.rx_packets, 1);
	assert_int_equal(vring_front_take(&f->rx, &r, cap_of), 1);
	assert_int_equal(r.id, 5);
	assert_int_equal(r.len, 80);
	assert_memory_equal(f->region, small, 80);
	assert_int_equal(vring_front_take(&f->rx, &r, cap_of), 0);
}

static void test_rx_no_buffer_reads_nothing(void **state)
{
	struct fix *f = *state;
	uint8_t frame[60] = { 1, 2, 3 };
	uint32_t arg;
	bool notify;

	assert_false(np_io_rx_posted(&f->io));
	assert_int_equal(send(f->fd[1], frame, sizeof(frame), 0), 60);
	assert_int_equal(np_io_rx(&f->io, NP_BATCH, &notify, &arg), 0);
	assert_true(f->io.rx_starved);
	assert_false(notify);
	assert_int_equal(f->rings->rx_idx.rsp_prod, 0);
	/* The frame is still the descriptor's. */
	assert_int_equal(next_frame(f->fd[0], frame, sizeof(frame)), 60);
	/* Once a buffer is posted, the vif reads again. */
	post(&f->rx, 0, 100, 0);
	assert_true(np_io_rx_posted(&f->io));
}

/* At connect: of the frames queued before it, the newest NP_BACKLOG_KEEP
 * reach the guest, oldest first; the older are dropped and counted, and
 * nothing is left queued. */
static void test_rx_backlog_newest(void **state)
{
	struct fix *f = *state;
	uint16_t cap_of[NOXS_VIF_RING_SIZE] = { 0 };
	const unsigned queued = NP_BACKLOG_KEEP + 12;
	uint8_t frame[60], got[60];
	struct noxs_vif_desc r;
	uint32_t arg;
	bool notify;

	for (uint16_t i = 0; i < NP_BACKLOG_KEEP + 4; i++) {
		post(&f->rx, 2048u * i, NOXS_VIF_FRAME_MAX, i);
		cap_of[i] = NOXS_VIF_FRAME_MAX;
	}
	for (unsigned i = 0; i < queued; i++) {
		fill(frame, sizeof(frame), (uint8_t)i);
		assert_int_equal(send(f->fd[1], frame, sizeof(frame), 0), 60);
	}
	assert_int_equal(np_io_rx_backlog(&f->io, NULL, 0, &notify, &arg),
			 (int)NP_BACKLOG_KEEP);
	assert_true(notify);
	assert_int_equal(f->io.c.rx_dropped, queued - NP_BACKLOG_KEEP);
	assert_int_equal(f->io.c.rx_packets, NP_BACKLOG_KEEP);
	assert_int_equal(f->io.c.rx_bytes, 60u * NP_BACKLOG_KEEP);
	for (unsigned i = 0; i < NP_BACKLOG_KEEP; i++) {
		assert_int_equal(vring_front_take(&f->rx, &r, cap_of), 1);
		assert_int_equal(r.id, i);
		assert_int_equal(r.len, 60);
		assert_int_equal(r.status, NOXS_VIF_STATUS_OK);
		fill(frame, sizeof(frame),
		     (uint8_t)(queued - NP_BACKLOG_KEEP + i));
		memcpy(got, f->region + 2048u * i, sizeof(got));
		assert_memory_equal(got, frame, sizeof(frame));
	}
	assert_int_equal(vring_front_take(&f->rx, &r, cap_of), 0);
	assert_int_equal(next_frame(f->fd[0], frame, sizeof(frame)), -1);
}

/* The gateway's hello: an ARP reply, byte for byte, from the gateway
 * (sender) to the guest (target), addressed to the guest's MAC. */
static void test_gw_hello_bytes(void **state)
{
	static const uint8_t gw_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 },
			     gw_ip[4] = { 198, 18, 0, 1 },
			     mac[6] = { 0x00, 0x16, 0x3e, 0x0a, 0x0b, 0x0c },
			     ip[4] = { 198, 18, 7, 9 };
	static const uint8_t want[NP_HELLO_LEN] = {
		0x00, 0x16, 0x3e, 0x0a, 0x0b, 0x0c,   /* to the guest */
		0x02, 0x11, 0x22, 0x33, 0x44, 0x55,   /* from the gateway */
		0x08, 0x06,                           /* ARP */
		0x00, 0x01, 0x08, 0x00, 6, 4,         /* Ethernet, IPv4 */
		0x00, 0x02,                           /* a reply */
		0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 198, 18, 0, 1,
		0x00, 0x16, 0x3e, 0x0a, 0x0b, 0x0c, 198, 18, 7, 9,
	};
	uint8_t got[NP_HELLO_LEN];

	(void)state;
	memset(got, 0xee, sizeof(got));
	np_gw_hello(got, gw_mac, gw_ip, mac, ip);
	assert_memory_equal(got, want, sizeof(want));
}

/* At connect the hello comes first, in the guest's first RX buffer, then
 * the frames queued before it; it counts as a frame delivered. */
static void test_rx_backlog_hello_first(void **state)
{
	struct fix *f = *state;
	uint16_t cap_of[NOXS_VIF_RING_SIZE] = { 0 };
	static const uint8_t z[6] = { 0 }, gw_ip[4] = { 198, 18, 0, 1 },
			     ip[4] = { 198, 18, 0, 2 };
	uint8_t hello[NP_HELLO_LEN], frame[60];
	struct noxs_vif_desc r;
	uint32_t arg;
	bool notify;

	for (uint16_t i = 0; i < 4; i++) {
		post(&f->rx, 2048u * i, NOXS_VIF_FRAME_MAX, i);
		cap_of[i] = NOXS_VIF_FRAME_MAX;
	}
	np_gw_hello(hello, z, gw_ip, z, ip);
	hello[0] = 0x02;
	fill(frame, sizeof(frame), 7);
	assert_int_equal(send(f->fd[1], frame, sizeof(frame), 0), 60);
	assert_int_equal(np_io_rx_backlog(&f->io, hello, sizeof(hello),
					  &notify, &arg), 2);
	assert_true(notify);
	assert_int_equal(f->io.c.rx_packets, 2);
	assert_int_equal(f->io.c.rx_dropped, 0);
	assert_int_equal(vring_front_take(&f->rx, &r, cap_of), 1);
	assert_int_equal(r.id, 0);
	assert_int_equal(r.len, NP_HELLO_LEN);
	assert_memory_equal(f->region, hello, NP_HELLO_LEN);
	assert_int_equal(vring_front_take(&f->rx, &r, cap_of), 1);
	assert_int_equal(r.id, 1);
	assert_int_equal(r.len, 60);
	assert_memory_equal(f->region + 2048u, frame, 60);
	assert_int_equal(vring_front_take(&f->rx, &r, cap_of), 0);
	/* Alone, with nothing queued: still delivered (buffers 2 and 3 are
	 * posted yet). */
	assert_int_equal(np_io_rx_backlog(&f->io, hello, sizeof(hello),
					  &notify, &arg), 1);
	assert_true(notify);
}

/* A backlog frame with no buffer posted, or too long, is dropped and
 * counted; what fits a buffer still arrives. */
static void test_rx_backlog_drops(void **state)
{
	struct fix *f = *state;
	uint16_t cap_of[NOXS_VIF_RING_SIZE] = { [0] = 100 };
	uint8_t big[NOXS_VIF_FRAME_MAX + 1], mid[200], small[80] = { 0 };
	struct noxs_vif_desc r;
	uint32_t arg;
	bool notify;

	/* No buffer: read, dropped, none answered, the fd drained. */
	assert_int_equal(send(f->fd[1], small, sizeof(small), 0), 80);
	assert_int_equal(np_io_rx_backlog(&f->io, NULL, 0, &notify, &arg), 0);
	assert_false(notify);
	assert_int_equal(f->io.c.rx_dropped, 1);
	assert_int_equal(f->rings->rx_idx.rsp_prod, 0);
	assert_int_equal(next_frame(f->fd[0], small, sizeof(small)), -1);
	/* One buffer of 100: a frame past NOXS_VIF_FRAME_MAX and one past
	 * the buffer dropped, the buffer kept for the one that fits. */
	post(&f->rx, 0, 100, 0);
	fill(big, sizeof(big), 1);
	fill(mid, sizeof(mid), 2);
	fill(small, sizeof(small), 3);
	assert_int_equal(send(f->fd[1], big, sizeof(big), 0),
			 (ssize_t)sizeof(big));
	assert_int_equal(send(f->fd[1], mid, sizeof(mid), 0), 200);
	assert_int_equal(send(f->fd[1], small, sizeof(small), 0), 80);
	assert_int_equal(np_io_rx_backlog(&f->io, NULL, 0, &notify, &arg), 1);
	assert_true(notify);
	assert_int_equal(f->io.c.rx_dropped, 3);
	assert_int_equal(f->io.c.rx_packets, 1);
	assert_int_equal(vring_front_take(&f->rx, &r, cap_of), 1);
	assert_int_equal(r.len, 80);
	assert_memory_equal(f->region, small, 80);
}

static void test_adopt_serves_unanswered_again(void **state)
{
	struct fix *f = *state;
	uint8_t got[64];
	uint32_t arg;
	bool notify;

	/* A guest that ran under another lvmd: 5 answered, 7 requested. */
	for (uint32_t i = 5; i < 7; i++)
		f->rings->tx[vring_slot(i)] = (struct noxs_vif_desc){
			.offset = i * 64, .len = 64, .id = (uint16_t)i };
	f->rings->tx_idx.req_prod = 7;
	f->rings->tx_idx.rsp_prod = 5;
	f->rings->rx_idx.req_prod = 9;
	f->rings->rx_idx.rsp_prod = 9;
	np_io_init(&f->io, f->rings, f->region, REGION, f->fd[0], true);
	assert_int_equal(f->io.rx.req_cons, 9);
	assert_int_equal(np_io_tx(&f->io, NP_BATCH, &notify, &arg), 2);
	assert_int_equal(f->rings->tx_idx.rsp_prod, 7);
	assert_int_equal(next_frame(f->fd[1], got, sizeof(got)), 64);
	assert_int_equal(next_frame(f->fd[1], got, sizeof(got)), 64);
	assert_int_equal(next_frame(f->fd[1], got, sizeof(got)), -1);
}

/* ---- bounded work ---- */

static void test_batches_are_bounded(void **state)
{
	struct fix *f = *state;
	uint8_t frame[60] = { 0 }, got[64];
	uint32_t arg;
	bool notify;
	int n = 0;

	for (uint16_t i = 0; i < NOXS_VIF_RING_SIZE; i++)
		post(&f->tx, i * 64u, 60, i);
	assert_int_equal(np_io_tx(&f->io, 10, &notify, &arg), 10);
	assert_int_equal(f->rings->tx_idx.rsp_prod, 10);
	while (next_frame(f->fd[1], got, sizeof(got)) >= 0)
		n++;
	assert_int_equal(n, 10);
	assert_int_equal(np_io_tx(&f->io, NP_BATCH, &notify, &arg), 54);

	for (uint16_t i = 0; i < NOXS_VIF_RING_SIZE; i++)
		post(&f->rx, i * 64u, 64, i);
	for (int i = 0; i < 20; i++)
		assert_int_equal(send(f->fd[1], frame, sizeof(frame), 0), 60);
	assert_int_equal(np_io_rx(&f->io, 8, &notify, &arg), 8);
	assert_int_equal(f->rings->rx_idx.rsp_prod, 8);
	assert_int_equal(np_io_rx(&f->io, NP_BATCH, &notify, &arg), 12);
	assert_int_equal(f->io.c.rx_packets, 20);
}

/* ---- hostile guests ---- */

struct hostile {
	const char *name;
	struct noxs_vif_desc d;      /* written into the next slot */
	uint32_t req_prod;           /* published (0: one request) */
	int verdict;
	uint32_t arg;
};

static const struct hostile hostiles[] = {
	{ "bad id", { .offset = 0, .len = 60, .id = 200 }, 0,
	  NOXS_VIF_BAD_ID, 200 },
	{ "len 0", { .offset = 0, .len = 0, .id = 1 }, 0, NOXS_VIF_BAD_LEN,
	  1 },
	{ "len over a frame", { .offset = 0, .len = 1515, .id = 2 }, 0,
	  NOXS_VIF_BAD_LEN, 2 },
	{ "offset outside", { .offset = REGION, .len = 60, .id = 3 }, 0,
	  NOXS_VIF_BAD_OFFSET, 3 },
	{ "offset far outside", { .offset = 0xfffffff0u, .len = 60, .id = 3 },
	  0, NOXS_VIF_BAD_OFFSET, 3 },
	{ "past the region", { .offset = REGION - 10, .len = 100, .id = 4 },
	  0, NOXS_VIF_PAST_REGION, 4 },
	{ "flags", { .offset = 0, .len = 60, .id = 5, .flags = 1 }, 0,
	  NOXS_VIF_BAD_FLAGS, 5 },
	{ "req_prod far ahead", { .offset = 0, .len = 60, .id = 6 }, 1000,
	  NOXS_VIF_BAD_INDEX, 1000 },
	{ "req_prod one past a ring", { .offset = 0, .len = 60, .id = 6 },
	  NOXS_VIF_RING_SIZE + 1, NOXS_VIF_BAD_INDEX, NOXS_VIF_RING_SIZE + 1 },
	{ "req_prod behind", { .offset = 0, .len = 60, .id = 7 }, 0xfffffffbu,
	  NOXS_VIF_BAD_INDEX, 0xfffffffbu },
};

/* One hostile write on ring (is_tx) of a fresh vif: the verdict, and
   nothing else touched (descriptor, region, responses, counters). */
static void run_hostile(const struct hostile *h, bool is_tx)
{
	void *st = NULL;
	struct fix *f;
	struct noxs_vif_rings before;
	uint8_t *region0 = malloc(REGION), got[2048] = { 0 };
	volatile struct noxs_vif_ring_idx *idx;
	volatile struct noxs_vif_desc *slots;
	uint32_t arg = 0;
	bool notify = true;
	int rc;

	print_message("case: %s (%s)\n", h->name, is_tx ? "TX" : "RX");
	setup(&st);
	f = st;
	idx = is_tx ? &f->rings->tx_idx : &f->rings->rx_idx;
	slots = is_tx ? f->rings->tx : f->rings->rx;
	fill(f->region, REGION, 77);
	memcpy(region0, f->region, REGION);
	slots[0] = h->d;
	idx->req_prod = h->req_prod ? h->req_prod : 1;
	memcpy(&before, f->rings, sizeof(before));
	if (!is_tx) /* a frame waiting that must stay unread */
		assert_int_equal(send(f->fd[1], got, 60, 0), 60);
	rc = is_tx ? np_io_tx(&f->io, NP_BATCH, &notify, &arg) :
		     np_io_rx(&f->io, NP_BATCH, &notify, &arg);
	assert_int_equal(rc, -h->verdict);
	assert_int_equal(arg, h->arg);
	assert_false(notify);
	assert_memory_equal(f->rings, &before, sizeof(before));
	assert_memory_equal(f->region, region0, REGION);
	assert_int_equal(next_frame(f->fd[1], got, sizeof(got)), -1);
	if (!is_tx)
		assert_int_equal(next_frame(f->fd[0], got, sizeof(got)), 60);
	assert_int_equal(f->io.c.tx_packets + f->io.c.rx_packets +
			 f->io.c.tx_errors + f->io.c.rx_dropped, 0);
	free(region0);
	teardown(&st);
}

static void test_hostile_writes_tx(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hostiles) / sizeof(hostiles[0]); i++)
		run_hostile(&hostiles[i], true);
}

static void test_hostile_writes_rx(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hostiles) / sizeof(hostiles[0]); i++)
		run_hostile(&hostiles[i], false);
}

/* A good request, then a bad one: the good one is served, then the
   verdict; the answer is not published (the vif is going away). */
static void test_hostile_after_good(void **state)
{
	struct fix *f = *state;
	uint8_t got[64];
	uint32_t arg;
	bool notify;

	post(&f->tx, 0, 60, 1);
	post(&f->tx, REGION, 60, 2);
	assert_int_equal(np_io_tx(&f->io, NP_BATCH, &notify, &arg),
			 -NOXS_VIF_BAD_OFFSET);
	assert_int_equal(arg, 2);
	assert_int_equal(next_frame(f->fd[1], got, sizeof(got)), 60);
	assert_int_equal(next_frame(f->fd[1], got, sizeof(got)), -1);
	assert_int_equal(f->rings->tx_idx.rsp_prod, 0);
}

/* ---- the device page and the storm count ---- */

static void test_offer_read(void **state)
{
	static struct noxs_page page;
	struct np_offer o;

	(void)state;
	memset(&page, 0, sizeof(page));
	page.vifs[2] = (struct noxs_vif){ .ring_mfn = 0x1234, .buf_pages = 4,
					  .buf_size = 4 * 4096 };
	/* Not connected yet: nothing is checked. */
	page.vifs[2].buf_pages = 129;
	assert_int_equal(np_offer_read(&page, 3, 2, &o), NOXS_VIF_OK);
	assert_int_equal(o.fe_state, NOXS_DEV_STATE_INIT);
	page.devs[3].fe_state = NOXS_DEV_STATE_CONNECTED;
	assert_int_equal(np_offer_read(&page, 3, 2, &o), NOXS_VIF_BAD_SETUP);
	assert_int_equal(o.buf_pages, 129);
	page.vifs[2].buf_pages = 4;
	page.vifs[2].buf_size = 4 * 4096 + 1;
	assert_int_equal(np_offer_read(&page, 3, 2, &o), NOXS_VIF_BAD_SETUP);
	page.vifs[2].buf_size = 4 * 4096;
	assert_int_equal(np_offer_read(&page, 3, 2, &o), NOXS_VIF_OK);
	assert_int_equal(o.ring_mfn, 0x1234);
	assert_int_equal(o.buf_pages, 4);
	assert_int_equal(o.buf_size, 4 * 4096);
}

static void test_disconnect_mark(void **state)
{
	static struct noxs_page page, want;
	uint32_t seq = 6;

	(void)state;
	memset(&page, 0xab, sizeof(page));
	memcpy(&want, &page, sizeof(page));
	np_disconnect_mark(&page, 5, 1, NOXS_VIF_BAD_ID, 200, &seq);
	assert_int_equal(seq, 7);
	want.vifs[1].reason = NOXS_VIF_BAD_ID;
	want.vifs[1].reason_arg = 200;
	want.vifs[1].disconnect_seq = 7;
	want.devs[5].be_state = NOXS_DEV_STATE_CLOSED;
	assert_memory_equal(&page, &want, sizeof(page));
}

static void test_storm_note(void **state)
{
	struct np_storm s = { 0 };
	uint64_t t = 1000;

	(void)state;
	/* Fast: NP_STORM_IDLE workless ones in a row, any work restarts. */
	for (unsigned i = 1; i < NP_STORM_IDLE; i++)
		assert_false(np_storm_note(&s, false, t));
	assert_false(np_storm_note(&s, true, t));
	assert_int_equal(s.idle, 0);
	for (unsigned i = 1; i < NP_STORM_IDLE; i++)
		assert_false(np_storm_note(&s, false, t));
	assert_true(np_storm_note(&s, false, t));

	/* Slow: NP_STORM_MIN over NP_STORM_NS; not fewer, not sooner. */
	s = (struct np_storm){ 0 };
	for (unsigned i = 1; i < NP_STORM_MIN; i++)
		assert_false(np_storm_note(&s, false, t + i * NP_STORM_NS));
	assert_true(np_storm_note(&s, false, t + NP_STORM_MIN * NP_STORM_NS));
	s = (struct np_storm){ 0 };
	for (unsigned i = 0; i < 2 * NP_STORM_MIN; i++)
		assert_false(np_storm_note(&s, false, t + NP_STORM_NS - 1));
	/* The run's time starts at its first workless one, after work. */
	assert_false(np_storm_note(&s, true, t + NP_STORM_NS));
	assert_false(np_storm_note(&s, false, t + 2 * NP_STORM_NS));
	for (unsigned i = 1; i < NP_STORM_MIN; i++)
		assert_false(np_storm_note(&s, false,
					   t + 3 * NP_STORM_NS - 1));
	assert_true(np_storm_note(&s, false, t + 3 * NP_STORM_NS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tx_frames_reach_fd, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tx_refused_answers_error,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_frames_land_in_buffers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_oversize_dropped,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_backlog_newest, setup,
						teardown),
		cmocka_unit_test(test_gw_hello_bytes),
		cmocka_unit_test_setup_teardown(test_rx_backlog_hello_first,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_backlog_drops, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rx_no_buffer_reads_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_adopt_serves_unanswered_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batches_are_bounded, setup,
						teardown),
		cmocka_unit_test(test_hostile_writes_tx),
		cmocka_unit_test(test_hostile_writes_rx),
		cmocka_unit_test_setup_teardown(test_hostile_after_good, setup,
						teardown),
		cmocka_unit_test(test_offer_read),
		cmocka_unit_test(test_disconnect_mark),
		cmocka_unit_test(test_storm_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
