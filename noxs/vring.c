/*
 * vring.c — the vif rings' index arithmetic, slot copies and checks,
 * shared by the guest's netfront and dom0's backend (see noxs/vring.h).
 */
#include <stddef.h>
#include <stdint.h>

#include <noxs/noxs.h>
#include <noxs/vring.h>

/* Order: everything written before is visible before what follows. */
#define WMB() __atomic_thread_fence(__ATOMIC_RELEASE)
/* Order: nothing after is read before what came before. */
#define RMB() __atomic_thread_fence(__ATOMIC_ACQUIRE)

int vring_check_prod(uint32_t prod, uint32_t cons, uint32_t base,
		     uint32_t limit)
{
	uint32_t ahead = prod - base, done = cons - base;

	if (done > ahead || ahead > limit)
		return NOXS_VIF_BAD_INDEX;
	return NOXS_VIF_OK;
}

int vring_check_req(const struct noxs_vif_desc *d, uint32_t region_size)
{
	if (d->id >= NOXS_VIF_RING_SIZE)
		return NOXS_VIF_BAD_ID;
	if (d->flags != 0)
		return NOXS_VIF_BAD_FLAGS;
	if (d->len == 0 || d->len > NOXS_VIF_FRAME_MAX)
		return NOXS_VIF_BAD_LEN;
	if (d->offset >= region_size)
		return NOXS_VIF_BAD_OFFSET;
	if ((uint64_t)d->offset + d->len > region_size)
		return NOXS_VIF_PAST_REGION;
	return NOXS_VIF_OK;
}

int vring_check_rsp(const struct noxs_vif_desc *d, uint32_t cap)
{
	if (d->id >= NOXS_VIF_RING_SIZE)
		return NOXS_VIF_BAD_ID;
	if (d->status != NOXS_VIF_STATUS_OK &&
	    d->status != NOXS_VIF_STATUS_ERROR)
		return NOXS_VIF_BAD_STATUS;
	if (d->len > cap)
		return NOXS_VIF_BAD_LEN;
	return NOXS_VIF_OK;
}

int vring_check_region(uint32_t buf_pages, uint32_t buf_size)
{
	return noxs_vif_region_ok(buf_pages, buf_size) ? NOXS_VIF_OK :
							NOXS_VIF_BAD_SETUP;
}

void vring_rings_setup(volatile struct noxs_vif_rings *r,
		       const uint64_t *buf_mfn, uint32_t buf_pages,
		       uint32_t rx_bufs, uint32_t buf_len)
{
	volatile uint8_t *b = (volatile uint8_t *)r;

	for (size_t i = 0; i < sizeof(*r); i++)
		b[i] = 0;
	for (uint32_t i = 0; i < buf_pages && i < NOXS_VIF_BUF_PAGES_MAX; i++)
		r->buf_mfn[i] = buf_mfn[i];
	for (uint32_t j = 0; j < rx_bufs && j < NOXS_VIF_RING_SIZE; j++) {
		r->rx[j].offset = j * buf_len;
		r->rx[j].len = NOXS_VIF_FRAME_MAX;
		r->rx[j].id = (uint16_t)j;
	}
	WMB();
	r->rx_idx.req_prod = rx_bufs;
}

int vring_check_config(const struct noxs_vif_config *c)
{
	uint8_t any = 0, pad = 0;

	for (size_t i = 0; i < sizeof(c->mac); i++)
		any |= c->mac[i];
	for (size_t i = 0; i < sizeof(c->pad); i++)
		pad |= c->pad[i];
	if (any == 0 || (c->mac[0] & 1) != 0 || pad != 0)
		return NOXS_VIF_BAD_SETUP;
	if (c->mtu < NOXS_VIF_MTU_MIN || c->mtu > NOXS_VIF_MTU_MAX)
		return NOXS_VIF_BAD_SETUP;
	if (c->ipv4_prefix > 32)
		return NOXS_VIF_BAD_SETUP;
	return NOXS_VIF_OK;
}

const char *vring_reason_name(int reason)
{
	static const char *const names[] = {
		[NOXS_VIF_OK] = "ok",
		[NOXS_VIF_BAD_ID] = "bad descriptor id",
		[NOXS_VIF_BAD_LEN] = "bad length",
		[NOXS_VIF_BAD_OFFSET] = "offset outside the region",
		[NOXS_VIF_PAST_REGION] = "buffer past the region",
		[NOXS_VIF_BAD_FLAGS] = "unknown flags",
		[NOXS_VIF_BAD_INDEX] = "ring index out of range",
		[NOXS_VIF_BAD_SETUP] = "bad rings or region",
		[NOXS_VIF_STORM] = "notification storm",
		[NOXS_VIF_BAD_STATUS] = "bad response status",
	};

	if (reason < 0 || reason > NOXS_VIF_REASON_MAX)
		return "unknown";
	return names[reason];
}

/*
 * Copy a slot field by field, each read once: from the shared page into a
 * private copy, or from a private copy into the page. The padding is not
 * copied: it stays zero.
 */
static void copy_desc(volatile struct noxs_vif_desc *dst,
		      const volatile struct noxs_vif_desc *src)
{
	dst->offset = src->offset;
	dst->len = src->len;
	dst->id = src->id;
	dst->flags = src->flags;
	dst->status = src->status;
	dst->pad = 0;
}

void vring_front_resume(struct vring_front *f,
			volatile struct noxs_vif_ring_idx *idx,
			volatile struct noxs_vif_desc *slots, uint32_t req_prod)
{
	f->idx = idx;
	f->slots = slots;
	f->req_prod = req_prod;
	f->rsp_cons = 0;
}

void vring_front_init(struct vring_front *f,
		      volatile struct noxs_vif_ring_idx *idx,
		      volatile struct noxs_vif_desc *slots)
{
	vring_front_resume(f, idx, slots, 0);
	idx->req_prod = 0;
	idx->rsp_prod = 0;
}

uint32_t vring_front_free(const struct vring_front *f)
{
	return NOXS_VIF_RING_SIZE - (f->req_prod - f->rsp_cons);
}

int vring_front_post(struct vring_front *f, const struct noxs_vif_desc *d)
{
	if (vring_front_free(f) == 0)
		return -NOXS_ENOSPC;
	copy_desc(&f->slots[vring_slot(f->req_prod)], d);
	f->req_prod++;
	return 0;
}

/*
 * Publish producer index (mine) into (*shared) after the slots written
 * before it; returns 1 if it moved, else 0.
 */
static int publish(volatile uint32_t *shared, uint32_t mine)
{
	if (*shared == mine)
		return 0;
	WMB();
	*shared = mine;
	return 1;
}

int vring_front_push(struct vring_front *f)
{
	return publish(&f->idx->req_prod, f->req_prod);
}

int vring_front_take(struct vring_front *f, struct noxs_vif_desc *rsp,
		     const uint16_t *cap_of)
{
	uint32_t prod = f->idx->rsp_prod;
	int v;

	RMB();
	v = vring_check_prod(prod, f->rsp_cons, f->rsp_cons,
			     f->req_prod - f->rsp_cons);
	if (v != NOXS_VIF_OK)
		return -v;
	if (prod == f->rsp_cons)
		return 0;
	copy_desc(rsp, &f->slots[vring_slot(f->rsp_cons)]);
	f->rsp_cons++;
	v = vring_check_rsp(rsp, 0xffff);
	if (v == NOXS_VIF_OK && cap_of != NULL)
		v = vring_check_rsp(rsp, cap_of[rsp->id]);
	return v == NOXS_VIF_OK ? 1 : -v;
}

void vring_back_init(struct vring_back *b,
		     volatile struct noxs_vif_ring_idx *idx,
		     volatile struct noxs_vif_desc *slots,
		     uint32_t region_size)
{
	b->idx = idx;
	b->slots = slots;
	b->region_size = region_size;
	b->req_cons = 0;
	b->rsp_prod = 0;
}

int vring_back_take(struct vring_back *b, struct noxs_vif_desc *req,
		    uint32_t *arg)
{
	uint32_t prod = b->idx->req_prod;
	int v;

	RMB();
	*arg = prod;
	v = vring_check_prod(prod, b->req_cons, b->rsp_prod,
			     NOXS_VIF_RING_SIZE);
	if (v != NOXS_VIF_OK)
		return -v;
	if (prod == b->req_cons)
		return 0;
	copy_desc(req, &b->slots[vring_slot(b->req_cons)]);
	b->req_cons++;
	*arg = req->id;
	v = vring_check_req(req, b->region_size);
	return v == NOXS_VIF_OK ? 1 : -v;
}

int vring_back_respond(struct vring_back *b, const struct noxs_vif_desc *rsp)
{
	if (b->rsp_prod == b->req_cons)
		return -NOXS_ENOSPC;
	copy_desc(&b->slots[vring_slot(b->rsp_prod)], rsp);
	b->rsp_prod++;
	return 0;
}

int vring_back_push(struct vring_back *b)
{
	return publish(&b->idx->rsp_prod, b->rsp_prod);
}
