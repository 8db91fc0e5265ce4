/*
 * netfront.c — the frontend of a noxs vif (see libos/netfront.h and
 * docs/noxs.md, "Vifs"): rings page, buffer region, RX and TX.
 *
 * Memory: vif id i (< NETFRONT_MAX) has mem[i]: one page-aligned rings
 * page and right after it a region of NETFRONT_BUFS buffers, in the
 * image's bss. Buffer ids are per ring: RX id i is buffer i, TX id i is
 * buffer NETFRONT_RX_BUFS + i. The region's frames are listed as machine
 * frames (start_info's mfn_list), which is what dom0's foreign mapping of
 * a PV guest takes. The image declares that memory in an ELF note
 * (struct noxs_vifmem), so that the toolstack that built it may connect a
 * vif ahead: set its rings page up exactly as open() would
 * (vring_rings_setup()) and offer it in the vif record before the
 * guest's first instruction. open() then takes the rings as they are and
 * offers nothing: dom0's first frames may already be waiting in them.
 *
 * Notifications: while an event is handled (RX frames handed to the
 * stack, which answers with ACKs), TX requests are published every
 * NETFRONT_TX_FLUSH frames and at the end, with the RX buffers posted
 * again, under one notification; outside an event each frame is
 * published and notified at once.
 */
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/errno.h>

#include <libos/barrier.h>
#include <libos/console.h>
#include <libos/evtchn.h>
#include <libos/loop.h>
#include <libos/netfront.h>
#include <libos/noxs.h>
#include <libos/start.h>
#include <libos/string.h>
#include <noxs/vring.h>

#define PAGE 4096u
#define NETFRONT_TX_FLUSH 8u         /* TX frames held at most in an event */

struct netfront {
	uint16_t id;                 /* vif id */
	uint32_t slot;               /* its device record's index */
	uint32_t port;
	struct noxs_vif_config config;
	volatile struct noxs_vif_rings *rings;
	uint8_t *region;
	struct vring_front tx, rx;
	uint16_t rx_cap[NOXS_VIF_RING_SIZE];   /* posted RX bytes; 0 = none */
	uint16_t tx_cap[NOXS_VIF_RING_SIZE];   /* in-flight TX; 0 = free */
	int tx_taken;                /* TX id handed out, or -1 */
	int in_event;                /* on_event() runs: TX notifications
					held until its end */
	uint32_t tx_held;            /* TX requests posted, not published */
	enum netfront_state state;
	uint32_t reason;
	netfront_rx_fn *rx_fn;
	netfront_state_fn *state_fn;
	void *arg;
};

static struct netfront fronts[NETFRONT_MAX];
static unsigned int nfronts;

static struct {
	struct noxs_vif_rings rings;
	uint8_t region[NETFRONT_REGION];
} mem[NETFRONT_MAX] __attribute__((aligned(PAGE)));

_Static_assert(sizeof(mem[0]) % PAGE == 0, "netfront memory in pages");
_Static_assert(__builtin_offsetof(__typeof__(mem[0]), region) == PAGE,
	       "the region right after the rings page");

/* The note that declares mem[] (docs/noxs.md, "A vif connected ahead"):
 * a standard ELF note, 4-byte aligned like every note of the PT_NOTE
 * segment (libos.ld). */
struct vifmem_elf_note {
	uint32_t namesz;
	uint32_t descsz;
	uint32_t type;
	char name[(sizeof(NOXS_NOTE_NAME) + 3) & ~3u];
	struct noxs_vifmem desc;
} __attribute__((packed, aligned(4)));

_Static_assert(sizeof(struct noxs_vifmem) == 32, "vifmem descriptor");

__attribute__((section(".note.lvm"), used, aligned(4)))
static const struct vifmem_elf_note vifmem_note = {
	.namesz = sizeof(NOXS_NOTE_NAME),
	.descsz = sizeof(struct noxs_vifmem),
	.type = NOXS_NOTE_VIFMEM,
	.name = NOXS_NOTE_NAME,
	.desc = {
		.va = (uintptr_t)&mem[0],
		.stride = sizeof(mem[0]),
		.nvifs = NETFRONT_MAX,
		.buf_pages = NETFRONT_REGION / PAGE,
		.buf_size = NETFRONT_REGION,
		.rx_bufs = NETFRONT_RX_BUFS,
		.buf_len = NETFRONT_BUF_SIZE,
	},
};
_Static_assert(NETFRONT_REGION / PAGE <= NOXS_VIF_BUF_PAGES_MAX,
	       "region fits the vif record");
_Static_assert(NETFRONT_RX_BUFS <= NOXS_VIF_RING_SIZE &&
	       NETFRONT_TX_BUFS <= NOXS_VIF_RING_SIZE, "ids fit the rings");

/* The machine frame of the page at virtual address (va) (virt base 0). */
static uint64_t mfn_of(const void *va)
{
	const start_info_t *si = libos_start_info();
	const unsigned long *p2m = (const unsigned long *)si->mfn_list;
	uint64_t pfn = (uintptr_t)va / PAGE;

	return pfn < si->nr_pages ? p2m[pfn] : 0;
}

static void set_state(struct netfront *nf, enum netfront_state st,
		      uint32_t reason)
{
	if (nf->state == st)
		return;
	nf->state = st;
	nf->reason = reason;
	if (nf->state_fn != NULL)
		nf->state_fn(nf->arg, st);
}

/* The guest gives up on a vif whose dom0 broke the ring protocol. */
static void close_vif(struct netfront *nf, int verdict)
{
	volatile struct noxs_page *p = libos_noxs_page();

	printk("netfront: vif%u: dom0 broke the ring (%s); closing it\n",
	       nf->id, vring_reason_name(verdict));
	p->devs[nf->slot].fe_state = NOXS_DEV_STATE_CLOSED;
	lo_wmb();
	evtchn_send(nf->port);
	set_state(nf, NETFRONT_DISCONNECTED, (uint32_t)verdict);
}

/* Follow dom0's be_state and disconnect reason (live, checked). */
static void read_backend(struct netfront *nf)
{
	volatile struct noxs_page *p = libos_noxs_page();
	uint32_t be = p->devs[nf->slot].be_state;
	uint32_t reason = p->vifs[nf->id].reason;

	if (nf->state == NETFRONT_DISCONNECTED)
		return;
	if (be == NOXS_DEV_STATE_CLOSED || reason != NOXS_VIF_OK) {
		printk("netfront: vif%u disconnected by dom0: %s\n", nf->id,
		       vring_reason_name((int)reason));
		set_state(nf, NETFRONT_DISCONNECTED, reason);
	} else if (be == NOXS_DEV_STATE_CONNECTED) {
		set_state(nf, NETFRONT_CONNECTED, 0);
	}
}

static int post_rx(struct netfront *nf, uint16_t id)
{
	struct noxs_vif_desc d = {
		.offset = id * NETFRONT_BUF_SIZE,
		.len = NOXS_VIF_FRAME_MAX,
		.id = id,
	};
	int rc = vring_front_post(&nf->rx, &d);

	if (rc == 0)
		nf->rx_cap[id] = d.len;
	return rc;
}

/* Publish the TX requests held; returns whether the index moved. */
static int push_tx(struct netfront *nf)
{
	nf->tx_held = 0;
	return vring_front_push(&nf->tx);
}

/* Take RX responses, posting each buffer again (published by the caller);
   returns 0 or a verdict against dom0. */
static int take_rx(struct netfront *nf)
{
	struct noxs_vif_desc d;
	int rc;

	while ((rc = vring_front_take(&nf->rx, &d, nf->rx_cap)) == 1) {
		if (d.id >= NETFRONT_RX_BUFS || nf->rx_cap[d.id] == 0)
			return NOXS_VIF_BAD_ID;
		nf->rx_cap[d.id] = 0;
		if (d.status == NOXS_VIF_STATUS_OK && d.len > 0 &&
		    nf->state == NETFRONT_CONNECTED && nf->rx_fn != NULL)
			nf->rx_fn(nf->arg, nf->region +
				  d.id * NETFRONT_BUF_SIZE, d.len);
		post_rx(nf, d.id);
	}
	return rc < 0 ? -rc : 0;
}

/* Take TX responses (buffers back); returns 0 or a verdict. */
static int take_tx(struct netfront *nf)
{
	struct noxs_vif_desc d;
	int rc;

	while ((rc = vring_front_take(&nf->tx, &d, NULL)) == 1) {
		if (d.id >= NETFRONT_TX_BUFS || nf->tx_cap[d.id] == 0)
			return NOXS_VIF_BAD_ID;
		nf->tx_cap[d.id] = 0;
	}
	return rc < 0 ? -rc : 0;
}

static void on_event(void *arg)
{
	struct netfront *nf = arg;
	int v, moved;

	read_backend(nf);
	if (nf->state == NETFRONT_DISCONNECTED)
		return;
	nf->in_event = 1;
	v = take_tx(nf);
	if (v == 0)
		v = take_rx(nf);
	nf->in_event = 0;
	if (v != 0) {
		close_vif(nf, v);
		return;
	}
	/* The RX buffers posted again and the TX frames held: one
	   notification for both. */
	moved = vring_front_push(&nf->rx);
	moved |= push_tx(nf);
	if (moved)
		evtchn_send(nf->port);
}

/* The device record's index of vif (id), or -1. */
static int find_slot(const struct noxs_page *np, uint16_t id)
{
	for (uint32_t i = 0; i < np->ndevs; i++)
		if (np->devs[i].type == NOXS_DEV_VIF && np->devs[i].id == id)
			return (int)i;
	return -1;
}

/* Publish the vif record, then the frontend state; notify dom0. */
static void offer(struct netfront *nf)
{
	volatile struct noxs_page *p = libos_noxs_page();
	volatile struct noxs_vif *v = &p->vifs[nf->id];

	v->ring_mfn = mfn_of((const void *)nf->rings);
	v->buf_pages = NETFRONT_REGION / PAGE;
	v->buf_size = NETFRONT_REGION;
	lo_wmb();
	p->devs[nf->slot].fe_state = NOXS_DEV_STATE_CONNECTED;
	lo_wmb();
	evtchn_send(nf->port);
}

/* Whether dom0 connected vif (nf) ahead: its record offers this vif's
 * own rings page and region, frontend state CONNECTED, before the guest
 * offered anything (the toolstack set them up from the image's note). */
static int connected_ahead(const struct netfront *nf)
{
	volatile struct noxs_page *p = libos_noxs_page();
	volatile struct noxs_vif *v = &p->vifs[nf->id];

	return p->devs[nf->slot].fe_state == NOXS_DEV_STATE_CONNECTED &&
	       v->ring_mfn == mfn_of((const void *)nf->rings) &&
	       v->buf_pages == NETFRONT_REGION / PAGE &&
	       v->buf_size == NETFRONT_REGION;
}

int netfront_open(uint16_t id, netfront_rx_fn *rx, netfront_state_fn *state,
		  void *arg, struct netfront **out)
{
	const struct noxs_page *np = libos_noxs();
	uint64_t mfns[NETFRONT_REGION / PAGE];
	struct netfront *nf;
	int slot, rc, ahead;

	if (np == NULL || libos_start_info() == NULL || id >= NOXS_MAX_VIFS)
		return -XEN_ENODEV;
	slot = find_slot(np, id);
	if (slot < 0)
		return -XEN_ENODEV;
	/* vif id i is mem[i], as the image's note declares. */
	if (id >= NETFRONT_MAX || nfronts == NETFRONT_MAX)
		return -XEN_ENOSPC;
	for (unsigned int i = 0; i < nfronts; i++)
		if (fronts[i].id == id)
			return -XEN_EBUSY;
	nf = &fronts[nfronts];
	memset(nf, 0, sizeof(*nf));
	memcpy(&nf->config, np->devs[slot].config, sizeof(nf->config));
	if (vring_check_config(&nf->config) != NOXS_VIF_OK ||
	    np->devs[slot].evtchn >= EVTCHN_2L_NR_CHANNELS)
		return -XEN_EINVAL;
	nf->id = id;
	nf->slot = (uint32_t)slot;
	nf->port = np->devs[slot].evtchn;
	nf->rings = &mem[id].rings;
	nf->region = mem[id].region;
	nf->tx_taken = -1;
	nf->rx_fn = rx;
	nf->state_fn = state;
	nf->arg = arg;
	ahead = connected_ahead(nf);
	if (!ahead) {
		for (uint32_t i = 0; i < NETFRONT_REGION / PAGE; i++)
			mfns[i] = mfn_of(nf->region + i * PAGE);
		vring_rings_setup(nf->rings, mfns, NETFRONT_REGION / PAGE,
				  NETFRONT_RX_BUFS, NETFRONT_BUF_SIZE);
	}
	/* Either way RX buffer i is posted as request i (vring_rings_setup). */
	vring_front_resume(&nf->tx, &nf->rings->tx_idx, nf->rings->tx, 0);
	vring_front_resume(&nf->rx, &nf->rings->rx_idx, nf->rings->rx,
			   NETFRONT_RX_BUFS);
	for (uint16_t i = 0; i < NETFRONT_RX_BUFS; i++)
		nf->rx_cap[i] = NOXS_VIF_FRAME_MAX;
	rc = libos_loop_watch(nf->port, on_event, nf);
	if (rc < 0)
		return rc;
	nfronts++;
	if (ahead)
		printk("netfront: vif%u connected ahead by dom0\n", id);
	else
		offer(nf);
	*out = nf;
	return 0;
}

const struct noxs_vif_config *netfront_config(const struct netfront *nf)
{
	return &nf->config;
}

enum netfront_state netfront_state(const struct netfront *nf)
{
	return nf->state;
}

uint32_t netfront_reason(const struct netfront *nf)
{
	return nf->reason;
}

uint8_t *netfront_tx_buf(struct netfront *nf)
{
	if (nf->state != NETFRONT_CONNECTED)
		return NULL;
	if (nf->tx_taken < 0) {
		if (take_tx(nf) != 0 || vring_front_free(&nf->tx) == 0)
			return NULL;
		for (uint16_t i = 0; i < NETFRONT_TX_BUFS; i++)
			if (nf->tx_cap[i] == 0) {
				nf->tx_taken = i;
				break;
			}
		if (nf->tx_taken < 0)
			return NULL;
	}
	return nf->region +
	       (NETFRONT_RX_BUFS + (uint32_t)nf->tx_taken) * NETFRONT_BUF_SIZE;
}

int netfront_tx_send(struct netfront *nf, uint16_t len)
{
	struct noxs_vif_desc d;
	uint16_t id;

	if (len == 0 || len > NOXS_VIF_FRAME_MAX)
		return -XEN_EINVAL;
	if (nf->tx_taken < 0)
		return -XEN_EAGAIN;
	id = (uint16_t)nf->tx_taken;
	d = (struct noxs_vif_desc){
		.offset = (NETFRONT_RX_BUFS + id) * NETFRONT_BUF_SIZE,
		.len = len,
		.id = id,
	};
	if (vring_front_post(&nf->tx, &d) < 0)
		return -XEN_EAGAIN;
	nf->tx_cap[id] = len;
	nf->tx_taken = -1;
	if (nf->in_event && ++nf->tx_held < NETFRONT_TX_FLUSH)
		return 0;            /* published at the event's end */
	if (push_tx(nf))
		evtchn_send(nf->port);
	return 0;
}
