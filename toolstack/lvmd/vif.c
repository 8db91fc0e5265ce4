/*
 * vif.c — the vif backend: a noxs guest's network interfaces. For each
 * vif of a new guest: an event channel port in the guest for dom0, its
 * device record in the device page (written while the guest is still
 * paused, dom0's copy kept in step), its TAP device on its bridge
 * (netdev.c), then the vif handed to the data path thread (netpath.h),
 * which serves its rings from then on. The check of a create's vifs
 * against dom0 (bridges) before anything is built. A guest from a pool
 * shell may bring its vifs' ports and TAPs made ahead on the refill
 * thread (lvmd_vif_ready_make()): a TAP on the vif's bridge is used, its
 * MTU changed in place if the vif asks another; one on another bridge is
 * closed and the vif's TAP made at create. A vif on lvmd's own bridge
 * gets a permanent neighbour entry there (its address at its MAC) while
 * it is served. See backend.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <noxs/noxs.h>
#include <noxs/vring.h>

#include "backend.h"
#include "guest.h"
#include "lvmd.h"
#include "netcopy.h"
#include "netdev.h"
#include "netpath.h"
#include "xsvif.h"
#include "toolstack/common/errf.h"
#include "toolstack/engine/log.h"

#define VIF_MTU_DEFAULT 1500u

/* bridge_of: the bridge (v) goes on ("": lvmd's default). */
static const char *bridge_of(const struct lvmd *l, const struct lvm_vif *v)
{
	return v->bridge[0] ? v->bridge : l->net.bridge;
}

/* ensure_bridge: (name) exists, made if lvmd.conf allows (lvmd's own
 * bridge with the subnet's address). The bridge found last is taken as
 * it is while its name still has its index (one ioctl, no netlink
 * round trip): an index is never given to another device. */
static int ensure_bridge(struct lvmd *l, const char *name, char *err,
			 size_t errlen)
{
	bool own = strcmp(name, l->net.bridge) == 0;
	int rc;

	if (!l->netdev)
		return lvm_errf(err, errlen, ENETDOWN,
				"vif: lvmd has no netlink socket (see its log)");
	if (l->br_index > 0 && strcmp(l->br_name, name) == 0 &&
	    lvmd_netdev_index(l->netdev, name) == l->br_index)
		return 0;
	l->br_index = 0;
	if (own)
		l->br_mac_ok = false;
	rc = lvmd_netdev_bridge(l->netdev, name, l->net.create,
				own ? l->net.addr : NULL, l->net.prefix, err,
				errlen);
	if (rc < 0)
		return rc;
	/* lvmd's own bridge keeps its MAC while TAPs come and go, so that
	 * what the guests learnt of dom0 by ARP stays true (netdev.h). Not
	 * fatal: guests still run, and the next look-up tries again. */
	if (own) {
		char perr[200];

		rc = lvmd_netdev_pin_mac(l->netdev, name, l->br_mac, perr,
					 sizeof(perr));
		if (rc < 0)
			lvm_log_warn(0, "vif: %s", perr);
		else if (rc > 0)
			lvm_log_info("vif: bridge %s keeps its MAC from now on",
				     name);
		l->br_mac_ok = rc >= 0;
	}
	rc = lvmd_netdev_bridge_index(l->netdev, name);
	if (rc > 0) {
		snprintf(l->br_name, sizeof(l->br_name), "%s", name);
		l->br_index = rc;
	}
	return 0;
}

/* on_own: (v) is on lvmd's own bridge and has an address (what dom0's
 * neighbour entry and the gateway's hello need). */
static bool on_own(const struct lvmd *l, const struct lvm_vif *v)
{
	static const uint8_t none[4];

	return strcmp(bridge_of(l, v), l->net.bridge) == 0 &&
	       memcmp(v->ip, none, 4) != 0;
}

/* own_index: lvmd's own bridge's index if (v) is on it and has an
 * address (its guest's neighbour entry goes there), else 0. */
static int own_index(struct lvmd *l, const struct lvm_vif *v)
{
	int idx;

	if (!l->netdev || !on_own(l, v))
		return 0;
	if (l->br_index > 0 && strcmp(l->br_name, l->net.bridge) == 0)
		return l->br_index;
	idx = lvmd_netdev_index(l->netdev, l->net.bridge);
	return idx > 0 ? idx : 0;
}

int lvmd_vif_check(struct lvmd *l, const struct lvm_vif *vifs, unsigned n,
		   bool xenstore, char *err, size_t errlen)
{
	int rc;

	if (n && xenstore) {
		rc = lvmd_xsvif_check(err, errlen);
		if (rc < 0)
			return rc;
	}
	for (unsigned i = 0; i < n; i++) {
		rc = ensure_bridge(l, bridge_of(l, &vifs[i]), err, errlen);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* find_slot: the device record of vif (id) in (p), or -1. */
static int find_slot(const struct noxs_page *p, unsigned id)
{
	for (uint32_t s = 0; s < p->ndevs && s < NOXS_MAX_DEVICES; s++)
		if (p->devs[s].type == NOXS_DEV_VIF && p->devs[s].id == id)
			return (int)s;
	return -1;
}

/*
 * add_record: vif (i)'s port allocated in (g) for dom0 and its device
 * record appended to dom0's copy of the page, then to the page itself
 * (the guest has not run: the page is dom0's to write), with the port
 * and, for a vif connected ahead, the offer of (ahead), the vif made
 * ahead in the pool shell (or NULL). The slot, or -errno with one line
 * in (err).
 */
static int add_record(struct lvmd *l, struct guest *g, unsigned i,
		      const struct lvmd_vif_ready *ahead, char *err,
		      size_t errlen)
{
	uint32_t ready_port = ahead ? ahead->port : 0;
	const struct lvm_vif *v = &g->rec.vifs[i];
	struct noxs_page *copy = g->rec.noxs_copy;
	volatile struct noxs_page *p = g->noxs_page;
	struct noxs_vif_config c;
	int port, slot;

	memset(&c, 0, sizeof(c));
	memcpy(c.mac, v->mac, sizeof(c.mac));
	c.mtu = v->mtu ? v->mtu : VIF_MTU_DEFAULT;
	memcpy(c.ipv4_addr, v->ip, 4);
	c.ipv4_prefix = v->prefix;
	if (strcmp(bridge_of(l, v), l->net.bridge) == 0)
		memcpy(c.ipv4_gw, l->net.addr, 4);
	port = ready_port ? (int)ready_port :
			    xc_evtchn_alloc_unbound(l->xch, g->rec.domid, 0);
	if (port < 0)
		return lvm_errf(err, errlen, errno ? errno : EIO,
				"vif%u: no event channel: %s", i,
				strerror(errno ? errno : EIO));
	slot = noxs_page_add_dev(copy, NOXS_DEV_VIF, (uint16_t)i, 0,
				 (uint32_t)port, 0, &c, sizeof(c));
	if (slot < 0)
		return lvm_errf(err, errlen, ENOSPC,
				"vif%u: no free device record in the device page",
				i);
	/* Connected ahead: the offer the guest's front would make, made
	 * for it (its rings page is set up): the data path connects at
	 * take, and the guest finds its vif connected when it starts. */
	if (ahead && ahead->np.rings) {
		struct noxs_vif o = {
			.ring_mfn = ahead->np.ring_mfn,
			.buf_pages = ahead->np.region_pages,
			.buf_size = ahead->buf_size,
		};

		copy->vifs[i] = o;
		memcpy((void *)&p->vifs[i], &o, sizeof(o));
		copy->devs[slot].fe_state = NOXS_DEV_STATE_CONNECTED;
	}
	memcpy((void *)&p->devs[slot], &copy->devs[slot],
	       sizeof(copy->devs[slot]));
	__atomic_thread_fence(__ATOMIC_RELEASE);
	p->ndevs = copy->ndevs;
	g->rec.vif_port[i] = (uint32_t)port;
	return slot;
}

void lvmd_vif_ready_close(struct lvmd_netpath *np, struct lvmd_vif_ready *r,
			  unsigned *n)
{
	for (unsigned i = 0; i < *n; i++) {
		if (r[i].tap_fd >= 0)
			close(r[i].tap_fd);
		r[i].tap_fd = -1;
		lvmd_netpath_ahead_close(np, &r[i].np);
	}
	*n = 0;
}

/* rings_ahead: vif 0 of the shell connected ahead (vifready.h): its
 * rings page and region, in (mem), mapped for the data path next to its
 * end made ahead (r->np), the rings page set up as the guest's front
 * would, and the offer kept in (r) for the create. Not made (logged) if
 * they cannot be mapped. */
static void rings_ahead(struct lvmd_netpath *np, uint32_t domid,
			const struct lvmd_vif_mem *mem,
			struct lvmd_vif_ready *r)
{
	const struct noxs_vifmem *m = mem->layout;
	char err[160];

	if (!r->np.page || mem->frames != 1 + m->buf_pages)
		return;
	if (lvmd_netpath_ahead_rings(np, &r->np, mem->mfn, mem->frames, err,
				     sizeof(err)) < 0) {
		lvm_log_warn(0, "vif0 of d%u: %s; connected at the guest's "
			     "offer", domid, err);
		return;
	}
	vring_rings_setup(r->np.rings, mem->mfn + 1, m->buf_pages,
			  m->rx_bufs, m->buf_len);
	r->buf_size = m->buf_size;
}

int lvmd_vif_ready_make(xc_interface *xch, struct lvmd_netdev *nd,
			struct lvmd_netpath *np, uint32_t domid,
			uint64_t page_mfn, const struct lvmd_vif_mem *mem,
			unsigned n, const char *bridge,
			struct lvmd_vif_ready *out, char *err, size_t errlen)
{
	char name[LVM_IFNAME_MAX + 1];
	unsigned made = 0;
	int port, rc = 0;

	for (unsigned i = 0; i < n && i < LVM_VIFS_MAX; i++) {
		struct lvmd_vif_ready *r = &out[i];

		memset(r, 0, sizeof(*r));
		r->tap_fd = -1;
		port = xc_evtchn_alloc_unbound(xch, domid, 0);
		if (port < 0) {
			rc = lvm_errf(err, errlen, errno ? errno : EIO,
				      "vif%u: no event channel: %s", i,
				      strerror(errno ? errno : EIO));
			break;
		}
		rc = lvm_vif_devname(domid, i, name);
		if (rc < 0) {
			rc = lvm_errf(err, errlen, -rc, "vif%u: no device name", i);
			break;
		}
		r->tap_fd = lvmd_netdev_tap(nd, name, bridge, VIF_MTU_DEFAULT,
					    err, errlen);
		if (r->tap_fd < 0) {
			rc = r->tap_fd;
			r->tap_fd = -1;
			break;
		}
		r->port = (uint32_t)port;
		r->mtu = VIF_MTU_DEFAULT;
		snprintf(r->bridge, sizeof(r->bridge), "%s", bridge);
		made = i + 1;
		/* The data path's end too; without it the data path binds and
		 * maps when it takes the vif, as for a cold create. */
		if (np && page_mfn) {
			char aerr[160];

			if (lvmd_netpath_ahead_make(np, domid, r->port,
						    page_mfn, &r->np, aerr,
						    sizeof(aerr)) < 0)
				lvm_log_warn(0, "vif%u of d%u: %s; left to the "
					     "create", i, domid, aerr);
		}
		if (i == 0 && mem && mem->frames)
			rings_ahead(np, domid, mem, r);
	}
	if (rc < 0)
		lvmd_vif_ready_close(np, out, &made);
	return rc;
}

/* ready_tap: the TAP vif (i) of (g) brings from its pool shell, taken
 * out, if it is on (v)'s bridge, its MTU changed in place (one netlink
 * request) when (v) asks another; else -1, and a TAP that does not fit
 * is closed (the vif's is made at create). */
static int ready_tap(struct lvmd *l, struct guest *g, unsigned i,
		     const struct lvm_vif *v)
{
	struct lvmd_vif_ready *r = &g->vif_ready[i];
	uint16_t mtu = v->mtu ? v->mtu : VIF_MTU_DEFAULT;
	char name[LVM_IFNAME_MAX + 1], err[200];
	int fd = r->tap_fd;

	if (i >= g->nvif_ready || fd < 0)
		return -1;
	r->tap_fd = -1;
	if (strcmp(r->bridge, bridge_of(l, v)) != 0)
		goto remake;
	if (r->mtu == mtu)
		return fd;
	if (lvm_vif_devname(g->rec.domid, i, name) == 0 && l->netdev &&
	    lvmd_netdev_mtu(l->netdev, name, mtu, err, sizeof(err)) == 0)
		return fd;
	lvm_log_warn(0, "d%u vif%u: its TAP made ahead kept its MTU (%s); made again",
		     g->rec.domid, i, err);
remake:
	close(fd);                   /* its device goes: made again below */
	return -1;
}

/* neigh_set: dom0 knows the MAC of (g)'s vif (i) before its first
 * frame: a connect from dom0 waits for no ARP. An entry that cannot be
 * set only leaves the guest's own (gratuitous) ARP to do it. */
static void neigh_set(struct lvmd *l, struct guest *g, unsigned i)
{
	const struct lvm_vif *v = &g->rec.vifs[i];
	int idx = own_index(l, v), rc;

	if (idx > 0 && (rc = lvmd_netdev_neigh(l->netdev, idx, v->ip, v->mac,
					       true)) < 0)
		lvm_log_warn(-rc, "d%u vif%u: no neighbour entry on %s",
			     g->rec.domid, i, l->net.bridge);
}

/* gw_hello: the gateway's hello for vif (i) of (g) into (out) when its
 * gateway is lvmd's own bridge, whose MAC is pinned (netcopy.h,
 * np_gw_hello): its length, or 0 (none: the guest asks by ARP). */
static uint32_t gw_hello(struct lvmd *l, const struct guest *g, unsigned i,
			 uint8_t out[LVMD_NETPATH_HELLO_LEN])
{
	static const uint8_t none[4];
	const struct lvm_vif *v = &g->rec.vifs[i];

	if (!l->br_mac_ok || !on_own(l, v) || memcmp(l->net.addr, none, 4) == 0)
		return 0;
	np_gw_hello(out, l->br_mac, l->net.addr, v->mac, v->ip);
	return NP_HELLO_LEN;
}

/* serve: vif (i) of (g): its record (unless (adopt): already there), its
 * TAP on its bridge (the one made ahead, if it fits), handed to the data
 * path. 0 or -errno, (err). */
static int serve(struct lvmd *l, struct guest *g, unsigned i, bool adopt,
		 char *err, size_t errlen)
{
	const struct lvm_vif *v = &g->rec.vifs[i];
	struct lvmd_netpath_vif_args a;
	char name[LVM_IFNAME_MAX + 1];
	const struct lvmd_vif_ready *ready = i < g->nvif_ready ?
						    &g->vif_ready[i] : NULL;
	int slot, fd, rc;

	slot = adopt ? find_slot(g->rec.noxs_copy, i) :
		       add_record(l, g, i, ready, err, errlen);
	if (slot < 0)
		return adopt ? lvm_errf(err, errlen, EPROTO,
					"vif%u: no device record in the device page",
					i) : slot;
	fd = adopt ? -1 : ready_tap(l, g, i, v);
	if (fd < 0) {
		rc = ensure_bridge(l, bridge_of(l, v), err, errlen);
		if (rc < 0)
			return rc;
		rc = lvm_vif_devname(g->rec.domid, i, name);
		if (rc < 0)
			return lvm_errf(err, errlen, -rc, "vif%u: no device name",
					i);
		fd = lvmd_netdev_tap(l->netdev, name, bridge_of(l, v),
				     v->mtu ? v->mtu : VIF_MTU_DEFAULT, err,
				     errlen);
		if (fd < 0)
			return fd;
	}
	memset(&a, 0, sizeof(a));
	a.domid = g->rec.domid;
	a.id = i;
	a.dev_slot = (unsigned)slot;
	a.page_mfn = g->rec.noxs_mfn;
	a.remote_port = g->rec.vif_port[i];
	a.tap_fd = fd;               /* the data path's from here on */
	a.adopt = adopt;
	/* The data path's end made ahead, if any: its from here on too (it
	 * checks that it was made for this domain, port and page). */
	if (!adopt && i < g->nvif_ready) {
		a.ahead = g->vif_ready[i].np;
		g->vif_ready[i].np = (struct lvmd_netpath_ahead){ .lport = -1 };
	}
	if (!adopt)
		a.hello_len = gw_hello(l, g, i, a.hello);
	rc = lvmd_netpath_add(l->netpath, &a, err, errlen);
	if (rc < 0)
		return rc;
	if (adopt)
		neigh_set(l, g, i);
	return 0;
}

static void detach(struct lvmd *l, struct guest *g, bool gone)
{
	int idx;

	(void)gone;
	/* The data path closes each TAP: the device and its bridge port go;
	 * the neighbour entry goes here. */
	for (unsigned i = 0; i < g->vifs_on; i++) {
		lvmd_netpath_remove(l->netpath, g->rec.domid, i);
		idx = own_index(l, &g->rec.vifs[i]);
		if (idx > 0)
			lvmd_netdev_neigh(l->netdev, idx, g->rec.vifs[i].ip,
					  g->rec.vifs[i].mac, false);
	}
	g->vifs_on = 0;
}

/* start: every vif of (g) served, or none. */
static int start(struct lvmd *l, struct guest *g, bool adopt)
{
	const struct lvm_reg_entry *r = &g->rec;
	char err[200];
	int rc = 0;

	if (!r->nvifs || r->store == LVM_STORE_XENSTORE)
		goto out;            /* the kernel's netback's (xsvif.c) */
	if (!g->noxs_page || !r->noxs_copy || !l->netpath) {
		rc = lvm_errf(err, sizeof(err), EOPNOTSUPP,
			      "vifs need a noxs guest and the data path");
		goto out;
	}
	for (unsigned i = 0; i < r->nvifs && i < LVM_VIFS_MAX; i++) {
		rc = serve(l, g, i, adopt, err, sizeof(err));
		if (rc < 0)
			break;
		g->vifs_on = i + 1;
	}
	if (rc < 0)
		detach(l, g, false);
	else if (adopt && g->vifs_on)
		lvmd_netpath_kick(l->netpath); /* no settle() after adopt() */
out:
	/* What the pool shell made ahead and no vif took goes now. */
	lvmd_vif_ready_close(l->netpath, g->vif_ready, &g->nvif_ready);
	if (rc < 0) {
		lvm_log_err(0, "%s (d%u): %s", r->name, r->domid, err);
		snprintf(g->attach_err, sizeof(g->attach_err), "%s", err);
	}
	return rc;
}

/* settle: after the create's reply, the data path woken to take the
 * vifs attach() posted (its bind and mapping, in its own thread, kept
 * out of the create's way: netpath.h), then each vif's neighbour entry:
 * a netlink round trip its creator need not wait for. A connect from
 * dom0 made before it is set waits for its address's resolution, which
 * the entry, replacing it, ends at once. */
static void settle(struct lvmd *l, struct guest *g)
{
	if (g->vifs_on)
		lvmd_netpath_kick(l->netpath);
	for (unsigned i = 0; i < g->vifs_on; i++)
		neigh_set(l, g, i);
}

static int attach(struct lvmd *l, struct guest *g, unsigned flags)
{
	(void)flags;
	return start(l, g, false);
}

static int adopt(struct lvmd *l, struct guest *g)
{
	return start(l, g, true);
}

/* setup: the data path thread, the netlink socket, lvmd's own bridge. A
 * bridge that cannot be made now is only logged: guests without vifs
 * still run, and each create with a vif tries again. */
static int setup(struct lvmd *l)
{
	char err[200];
	int rc;

	rc = lvmd_netpath_start(&l->netpath, l->net.yield, err, sizeof(err));
	if (rc < 0)
		return lvm_log_err(-rc, "vif: %s", err);
	rc = lvmd_netdev_open(&l->netdev, err, sizeof(err));
	if (rc < 0) {
		lvm_log_warn(-rc, "vif: %s; guests get no vif", err);
		return 0;
	}
	if (l->net.bridge[0] &&
	    ensure_bridge(l, l->net.bridge, err, sizeof(err)) < 0)
		lvm_log_warn(0, "vif: %s", err);
	return 0;
}

/* teardown: at exit, every guest detached: the data path thread stopped
 * (the TAPs it still holds closed) and the netlink socket closed. */
static void teardown(struct lvmd *l)
{
	if (!l->netpath)
		return;              /* its setup did not run */
	lvmd_netpath_stop(l->netpath);
	l->netpath = NULL;
	lvmd_netdev_close(l->netdev);
	l->netdev = NULL;
	lvm_log_info("vif: the data path thread stopped, the netlink socket closed");
}

const struct lvmd_backend lvmd_backend_vif = {
	.name = "vif",
	.usage = "noxs guests' network interfaces: TAP devices on a bridge, the data path thread",
	.setup = setup,
	.attach = attach,
	.adopt = adopt,
	.settle = settle,
	.detach = detach,
	.teardown = teardown,
};
