/*
 * vifready.h — a vif's dom0 side made ahead in a pool shell (lvmd.h's
 * struct lvmd_shell, made by vif.c's lvmd_vif_ready_make() on the refill
 * thread), until a create's guest uses it (struct guest) or it is closed.
 * Internal to lvmd.
 */
#ifndef LVMD_VIFREADY_H
#define LVMD_VIFREADY_H

#include <stdint.h>

#include <lvm.h>

#include "netpath.h"

/*
 * A vif's dom0 side made ahead in a pool shell by the refill thread
 * (lvmd_vif_ready_make(), vif.c), so that a create with a vif from the
 * pool pays neither the device nor its port: the guest's event channel
 * port for dom0 (unbound), its TAP device lvm<domid>.<id>, already on
 * (bridge) with MTU (mtu) and set up, and, for a shell built ahead, the
 * data path's end: that port bound and the device page mapped for it.
 * Whoever holds one closes what it has not handed to the data path with
 * lvmd_vif_ready_close().
 */
struct lvmd_vif_ready {
	uint32_t port;               /* the guest's port for dom0; 0: none */
	int tap_fd;                  /* the TAP's descriptor; -1: none */
	uint16_t mtu;
	char bridge[LVM_IFNAME_MAX + 1];
	struct lvmd_netpath_ahead np; /* the data path's end made ahead too
					(port bound, device page mapped);
					page NULL: not made */
};

#endif
