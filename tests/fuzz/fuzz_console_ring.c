/*
 * fuzz_console_ring.c — libFuzzer target for the library OS's side of its
 * console ring (guests/libos/console_ring.c), built for the host: the
 * backend (dom0, or anything that maps the page) moves out_cons to
 * anything between the guest's writes. After each write: never more than
 * asked, as much as fits, exactly the bytes given at the slots after
 * out_prod, nothing else on the page changed, and never more than a ring
 * in flight; indices that say otherwise are refused (-XEN_EIO) with
 * nothing written.
 *
 *   sources: tests/fuzz/fuzz_console_ring.c guests/libos/console_ring.c
 *   flags:   -Iguests/libos/include
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xen/errno.h>

#include <libos/console_ring.h>

#include "tests/fuzz/ring.h"

#define OUT_SIZE sizeof(((struct xencons_interface *)0)->out)

static uint32_t take(const uint8_t **p, size_t *left, size_t bytes)
{
	uint32_t v = 0;

	while (bytes-- && *left) {
		v = v << 8 | **p;
		(*p)++;
		(*left)--;
	}
	return v;
}

static void step_write(struct xencons_interface *intf, size_t len)
{
	struct xencons_interface before = *intf;
	XENCONS_RING_IDX prod = before.out_prod, cons = before.out_cons;
	XENCONS_RING_IDX used = prod - cons;
	char *buf = malloc(len ? len : 1);  /* exactly (len): ASan's edge */
	long n, pend;

	if (!buf)
		return;
	memcpy(buf, pattern() + prod % 64, len);
	pend = console_ring_pending(intf);
	n = console_ring_write(intf, buf, len);
	if (used > OUT_SIZE) {
		if (n != -XEN_EIO || pend != -XEN_EIO ||
		    memcmp(&before, intf, sizeof(before)))
			abort();
		free(buf);
		return;
	}
	if (pend != (long)used || n < 0 || (size_t)n > len ||
	    ((size_t)n < len && used + (XENCONS_RING_IDX)n != OUT_SIZE))
		abort();
	if (intf->out_prod != prod + (XENCONS_RING_IDX)n ||
	    (XENCONS_RING_IDX)(intf->out_prod - cons) > OUT_SIZE)
		abort();
	/* exactly the bytes given, after out_prod; nothing else changed */
	if (ring_cmp(intf->out, OUT_SIZE, prod, buf, (size_t)n))
		abort();
	ring_put(before.out, OUT_SIZE, prod, buf, (size_t)n);
	before.out_prod = intf->out_prod;
	if (memcmp(&before, intf, sizeof(before)) != 0)
		abort();
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xencons_interface *intf = calloc(1, sizeof(*intf));
	const uint8_t *p = data;
	size_t left = size;

	if (!intf)
		return 0;
	/* a few dozen steps reach every state; more only cost time */
	for (int steps = 0; left && steps < 16; steps++) {
		uint8_t op = (uint8_t)take(&p, &left, 1);

		switch (op % 4) {
		case 0:                      /* the backend consumes some */
			intf->out_cons += (XENCONS_RING_IDX)(int16_t)
				take(&p, &left, 2);
			break;
		case 1:                      /* the backend writes anything */
			intf->out_cons = take(&p, &left, 4);
			break;
		case 2:                      /* the backend catches up */
			intf->out_cons = intf->out_prod;
			break;
		case 3:
			step_write(intf, take(&p, &left, 2) % (2 * OUT_SIZE + 1));
			break;
		}
	}
	free(intf);
	return 0;
}
