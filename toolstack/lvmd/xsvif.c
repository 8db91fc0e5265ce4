/*
 * xsvif.c — the vifs of XenStore-mode guests (see xsvif.h): what their
 * XenStore entries say, the guest's address on its command line, and the
 * plugging of each vifD.N the dom0 kernel's netback makes: on its
 * bridge, set up, then hotplug-status = connected, which the netback
 * waits for before it connects (the job of a hotplug script under xl).
 *
 * How lvmd learns that vifD.N exists: a look each turn of the loop,
 * every LVMD_XSVIF_POLL_MS while some vif is awaited (one ioctl per
 * awaited vif, nothing when none is). The netback makes the device
 * within milliseconds of the backend entries (its probe, from its own
 * XenStore watch), so a guest waits for one or two looks; a XenStore
 * watch or a netlink event socket would have added a descriptor and its
 * parsing to the loop for the same result.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "guest.h"
#include "lvmd.h"
#include "netdev.h"
#include "toolstack/common/clock.h"
#include "toolstack/common/errf.h"
#include "toolstack/engine/log.h"
#include "toolstack/proto/proto.h"
#include "xsvif.h"

#define XSVIF_MTU_DEFAULT 1500u

/* bridge_of: the bridge (v) goes on ("": lvmd's default). */
static const char *bridge_of(const struct lvmd *l, const struct lvm_vif *v)
{
	return v->bridge[0] ? v->bridge : l->net.bridge;
}

unsigned lvmd_xsvif_specs(const struct lvmd *l, const struct guest *g,
			  struct lvmd_xsvif_spec *out)
{
	unsigned n = g->rec.nvifs < LVM_VIFS_MAX ? g->rec.nvifs : LVM_VIFS_MAX;

	for (unsigned i = 0; i < n; i++) {
		const struct lvm_vif *v = &g->rec.vifs[i];

		lvm_mac_format(v->mac, out[i].mac);
		out[i].xs.mac = out[i].mac;
		out[i].xs.bridge = bridge_of(l, v);
		out[i].xs.mtu = v->mtu ? v->mtu : XSVIF_MTU_DEFAULT;
	}
	return n;
}

int lvmd_xsvif_cmdline(const struct lvmd *l, const struct lvm_vif *vifs,
		       unsigned nvifs, const char *cmdline, char **out)
{
	char ip[16], gw[16], add[64];
	size_t len;

	*out = NULL;
	if (!nvifs)
		return 0;
	snprintf(add, sizeof(add), "lvm.ip=%s/%u",
		 lvm_ipv4_format(vifs[0].ip, ip),
		 vifs[0].prefix ? vifs[0].prefix : l->net.prefix);
	if (strcmp(bridge_of(l, &vifs[0]), l->net.bridge) == 0)
		snprintf(add + strlen(add), sizeof(add) - strlen(add),
			 " lvm.gw=%s", lvm_ipv4_format(l->net.addr, gw));
	len = (cmdline ? strlen(cmdline) + 1 : 0) + strlen(add) + 1;
	*out = malloc(len);
	if (!*out)
		return -ENOMEM;
	snprintf(*out, len, "%s%s%s", cmdline ? cmdline : "",
		 cmdline ? " " : "", add);
	return 0;
}

int lvmd_xsvif_check(char *err, size_t errlen)
{
	if (access("/sys/module/xen_netback", F_OK) < 0)
		return lvm_errf(err, errlen, ENODEV,
				"vif: XenStore-mode guests' vifs need the dom0 kernel's netback, and xen-netback is not loaded");
	return 0;
}

int lvmd_xsvif_attach(struct lvmd *l, struct guest *g)
{
	unsigned n = g->rec.nvifs < LVM_VIFS_MAX ? g->rec.nvifs : LVM_VIFS_MAX;

	g->xsvif_wait = n ? (1u << n) - 1 : 0;
	if (n)
		l->any_xsvif_wait = true;
	g->xsvif_since_ns = lvm_now_ns();
	return 0;
}

void lvmd_xsvif_detach(struct lvmd *l, struct guest *g)
{
	(void)l;
	g->xsvif_wait = 0;
}

/*
 * plug: vif (i) of (g) if its vifD.N exists: on its bridge, up, and its
 * backend told. 0 when done, -EAGAIN when the device is not there yet,
 * else -errno with one line in (err) (the vif is given up).
 */
static int plug(struct lvmd *l, struct guest *g, unsigned i, char *err,
		size_t errlen)
{
	const struct lvm_vif *v = &g->rec.vifs[i];
	char name[IF_NAMESIZE];
	int rc;

	if (lvm_vif_devname_of(g->rec.domid, i, true, name) < 0)
		return lvm_errf(err, errlen, EINVAL, "no device name");
	if (if_nametoindex(name) == 0)
		return -EAGAIN;
	if (!l->netdev)
		return lvm_errf(err, errlen, ENETDOWN,
				"lvmd has no netlink socket (see its log)");
	rc = lvmd_netdev_enslave(l->netdev, name, bridge_of(l, v),
				 v->mtu ? v->mtu : XSVIF_MTU_DEFAULT, err,
				 errlen);
	if (rc < 0)
		return rc;
	/* open since the guest's tree was written through it (xenstore.c) */
	if (!l->xs)
		return lvm_errf(err, errlen, ECONNREFUSED,
				"lvmd has no connection to xenstored");
	rc = lvm_xs_vif_connected(l->xs, g->rec.domid, i);
	if (rc < 0)
		return lvm_errf(err, errlen, -rc,
				"cannot write its hotplug-status: %s",
				strerror(-rc));
	return 0;
}

/* look: each awaited vif of (g) plugged if it can be now. */
static void look(struct lvmd *l, struct guest *g, uint64_t now)
{
	char err[200];
	int rc;

	for (unsigned i = 0; i < LVM_VIFS_MAX; i++) {
		if (!(g->xsvif_wait & (1u << i)))
			continue;
		rc = plug(l, g, i, err, sizeof(err));
		if (rc == -EAGAIN &&
		    now - g->xsvif_since_ns < LVMD_XSVIF_WAIT_MS * 1000000ull)
			continue;
		g->xsvif_wait &= ~(1u << i);
		if (rc == -EAGAIN)
			snprintf(err, sizeof(err),
				 "the kernel's netback made no vif%u.%u in %u s (is xen-netback loaded?)",
				 g->rec.domid, i, LVMD_XSVIF_WAIT_MS / 1000);
		if (rc < 0) {
			lvm_log_warn(0, "%s (d%u): vif%u: %s", g->rec.name,
				     g->rec.domid, i, err);
			lvmd_console_note(l, g, "lvmd: vif%u not plugged: %s",
					  i, err);
		}
	}
}

void lvmd_xsvif_timers(struct lvmd *l, uint64_t now, uint64_t *next)
{
	uint64_t at = now + LVMD_XSVIF_POLL_MS * 1000000ull;
	bool waiting = false;

	if (!l->any_xsvif_wait)
		return;
	for (struct guest *g = l->guests; g; g = g->next) {
		if (!g->xsvif_wait)
			continue;
		look(l, g, now);
		waiting |= g->xsvif_wait != 0;
	}
	l->any_xsvif_wait = waiting;
	if (waiting && at < *next)
		*next = at;
}
