/*
 * fuzz_cons_ring.c — libFuzzer target for lvmd's side of a guest's console
 * ring (toolstack/lvmd/cons_ring.c), stateful: the input is a program of
 * steps on one page — the guest moving its indices (out_prod, in_cons) to
 * anything, the guest filling its output, lvmd reading with a given
 * room, lvmd writing input, lvmd restarting (adopting the page). After
 * each step: lvmd never touched a byte of the page it does not own, never
 * returned more than asked, copied exactly the bytes the guest published,
 * and the indices it wrote stay within one ring of the guest's; a refused
 * step (-EPROTO) changed nothing.
 *
 *   sources: tests/fuzz/fuzz_cons_ring.c toolstack/lvmd/cons_ring.c
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/lvmd/cons_ring.h"
#include "tests/fuzz/ring.h"

#define OUT_SIZE sizeof(((struct xencons_interface *)0)->out)
#define IN_SIZE sizeof(((struct xencons_interface *)0)->in)

struct input {
	const uint8_t *p;
	size_t left;
};

static uint32_t take(struct input *in, size_t bytes)
{
	uint32_t v = 0;

	while (bytes-- && in->left) {
		v = v << 8 | *in->p++;
		in->left--;
	}
	return v;
}

/* guest_index: a new guest index near (base), or anything at all. */
static XENCONS_RING_IDX guest_index(struct input *in, XENCONS_RING_IDX base)
{
	uint8_t how = (uint8_t)take(in, 1);

	if (how & 1)
		return take(in, 4);
	return base + (XENCONS_RING_IDX)(int16_t)take(in, 2);
}

/* unchanged: the page as it was, but for what the step may change (the
 * caller copied those into (before) after checking them). */
static void unchanged(const struct xencons_interface *before,
		      const struct xencons_interface *after)
{
	if (memcmp(before, after, sizeof(*before)) != 0)
		abort();
}

/* refused: lvmd refused a step (-EPROTO); right only when the guest's
 * index stood more than a ring (size) away from the other end (prod - cons),
 * and lvmd's own index (mine, was) and the page stayed as they were. */
static void refused(XENCONS_RING_IDX prod, XENCONS_RING_IDX cons, size_t size,
		    XENCONS_RING_IDX mine, XENCONS_RING_IDX was,
		    const struct xencons_interface *before,
		    const struct xencons_interface *after)
{
	if ((XENCONS_RING_IDX)(prod - cons) <= size || mine != was)
		abort();
	unchanged(before, after);
}

static void step_read(struct xencons_interface *intf, struct lvm_cons_ring *st,
		      struct input *in)
{
	struct xencons_interface before = *intf;
	size_t cap = take(in, 2) % (2 * OUT_SIZE + 1);
	XENCONS_RING_IDX cons = st->out_cons, prod = before.out_prod;
	char *buf = malloc(cap ? cap : 1); /* exactly (cap): ASan's edge */
	int n;

	if (!buf)
		return;
	n = lvm_cons_ring_read(intf, st, buf, cap);
	if (n == -EPROTO) {
		refused(prod, cons, OUT_SIZE, st->out_cons, cons, &before, intf);
		free(buf);
		return;
	}
	if (n < 0 || (size_t)n > cap ||
	    (XENCONS_RING_IDX)(prod - cons) > OUT_SIZE ||
	    (uint32_t)n > (XENCONS_RING_IDX)(prod - cons) ||
	    ((uint32_t)n < (XENCONS_RING_IDX)(prod - cons) && (size_t)n < cap))
		abort();
	if (ring_cmp(before.out, OUT_SIZE, cons, buf, (size_t)n))
		abort();
	if (st->out_cons != cons + (XENCONS_RING_IDX)n ||
	    intf->out_cons != st->out_cons)
		abort();
	before.out_cons = intf->out_cons;
	unchanged(&before, intf);
	free(buf);
}

static void step_write(struct xencons_interface *intf, struct lvm_cons_ring *st,
		       struct input *in)
{
	struct xencons_interface before = *intf;
	size_t len = take(in, 2) % (2 * IN_SIZE + 1);
	XENCONS_RING_IDX prod = st->in_prod, cons = before.in_cons;
	char *data = malloc(len ? len : 1);
	int n;

	if (!data)
		return;
	memcpy(data, pattern() + prod % 64, len);
	n = lvm_cons_ring_write(intf, st, data, len);
	if (n == -EPROTO) {
		refused(prod, cons, IN_SIZE, st->in_prod, prod, &before, intf);
		free(data);
		return;
	}
	if (n < 0 || (size_t)n > len || (XENCONS_RING_IDX)(prod - cons) > IN_SIZE)
		abort();
	/* as much as fits: all of it, or the ring is full now */
	if ((size_t)n < len &&
	    (XENCONS_RING_IDX)(prod + (XENCONS_RING_IDX)n - cons) != IN_SIZE)
		abort();
	if (st->in_prod != prod + (XENCONS_RING_IDX)n ||
	    intf->in_prod != st->in_prod ||
	    (XENCONS_RING_IDX)(st->in_prod - cons) > IN_SIZE)
		abort();
	if (ring_cmp(intf->in, IN_SIZE, prod, data, (size_t)n))
		abort();
	/* nothing else: the bytes the guest has not consumed stay */
	before.in_prod = intf->in_prod;
	ring_put(before.in, IN_SIZE, prod, data, (size_t)n);
	unchanged(&before, intf);
	free(data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct xencons_interface *intf = calloc(1, sizeof(*intf));
	struct lvm_cons_ring st;

	if (!intf)
		return 0;
	lvm_cons_ring_adopt(&st, intf);
	/* a few dozen steps reach every state; more only cost time */
	for (int steps = 0; in.left && steps < 16; steps++) {
		switch (take(&in, 1) % 7) {
		case 0:                      /* the guest publishes output */
			intf->out_prod = guest_index(&in, st.out_cons);
			break;
		case 1:                      /* the guest consumes input */
			intf->in_cons = guest_index(&in, st.in_prod);
			break;
		case 2:                      /* the guest scribbles its bytes */
			memset(intf->out, (int)take(&in, 1), OUT_SIZE);
			break;
		case 3:
			step_read(intf, &st, &in);
			break;
		case 4:
			step_write(intf, &st, &in);
			break;
		case 5:                      /* lvmd restarts */
			lvm_cons_ring_adopt(&st, intf);
			break;
		case 6:                      /* the guest writes dom0's indices */
			intf->out_cons = take(&in, 4);
			intf->in_prod = take(&in, 4);
			break;
		}
	}
	free(intf);
	return 0;
}
