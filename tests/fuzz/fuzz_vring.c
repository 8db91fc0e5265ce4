/*
 * fuzz_vring.c — libFuzzer target for the vif ring checks a backend runs
 * on what a guest wrote (noxs/vring.c): a rings page and a sequence of
 * guest index moves, replayed against a responder (vring_back_*), plus
 * the same page read by a requester (vring_front_take) as a guest would
 * read a hostile dom0's responses.
 *
 * Input: 4 bytes of region size (taken modulo the largest region a vif
 * may declare, plus one), 4 of starting index, then a list of
 * 8-byte steps. Each step writes one 32-bit value into the page (a slot
 * field or an index: word (byte 0 | byte 1 << 8) modulo the page's 1024
 * words; bytes 2-5 the value) and then lets the backend take up to (byte
 * 6 % 8) requests and answer (byte 7 % 8) of them.
 *
 * Besides "no crash, no sanitizer report", every request the backend
 * accepts is checked again here against the promised rules (id, flags,
 * length, offset + length inside the region), and the backend's own
 * indices must never drift apart by more than a ring; a rule broken
 * aborts the run. A refused ring stays refused for the rest of the input
 * (a real backend disconnects).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <noxs/noxs.h>
#include <noxs/vring.h>

static void check_accepted(const struct noxs_vif_desc *d, uint32_t region)
{
	if (d->id >= NOXS_VIF_RING_SIZE || d->flags != 0)
		abort();
	if (d->len == 0 || d->len > NOXS_VIF_FRAME_MAX)
		abort();
	if ((uint64_t)d->offset + d->len > region)
		abort();
}

/* The backend's side of one step; returns 0, or -1 once it refused. */
static int backend_step(struct vring_back *b, unsigned takes,
			unsigned answers)
{
	struct noxs_vif_desc d;
	uint32_t arg;
	int rc;

	for (unsigned i = 0; i < takes; i++) {
		rc = vring_back_take(b, &d, &arg);
		if (rc < 0) {
			if (-rc <= NOXS_VIF_OK || -rc > NOXS_VIF_REASON_MAX)
				abort();
			return -1;
		}
		if (rc == 0)
			break;
		check_accepted(&d, b->region_size);
	}
	for (unsigned i = 0; i < answers; i++) {
		d = (struct noxs_vif_desc){ .id = (uint16_t)i, .len = 1 };
		if (vring_back_respond(b, &d) < 0)
			break;
	}
	vring_back_push(b);
	if (b->req_cons - b->rsp_prod > NOXS_VIF_RING_SIZE)
		abort();
	return 0;
}

/* A guest reading whatever responses the page holds. */
static void front_read(struct noxs_vif_rings *r, uint32_t start)
{
	static const uint16_t cap[NOXS_VIF_RING_SIZE] = { [0] = 100,
							   [63] = 2048 };
	struct vring_front f = { .idx = &r->rx_idx, .slots = r->rx,
				 .req_prod = start + NOXS_VIF_RING_SIZE,
				 .rsp_cons = start };
	struct noxs_vif_desc d;
	int rc;

	for (int i = 0; i < (int)NOXS_VIF_RING_SIZE + 1; i++) {
		rc = vring_front_take(&f, &d, cap);
		if (rc <= 0)
			break;
		if (d.id >= NOXS_VIF_RING_SIZE || d.len > cap[d.id])
			abort();
	}
	if (f.rsp_cons - start > NOXS_VIF_RING_SIZE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct noxs_vif_rings rings;
	uint32_t *words = (uint32_t *)&rings;
	struct vring_back b;
	uint32_t region, start;

	if (size < 8)
		return 0;
	memcpy(&region, data, 4);
	region = region % (NOXS_VIF_BUF_PAGES_MAX * 4096u) + 1;
	memcpy(&start, data + 4, 4);
	memset(&rings, 0, sizeof(rings));
	rings.tx_idx.req_prod = rings.tx_idx.rsp_prod = start;
	rings.rx_idx.rsp_prod = start;
	vring_back_init(&b, &rings.tx_idx, rings.tx, region);
	b.req_cons = b.rsp_prod = start;

	for (size_t i = 8; i + 8 <= size; i += 8) {
		size_t w = (data[i] | (size_t)data[i + 1] << 8) %
			   (sizeof(rings) / 4);

		memcpy(&words[w], data + i + 2, 4);
		if (backend_step(&b, data[i + 6] % 8, data[i + 7] % 8) < 0)
			break;
	}
	front_read(&rings, start);
	return 0;
}
