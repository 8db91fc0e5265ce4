/*
 * libos/console_ring.h — the guest's side of a PV console ring.
 *
 * Pure logic over a struct xencons_interface, compiled into the guest and
 * into host tests. Finding the page and notifying the backend is
 * console.c's business.
 */
#ifndef LIBOS_CONSOLE_RING_H
#define LIBOS_CONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>
#include <xen/io/console.h>

/*
 * console_ring_pending() - the number of bytes in the output ring of
 * (intf) that the backend has not consumed yet (0 once it has caught up).
 * Returns -XEN_EIO (<xen/errno.h>) if the indices say that more than the
 * ring's size is in flight.
 */
long console_ring_pending(const struct xencons_interface *intf);

/*
 * console_ring_write() - copy up to (len) bytes from (buf) into the output
 * ring of (intf) and publish them by advancing out_prod.
 *
 * The backend owns out_cons and may write anything into it, so the indices
 * are checked before use. The bytes are written before out_prod is
 * published (release order).
 *
 * Returns the number of bytes copied: (len), fewer if the ring filled up,
 * 0 if it was already full. Returns -XEN_EIO (<xen/errno.h>) and writes
 * nothing if the indices say that more than the ring's size is in flight.
 */
long console_ring_write(struct xencons_interface *intf, const char *buf,
			size_t len);

#endif
