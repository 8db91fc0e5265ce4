/*
 * console_ring.c — the guest's side of a PV console ring (see
 * libos/console_ring.h). Pure logic: no hypercalls, builds on the host too.
 */
#include <stddef.h>
#include <stdint.h>
#include <xen/errno.h>

#include <libos/barrier.h>
#include <libos/console_ring.h>

#define OUT_SIZE sizeof(((struct xencons_interface *)0)->out)
_Static_assert((OUT_SIZE & (OUT_SIZE - 1)) == 0,
	       "console out ring size must be a power of two");

/*
 * Read both output indices once into *(prod) and return the number of
 * bytes in flight, or -XEN_EIO if that exceeds the ring. Callers use only
 * this snapshot, so the backend cannot change an index after it was checked.
 */
static long out_snapshot(const struct xencons_interface *intf,
			 XENCONS_RING_IDX *prod)
{
	XENCONS_RING_IDX cons, used;

	cons = __atomic_load_n(&intf->out_cons, __ATOMIC_RELAXED);
	*prod = __atomic_load_n(&intf->out_prod, __ATOMIC_RELAXED);
	/* The indices are read before any slot they guard is touched. */
	lo_rmb();
	used = *prod - cons;
	return used > OUT_SIZE ? -XEN_EIO : (long)used;
}

long console_ring_pending(const struct xencons_interface *intf)
{
	XENCONS_RING_IDX prod;

	return out_snapshot(intf, &prod);
}

long console_ring_write(struct xencons_interface *intf, const char *buf,
			size_t len)
{
	XENCONS_RING_IDX prod;
	long used = out_snapshot(intf, &prod);
	size_t n;

	if (used < 0)
		return used;
	n = OUT_SIZE - (size_t)used;
	if (n > len)
		n = len;
	if (n == 0)
		return 0;

	for (size_t i = 0; i < n; i++)
		intf->out[MASK_XENCONS_IDX(prod + i, intf->out)] = buf[i];
	/* The bytes are in the ring before the backend can see them. */
	lo_wmb();
	__atomic_store_n(&intf->out_prod, prod + (XENCONS_RING_IDX)n,
			 __ATOMIC_RELAXED);
	return (long)n;
}
