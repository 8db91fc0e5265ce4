/*
 * netpath.c — the vifs' data path thread (see netpath.h): its handles, its
 * epoll set (the event channel descriptor, each vif's TAP, an eventfd for
 * the control thread's commands), connect and disconnect, each vif's event
 * budget, and a round-robin of bounded turns over the vifs with work. The
 * frames themselves are moved by netcopy.c.
 *
 * Sharing: the list of vifs (np->vifs, each one's next, known, doomed and
 * pub) is under np->mu; everything else of a vif is the thread's once the
 * thread has taken it (known). add() and remove() only link, mark and
 * wake the thread.
 *
 * Budget: each vif's port events go through a token bucket (bucket.h,
 * NP_EV_RATE a second, NP_EV_BURST at once); an event past it leaves the
 * port masked and is served on a 1 ms grid once due, so that a guest
 * notifying in a loop costs at most NP_EV_RATE wakes a second. One that
 * keeps notifying with nothing to do (NP_STORM_IDLE events in a row, or
 * NP_STORM_MIN over NP_STORM_NS: netcopy.h), connected or not yet, is
 * disconnected with NOXS_VIF_STORM. Work is what the guest did since its
 * previous event, seen by any turn (one its TAP woke may take the RX
 * buffers or TX requests an event then finds gone).
 * A disconnected vif's port is never unmasked again.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xenevtchn.h>
#include <xenforeignmemory.h>

#include "bucket.h"
#include "netcopy.h"
#include "netpath.h"
#include "netyield.h"
#include "toolstack/common/clock.h"
#include "toolstack/common/errf.h"
#include "toolstack/engine/log.h"

#define NP_EV_RATE 4000u             /* port events a second per vif */
#define NP_EV_BURST 64u              /* ... at once */
#define NP_EV_GRID_NS 1000000ull     /* deferred events served on this grid */
#define NP_MAX_DOMID 0x7ff0u         /* DOMID_FIRST_RESERVED */
#define PAGE 4096u

_Static_assert(LVMD_NETPATH_HELLO_LEN == NP_HELLO_LEN, "the hello's size");

enum np_state {
	NP_WAIT,                     /* the guest has not connected yet */
	NP_UP,                       /* rings and region mapped, served */
	NP_DEAD,                     /* disconnected: unmapped, not served */
};

struct np_vif {
	/* Under np->mu. */
	struct np_vif *next;
	bool known;                  /* the thread has taken it */
	bool doomed;                 /* remove() asked */
	struct lvmd_netpath_stats pub;
	/* The thread's (set by add() before it is linked). */
	struct lvmd_netpath_vif_args a;
	int lport;
	volatile struct noxs_page *page;
	uint32_t seq;                /* disconnect_seq */
	enum np_state st;
	void *rings_map, *region_map;
	uint32_t region_pages;
	struct lvmd_netpath_ahead pre; /* rings and region mapped ahead
					(pre.rings), until the connect uses
					or drops them */
	struct np_io io;
	uint32_t reason;
	uint64_t tat, defer_ns;      /* budget; defer_ns 0: not deferred */
	struct np_storm storm;       /* workless events in a row */
	uint32_t rx_seen;            /* RX req_prod at the last turn */
	bool worked;                 /* the guest did something since its
					last event (any turn saw it) */
	bool ev, tap, more, queued, polled;
	struct np_vif *qnext, *tnext;  /* the queue, the vifs taken */
	struct np_vif *cnext, *gnext;  /* commands: new, to remove */
};

struct lvmd_netpath {
	xenevtchn_handle *xce;
	xenforeignmemory_handle *xfm;
	int epfd, evfd;
	pthread_t thr;
	bool started;
	pthread_mutex_t mu;
	struct np_vif *vifs;         /* under mu */
	bool stop;                   /* under mu */
	/* The thread's. */
	struct np_vif *tlist;        /* the vifs it took */
	struct np_vif **by_port;
	size_t nports;
	struct np_vif *qhead, *qtail; /* vifs with work this turn */
	size_t ndeferred;
	bool yield_wanted;           /* set before the thread starts */
	struct lvmd_yield yield;     /* the thread's scheduling class (read
					by the control thread through
					lvmd_netpath_class()) */
};

/* epoll tags other than a vif pointer. */
static char tag_evfd, tag_xce;

static void wake(struct lvmd_netpath *np)
{
	uint64_t one = 1;

	if (write(np->evfd, &one, sizeof(one)) < 0)
		lvm_log_warn(errno, "netpath: waking the thread");
}

/* ---- the thread's own bookkeeping ---- */

static void enqueue(struct lvmd_netpath *np, struct np_vif *v)
{
	if (v->queued)
		return;
	v->queued = true;
	v->qnext = NULL;
	if (np->qtail)
		np->qtail->qnext = v;
	else
		np->qhead = v;
	np->qtail = v;
}

static void dequeue_vif(struct lvmd_netpath *np, struct np_vif *v)
{
	struct np_vif **pp = &np->qhead, *last = NULL;

	if (!v->queued)
		return;
	while (*pp && *pp != v) {
		last = *pp;
		pp = &(*pp)->qnext;
	}
	if (*pp)
		*pp = v->qnext;
	if (np->qtail == v)
		np->qtail = last;
	v->queued = false;
}

static int port_set(struct lvmd_netpath *np, int port, struct np_vif *v)
{
	size_t n;
	void *p;

	if (port < 0)
		return -EINVAL;
	if ((size_t)port >= np->nports) {
		if (!v)
			return 0;
		n = np->nports ? np->nports : 256;
		while (n <= (size_t)port)
			n *= 2;
		p = realloc(np->by_port, n * sizeof(*np->by_port));
		if (!p)
			return -ENOMEM;
		np->by_port = p;
		memset(&np->by_port[np->nports], 0,
		       (n - np->nports) * sizeof(*np->by_port));
		np->nports = n;
	}
	np->by_port[port] = v;
	return 0;
}

/* Poll the vif's TAP for frames (on) or not. */
static void tap_poll(struct lvmd_netpath *np, struct np_vif *v, bool on)
{
	struct epoll_event e = { .events = on ? EPOLLIN : 0, .data.ptr = v };

	if (v->polled == on)
		return;
	if (epoll_ctl(np->epfd, EPOLL_CTL_MOD, v->a.tap_fd, &e) < 0)
		lvm_log_warn(errno, "netpath: d%u vif%u: polling its TAP",
			     v->a.domid, v->a.id);
	else
		v->polled = on;
}

static void publish(struct lvmd_netpath *np, struct np_vif *v)
{
	pthread_mutex_lock(&np->mu);
	v->pub = (struct lvmd_netpath_stats){
		.rx_packets = v->io.c.rx_packets,
		.rx_bytes = v->io.c.rx_bytes,
		.tx_packets = v->io.c.tx_packets,
		.tx_bytes = v->io.c.tx_bytes,
		.rx_dropped = v->io.c.rx_dropped,
		.tx_errors = v->io.c.tx_errors,
		.connected = v->st == NP_UP,
		.reason = v->reason,
	};
	pthread_mutex_unlock(&np->mu);
}

static void unmap_rings(struct lvmd_netpath *np, struct np_vif *v)
{
	if (v->region_map)
		xenforeignmemory_unmap(np->xfm, v->region_map,
				       v->region_pages);
	if (v->rings_map)
		xenforeignmemory_unmap(np->xfm, v->rings_map, 1);
	v->region_map = v->rings_map = NULL;
}

/*
 * Stop serving (v): (verdict) non-zero is a rule the guest broke, told
 * in its vif record; 0 is the guest's own teardown. The port stays bound
 * and the TAP open until remove().
 */
static void disconnect(struct lvmd_netpath *np, struct np_vif *v,
		       uint32_t verdict, uint32_t arg)
{
	if (verdict) {
		np_disconnect_mark(v->page, v->a.dev_slot, v->a.id, verdict,
				   arg, &v->seq);
		lvm_log_warn(0, "netpath: d%u vif%u disconnected: %s (arg %u)",
			     v->a.domid, v->a.id, vring_reason_name((int)verdict),
			     arg);
	} else {
		v->page->devs[v->a.dev_slot].be_state = NOXS_DEV_STATE_CLOSED;
	}
	xenevtchn_notify(np->xce, (evtchn_port_t)v->lport);
	unmap_rings(np, v);
	tap_poll(np, v, false);
	v->st = NP_DEAD;
	v->reason = verdict;
	v->more = false;
	publish(np, v);
}

/* The rings page and region mapped ahead for (v), unless a connect
 * took them. */
static void drop_pre(struct lvmd_netpath *np, struct np_vif *v)
{
	if (v->pre.region)
		xenforeignmemory_unmap(np->xfm, v->pre.region,
				       v->pre.region_pages);
	if (v->pre.rings)
		xenforeignmemory_unmap(np->xfm, v->pre.rings, 1);
	v->pre.rings = v->pre.region = NULL;
}

/* Map what the guest declared once, start both rings; 0 or a verdict.
 * An offer of the rings page and region mapped ahead (a vif connected
 * ahead) takes those mappings: the same frames of the guest's own
 * memory, whatever its rings page now lists. */
static int map_rings(struct lvmd_netpath *np, struct np_vif *v,
		     const struct np_offer *o)
{
	xen_pfn_t ring = (xen_pfn_t)o->ring_mfn, pfns[NOXS_VIF_BUF_PAGES_MAX];
	int errs[NOXS_VIF_BUF_PAGES_MAX], rerr = 0;
	volatile struct noxs_vif_rings *r;

	if (v->pre.rings && o->ring_mfn == v->pre.ring_mfn &&
	    o->buf_pages == v->pre.region_pages) {
		v->rings_map = v->pre.rings;
		v->region_map = v->pre.region;
		v->region_pages = v->pre.region_pages;
		v->pre.rings = v->pre.region = NULL;
		np_io_init(&v->io, v->rings_map, v->region_map, o->buf_size,
			   v->a.tap_fd, v->a.adopt);
		return NOXS_VIF_OK;
	}
	drop_pre(np, v);

	v->rings_map = xenforeignmemory_map(np->xfm, v->a.domid,
					    PROT_READ | PROT_WRITE, 1, &ring,
					    &rerr);
	if (!v->rings_map || rerr) {
		if (v->rings_map)
			xenforeignmemory_unmap(np->xfm, v->rings_map, 1);
		v->rings_map = NULL;
		return NOXS_VIF_BAD_SETUP;
	}
	r = v->rings_map;
	for (uint32_t i = 0; i < o->buf_pages; i++)
		pfns[i] = (xen_pfn_t)r->buf_mfn[i];
	v->region_pages = o->buf_pages;
	v->region_map = xenforeignmemory_map(np->xfm, v->a.domid,
					     PROT_READ | PROT_WRITE,
					     o->buf_pages, pfns, errs);
	for (uint32_t i = 0; v->region_map && i < o->buf_pages; i++)
		if (errs[i]) {
			unmap_rings(np, v);
			return NOXS_VIF_BAD_SETUP;
		}
	if (!v->region_map) {
		unmap_rings(np, v);
		return NOXS_VIF_BAD_SETUP;
	}
	np_io_init(&v->io, r, v->region_map, o->buf_size, v->a.tap_fd,
		   v->a.adopt);
	return NOXS_VIF_OK;
}

/* A waiting vif: connect if its guest has. Returns whether it changed. */
static bool try_connect(struct lvmd_netpath *np, struct np_vif *v)
{
	struct np_offer o;
	int verdict = np_offer_read(v->page, v->a.dev_slot, v->a.id, &o);

	if (verdict == NOXS_VIF_OK &&
	    o.fe_state != NOXS_DEV_STATE_CONNECTED)
		return false;
	if (verdict == NOXS_VIF_OK)
		verdict = map_rings(np, v, &o);
	if (verdict != NOXS_VIF_OK) {
		disconnect(np, v, (uint32_t)verdict, o.buf_pages);
		return true;
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	v->page->devs[v->a.dev_slot].be_state = NOXS_DEV_STATE_CONNECTED;
	v->st = NP_UP;
	/* The gateway's hello first (the guest's first answer to dom0 needs
	 * no ARP), then what the TAP queued while the guest booted: the
	 * newest frames (a client's first SYN) delivered now, the older
	 * dropped. The one notification below covers both. */
	if (!v->a.adopt) {
		bool nrx;
		uint32_t arg = 0;
		int rc = np_io_rx_backlog(&v->io, v->a.hello, v->a.hello_len,
					  &nrx, &arg);

		if (rc < 0) {
			disconnect(np, v, (uint32_t)-rc, arg);
			return true;
		}
	}
	xenevtchn_notify(np->xce, (evtchn_port_t)v->lport);
	v->rx_seen = v->io.rx.idx->req_prod;
	lvm_log_info("netpath: d%u vif%u connected (%u-byte region%s)",
		     v->a.domid, v->a.id, o.buf_size,
		     v->a.adopt ? ", adopted" : "");
	publish(np, v);
	return true;
}

/* One bounded turn of (v): its event, TX, RX. */
static void serve(struct lvmd_netpath *np, struct np_vif *v)
{
	bool work = false, ntx = false, nrx = false;
	uint32_t arg = 0, rx_prod;
	int t = 0, r = 0;

	if (v->ev && v->st == NP_WAIT) {
		work = try_connect(np, v);
	} else if (v->ev && v->st == NP_UP &&
		   v->page->devs[v->a.dev_slot].fe_state !=
			   NOXS_DEV_STATE_CONNECTED) {
		disconnect(np, v, 0, 0);
		work = true;
	}
	if (v->st == NP_UP) {
		rx_prod = v->io.rx.idx->req_prod;
		if (rx_prod != v->rx_seen)
			work = true;
		v->rx_seen = rx_prod;
		t = np_io_tx(&v->io, NP_BATCH, &ntx, &arg);
		if (t < 0)
			disconnect(np, v, (uint32_t)-t, arg);
	}
	if (v->st == NP_UP) {
		r = np_io_rx(&v->io, NP_BATCH, &nrx, &arg);
		if (r < 0)
			disconnect(np, v, (uint32_t)-r, arg);
	}
	if (v->st == NP_UP) {
		if (ntx || nrx)
			xenevtchn_notify(np->xce, (evtchn_port_t)v->lport);
		tap_poll(np, v, !v->io.rx_starved);
		v->more = t == (int)NP_BATCH || r == (int)NP_BATCH;
		if (t > 0 || r > 0)
			publish(np, v);
		work |= t > 0;
	}
	v->worked |= work;
	if (v->ev) {
		if (v->st != NP_DEAD &&
		    np_storm_note(&v->storm, v->worked, lvm_now_ns()))
			disconnect(np, v, NOXS_VIF_STORM, v->storm.idle);
		v->worked = false;
		v->ev = false;
		/* A disconnected vif's port stays masked: whatever the guest
		   does with it costs dom0 nothing until remove(). */
		if (v->st != NP_DEAD)
			xenevtchn_unmask(np->xce, (evtchn_port_t)v->lport);
	}
	v->tap = false;
}

/* A pending port: admit its event now, or defer it (left masked). */
static void on_port(struct lvmd_netpath *np, int port, uint64_t now)
{
	struct np_vif *v;
	uint64_t when;

	if (port < 0 || (size_t)port >= np->nports || !np->by_port[port])
		return; /* a vif not taken yet: unmasked when it is */
	v = np->by_port[port];
	if (v->defer_ns || v->ev)
		return;
	if (lvmd_bucket_take(&v->tat, now, 1000000000ull / NP_EV_RATE,
			     NP_EV_BURST, &when)) {
		v->ev = true;
		enqueue(np, v);
		return;
	}
	v->defer_ns = (when + NP_EV_GRID_NS - 1) / NP_EV_GRID_NS *
		      NP_EV_GRID_NS;
	np->ndeferred++;
}

/* Deferred events now due; returns the earliest still waiting, or 0. */
static uint64_t run_due(struct lvmd_netpath *np, uint64_t now)
{
	uint64_t next = 0;

	if (!np->ndeferred)
		return 0;
	for (struct np_vif *v = np->tlist; v; v = v->tnext) {
		if (!v->defer_ns)
			continue;
		if (v->defer_ns <= now) {
			v->defer_ns = 0;
			np->ndeferred--;
			on_port(np, v->lport, now);
		}
		if (v->defer_ns && (!next || v->defer_ns < next))
			next = v->defer_ns;
	}
	return next;
}

/* ---- taking and releasing vifs ---- */

/* Everything (v) holds, whatever its state; (v) is freed. */
static void release(struct lvmd_netpath *np, struct np_vif *v)
{
	unmap_rings(np, v);
	drop_pre(np, v);
	if (v->page)
		xenforeignmemory_unmap(np->xfm, (void *)v->page, 1);
	if (v->lport >= 0)
		xenevtchn_unbind(np->xce, (evtchn_port_t)v->lport);
	if (v->a.tap_fd >= 0) {
		epoll_ctl(np->epfd, EPOLL_CTL_DEL, v->a.tap_fd, NULL);
		close(v->a.tap_fd);
	}
	free(v);
}

/*
 * Bind (v)'s port and map its device page, here rather than in add(): two
 * hypervisor calls (about 1 ms in the box) off the create's path. A
 * guest's notification before the bind is lost (its port is unbound), so
 * the first turn looks at fe_state whatever came. 0, or -1 with the vif
 * left dead (NOXS_VIF_BAD_SETUP, told the guest when its page is mapped).
 */
static int bind_map(struct lvmd_netpath *np, struct np_vif *v)
{
	xen_pfn_t pfn = (xen_pfn_t)v->a.page_mfn;
	const char *what = "mapping its device page";

	v->page = xenforeignmemory_map(np->xfm, v->a.domid,
				       PROT_READ | PROT_WRITE, 1, &pfn, NULL);
	if (v->page) {
		v->seq = v->page->vifs[v->a.id].disconnect_seq;
		v->lport = xenevtchn_bind_interdomain(np->xce, v->a.domid,
						      v->a.remote_port);
		if (v->lport >= 0)
			return 0;
		what = "binding its port";
	}
	lvm_log_err(errno ? errno : EIO, "netpath: d%u vif%u: %s (port %u)",
		    v->a.domid, v->a.id, what, v->a.remote_port);
	if (v->page)
		np_disconnect_mark(v->page, v->a.dev_slot, v->a.id,
				   NOXS_VIF_BAD_SETUP, 0, &v->seq);
	v->st = NP_DEAD;
	v->reason = NOXS_VIF_BAD_SETUP;
	return -1;
}

static void take(struct lvmd_netpath *np, struct np_vif *v)
{
	v->tnext = np->tlist;
	np->tlist = v;
	v->st = NP_WAIT;
	if (v->page && v->lport >= 0)  /* bound and mapped ahead */
		v->seq = v->page->vifs[v->a.id].disconnect_seq;
	else if (bind_map(np, v) < 0) {
		publish(np, v);
		return;
	}
	port_set(np, v->lport, v); /* fails only for ENOMEM: then no events,
				      the vif is served from its TAP alone */
	v->ev = true; /* the guest may have connected already */
	enqueue(np, v);
}

static void drop(struct lvmd_netpath *np, struct np_vif *v)
{
	struct np_vif **pp;

	dequeue_vif(np, v);
	if (v->defer_ns)
		np->ndeferred--;
	if ((size_t)v->lport < np->nports && np->by_port[v->lport] == v)
		np->by_port[v->lport] = NULL;
	for (pp = &np->tlist; *pp; pp = &(*pp)->tnext)
		if (*pp == v) {
			*pp = v->tnext;
			break;
		}
	pthread_mutex_lock(&np->mu);
	for (pp = &np->vifs; *pp; pp = &(*pp)->next)
		if (*pp == v) {
			*pp = v->next;
			break;
		}
	pthread_mutex_unlock(&np->mu);
	release(np, v);
}

/* The control thread's commands: new vifs, vifs to remove, stop. */
static bool commands(struct lvmd_netpath *np)
{
	struct np_vif *news = NULL, *gone = NULL, *v, *n;
	uint64_t cnt;
	bool stop;

	if (read(np->evfd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		lvm_log_warn(errno, "netpath: reading its eventfd");
	pthread_mutex_lock(&np->mu);
	stop = np->stop;
	for (v = np->vifs; v; v = v->next) {
		if (!v->known) {
			v->known = true;
			v->cnext = news;
			news = v;
		}
		if (v->doomed) {
			v->gnext = gone;
			gone = v;
		}
	}
	pthread_mutex_unlock(&np->mu);
	for (v = news; v; v = n) {
		n = v->cnext;
		take(np, v);
	}
	for (v = gone; v; v = n) {
		n = v->gnext;
		drop(np, v);
	}
	return stop;
}

/* epoll's timeout until (due) (monotonic ns; 0: none, -1). */
static int wait_ms(uint64_t due)
{
	uint64_t now = lvm_now_ns();

	if (!due)
		return -1;
	if (due <= now)
		return 0;
	return (int)lvm_ms_until(now, due);
}

static void *thread_main(void *arg)
{
	struct lvmd_netpath *np = arg;
	struct epoll_event evs[64];
	uint64_t now, next = 0;
	int n, timeout;
	bool stop = false, cmds;

	lvmd_yield_start(&np->yield, np->yield_wanted);
	while (!stop) {
		timeout = np->qhead ? 0 : wait_ms(next);
		n = epoll_wait(np->epfd, evs, 64, timeout);
		if (n < 0 && errno != EINTR) {
			lvm_log_err(errno, "netpath: epoll_wait");
			break;
		}
		now = lvm_now_ns();
		lvmd_yield_tick(&np->yield, now);
		cmds = false;
		for (int i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			int port;

			if (p == &tag_evfd) {
				cmds = true; /* after the others: a vif it
						removes may be in evs[] */
			} else if (p == &tag_xce) {
				while ((port = xenevtchn_pending(np->xce)) >= 0)
					on_port(np, port, now);
			} else {
				struct np_vif *v = p;

				v->tap = true;
				enqueue(np, v);
			}
		}
		if (cmds)
			stop = commands(np);
		next = run_due(np, now);
		/* One round over the vifs with work; those with more left
		   go to the back, after everything that came meanwhile. */
		for (struct np_vif *v = np->qhead, *end = np->qtail; v;) {
			struct np_vif *nx = v->qnext;
			bool last = v == end;

			np->qhead = nx;
			if (!nx)
				np->qtail = NULL;
			v->queued = false;
			serve(np, v);
			if (v->more)
				enqueue(np, v);
			if (last)
				break;
			v = nx;
		}
	}
	while (np->tlist)
		drop(np, np->tlist);
	pthread_mutex_lock(&np->mu);
	while (np->vifs) { /* added, never taken */
		struct np_vif *v = np->vifs;

		np->vifs = v->next;
		pthread_mutex_unlock(&np->mu);
		release(np, v);
		pthread_mutex_lock(&np->mu);
	}
	pthread_mutex_unlock(&np->mu);
	lvmd_yield_stop(&np->yield);
	return NULL;
}

/* ---- the control thread's calls ---- */

void lvmd_netpath_class(struct lvmd_netpath *np, bool *yielding,
			uint64_t *starved)
{
	lvmd_yield_state(&np->yield, yielding, starved);
}

static void close_handles(struct lvmd_netpath *np)
{
	if (np->epfd >= 0)
		close(np->epfd);
	if (np->evfd >= 0)
		close(np->evfd);
	if (np->xfm)
		xenforeignmemory_close(np->xfm);
	if (np->xce)
		xenevtchn_close(np->xce);
	free(np->by_port);
	pthread_mutex_destroy(&np->mu);
	free(np);
}

int lvmd_netpath_start(struct lvmd_netpath **out, bool yield, char *err,
		       size_t errlen)
{
	struct lvmd_netpath *np = calloc(1, sizeof(*np));
	struct epoll_event e = { .events = EPOLLIN };
	int rc;

	if (!np)
		return lvm_errf(err, errlen, ENOMEM, "netpath: no memory");
	np->epfd = np->evfd = -1;
	np->yield_wanted = yield;
	pthread_mutex_init(&np->mu, NULL);
	np->xce = xenevtchn_open(NULL, 0);
	np->xfm = xenforeignmemory_open(NULL, 0);
	if (!np->xce || !np->xfm) {
		rc = lvm_errf(err, errlen, errno ? errno : EIO,
			      "netpath: opening its event channel and "
			      "foreign memory handles");
		goto out;
	}
	rc = fcntl(xenevtchn_fd(np->xce), F_GETFL);
	if (rc < 0 || fcntl(xenevtchn_fd(np->xce), F_SETFL, rc | O_NONBLOCK) <
			      0) {
		rc = lvm_errf(err, errlen, errno, "netpath: evtchn O_NONBLOCK");
		goto out;
	}
	np->epfd = epoll_create1(EPOLL_CLOEXEC);
	np->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (np->epfd < 0 || np->evfd < 0) {
		rc = lvm_errf(err, errlen, errno, "netpath: epoll or eventfd");
		goto out;
	}
	e.data.ptr = &tag_evfd;
	if (epoll_ctl(np->epfd, EPOLL_CTL_ADD, np->evfd, &e) < 0) {
		rc = lvm_errf(err, errlen, errno, "netpath: epoll_ctl");
		goto out;
	}
	e.data.ptr = &tag_xce;
	if (epoll_ctl(np->epfd, EPOLL_CTL_ADD, xenevtchn_fd(np->xce), &e) <
	    0) {
		rc = lvm_errf(err, errlen, errno, "netpath: epoll_ctl");
		goto out;
	}
	rc = -pthread_create(&np->thr, NULL, thread_main, np);
	if (rc < 0) {
		lvm_errf(err, errlen, -rc, "netpath: starting its thread");
		goto out;
	}
	(void)pthread_setname_np(np->thr, "lvmd-netpath"); /* for ps -L */
	np->started = true;
	*out = np;
	return 0;
out:
	close_handles(np);
	return rc;
}

void lvmd_netpath_stop(struct lvmd_netpath *np)
{
	if (!np)
		return;
	pthread_mutex_lock(&np->mu);
	np->stop = true;
	pthread_mutex_unlock(&np->mu);
	wake(np);
	if (np->started)
		pthread_join(np->thr, NULL);
	close_handles(np);
}

/* (domid, id)'s vif not being removed, or NULL. Under np->mu. */
static struct np_vif *find(struct lvmd_netpath *np, uint32_t domid,
			   uint32_t id)
{
	for (struct np_vif *v = np->vifs; v; v = v->next)
		if (!v->doomed && v->a.domid == domid && v->a.id == id)
			return v;
	return NULL;
}

int lvmd_netpath_add(struct lvmd_netpath *np,
		     const struct lvmd_netpath_vif_args *a, char *err,
		     size_t errlen)
{
	struct epoll_event e = { .events = 0 };
	struct np_vif *v = NULL;
	int rc;

	if (!np || !a || a->tap_fd < 0 || a->id >= NOXS_MAX_VIFS ||
	    a->dev_slot >= NOXS_MAX_DEVICES || a->domid == 0 ||
	    a->domid >= NP_MAX_DOMID || a->page_mfn == 0 ||
	    a->hello_len > sizeof(a->hello)) {
		rc = lvm_errf(err, errlen, EINVAL, "netpath: bad vif arguments");
		goto out;
	}
	pthread_mutex_lock(&np->mu);
	v = find(np, a->domid, a->id);
	pthread_mutex_unlock(&np->mu);
	if (v) {
		v = NULL;
		rc = lvm_errf(err, errlen, EEXIST, "d%u vif%u: already served",
			      a->domid, a->id);
		goto out;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		rc = lvm_errf(err, errlen, ENOMEM, "netpath: no memory");
		goto out;
	}
	v->a = *a;
	v->a.tap_fd = -1; /* closed below, until it is registered */
	/* Made ahead, or bound and mapped by the thread when it takes the
	 * vif (a page mapped with no port bound is not taken: closed). */
	v->lport = -1;
	if (a->ahead.page && a->ahead.lport >= 0 &&
	    a->ahead.domid == a->domid &&
	    a->ahead.remote_port == a->remote_port &&
	    a->ahead.page_mfn == a->page_mfn) {
		v->lport = a->ahead.lport;
		v->page = a->ahead.page;
		v->pre.rings = a->ahead.rings;
		v->pre.region = a->ahead.region;
		v->pre.ring_mfn = a->ahead.ring_mfn;
		v->pre.region_pages = a->ahead.region_pages;
	}
	v->a.ahead = (struct lvmd_netpath_ahead){ .lport = -1 };
	e.data.ptr = v;
	if (epoll_ctl(np->epfd, EPOLL_CTL_ADD, a->tap_fd, &e) < 0) {
		rc = lvm_errf(err, errlen, errno, "d%u vif%u: polling its TAP",
			      a->domid, a->id);
		goto out;
	}
	v->a.tap_fd = a->tap_fd;
	pthread_mutex_lock(&np->mu);
	v->next = np->vifs;
	np->vifs = v;
	pthread_mutex_unlock(&np->mu);
	if (!v->page) {              /* half-made, or for another: closed */
		struct lvmd_netpath_ahead half = a->ahead;

		lvmd_netpath_ahead_close(np, &half);
	}
	return 0;                    /* taken at lvmd_netpath_kick() */
out:
	if (a) {                     /* what v took of it, if anything */
		struct lvmd_netpath_ahead own = a->ahead;

		lvmd_netpath_ahead_close(np, &own);
	}
	free(v);
	if (a && a->tap_fd >= 0)
		close(a->tap_fd);
	return rc;
}

int lvmd_netpath_ahead_make(struct lvmd_netpath *np, uint32_t domid,
			    uint32_t remote_port, uint64_t page_mfn,
			    struct lvmd_netpath_ahead *out, char *err,
			    size_t errlen)
{
	xen_pfn_t pfn = (xen_pfn_t)page_mfn;

	*out = (struct lvmd_netpath_ahead){ .lport = -1, .domid = domid,
					    .remote_port = remote_port,
					    .page_mfn = page_mfn };
	if (!np || domid == 0 || domid >= NP_MAX_DOMID || page_mfn == 0)
		return lvm_errf(err, errlen, EINVAL,
				"netpath: bad arguments for a vif made ahead");
	out->page = xenforeignmemory_map(np->xfm, domid,
					 PROT_READ | PROT_WRITE, 1, &pfn, NULL);
	if (!out->page)
		return lvm_errf(err, errlen, errno ? errno : EIO,
				"d%u: mapping its device page for the data path",
				domid);
	out->lport = xenevtchn_bind_interdomain(np->xce, domid, remote_port);
	if (out->lport < 0) {
		int e = errno ? errno : EIO;

		lvmd_netpath_ahead_close(np, out);
		return lvm_errf(err, errlen, e,
				"d%u: binding its vif port %u for the data path",
				domid, remote_port);
	}
	return 0;
}

int lvmd_netpath_ahead_rings(struct lvmd_netpath *np,
			     struct lvmd_netpath_ahead *a, const uint64_t *mfn,
			     uint32_t frames, char *err, size_t errlen)
{
	xen_pfn_t pfns[1 + NOXS_VIF_BUF_PAGES_MAX];

	if (!np || !a || !a->page || a->rings || frames < 2 ||
	    frames > 1 + NOXS_VIF_BUF_PAGES_MAX)
		return lvm_errf(err, errlen, EINVAL,
				"netpath: bad arguments for rings mapped ahead");
	for (uint32_t i = 0; i < frames; i++)
		pfns[i] = (xen_pfn_t)mfn[i];
	a->rings = xenforeignmemory_map(np->xfm, a->domid,
					PROT_READ | PROT_WRITE, 1, pfns, NULL);
	if (a->rings)
		a->region = xenforeignmemory_map(np->xfm, a->domid,
						 PROT_READ | PROT_WRITE,
						 frames - 1, pfns + 1, NULL);
	if (!a->rings || !a->region) {
		int e = errno ? errno : EIO;

		if (a->rings)
			xenforeignmemory_unmap(np->xfm, a->rings, 1);
		a->rings = a->region = NULL;
		return lvm_errf(err, errlen, e,
				"d%u: mapping its vif's rings and region for "
				"the data path", a->domid);
	}
	a->ring_mfn = mfn[0];
	a->region_pages = frames - 1;
	return 0;
}

void lvmd_netpath_ahead_close(struct lvmd_netpath *np,
			      struct lvmd_netpath_ahead *a)
{
	if (!np || !a || !a->page)   /* no page: nothing was made */
		return;
	if (a->region)
		xenforeignmemory_unmap(np->xfm, a->region, a->region_pages);
	if (a->rings)
		xenforeignmemory_unmap(np->xfm, a->rings, 1);
	xenforeignmemory_unmap(np->xfm, a->page, 1);
	if (a->lport >= 0)
		xenevtchn_unbind(np->xce, (evtchn_port_t)a->lport);
	*a = (struct lvmd_netpath_ahead){ .lport = -1 };
}

void lvmd_netpath_kick(struct lvmd_netpath *np)
{
	if (np)
		wake(np);
}

void lvmd_netpath_remove(struct lvmd_netpath *np, uint32_t domid,
			 uint32_t id)
{
	struct np_vif *v;

	if (!np)
		return;
	pthread_mutex_lock(&np->mu);
	v = find(np, domid, id);
	if (v)
		v->doomed = true;
	pthread_mutex_unlock(&np->mu);
	if (v)
		wake(np);
}

int lvmd_netpath_stats(struct lvmd_netpath *np, uint32_t domid, uint32_t id,
		       struct lvmd_netpath_stats *out)
{
	struct np_vif *v;

	pthread_mutex_lock(&np->mu);
	v = find(np, domid, id);
	if (v)
		*out = v->pub;
	pthread_mutex_unlock(&np->mu);
	return v ? 0 : -ENOENT;
}
