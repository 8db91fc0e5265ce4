/*
 * xsvif.h — the vifs of XenStore-mode guests (xsvif.c), served by the
 * dom0 kernel's netback rather than lvmd's data path: their XenStore
 * entries (written with the guest's tree, xs_compat.h), each vifD.N the
 * netback makes put on its bridge, the guest's address on its kernel
 * command line. Internal to lvmd; called by create.c, xenstore.c and the
 * loop.
 */
#ifndef LVMD_XSVIF_H
#define LVMD_XSVIF_H

#include <stddef.h>
#include <stdint.h>

#include <lvm.h>

#include "toolstack/engine/xs_compat.h"

struct lvmd;
struct guest;

/* How long lvmd looks for a vifD.N before it gives up (the guest then
 * runs with that vif unplugged), and how often while it waits. */
#define LVMD_XSVIF_WAIT_MS 60000u
#define LVMD_XSVIF_POLL_MS 5u

/* One vif's entries, with the strings they point to. */
struct lvmd_xsvif_spec {
	struct lvm_xs_vif xs;
	char mac[18];
};

/*
 * lvmd_xsvif_specs() - the XenStore entries of (g)'s vifs (its record's
 * resolved vifs; "" bridge: lvmd's) into (out), LVM_VIFS_MAX of them.
 * Their number.
 */
unsigned lvmd_xsvif_specs(const struct lvmd *l, const struct guest *g,
			  struct lvmd_xsvif_spec *out);

/*
 * lvmd_xsvif_cmdline() - (cmdline) (NULL: none) with vif 0's address
 * appended for a stock guest's init, " lvm.ip=A.B.C.D/P lvm.gw=G.G.G.G"
 * (lvm.gw only on lvmd's own bridge, whose address is the gateway), into
 * (*out), malloc'd; (*out) NULL when there is no vif (nothing to add).
 * Returns 0 or -ENOMEM.
 */
int lvmd_xsvif_cmdline(const struct lvmd *l, const struct lvm_vif *vifs,
		       unsigned nvifs, const char *cmdline, char **out);

/*
 * lvmd_xsvif_check() - whether XenStore-mode guests can get vifs now: the
 * dom0 kernel's netback is there (/sys/module/xen_netback). Returns 0,
 * or -ENODEV with one line in (err).
 */
int lvmd_xsvif_check(char *err, size_t errlen);

/*
 * lvmd_xsvif_attach() - (g)'s vifs, whose entries are written, wait for
 * their vifD.N (lvmd_xsvif_timers() plugs them). Always 0.
 */
int lvmd_xsvif_attach(struct lvmd *l, struct guest *g);

/* lvmd_xsvif_detach() - stop waiting for (g)'s vifs. The entries go with
 * the guest's tree (lvm_xs_forget()). */
void lvmd_xsvif_detach(struct lvmd *l, struct guest *g);

/*
 * lvmd_xsvif_timers() - on the control thread, each turn: each awaited
 * vifD.N that exists now put on its bridge and set up (netlink), then
 * its backend told hotplug-status = connected; one not there after
 * LVMD_XSVIF_WAIT_MS given up (logged). (*next) lowers to the next look
 * while any is awaited. Never blocks: a look is one ioctl per vif.
 */
void lvmd_xsvif_timers(struct lvmd *l, uint64_t now, uint64_t *next);

#endif
