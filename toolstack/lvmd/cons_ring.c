/*
 * cons_ring.c — dom0's side of the xencons ring (see cons_ring.h).
 */
#include <errno.h>

#include "cons_ring.h"

#define OUT_SIZE sizeof(((struct xencons_interface *)0)->out)
#define IN_SIZE sizeof(((struct xencons_interface *)0)->in)

void lvm_cons_ring_adopt(struct lvm_cons_ring *st,
			 const volatile struct xencons_interface *intf)
{
	st->out_cons = intf->out_cons;
	st->in_prod = intf->in_prod;
}

int lvm_cons_ring_read(volatile struct xencons_interface *intf,
		       struct lvm_cons_ring *st, char *buf, size_t cap)
{
	XENCONS_RING_IDX prod, cons = st->out_cons;
	size_t n = 0;

	prod = intf->out_prod;               /* read once */
	if ((XENCONS_RING_IDX)(prod - cons) > OUT_SIZE)
		return -EPROTO;
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* data after index */
	while (cons != prod && n < cap) {
		buf[n++] = intf->out[cons % OUT_SIZE];
		cons++;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* data read before freeing */
	intf->out_cons = cons;
	st->out_cons = cons;
	return (int)n;
}

int lvm_cons_ring_write(volatile struct xencons_interface *intf,
			struct lvm_cons_ring *st, const char *data, size_t len)
{
	XENCONS_RING_IDX cons, prod = st->in_prod;
	size_t n = 0;

	cons = intf->in_cons;                /* read once */
	if ((XENCONS_RING_IDX)(prod - cons) > IN_SIZE)
		return -EPROTO;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* space seen before writing */
	while ((XENCONS_RING_IDX)(prod - cons) < IN_SIZE && n < len) {
		intf->in[prod % IN_SIZE] = data[n++];
		prod++;
	}
	__atomic_thread_fence(__ATOMIC_RELEASE); /* data before index */
	intf->in_prod = prod;
	st->in_prod = prod;
	return (int)n;
}
