/*
 * fuzz_netpath.c — libFuzzer target for lvmd's per-vif data path
 * (toolstack/lvmd/netcopy.c): the backend's turns over arbitrary ring
 * contents, with frames waiting on a socket pair that stands in for the
 * TAP. The buffer region ends where its allocation ends (the region
 * declared is the tail of the largest one), so any copy past it is an
 * ASan report; offsets are unsigned, nothing can go before it.
 *
 * Input: 4 bytes of region size (modulo the largest region, plus one),
 * 1 byte of flags (bit 0: adopt the rings as they are), then 8-byte
 * steps [op, a, b, c, d, e, frame, turn]. What op % 4 writes:
 *   0  one 32-bit word anywhere in the rings page: word (a | b << 8)
 *      modulo 1024, value (c | d << 8 | e << 16 | op << 24);
 *   1  a request on the TX ring, 2 on the RX ring, published at once:
 *      offset (a | b << 8), counted from the region's end if op & 4 (so
 *      the edges are common), len (c | d << 8), id e % 72, flags e if
 *      op & 8, else 0;
 *   3  the TX (or, op & 4, RX) ring's req_prod moved by a - 128, or set
 *      to (a | b << 8 | c << 16 | d << 24) if op & 8.
 * Then a frame of (frame * 11) bytes (none if 0) is queued on the TAP's
 * side, and a TX turn runs if bit 0 of (turn) is set and an RX turn if
 * bit 1 is, each of at most ((turn >> 2) % 70) frames; with bit 7 also
 * set, the RX turn is the connect's (np_io_rx_backlog(): all queued
 * frames read, at most NP_BACKLOG_KEEP delivered, after a hello when bit
 * 2 is set too).
 *
 * Checked besides the sanitizers: a turn never does more than its
 * bound; every frame written to the TAP is 1..1514 bytes; the counters
 * agree with what was written; the backend's indices never drift more
 * than a ring apart; a verdict is a known reason, after which the vif is
 * served no more (a real backend disconnects).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <noxs/noxs.h>
#include <noxs/vring.h>

#include "toolstack/lvmd/netcopy.h"

static int fds[2] = { -1, -1 };

static void drain(int fd, uint64_t *frames, uint64_t *bytes)
{
	static uint8_t buf[65536];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		if (frames) {
			if (n < 1 || n > (ssize_t)NOXS_VIF_FRAME_MAX)
				abort();
			(*frames)++;
			*bytes += (uint64_t)n;
		}
	}
}

/* One guest write, as the header says. */
static void guest_write(struct noxs_vif_rings *r, uint32_t region_size,
			const uint8_t *st)
{
	volatile struct noxs_vif_ring_idx *idx;
	uint32_t ab = st[1] | (uint32_t)st[2] << 8;
	uint32_t *words = (uint32_t *)r;

	switch (st[0] % 4) {
	case 0:
		words[ab % (sizeof(*r) / 4)] = st[3] | (uint32_t)st[4] << 8 |
					       (uint32_t)st[5] << 16 |
					       (uint32_t)st[0] << 24;
		break;
	case 1:
	case 2:
		idx = st[0] % 4 == 1 ? &r->tx_idx : &r->rx_idx;
		(st[0] % 4 == 1 ? r->tx : r->rx)[vring_slot(idx->req_prod)] =
			(struct noxs_vif_desc){
				.offset = st[0] & 4 ? region_size - ab : ab,
				.len = (uint16_t)(st[3] | st[4] << 8),
				.id = st[5] % 72,
				.flags = st[0] & 8 ? st[5] : 0,
			};
		idx->req_prod++;
		break;
	default:
		idx = st[0] & 4 ? &r->rx_idx : &r->tx_idx;
		if (st[0] & 8)
			idx->req_prod = ab | (uint32_t)st[3] << 16 |
					(uint32_t)st[4] << 24;
		else
			idx->req_prod += (uint32_t)st[1] - 128u;
	}
}

static void check_indices(const struct vring_back *b)
{
	if (b->req_cons - b->rsp_prod > NOXS_VIF_RING_SIZE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct noxs_vif_rings rings;
	static uint8_t frame[2805], hello[NP_HELLO_LEN] = { 0x02, 1, 2, 3, 4, 5 };
	uint64_t sent = 0, sent_bytes = 0;
	struct np_io io;
	uint32_t region_size, arg;
	static uint8_t *big;
	uint8_t *region;
	bool notify;
	int rc = 0;

	if (fds[0] < 0 &&
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, fds) < 0)
		abort();
	if (size < 5)
		return 0;
	memcpy(&region_size, data, 4);
	region_size = region_size % (NOXS_VIF_BUF_PAGES_MAX * 4096u) + 1;
	if (!big && !(big = malloc(NOXS_VIF_BUF_PAGES_MAX * 4096u)))
		abort();
	region = big + NOXS_VIF_BUF_PAGES_MAX * 4096u - region_size;
	memset(&rings, 0, sizeof(rings));
	np_io_init(&io, &rings, region, region_size, fds[0], data[4] & 1);

	for (size_t i = 5; i + 8 <= size && rc >= 0; i += 8) {
		unsigned max = (unsigned)(data[i + 7] >> 2) % 70;

		guest_write(&rings, region_size, data + i);
		if (data[i + 6])
			send(fds[1], frame, (size_t)data[i + 6] * 11,
			     MSG_DONTWAIT);
		if (data[i + 7] & 1) {
			rc = np_io_tx(&io, max, &notify, &arg);
			if (rc > (int)max)
				abort();
			drain(fds[1], &sent, &sent_bytes);
		}
		if (rc >= 0 && (data[i + 7] & 0x82) == 0x82) {
			rc = np_io_rx_backlog(&io, data[i + 7] & 4 ? hello : NULL,
					      data[i + 7] & 4 ? NP_HELLO_LEN : 0,
					      &notify, &arg);
			if (rc > (int)NP_BACKLOG_KEEP + 1)
				abort();
		} else if (rc >= 0 && (data[i + 7] & 2)) {
			rc = np_io_rx(&io, max, &notify, &arg);
			if (rc > (int)max)
				abort();
		}
		if (rc < 0 && (-rc <= NOXS_VIF_OK || -rc > NOXS_VIF_REASON_MAX))
			abort();
		check_indices(&io.tx);
		check_indices(&io.rx);
	}
	if (io.c.tx_packets + io.c.tx_errors < sent ||
	    io.c.tx_packets != sent || io.c.tx_bytes != sent_bytes)
		abort();
	if (io.c.rx_bytes > io.c.rx_packets * NOXS_VIF_FRAME_MAX)
		abort();
	drain(fds[0], NULL, NULL);
	drain(fds[1], NULL, NULL);
	return 0;
}
