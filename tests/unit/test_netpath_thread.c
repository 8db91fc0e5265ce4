/*
 * test_netpath_thread.c — lvmd's data path thread (netpath.c) end to end
 * on the host, with libxenevtchn and libxenforeignmemory replaced
 * (-Wl,--wrap) by fakes: a guest's memory is a memfd whose page numbers
 * are its "machine frames" (so a foreign mapping aliases it, as on Xen),
 * and the event channel is a pipe that carries pending ports, with Linux's
 * mask-until-unmask rule. A socket pair stands in for the TAP. Checked:
 * connect (the newest frames queued before it delivered), TX and RX
 * through the thread, a hostile write disconnecting
 * the vif with its reason, a bad region at connect, a notification storm
 * (and a busy guest whose work a TAP-woken turn took first: no storm),
 * add's argument checks and the hypervisor's refusals at the thread's
 * take, remove and stop releasing every port, mapping and descriptor.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <xenevtchn.h>
#include <xenforeignmemory.h>

#include <noxs/noxs.h>
#include <noxs/vring.h>

#include "toolstack/lvmd/netcopy.h"
#include "toolstack/lvmd/netpath.h"

#define PAGE 4096u
#define GUEST_PAGES 16u
#define MFN_PAGE 1u                  /* the device page */
#define MFN_RINGS 2u
#define MFN_REGION 4u                /* 4 pages */
#define REGION_PAGES 4u
#define DOMID 7u
#define REMOTE 5u
#define SLOT 2u
#define VIF 0u

/* ---- the fakes ---- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int ev_pipe[2] = { -1, -1 };
static struct {
	bool bound, masked, pending;
	unsigned notified;           /* dom0 -> guest */
} ports[64];
static int guest_fd = -1;
static long maps_live;               /* pages mapped, not unmapped */
static unsigned binds, page_maps;    /* binds; maps of the device page */
static unsigned map_calls;           /* foreign maps made */
static int dummy_xce, dummy_xfm;

xenevtchn_handle *__wrap_xenevtchn_open(void *logger, unsigned flags)
{
	(void)logger;
	(void)flags;
	if (ev_pipe[0] < 0 && pipe(ev_pipe) < 0)
		return NULL;
	return (xenevtchn_handle *)&dummy_xce;
}

int __wrap_xenevtchn_close(xenevtchn_handle *h)
{
	(void)h;
	return 0;
}

int __wrap_xenevtchn_fd(xenevtchn_handle *h)
{
	(void)h;
	return ev_pipe[0];
}

/* Raise (port) as Xen would: queued once, then masked until unmasked. */
static void raise_locked(unsigned port)
{
	uint32_t p = port;

	if (!ports[port].bound)
		return;              /* Xen drops it: no one is listening */
	if (ports[port].masked) {
		ports[port].pending = true;
		return;
	}
	ports[port].masked = true;
	if (write(ev_pipe[1], &p, sizeof(p)) != sizeof(p))
		abort(); /* called from the thread too: no cmocka assert */
}

xenevtchn_port_or_error_t __wrap_xenevtchn_pending(xenevtchn_handle *h)
{
	uint32_t p;

	(void)h;
	if (read(ev_pipe[0], &p, sizeof(p)) != sizeof(p))
		return -1;
	return (int)p;
}

int __wrap_xenevtchn_unmask(xenevtchn_handle *h, evtchn_port_t port)
{
	(void)h;
	pthread_mutex_lock(&mu);
	ports[port].masked = false;
	if (ports[port].pending) {
		ports[port].pending = false;
		raise_locked(port);
	}
	pthread_mutex_unlock(&mu);
	return 0;
}

int __wrap_xenevtchn_notify(xenevtchn_handle *h, evtchn_port_t port)
{
	(void)h;
	pthread_mutex_lock(&mu);
	ports[port].notified++;
	pthread_mutex_unlock(&mu);
	return 0;
}

/* Local port = remote port + 10; remote 63 is refused. */
xenevtchn_port_or_error_t
__wrap_xenevtchn_bind_interdomain(xenevtchn_handle *h, uint32_t domid,
				  evtchn_port_t remote)
{
	(void)h;
	(void)domid;
	if (remote + 10 >= 64) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&mu);
	binds++;
	ports[remote + 10].bound = true;
	ports[remote + 10].masked = false;
	pthread_mutex_unlock(&mu);
	return (int)(remote + 10);
}

int __wrap_xenevtchn_unbind(xenevtchn_handle *h, evtchn_port_t port)
{
	(void)h;
	pthread_mutex_lock(&mu);
	ports[port].bound = false;
	pthread_mutex_unlock(&mu);
	return 0;
}

xenforeignmemory_handle *__wrap_xenforeignmemory_open(void *logger,
						      unsigned flags)
{
	(void)logger;
	(void)flags;
	return (xenforeignmemory_handle *)&dummy_xfm;
}

int __wrap_xenforeignmemory_close(xenforeignmemory_handle *h)
{
	(void)h;
	return 0;
}

/* Frames of the guest's memfd; one past its pages is refused. */
void *__wrap_xenforeignmemory_map(xenforeignmemory_handle *h, uint32_t dom,
				  int prot, size_t n, const xen_pfn_t arr[],
				  int err[])
{
	uint8_t *base;

	(void)h;
	if (dom != DOMID || n == 0) {
		errno = EINVAL;
		return NULL;
	}
	base = mmap(NULL, n * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int e = 0;

		if (arr[i] >= GUEST_PAGES ||
		    mmap(base + i * PAGE, PAGE, prot, MAP_SHARED | MAP_FIXED,
			 guest_fd, (off_t)(arr[i] * PAGE)) == MAP_FAILED)
			e = -EINVAL;
		if (err)
			err[i] = e;
		else if (e) {
			munmap(base, n * PAGE);
			errno = EINVAL;
			return NULL;
		}
	}
	__atomic_add_fetch(&maps_live, (long)n, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&map_calls, 1, __ATOMIC_SEQ_CST);
	if (n == 1 && arr[0] == MFN_PAGE)
		__atomic_add_fetch(&page_maps, 1, __ATOMIC_SEQ_CST);
	return base;
}

int __wrap_xenforeignmemory_unmap(xenforeignmemory_handle *h, void *addr,
				  size_t n)
{
	(void)h;
	__atomic_sub_fetch(&maps_live, (long)n, __ATOMIC_SEQ_CST);
	return munmap(addr, n * PAGE);
}

/* ---- the guest ---- */

struct guest {
	uint8_t *mem;                /* GUEST_PAGES pages, the memfd */
	volatile struct noxs_page *page;
	struct noxs_vif_rings *rings;
	uint8_t *region;
	struct vring_front tx, rx;
	int tap[2];                  /* [0] handed to netpath, [1] ours */
	struct lvmd_netpath *np;
	struct lvmd_netpath_vif_args a;
};

static void guest_notify(void)
{
	pthread_mutex_lock(&mu);
	raise_locked(REMOTE + 10);
	pthread_mutex_unlock(&mu);
}

static unsigned notified(void)
{
	unsigned n;

	pthread_mutex_lock(&mu);
	n = ports[REMOTE + 10].notified;
	pthread_mutex_unlock(&mu);
	return n;
}

/* Wait up to 5 s for (*p) to become (want). */
static bool wait_u32(volatile uint32_t *p, uint32_t want)
{
	for (int i = 0; i < 5000; i++) {
		if (*p == want)
			return true;
		usleep(1000);
	}
	return false;
}

/* Wait up to 5 s for the other end of (fd) to close (frames before it
   are read and dropped). */
static bool wait_closed_fd(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[2048];

	while (poll(&p, 1, 5000) == 1) {
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) == 0)
			return true;
	}
	return false;
}

static int setup(void **state)
{
	struct guest *g = calloc(1, sizeof(*g));
	char err[256];

	assert_non_null(g);
	memset(ports, 0, sizeof(ports));
	guest_fd = memfd_create("guest", 0);
	assert_true(guest_fd >= 0);
	assert_int_equal(ftruncate(guest_fd, GUEST_PAGES * PAGE), 0);
	g->mem = mmap(NULL, GUEST_PAGES * PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED, guest_fd, 0);
	assert_true(g->mem != MAP_FAILED);
	g->page = (volatile struct noxs_page *)(g->mem + MFN_PAGE * PAGE);
	g->rings = (struct noxs_vif_rings *)(g->mem + MFN_RINGS * PAGE);
	g->region = g->mem + MFN_REGION * PAGE;
	g->page->devs[SLOT].type = NOXS_DEV_VIF;
	g->page->devs[SLOT].id = VIF;
	vring_front_init(&g->tx, &g->rings->tx_idx, g->rings->tx);
	vring_front_init(&g->rx, &g->rings->rx_idx, g->rings->rx);
	for (uint32_t i = 0; i < REGION_PAGES; i++)
		g->rings->buf_mfn[i] = MFN_REGION + i;
	g->page->vifs[VIF].ring_mfn = MFN_RINGS;
	g->page->vifs[VIF].buf_pages = REGION_PAGES;
	g->page->vifs[VIF].buf_size = REGION_PAGES * PAGE;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK,
				    0, g->tap), 0);
	assert_int_equal(lvmd_netpath_start(&g->np, false, err, sizeof(err)),
			 0);
	g->a = (struct lvmd_netpath_vif_args){
		.domid = DOMID, .id = VIF, .dev_slot = SLOT,
		.page_mfn = MFN_PAGE, .remote_port = REMOTE,
		.tap_fd = g->tap[0],
	};
	*state = g;
	return 0;
}

static int teardown(void **state)
{
	struct guest *g = *state;

	lvmd_netpath_stop(g->np);
	/* Everything released: no mapping, no bound port, the TAP closed. */
	assert_int_equal(__atomic_load_n(&maps_live, __ATOMIC_SEQ_CST), 0);
	assert_false(ports[REMOTE + 10].bound);
	close(g->tap[1]);
	munmap(g->mem, GUEST_PAGES * PAGE);
	close(guest_fd);
	free(g);
	return 0;
}

/* Add the vif, connect as the guest does; wait for dom0's CONNECTED. */
static void connect_vif(struct guest *g)
{
	char err[256];

	assert_int_equal(lvmd_netpath_add(g->np, &g->a, err, sizeof(err)), 0);
	lvmd_netpath_kick(g->np);
	g->page->devs[SLOT].fe_state = NOXS_DEV_STATE_CONNECTED;
	guest_notify();
	assert_true(wait_u32(&g->page->devs[SLOT].be_state,
			     NOXS_DEV_STATE_CONNECTED));
}

static void test_connect_tx_rx(void **state)
{
	struct guest *g = *state;
	struct noxs_vif_desc d = { .offset = 8192, .len = 98, .id = 9 };
	uint16_t cap_of[NOXS_VIF_RING_SIZE] = { [3] = 1514 };
	struct lvmd_netpath_stats st;
	uint8_t frame[98], got[2048];
	struct pollfd p = { .fd = g->tap[1], .events = POLLIN };

	connect_vif(g);
	/* TX: a frame from the region reaches the TAP. */
	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 3 + 1);
	memcpy(g->region + 8192, frame, sizeof(frame));
	vring_front_post(&g->tx, &d);
	vring_front_push(&g->tx);
	guest_notify();
	assert_int_equal(poll(&p, 1, 5000), 1);
	assert_int_equal(recv(g->tap[1], got, sizeof(got), 0), 98);
	assert_memory_equal(got, frame, 98);
	assert_true(wait_u32(&g->rings->tx_idx.rsp_prod, 1));
	/* RX: a buffer posted, a frame from the TAP lands in it. */
	d = (struct noxs_vif_desc){ .offset = 0, .len = 1514, .id = 3 };
	vring_front_post(&g->rx, &d);
	vring_front_push(&g->rx);
	guest_notify();
	assert_int_equal(send(g->tap[1], frame, 60, 0), 60);
	assert_true(wait_u32(&g->rings->rx_idx.rsp_prod, 1));
	assert_int_equal(vring_front_take(&g->rx, &d, cap_of), 1);
	assert_int_equal(d.id, 3);
	assert_int_equal(d.len, 60);
	assert_memory_equal(g->region, frame, 60);
	assert_true(notified() >= 3); /* connect, TX answer, RX answer */
	/* Counters, published by the thread. */
	for (int i = 0; i < 5000; i++) {
		assert_int_equal(lvmd_netpath_stats(g->np, DOMID, VIF, &st), 0);
		if (st.rx_packets == 1 && st.tx_packets == 1)
			break;
		usleep(1000);
	}
	assert_int_equal(st.tx_bytes, 98);
	assert_int_equal(st.rx_bytes, 60);
	assert_true(st.connected);
	assert_int_equal(lvmd_netpath_stats(g->np, DOMID, 1, &st), -ENOENT);
}

/* Of the frames the TAP queued before the guest connected, the newest
   NP_BACKLOG_KEEP reach the RX buffers the guest posted before it
   connected, oldest first, at connect; the older are dropped (counted). */
static void test_backlog_at_connect(void **state)
{
	struct guest *g = *state;
	uint16_t cap_of[NOXS_VIF_RING_SIZE] = { 0 };
	const unsigned old = 3, queued = NP_BACKLOG_KEEP + 3;
	struct noxs_vif_desc d;
	struct lvmd_netpath_stats st;
	uint8_t frame[60];
	char err[256];

	assert_true(NP_BACKLOG_KEEP * 2048u <= REGION_PAGES * PAGE);
	assert_int_equal(lvmd_netpath_add(g->np, &g->a, err, sizeof(err)), 0);
	lvmd_netpath_kick(g->np);
	for (unsigned i = 0; i < queued; i++) {
		memset(frame, (int)i + 1, sizeof(frame));
		assert_int_equal(send(g->tap[1], frame, sizeof(frame), 0), 60);
	}
	for (uint16_t i = 0; i < NP_BACKLOG_KEEP; i++) {
		d = (struct noxs_vif_desc){ .offset = 2048u * i, .len = 1514,
					    .id = i };
		cap_of[i] = 1514;
		vring_front_post(&g->rx, &d);
	}
	vring_front_push(&g->rx);
	g->page->devs[SLOT].fe_state = NOXS_DEV_STATE_CONNECTED;
	guest_notify();
	assert_true(wait_u32(&g->page->devs[SLOT].be_state,
			     NOXS_DEV_STATE_CONNECTED));
	assert_true(wait_u32(&g->rings->rx_idx.rsp_prod, NP_BACKLOG_KEEP));
	for (unsigned i = 0; i < NP_BACKLOG_KEEP; i++) {
		assert_int_equal(vring_front_take(&g->rx, &d, cap_of), 1);
		assert_int_equal(d.id, i);
		assert_int_equal(d.len, 60);
		memset(frame, (int)(old + i) + 1, sizeof(frame));
		assert_memory_equal(g->region + 2048u * i, frame, 60);
	}
	for (int i = 0; i < 5000; i++) {
		assert_int_equal(lvmd_netpath_stats(g->np, DOMID, VIF, &st), 0);
		if (st.rx_packets == NP_BACKLOG_KEEP)
			break;
		usleep(1000);
	}
	assert_int_equal(st.rx_packets, NP_BACKLOG_KEEP);
	assert_int_equal(st.rx_dropped, old);
}

static void test_hostile_disconnects(void **state)
{
	struct guest *g = *state;
	struct noxs_vif_desc d = { .offset = 0, .len = 60, .id = 200 };
	struct lvmd_netpath_stats st;
	bool masked;

	g->page->vifs[VIF].disconnect_seq = 4;
	connect_vif(g);
	vring_front_post(&g->tx, &d);
	vring_front_push(&g->tx);
	guest_notify();
	assert_true(wait_u32(&g->page->devs[SLOT].be_state,
			     NOXS_DEV_STATE_CLOSED));
	assert_int_equal(g->page->vifs[VIF].reason, NOXS_VIF_BAD_ID);
	assert_int_equal(g->page->vifs[VIF].reason_arg, 200);
	assert_int_equal(g->page->vifs[VIF].disconnect_seq, 5);
	assert_int_equal(g->rings->tx_idx.rsp_prod, 0);
	/* Its port is left masked: more notifications reach nobody. */
	for (int i = 0; i < 10; i++)
		guest_notify();
	usleep(50000);
	pthread_mutex_lock(&mu);
	masked = ports[REMOTE + 10].masked;
	pthread_mutex_unlock(&mu);
	assert_true(masked);
	/* Unmapped at once (the page stays, until remove); port and TAP
	   kept until remove. */
	for (int i = 0; i < 5000 && __atomic_load_n(&maps_live,
						     __ATOMIC_SEQ_CST) != 1;
	     i++)
		usleep(1000);
	assert_int_equal(__atomic_load_n(&maps_live, __ATOMIC_SEQ_CST), 1);
	assert_true(ports[REMOTE + 10].bound);
	assert_int_equal(lvmd_netpath_stats(g->np, DOMID, VIF, &st), 0);
	assert_false(st.connected);
	assert_int_equal(st.reason, NOXS_VIF_BAD_ID);
	/* remove: the TAP is closed, the port unbound, the page unmapped. */
	lvmd_netpath_remove(g->np, DOMID, VIF);
	lvmd_netpath_remove(g->np, DOMID, VIF); /* idempotent */
	assert_true(wait_closed_fd(g->tap[1]));
	assert_int_equal(__atomic_load_n(&maps_live, __ATOMIC_SEQ_CST), 0);
	assert_false(ports[REMOTE + 10].bound);
	assert_int_equal(lvmd_netpath_stats(g->np, DOMID, VIF, &st), -ENOENT);
}

/* The guest connects with what setup() declared, spoilt by the caller:
   dom0 refuses it at connect (BAD_SETUP, arg buf_pages), then remove
   closes the TAP. */
static void expect_refused_at_connect(struct guest *g)
{
	uint32_t pages = g->page->vifs[VIF].buf_pages;

	assert_int_equal(lvmd_netpath_add(g->np, &g->a, NULL, 0), 0);
	lvmd_netpath_kick(g->np);
	g->page->devs[SLOT].fe_state = NOXS_DEV_STATE_CONNECTED;
	guest_notify();
	assert_true(wait_u32(&g->page->devs[SLOT].be_state,
			     NOXS_DEV_STATE_CLOSED));
	assert_int_equal(g->page->vifs[VIF].reason, NOXS_VIF_BAD_SETUP);
	assert_int_equal(g->page->vifs[VIF].reason_arg, pages);
	lvmd_netpath_remove(g->np, DOMID, VIF);
	assert_true(wait_closed_fd(g->tap[1]));
}

static void test_bad_region(void **state)
{
	struct guest *g = *state;

	g->page->vifs[VIF].buf_pages = NOXS_VIF_BUF_PAGES_MAX + 1;
	expect_refused_at_connect(g);
}

/* A frame the guest does not own: refused by the mapping. */
static void test_unowned_frame(void **state)
{
	struct guest *g = *state;

	g->rings->buf_mfn[2] = GUEST_PAGES + 5;
	expect_refused_at_connect(g);
}

static void test_storm_disconnects(void **state)
{
	struct guest *g = *state;

	connect_vif(g);
	for (int i = 0; i < 20000 && g->page->devs[SLOT].be_state !=
					     NOXS_DEV_STATE_CLOSED; i++) {
		guest_notify();
		usleep(500);
	}
	assert_int_equal(g->page->devs[SLOT].be_state, NOXS_DEV_STATE_CLOSED);
	assert_int_equal(g->page->vifs[VIF].reason, NOXS_VIF_STORM);
}

/*
 * A guest with traffic whose requests a turn woken by its TAP takes
 * before the guest's own notification is handled: each event then finds
 * nothing left, yet the guest did something since its last one, so it
 * is no storm, however long it goes on (past NP_STORM_NS, more than
 * NP_STORM_MIN events). Each round: an RX buffer posted again and a TX
 * request posted (no notification), a frame sent into the TAP (the turn
 * it wakes sends the TX frame and fills the RX buffer), then the
 * notification.
 */
static void test_busy_no_storm(void **state)
{
	struct guest *g = *state;
	struct noxs_vif_desc d;
	uint16_t cap_of[NOXS_VIF_RING_SIZE];
	uint8_t frame[60], got[2048];
	unsigned rounds = 2 * NP_STORM_MIN;
	useconds_t gap = (useconds_t)(NP_STORM_NS / 1000 * 3 / 2 / rounds);

	for (unsigned i = 0; i < NOXS_VIF_RING_SIZE; i++)
		cap_of[i] = 1514;
	memset(frame, 0x42, sizeof(frame));
	memcpy(g->region + 8192, frame, sizeof(frame));
	connect_vif(g);
	for (uint16_t id = 0; id < 4; id++) {
		d = (struct noxs_vif_desc){ .offset = id * 2048u, .len = 1514,
					    .id = id };
		assert_int_equal(vring_front_post(&g->rx, &d), 0);
	}
	vring_front_push(&g->rx);
	guest_notify();
	usleep(20000);
	for (unsigned i = 1; i <= rounds; i++) {
		if (i > 1) {
			assert_int_equal(vring_front_take(&g->rx, &d, cap_of), 1);
			d.len = 1514;
			assert_int_equal(vring_front_post(&g->rx, &d), 0);
			vring_front_push(&g->rx);
			assert_int_equal(vring_front_take(&g->tx, &d, NULL), 1);
		}
		d = (struct noxs_vif_desc){ .offset = 8192, .len = 60,
					    .id = (uint16_t)(i % 8) };
		assert_int_equal(vring_front_post(&g->tx, &d), 0);
		vring_front_push(&g->tx);
		assert_int_equal(send(g->tap[1], frame, sizeof(frame), 0), 60);
		assert_true(wait_u32(&g->rings->tx_idx.rsp_prod, i));
		assert_true(wait_u32(&g->rings->rx_idx.rsp_prod, i));
		assert_int_equal(recv(g->tap[1], got, sizeof(got), 0), 60);
		guest_notify();
		usleep(gap);
	}
	assert_int_equal(g->page->devs[SLOT].be_state,
			 NOXS_DEV_STATE_CONNECTED);
	assert_int_equal(g->page->vifs[VIF].reason, NOXS_VIF_OK);
}

/*
 * remove() while the thread is busy, its TAP readable by then: the
 * command and the TAP's readiness come back from one epoll_wait, the
 * command first, and the vif it frees must not be touched after (ASan,
 * in the sanitizer build). The thread is held inside its notify of a
 * TX answer (the fakes' mutex, held here) while both are made ready.
 */
static void test_remove_while_busy(void **state)
{
	struct guest *g = *state;
	struct noxs_vif_desc d = { .offset = 0, .len = 1514, .id = 1 };
	uint8_t frame[60] = { 0 };
	uint32_t p = REMOTE + 10;

	connect_vif(g);
	vring_front_post(&g->rx, &d); /* an RX buffer: the TAP is polled */
	vring_front_push(&g->rx);
	guest_notify();
	usleep(100000);
	d = (struct noxs_vif_desc){ .offset = 4096, .len = 60, .id = 2 };
	pthread_mutex_lock(&mu);
	vring_front_post(&g->tx, &d);
	vring_front_push(&g->tx);
	ports[p].masked = true; /* raised by hand: mu is held */
	if (write(ev_pipe[1], &p, sizeof(p)) != sizeof(p))
		abort();
	usleep(100000); /* the thread now waits in its notify */
	lvmd_netpath_remove(g->np, DOMID, VIF);
	usleep(10000);
	send(g->tap[1], frame, sizeof(frame), 0);
	usleep(10000);
	pthread_mutex_unlock(&mu);
	assert_true(wait_closed_fd(g->tap[1]));
}

/* Wait up to 5 s for vif (id) of DOMID to be dead with BAD_SETUP. */
static bool wait_dead(struct lvmd_netpath *np, uint32_t id)
{
	struct lvmd_netpath_stats st;

	for (int i = 0; i < 5000; i++) {
		if (lvmd_netpath_stats(np, DOMID, id, &st) == 0 &&
		    !st.connected && st.reason == NOXS_VIF_BAD_SETUP)
			return true;
		usleep(1000);
	}
	return false;
}

/* An added vif waits for the kick: nothing bound or answered before it
   (the create's reply goes first, vif.c), all of it after. */
static void test_taken_at_kick(void **state)
{
	struct guest *g = *state;
	char err[256];

	assert_int_equal(lvmd_netpath_add(g->np, &g->a, err, sizeof(err)), 0);
	g->page->devs[SLOT].fe_state = NOXS_DEV_STATE_CONNECTED;
	guest_notify();
	usleep(100 * 1000);
	assert_false(ports[REMOTE + 10].bound);
	assert_int_not_equal(g->page->devs[SLOT].be_state,
			     NOXS_DEV_STATE_CONNECTED);
	lvmd_netpath_kick(g->np);
	assert_true(wait_u32(&g->page->devs[SLOT].be_state,
			     NOXS_DEV_STATE_CONNECTED));
	assert_true(ports[REMOTE + 10].bound);
}

/* A vif whose port was bound and device page mapped ahead (a pool
 * shell's): the guest's notification before the add is not lost, the
 * thread binds and maps nothing more when it takes the vif, and what was
 * made ahead is released with the vif (teardown). */
static void test_made_ahead(void **state)
{
	struct guest *g = *state;
	struct lvmd_netpath_ahead ah;
	char err[256];
	unsigned b0, m0;

	assert_int_equal(lvmd_netpath_ahead_make(g->np, DOMID, REMOTE, MFN_PAGE,
						 &ah, err, sizeof(err)), 0);
	assert_int_equal(ah.lport, REMOTE + 10);
	assert_true(ports[REMOTE + 10].bound);
	b0 = binds;
	m0 = page_maps;
	g->page->devs[SLOT].fe_state = NOXS_DEV_STATE_CONNECTED;
	guest_notify();              /* before the add: a port no vif has */
	usleep(50 * 1000);
	g->a.ahead = ah;
	assert_int_equal(lvmd_netpath_add(g->np, &g->a, err, sizeof(err)), 0);
	lvmd_netpath_kick(g->np);
	assert_true(wait_u32(&g->page->devs[SLOT].be_state,
			     NOXS_DEV_STATE_CONNECTED));
	assert_int_equal(binds, b0);
	assert_int_equal(page_maps, m0);
}

/* What was made ahead goes when it is closed, or handed to an add that
 * fails; a zeroed one is nothing. */
static void test_ahead_closed(void **state)
{
	struct guest *g = *state;
	struct lvmd_netpath_ahead ah, zero = { .lport = 0 };
	struct lvmd_netpath_vif_args a;
	char err[256];
	long live;
	int sp[2];

	connect_vif(g);
	live = __atomic_load_n(&maps_live, __ATOMIC_SEQ_CST);
	assert_int_equal(lvmd_netpath_ahead_make(g->np, DOMID, REMOTE + 1,
						 MFN_PAGE, &ah, err,
						 sizeof(err)), 0);
	assert_true(ports[REMOTE + 11].bound);
	lvmd_netpath_ahead_close(g->np, &ah);
	assert_false(ports[REMOTE + 11].bound);
	assert_null(ah.page);
	lvmd_netpath_ahead_close(g->np, &ah);          /* again: nothing */
	lvmd_netpath_ahead_close(g->np, &zero);        /* port 0 untouched */
	assert_int_equal(__atomic_load_n(&maps_live, __ATOMIC_SEQ_CST), live);
	/* Handed to an add refused (the vif is served already). */
	assert_int_equal(lvmd_netpath_ahead_make(g->np, DOMID, REMOTE + 1,
						 MFN_PAGE, &ah, err,
						 sizeof(err)), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK,
				    0, sp), 0);
	a = g->a;
	a.tap_fd = sp[0];
	a.ahead = ah;
	assert_int_equal(lvmd_netpath_add(g->np, &a, err, sizeof(err)),
			 -EEXIST);
	assert_false(ports[REMOTE + 11].bound);
	assert_int_equal(__atomic_load_n(&maps_live, __ATOMIC_SEQ_CST), live);
	close(sp[1]);
	/* A refused page: nothing made. */
	assert_int_equal(lvmd_netpath_ahead_make(g->np, DOMID, REMOTE + 1,
						 GUEST_PAGES, &ah, err,
						 sizeof(err)), -EINVAL);
	assert_null(ah.page);
	assert_false(ports[REMOTE + 11].bound);
}

/* Made ahead for another port: closed at the add, and the thread binds
 * and maps the vif's own when it takes it. */
static void test_ahead_mismatch(void **state)
{
	struct guest *g = *state;
	struct lvmd_netpath_ahead ah;
	char err[256];
	unsigned b0;

	assert_int_equal(lvmd_netpath_ahead_make(g->np, DOMID, REMOTE + 1,
						 MFN_PAGE, &ah, err,
						 sizeof(err)), 0);
	b0 = binds;
	g->a.ahead = ah;
	assert_int_equal(lvmd_netpath_add(g->np, &g->a, err, sizeof(err)), 0);
	assert_false(ports[REMOTE + 11].bound);
	lvmd_netpath_kick(g->np);
	g->page->devs[SLOT].fe_state = NOXS_DEV_STATE_CONNECTED;
	guest_notify();
	assert_true(wait_u32(&g->page->devs[SLOT].be_state,
			     NOXS_DEV_STATE_CONNECTED));
	assert_int_equal(binds, b0 + 1);
}

/* (g)'s vif made ahead into (ah), its rings page and region mapped too,
 * their frames in (mfn) (1 + REGION_PAGES). */
static void rings_made_ahead(struct guest *g, struct lvmd_netpath_ahead *ah,
			     uint64_t *mfn)
{
	char err[256];

	for (uint32_t i = 0; i <= REGION_PAGES; i++)
		mfn[i] = i ? MFN_REGION + i - 1 : MFN_RINGS;
	assert_int_equal(lvmd_netpath_ahead_make(g->np, DOMID, REMOTE, MFN_PAGE,
						 ah, err, sizeof(err)), 0);
	assert_int_equal(lvmd_netpath_ahead_rings(g->np, ah, mfn,
						  1 + REGION_PAGES, err,
						  sizeof(err)), 0);
}

/* A vif connected ahead (docs/noxs.md): its rings page and region mapped
 * with its end made ahead and the rings page set up as the guest's open
 * would; the offer naming them connects with no map at take, and a frame
 * from the TAP lands in RX buffer 0, posted by that set-up. */
static void test_rings_ahead(void **state)
{
	struct guest *g = *state;
	struct lvmd_netpath_ahead ah;
	uint64_t mfn[1 + REGION_PAGES];
	uint16_t cap_of[NOXS_VIF_RING_SIZE];
	struct noxs_vif_desc d;
	uint8_t frame[60];
	char err[256];
	unsigned c0;

	rings_made_ahead(g, &ah, mfn);
	vring_rings_setup(ah.rings, mfn + 1, REGION_PAGES, 4, 2048);
	assert_int_equal(g->rings->rx_idx.req_prod, 4); /* the guest's page */
	vring_front_resume(&g->rx, &g->rings->rx_idx, g->rings->rx, 4);
	for (int i = 0; i < 4; i++)
		cap_of[i] = NOXS_VIF_FRAME_MAX;
	c0 = map_calls;
	g->page->devs[SLOT].fe_state = NOXS_DEV_STATE_CONNECTED; /* the offer */
	g->a.ahead = ah;
	assert_int_equal(lvmd_netpath_add(g->np, &g->a, err, sizeof(err)), 0);
	lvmd_netpath_kick(g->np);
	assert_true(wait_u32(&g->page->devs[SLOT].be_state,
			     NOXS_DEV_STATE_CONNECTED));
	assert_int_equal(map_calls, c0);
	memset(frame, 0x5a, sizeof(frame));
	assert_int_equal(send(g->tap[1], frame, sizeof(frame), 0), 60);
	assert_true(wait_u32(&g->rings->rx_idx.rsp_prod, 1));
	assert_int_equal(vring_front_take(&g->rx, &d, cap_of), 1);
	assert_int_equal(d.id, 0);
	assert_int_equal(d.len, 60);
	assert_memory_equal(g->region, frame, 60);
}

/* Mapped ahead, but the offer names another region: those mappings go
 * and the offer's frames are mapped at the connect. */
static void test_rings_ahead_other_offer(void **state)
{
	struct guest *g = *state;
	struct lvmd_netpath_ahead ah;
	uint64_t mfn[1 + REGION_PAGES];
	char err[256];
	unsigned c0;
	long live;

	rings_made_ahead(g, &ah, mfn);
	live = __atomic_load_n(&maps_live, __ATOMIC_SEQ_CST);
	c0 = map_calls;
	g->page->vifs[VIF].buf_pages = REGION_PAGES - 1;
	g->page->vifs[VIF].buf_size = (REGION_PAGES - 1) * PAGE;
	g->page->devs[SLOT].fe_state = NOXS_DEV_STATE_CONNECTED;
	g->a.ahead = ah;
	assert_int_equal(lvmd_netpath_add(g->np, &g->a, err, sizeof(err)), 0);
	lvmd_netpath_kick(g->np);
	assert_true(wait_u32(&g->page->devs[SLOT].be_state,
			     NOXS_DEV_STATE_CONNECTED));
	assert_int_equal(map_calls, c0 + 2);            /* rings, region */
	assert_int_equal(__atomic_load_n(&maps_live, __ATOMIC_SEQ_CST),
			 live - (1 + REGION_PAGES) + (1 + REGION_PAGES - 1));
	/* A refused frame: nothing stays mapped. */
	assert_int_equal(lvmd_netpath_ahead_make(g->np, DOMID, REMOTE + 1,
						 MFN_PAGE, &ah, err,
						 sizeof(err)), 0);
	live = __atomic_load_n(&maps_live, __ATOMIC_SEQ_CST);
	mfn[2] = GUEST_PAGES;
	assert_true(lvmd_netpath_ahead_rings(g->np, &ah, mfn, 1 + REGION_PAGES,
					     err, sizeof(err)) < 0);
	assert_null(ah.rings);
	assert_int_equal(__atomic_load_n(&maps_live, __ATOMIC_SEQ_CST), live);
	lvmd_netpath_ahead_close(g->np, &ah);
}

static void test_add_checks(void **state)
{
	struct guest *g = *state;
	struct lvmd_netpath_vif_args a = g->a;
	char err[256];
	int fd, sp[2];

	connect_vif(g);
	/* The same vif again: EEXIST, and its TAP descriptor closed. */
	fd = dup(g->tap[0]);
	a.tap_fd = fd;
	assert_int_equal(lvmd_netpath_add(g->np, &a, err, sizeof(err)),
			 -EEXIST);
	assert_non_null(strstr(err, "already served"));
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	/* Bad arguments. */
	a = g->a;
	a.tap_fd = dup(g->tap[0]);
	a.id = NOXS_MAX_VIFS;
	assert_int_equal(lvmd_netpath_add(g->np, &a, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(fcntl(a.tap_fd, F_GETFD), -1);
	/* The hypervisor's refusals come at the thread's take: the vif is
	 * dead (BAD_SETUP), told the guest when its page is mapped, nothing
	 * bound; its TAP goes at remove. A port refused: */
	a = g->a;
	a.id = 1;
	a.dev_slot = SLOT + 1;
	a.remote_port = 63;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK,
				    0, sp), 0);
	a.tap_fd = sp[0];
	assert_int_equal(lvmd_netpath_add(g->np, &a, err, sizeof(err)), 0);
	lvmd_netpath_kick(g->np);
	assert_true(wait_dead(g->np, 1));
	assert_int_equal(g->page->vifs[1].reason, NOXS_VIF_BAD_SETUP);
	assert_int_equal(g->page->vifs[1].disconnect_seq, 1);
	assert_int_equal(g->page->devs[SLOT + 1].be_state,
			 NOXS_DEV_STATE_CLOSED);
	lvmd_netpath_remove(g->np, DOMID, 1);
	assert_true(wait_closed_fd(sp[1]));
	close(sp[1]);
	/* A page the guest does not own: */
	a = g->a;
	a.id = 1;
	a.remote_port = 6;
	a.page_mfn = GUEST_PAGES + 1;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK,
				    0, sp), 0);
	a.tap_fd = sp[0];
	assert_int_equal(lvmd_netpath_add(g->np, &a, err, sizeof(err)), 0);
	lvmd_netpath_kick(g->np);
	assert_true(wait_dead(g->np, 1));
	assert_false(ports[6 + 10].bound);
	lvmd_netpath_remove(g->np, DOMID, 1);
	assert_true(wait_closed_fd(sp[1]));
	close(sp[1]);
	/* The good vif was never disturbed. */
	assert_int_equal(g->page->devs[SLOT].be_state,
			 NOXS_DEV_STATE_CONNECTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_connect_tx_rx, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_backlog_at_connect, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hostile_disconnects, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_region, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unowned_frame, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_busy_no_storm, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_storm_disconnects, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_remove_while_busy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_add_checks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_made_ahead, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ahead_closed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ahead_mismatch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_taken_at_kick, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rings_ahead, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rings_ahead_other_offer,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
