/*
 * netcopy.c — one vif's frames between its rings and its descriptor, the
 * vif fields of the device page, the storm count (see netcopy.h).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "netcopy.h"

#define WMB() __atomic_thread_fence(__ATOMIC_RELEASE)

/* Room for the tail of a frame longer than the guest's buffer. */
#define SCRATCH 65536u

static void ring_start(struct vring_back *b,
		       volatile struct noxs_vif_ring_idx *idx,
		       volatile struct noxs_vif_desc *slots, uint32_t size,
		       bool adopt)
{
	vring_back_init(b, idx, slots, size);
	if (adopt)
		b->req_cons = b->rsp_prod = idx->rsp_prod;
}

void np_io_init(struct np_io *io, volatile struct noxs_vif_rings *rings,
		uint8_t *region, uint32_t size, int fd, bool adopt)
{
	*io = (struct np_io){ .rings = rings, .region = region, .fd = fd };
	ring_start(&io->tx, &rings->tx_idx, rings->tx, size, adopt);
	ring_start(&io->rx, &rings->rx_idx, rings->rx, size, adopt);
}

int np_io_tx(struct np_io *io, unsigned max, bool *notify, uint32_t *arg)
{
	struct noxs_vif_desc d;
	unsigned n = 0;
	ssize_t w;
	int rc;

	*notify = false;
	while (n < max) {
		rc = vring_back_take(&io->tx, &d, arg);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		w = write(io->fd, io->region + d.offset, d.len);
		if (w == (ssize_t)d.len) {
			io->c.tx_packets++;
			io->c.tx_bytes += d.len;
		} else {
			io->c.tx_errors++;
		}
		d.status = w == (ssize_t)d.len ? NOXS_VIF_STATUS_OK :
						 NOXS_VIF_STATUS_ERROR;
		vring_back_respond(&io->tx, &d);
		n++;
	}
	*notify = vring_back_push(&io->tx) == 1;
	return (int)n;
}

/* An RX buffer held in io->rx_held (the one kept, else the next the guest
 * posted): 1, 0 if none is posted, or -(verdict). */
static int rx_hold(struct np_io *io, uint32_t *arg)
{
	int rc;

	if (io->rx_have)
		return 1;
	rc = vring_back_take(&io->rx, &io->rx_held, arg);
	if (rc == 1)
		io->rx_have = true;
	return rc;
}

/* The held RX buffer answered with a frame of (len) bytes now in it. */
static void rx_answer(struct np_io *io, uint32_t len)
{
	io->rx_held.len = (uint16_t)len;
	io->rx_held.status = NOXS_VIF_STATUS_OK;
	vring_back_respond(&io->rx, &io->rx_held);
	io->rx_have = false;
	io->c.rx_packets++;
	io->c.rx_bytes += len;
}

bool np_io_rx_posted(const struct np_io *io)
{
	return io->rx_have || io->rx.idx->req_prod != io->rx.req_cons;
}

int np_io_rx(struct np_io *io, unsigned max, bool *notify, uint32_t *arg)
{
	static _Thread_local uint8_t scratch[SCRATCH];
	struct iovec iov[2];
	unsigned n = 0;
	ssize_t r;
	int rc;

	*notify = false;
	io->rx_starved = false;
	while (n < max) {
		rc = rx_hold(io, arg);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			io->rx_starved = true;
			break;
		}
		iov[0] = (struct iovec){ io->region + io->rx_held.offset,
					 io->rx_held.len };
		iov[1] = (struct iovec){ scratch, sizeof(scratch) };
		r = readv(io->fd, iov, 2);
		if (r <= 0)
			break; /* drained (EAGAIN), or nothing more to read */
		n++;
		if (r > io->rx_held.len) {
			io->c.rx_dropped++;
			continue;
		}
		rx_answer(io, (uint32_t)r);
	}
	*notify = vring_back_push(&io->rx) == 1;
	return (int)n;
}

/* One frame (f, len) into the next posted RX buffer, as np_io_rx() does:
 * 1 delivered, 0 dropped (no buffer, or too long for it), -(verdict). */
static int rx_put(struct np_io *io, const uint8_t *f, uint32_t len,
		  uint32_t *arg)
{
	int rc = rx_hold(io, arg);

	if (rc <= 0)
		return rc;
	if (len > io->rx_held.len)
		return 0;
	memcpy(io->region + io->rx_held.offset, f, len);
	rx_answer(io, len);
	return 1;
}

/* rx_put() for a frame read at connect, which may be longer than any
 * buffer (NOXS_VIF_FRAME_MAX): a frame not delivered is counted in
 * rx_dropped. */
static int put_counted(struct np_io *io, const uint8_t *f, uint32_t len,
		       uint32_t *arg)
{
	int rc = len > NOXS_VIF_FRAME_MAX ? 0 : rx_put(io, f, len, arg);

	if (rc == 0)
		io->c.rx_dropped++;
	return rc;
}

int np_io_rx_backlog(struct np_io *io, const uint8_t *hello,
		     uint32_t hello_len, bool *notify, uint32_t *arg)
{
	/* A ring of the newest frames; one byte more than a frame shows a
	 * longer one. */
	static _Thread_local uint8_t keep[NP_BACKLOG_KEEP][NOXS_VIF_FRAME_MAX + 1];
	static _Thread_local uint32_t len[NP_BACKLOG_KEEP];
	unsigned n = 0, first, kept, done = 0;
	ssize_t r;
	int rc = 0;

	*notify = false;
	for (; n < NP_BACKLOG_READ; n++) {
		r = read(io->fd, keep[n % NP_BACKLOG_KEEP], sizeof(keep[0]));
		if (r <= 0)
			break;
		len[n % NP_BACKLOG_KEEP] = (uint32_t)r;
	}
	kept = n < NP_BACKLOG_KEEP ? n : NP_BACKLOG_KEEP;
	io->c.rx_dropped += n - kept;
	first = n - kept;
	if (hello_len) {
		rc = put_counted(io, hello, hello_len, arg);
		if (rc < 0)
			return rc;
		done += (unsigned)rc;
	}
	for (unsigned i = first; i < n; i++) {
		rc = put_counted(io, keep[i % NP_BACKLOG_KEEP],
				 len[i % NP_BACKLOG_KEEP], arg);
		if (rc < 0)
			return rc;
		done += (unsigned)rc;
	}
	if (done)
		*notify = vring_back_push(&io->rx) == 1;
	return (int)done;
}

int np_offer_read(const volatile struct noxs_page *page, unsigned slot,
		  unsigned id, struct np_offer *o)
{
	const volatile struct noxs_vif *v = &page->vifs[id];

	o->fe_state = page->devs[slot].fe_state;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	o->ring_mfn = v->ring_mfn;
	o->buf_pages = v->buf_pages;
	o->buf_size = v->buf_size;
	if (o->fe_state != NOXS_DEV_STATE_CONNECTED)
		return NOXS_VIF_OK;
	return vring_check_region(o->buf_pages, o->buf_size);
}

void np_disconnect_mark(volatile struct noxs_page *page, unsigned slot,
			unsigned id, uint32_t verdict, uint32_t arg,
			uint32_t *seq)
{
	volatile struct noxs_vif *v = &page->vifs[id];

	v->reason = verdict;
	v->reason_arg = arg;
	v->disconnect_seq = ++*seq;
	WMB();
	page->devs[slot].be_state = NOXS_DEV_STATE_CLOSED;
}

bool np_storm_note(struct np_storm *s, bool work, uint64_t now_ns)
{
	if (work) {
		s->idle = 0;
		return false;
	}
	if (s->idle++ == 0)
		s->since_ns = now_ns;
	return s->idle >= NP_STORM_IDLE ||
	       (s->idle >= NP_STORM_MIN && now_ns - s->since_ns >= NP_STORM_NS);
}

void np_gw_hello(uint8_t out[NP_HELLO_LEN], const uint8_t gw_mac[6],
		 const uint8_t gw_ip[4], const uint8_t mac[6],
		 const uint8_t ip[4])
{
	/* Ethernet: to the guest, from the gateway, type ARP. */
	memcpy(out, mac, 6);
	memcpy(out + 6, gw_mac, 6);
	out[12] = 0x08;
	out[13] = 0x06;
	/* ARP: Ethernet (1), IPv4 (0x0800), 6- and 4-byte addresses, a
	 * reply (2); the sender the gateway, the target the guest. */
	out[14] = 0x00;
	out[15] = 0x01;
	out[16] = 0x08;
	out[17] = 0x00;
	out[18] = 6;
	out[19] = 4;
	out[20] = 0x00;
	out[21] = 0x02;
	memcpy(out + 22, gw_mac, 6);
	memcpy(out + 28, gw_ip, 4);
	memcpy(out + 32, mac, 6);
	memcpy(out + 38, ip, 4);
}
