/*
 * xs_compat.h — XenStore compatibility mode, for stock guests (a Linux PV
 * kernel) that have no noxs note and look for their configuration in
 * XenStore. Not on the noxs fast path: only these guests pay for it.
 *
 * lvm writes the smallest tree such a guest and the stock tools need, in
 * one transaction, then introduces the domain to xenstored:
 *   /local/domain/N/{name,domid,vm}                      read-only to N
 *   /local/domain/N/memory/{static-max,target}           read-only to N
 *   /local/domain/N/cpu/I/availability                   read-only to N
 *   /local/domain/N/{control,data,device,drivers,error,feature,attr}
 *                                                        writable by N
 *   /local/domain/N/control/shutdown                     writable by N
 *   /vm/UUID/{name,uuid}                                 read-only to N
 * and, for each vif I (the dom0 kernel's netback serves it; no hotplug
 * script: lvmd puts vifN.I on its bridge, then writes hotplug-status):
 *   /local/domain/0/backend/vif/N/I/{frontend,frontend-id,online,state,
 *                         script (""),handle,mac,bridge,mtu}  read-only to N
 *   /local/domain/N/device/vif/I/{backend,backend-id,handle,mac,state}
 *                                                        writable by N
 * Both state nodes start at 1 (Initialising); the drivers negotiate their
 * features and rings themselves.
 * The console is left out on purpose: lvmd serves it from the start_info
 * ring, as for noxs guests, so xenconsoled never competes for it.
 */
#ifndef LVM_XS_COMPAT_H
#define LVM_XS_COMPAT_H

#include <stdint.h>

#include <xenstore.h>

#include "error.h"

/* One vif of a XenStore-mode guest, as its drivers see it. */
struct lvm_xs_vif {
	const char *mac;             /* "xx:xx:xx:xx:xx:xx" */
	const char *bridge;          /* the bridge lvmd puts vifN.I on */
	unsigned mtu;                /* 576..1500 */
};

struct lvm_xs_dom {
	uint32_t domid;
	const char *name;
	const uint8_t *uuid;         /* 16 bytes */
	uint32_t memory_mb;
	uint32_t vcpus;
	uint64_t store_mfn;          /* the store ring the builder set up */
	uint32_t store_port;         /* the guest's port for it */
	const struct lvm_xs_vif *vifs; /* [0, nvifs): vif 0, 1, ... */
	unsigned nvifs;
};

/*
 * lvm_xs_introduce() - write (d)'s tree and introduce the domain to
 * xenstored through (xs). Retries the transaction when xenstored reports a
 * conflict (EAGAIN), a bounded number of times.
 * Returns 0; -EINVAL for a bad (d); or -errno from xenstored, with the
 * tree removed again. The line in (err).
 */
int lvm_xs_introduce(struct xs_handle *xs, const struct lvm_xs_dom *d,
		     struct lvm_error *err);

/*
 * lvm_xs_vif_connected() - tell the kernel's netback that vif (id) of
 * domain (domid) is plugged (what a hotplug script would say): its
 * backend's hotplug-status = "connected".
 * Returns 0, or -errno from xenstored (-ENOENT: no such backend).
 */
int lvm_xs_vif_connected(struct xs_handle *xs, uint32_t domid, unsigned id);

/*
 * lvm_xs_request() - ask the guest (domid) to (what): "poweroff",
 * "reboot" or "suspend", through control/shutdown.
 * Returns 0, -EINVAL for another (what), or -errno from xenstored; the
 * line in (err).
 */
int lvm_xs_request(struct xs_handle *xs, uint32_t domid, const char *what,
		   struct lvm_error *err);

/*
 * lvm_xs_forget() - release the domain (domid) in xenstored and remove its
 * vifs' backend directory (the kernel's netback then removes vifN.I), its
 * tree and its /vm entry (uuid, 16 bytes). Safe to call for a domain that
 * was never introduced or is already gone.
 * Returns 0, or the first -errno met; removes what it can either way.
 */
int lvm_xs_forget(struct xs_handle *xs, uint32_t domid, const uint8_t *uuid);

#endif
