/*
 * nethostile — a hostile vif guest, for dom0's data path (lvmd's
 * netpath): it speaks the noxs vif ABI with its own ring writes (no
 * netfront, no lwIP), connects vif 0 honestly, then breaks one rule,
 * chosen by the first word of its command line:
 *   badid       a TX request with id 200 (ids are < 64)
 *   badlen      a TX request of 1515 bytes (a frame is at most 1514)
 *   badoffset   a TX request whose offset lies past its region
 *   pastregion  a TX request that starts inside the region, ends past it
 *   badflags    a TX request with an unknown flag
 *   farahead    the TX req_prod published 1000 ahead of the ring
 *   storm       its vif port notified in a loop, with nothing to do
 *   region      a region of 129 pages declared (at most 128) at connect
 * It prints one line saying what it did, then whether dom0 disconnected
 * the vif (be_state and reason read back from its device page), e.g.
 * "nethostile: disconnected: bad descriptor id (arg 200)", then stays up
 * until the toolstack asks it to stop.
 */
#include <stdbool.h>
#include <stdint.h>
#include <xen/xen.h>

#include <libos/barrier.h>
#include <libos/console.h>
#include <libos/evtchn.h>
#include <libos/noxs.h>
#include <libos/sched.h>
#include <libos/start.h>
#include <libos/string.h>
#include <libos/sysctl.h>
#include <libos/time.h>
#include <noxs/vring.h>

#define PAGE 4096u
#define REGION_PAGES 4u
#define REGION (REGION_PAGES * PAGE)
#define WAIT_NS 30000000000ull       /* for dom0 to connect or disconnect */
#define STORM_NS 60000000000ull      /* the longest storm */

static struct {
	struct noxs_vif_rings rings;
	uint8_t region[REGION];
} mem __attribute__((aligned(PAGE)));

struct vif {
	volatile struct noxs_page *page;
	volatile struct noxs_dev *dev;
	volatile struct noxs_vif *rec;
	evtchn_port_t port;
};

/* Machine frame of the page at (va) (virtual base 0), from start info. */
static uint64_t machine_frame(const void *va)
{
	const start_info_t *si = libos_start_info();
	uint64_t pfn = (uintptr_t)va / PAGE;

	if (pfn >= si->nr_pages)
		return 0;
	return ((const unsigned long *)si->mfn_list)[pfn];
}

/* Wait until (done) holds for (v) or (ns) pass; returns whether it does. */
static bool wait_until(struct vif *v, bool (*done)(struct vif *), uint64_t ns)
{
	uint64_t end = libos_now_ns() + ns;

	while (!done(v)) {
		if (libos_now_ns() >= end)
			return false;
		evtchn_poll(v->port, end);
		evtchn_clear(v->port);
	}
	return true;
}

static bool connected(struct vif *v)
{
	return v->dev->be_state == NOXS_DEV_STATE_CONNECTED;
}

static bool closed(struct vif *v)
{
	return v->dev->be_state == NOXS_DEV_STATE_CLOSED ||
	       v->rec->reason != NOXS_VIF_OK;
}

/* Declare the rings and a region of (pages) pages; fe_state CONNECTED. */
static void offer(struct vif *v, uint32_t pages)
{
	memset(&mem.rings, 0, sizeof(mem.rings));
	for (uint32_t i = 0; i < REGION_PAGES; i++)
		mem.rings.buf_mfn[i] = machine_frame(mem.region + i * PAGE);
	v->rec->ring_mfn = machine_frame(&mem.rings);
	v->rec->buf_pages = pages;
	v->rec->buf_size = REGION;
	lo_wmb();
	v->dev->fe_state = NOXS_DEV_STATE_CONNECTED;
	lo_wmb();
	evtchn_send(v->port);
}

/* Publish one TX request (d), or only req_prod = (prod) if (d) is NULL. */
static void send_tx(struct vif *v, const struct noxs_vif_desc *d,
		    uint32_t prod)
{
	volatile struct noxs_vif_desc *s = &mem.rings.tx[0];

	if (d) {
		s->offset = d->offset;
		s->len = d->len;
		s->id = d->id;
		s->flags = d->flags;
		prod = 1;
	}
	lo_wmb();
	mem.rings.tx_idx.req_prod = prod;
	lo_wmb();
	evtchn_send(v->port);
}

/* Notify with nothing to do until dom0 disconnects or STORM_NS pass. */
static void storm(struct vif *v)
{
	uint64_t end = libos_now_ns() + STORM_NS, n = 0;

	while (!closed(v) && libos_now_ns() < end) {
		evtchn_send(v->port);
		if (++n % 1024 == 0)
			libos_yield();
	}
	printk("nethostile: storm: %llu notifications sent\n",
	       (unsigned long long)n);
}

struct mode {
	const char *name;
	const char *what;
	enum { DESC, FARAHEAD, STORM, REGION_SIZE } kind;
	struct noxs_vif_desc d;      /* DESC: the request */
};

static const struct mode modes[] = {
	{ "badid", "a TX request with id 200", DESC,
	  { .offset = 0, .len = 60, .id = 200 } },
	{ "badlen", "a TX request of 1515 bytes", DESC,
	  { .offset = 0, .len = 1515, .id = 1 } },
	{ "badoffset", "a TX request at offset 20480, past its 16384-byte "
	  "region", DESC, { .offset = REGION + PAGE, .len = 60, .id = 2 } },
	{ "pastregion", "a TX request of 100 bytes at offset 16374 "
	  "(region 16384)", DESC, { .offset = REGION - 10, .len = 100, .id = 3 } },
	{ "badflags", "a TX request with flags 0x8000", DESC,
	  { .offset = 0, .len = 60, .id = 4, .flags = 0x8000 } },
	{ "farahead", "the TX req_prod at 1000 on an empty ring", FARAHEAD,
	  { 0 } },
	{ "storm", "its vif port notified in a loop", STORM, { 0 } },
	{ "region", "a 129-page region declared at connect", REGION_SIZE,
	  { 0 } },
};

/* The mode named by the first word of (cmd), or NULL. */
static const struct mode *find_mode(const char *cmd)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		size_t n = strlen(modes[i].name);

		if (memcmp(cmd, modes[i].name, n) == 0 &&
		    (cmd[n] == '\0' || cmd[n] == ' '))
			return &modes[i];
	}
	return NULL;
}

/* The vif's device record for id 0, or -1. */
static int vif_slot(const struct noxs_page *np)
{
	for (uint32_t i = 0; i < np->ndevs; i++)
		if (np->devs[i].type == NOXS_DEV_VIF && np->devs[i].id == 0)
			return (int)i;
	return -1;
}

static int run(const struct mode *m, struct vif *v)
{
	offer(v, m->kind == REGION_SIZE ? NOXS_VIF_BUF_PAGES_MAX + 1 :
					  REGION_PAGES);
	if (m->kind != REGION_SIZE) {
		if (!wait_until(v, connected, WAIT_NS)) {
			printk("nethostile: %s: dom0 never connected vif 0 "
			       "(be_state %u)\n", m->name, v->dev->be_state);
			return 1;
		}
		if (m->kind == STORM)
			storm(v);
		else if (m->kind == FARAHEAD)
			send_tx(v, NULL, 1000);
		else
			send_tx(v, &m->d, 0);
	}
	printk("nethostile: %s: wrote %s\n", m->name, m->what);
	if (!wait_until(v, closed, WAIT_NS)) {
		printk("nethostile: not disconnected (be_state %u)\n",
		       v->dev->be_state);
		return 1;
	}
	printk("nethostile: disconnected: %s (arg %u)\n",
	       vring_reason_name((int)v->rec->reason), v->rec->reason_arg);
	return 0;
}

int main(void)
{
	const struct noxs_page *np = libos_noxs();
	const start_info_t *si = libos_start_info();
	const struct mode *m;
	struct vif v;
	int slot;

	m = find_mode((const char *)si->cmd_line);
	if (!m) {
		printk("nethostile: unknown mode '%.*s' (badid, badlen, "
		       "badoffset, pastregion, badflags, farahead, storm, "
		       "region)\n", MAX_GUEST_CMDLINE - 1,
		       (const char *)si->cmd_line);
		return 1;
	}
	slot = np ? vif_slot(np) : -1;
	if (slot < 0 || np->devs[slot].evtchn >= EVTCHN_2L_NR_CHANNELS) {
		printk("nethostile: no usable vif 0 in the device page\n");
		return 1;
	}
	v.page = libos_noxs_page();
	v.dev = &v.page->devs[slot];
	v.rec = &v.page->vifs[0];
	v.port = np->devs[slot].evtchn;
	run(m, &v);
	/* Stay up (deaf to the vif) until the toolstack asks otherwise. */
	for (;;)
		libos_sysctl_wait(0);
}
