/*
 * noxs/vring.h — the vif rings (noxs/abi.h: struct noxs_vif_rings) as one
 * small pure module compiled by both sides: the guest's netfront
 * (requester) and dom0's backend (responder). Index arithmetic, copying
 * slots in and out of shared memory, and every check of what the other
 * side wrote, as functions that return a verdict (enum noxs_vif_reason):
 * a backend disconnects a vif with that verdict as the reason.
 *
 * Freestanding: no allocation, no libc; the ordering of shared-memory
 * accesses uses the compiler's fences. Indices are free-running uint32_t
 * compared modulo 2^32; a slot is an index modulo NOXS_VIF_RING_SIZE.
 * Each side keeps its own indices privately and reads the other side's
 * once per call; nothing read from the shared page is used unchecked.
 */
#ifndef NOXS_VRING_H
#define NOXS_VRING_H

#include <stdint.h>

#include <noxs/abi.h>

/* The slot of free-running index (idx). */
static inline uint32_t vring_slot(uint32_t idx)
{
	return idx & (NOXS_VIF_RING_SIZE - 1);
}

/*
 * vring_check_prod() - check a producer index (prod) read from the other
 * side, given the reader's consumer index (cons), the reader's own base
 * (base: the oldest index the producer may not go behind) and how far
 * past (base) the producer may be (limit). Valid iff cons - base <= prod -
 * base <= limit (modulo 2^32): neither behind what was consumed nor more
 * than (limit) ahead.
 * Returns NOXS_VIF_OK or NOXS_VIF_BAD_INDEX.
 */
int vring_check_prod(uint32_t prod, uint32_t cons, uint32_t base,
		     uint32_t limit);

/*
 * vring_check_req() - [backend] check a request (d), a private copy of a
 * slot: id < NOXS_VIF_RING_SIZE, no flags, 1 <= len <= NOXS_VIF_FRAME_MAX,
 * offset < (region_size) and offset + len <= (region_size).
 * Returns NOXS_VIF_OK or the first rule broken (BAD_ID, BAD_FLAGS,
 * BAD_LEN, BAD_OFFSET, PAST_REGION, in that order).
 */
int vring_check_req(const struct noxs_vif_desc *d, uint32_t region_size);

/*
 * vring_check_rsp() - [guest] check a response (d), a private copy of a
 * slot, to a request whose buffer held (cap) bytes: id <
 * NOXS_VIF_RING_SIZE, status OK or ERROR, len <= (cap) (for TX responses
 * pass cap = 0xffff: the length is not used).
 * Returns NOXS_VIF_OK, NOXS_VIF_BAD_ID, NOXS_VIF_BAD_STATUS or
 * NOXS_VIF_BAD_LEN.
 */
int vring_check_rsp(const struct noxs_vif_desc *d, uint32_t cap);

/*
 * vring_check_region() - [backend, at connect] check a vif's declared
 * buffer region: 1 <= (buf_pages) <= NOXS_VIF_BUF_PAGES_MAX and 1 <=
 * (buf_size) <= buf_pages * 4096.
 * Returns NOXS_VIF_OK or NOXS_VIF_BAD_SETUP.
 */
int vring_check_region(uint32_t buf_pages, uint32_t buf_size);

/*
 * vring_rings_setup() - [guest at open, or the toolstack ahead] a vif's
 * rings page (r) as a front opens it: zeroed, the region's (buf_pages)
 * machine frames (buf_mfn) listed, RX request j < (rx_bufs) for buffer j
 * (offset j * buf_len, length NOXS_VIF_FRAME_MAX, id j) written, then
 * (write fence) RX req_prod = rx_bufs. The caller checked the layout
 * (noxs_vifmem_check(), noxs/noxs.h).
 */
void vring_rings_setup(volatile struct noxs_vif_rings *r,
		       const uint64_t *buf_mfn, uint32_t buf_pages,
		       uint32_t rx_bufs, uint32_t buf_len);

/*
 * vring_check_config() - [guest] check a vif's static settings (c), from
 * the checked copy of the device page: a unicast, non-zero MAC, the MTU
 * in [NOXS_VIF_MTU_MIN, NOXS_VIF_MTU_MAX], a prefix <= 32, zero padding.
 * Returns NOXS_VIF_OK or NOXS_VIF_BAD_SETUP.
 */
int vring_check_config(const struct noxs_vif_config *c);

/* vring_reason_name() - a short name for (reason); "unknown" if none. */
const char *vring_reason_name(int reason);

/* One ring as its requester sees it. */
struct vring_front {
	volatile struct noxs_vif_ring_idx *idx;
	volatile struct noxs_vif_desc *slots;
	uint32_t req_prod;           /* requests written (published or not) */
	uint32_t rsp_cons;           /* responses consumed */
};

/* One ring as its responder sees it. */
struct vring_back {
	volatile struct noxs_vif_ring_idx *idx;
	volatile struct noxs_vif_desc *slots;
	uint32_t region_size;        /* bytes of the buffer region */
	uint32_t req_cons;           /* requests consumed */
	uint32_t rsp_prod;           /* responses written (published or not) */
};

/*
 * vring_front_init() - [guest] a requester over (idx, slots), both in
 * the rings page, starting at index 0; zeroes the shared indices.
 */
void vring_front_init(struct vring_front *f,
		      volatile struct noxs_vif_ring_idx *idx,
		      volatile struct noxs_vif_desc *slots);

/*
 * vring_front_resume() - [guest] a requester over (idx, slots) already
 * set up, (req_prod) requests already published there (by
 * vring_rings_setup()), no response taken yet; the shared indices are
 * left as they are.
 */
void vring_front_resume(struct vring_front *f,
			volatile struct noxs_vif_ring_idx *idx,
			volatile struct noxs_vif_desc *slots,
			uint32_t req_prod);

/* vring_front_free() - [guest] slots free for new requests. */
uint32_t vring_front_free(const struct vring_front *f);

/*
 * vring_front_post() - [guest] write request (d) into the next slot; not
 * visible to the responder until vring_front_push().
 * Returns 0, or -NOXS_ENOSPC (28) when the ring is full.
 */
int vring_front_post(struct vring_front *f, const struct noxs_vif_desc *d);

/*
 * vring_front_push() - [guest] publish the requests posted (write fence,
 * then req_prod). Returns 1 if there were new ones (notify the
 * responder), else 0.
 */
int vring_front_push(struct vring_front *f);

/*
 * vring_front_take() - [guest] take the next response into (*rsp), a
 * private copy, checked by vring_check_rsp() with capacity (cap) of the
 * buffer posted under its id as (cap_of[id]) (NULL: no length limit).
 * Returns 1 when a response was taken, 0 when none is pending, or
 * -(verdict) when dom0 broke the ring: NOXS_VIF_BAD_INDEX (rsp_prod
 * ahead of the requests or behind) or the response's verdict (it is
 * consumed then).
 */
int vring_front_take(struct vring_front *f, struct noxs_vif_desc *rsp,
		     const uint16_t *cap_of);

/*
 * vring_back_init() - [backend] a responder over (idx, slots) with a
 * region of (region_size) bytes, starting at index 0 (the guest's
 * indices must be 0 at connect; they are checked on each take).
 */
void vring_back_init(struct vring_back *b,
		     volatile struct noxs_vif_ring_idx *idx,
		     volatile struct noxs_vif_desc *slots,
		     uint32_t region_size);

/*
 * vring_back_take() - [backend] take the next request into (*req), a
 * private copy read once, checked by vring_check_req().
 * Returns 1 when a request was taken, 0 when none is pending, or
 * -(verdict): NOXS_VIF_BAD_INDEX when req_prod is more than a ring ahead
 * of the responses or behind what was consumed (*arg = req_prod), or the
 * descriptor's verdict (*arg = its id). Disconnect on any negative value.
 */
int vring_back_take(struct vring_back *b, struct noxs_vif_desc *req,
		    uint32_t *arg);

/*
 * vring_back_respond() - [backend] write response (rsp) into the next
 * response slot; not visible until vring_back_push().
 * Returns 0, or -NOXS_ENOSPC (28) when no request awaits a response.
 */
int vring_back_respond(struct vring_back *b, const struct noxs_vif_desc *rsp);

/*
 * vring_back_push() - [backend] publish the responses written. Returns 1
 * if there were new ones (notify the guest), else 0.
 */
int vring_back_push(struct vring_back *b);

#endif
