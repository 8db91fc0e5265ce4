/*
 * cons_ring.h — dom0's side of a guest's xencons ring (<xen/io/console.h>):
 * taking the guest's output, giving it input. Pure logic over a mapped
 * page, unit-tested against a fake one.
 *
 * The whole page is guest-writable. dom0 keeps its own indices (out_cons,
 * in_prod) and reads each guest index (out_prod, in_cons) once per call,
 * checking that it is at most a ring's size ahead of dom0's; otherwise the
 * call fails with -EPROTO and touches nothing, and the caller disconnects
 * or destroys the guest.
 */
#ifndef LVMD_CONS_RING_H
#define LVMD_CONS_RING_H

#include <stddef.h>
#include <stdint.h>

#include <xen/io/console.h>

struct lvm_cons_ring {
	XENCONS_RING_IDX out_cons;   /* dom0's copy: next byte to take */
	XENCONS_RING_IDX in_prod;    /* dom0's copy: next byte to give */
};

/*
 * lvm_cons_ring_adopt() - start (st) from the indices dom0 last wrote in
 * (intf) (after a restart of lvmd); a fresh ring is all zeroes.
 */
void lvm_cons_ring_adopt(struct lvm_cons_ring *st,
			 const volatile struct xencons_interface *intf);

/*
 * lvm_cons_ring_read() - move up to (cap) bytes of the guest's output into
 * (buf) and publish the new out_cons.
 * Returns the number of bytes (0: nothing pending), or -EPROTO when the
 * guest's out_prod is more than sizeof(out) ahead of dom0's out_cons.
 */
int lvm_cons_ring_read(volatile struct xencons_interface *intf,
		       struct lvm_cons_ring *st, char *buf, size_t cap);

/*
 * lvm_cons_ring_write() - copy as much of (len) bytes of (data) as fits
 * into the guest's input ring and publish the new in_prod.
 * Returns the number of bytes taken (0: the ring is full), or -EPROTO when
 * the guest's in_cons is ahead of dom0's in_prod or more than sizeof(in)
 * behind it.
 */
int lvm_cons_ring_write(volatile struct xencons_interface *intf,
			struct lvm_cons_ring *st, const char *data, size_t len);

#endif
