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
#include <noxs/abi.h>

#include "netpath.h"

/*
 * A vif's dom0 side made ahead in a pool shell by the refill thread
 * (lvmd_vif_ready_make(), vif.c), so that a create with a vif from the
 * pool pays neither the device nor its port: the guest's event channel
 * port for dom0 (unbound), its TAP device lvm<domid>.<id>, already on
 * (bridge) with MTU (mtu) and set up, and, for a shell built ahead, the
 * data path's end: that port bound and the device page mapped for it;
 * and, when its image declares its vifs' memory, vif 0 connected ahead:
 * its rings page set up in the shell, offered in its vif record at the
 * create (docs/noxs.md, "A vif connected ahead"), so that the guest finds
 * it connected when it starts. Whoever holds one closes what it has not handed to the data path with
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
	uint32_t buf_size;           /* connected ahead (np.rings mapped: the
					guest's rings page set up as its
					front would, vring_rings_setup()):
					the region's bytes, offered at the
					create with np.ring_mfn and
					np.region_pages (the vif record) */
};

/* A shell's vif 0 memory as its image declares it (lvm_shell_vif0()):
 * the layout and the frames, rings page first. */
struct lvmd_vif_mem {
	const struct noxs_vifmem *layout;
	const uint64_t *mfn;
	uint32_t frames;             /* 1 + layout->buf_pages; 0: none */
};

#endif
