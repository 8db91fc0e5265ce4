/*
 * noxs.c — encoding and validating the device page (see noxs/noxs.h).
 *
 * Compiled into the dom0 toolstack (hosted) and into guests
 * (freestanding), so it calls nothing: the few byte loops it needs are
 * written out here. Pages another domain can write are reached through
 * volatile pointers and every such field is loaded exactly once, into a
 * local, before it is checked and used.
 */
#include <stddef.h>
#include <stdint.h>

#include <noxs/noxs.h>

static void zero_bytes(void *dst, size_t n)
{
	volatile uint8_t *d = dst;

	/* volatile: keeps the compiler from turning the loop into memset. */
	for (size_t i = 0; i < n; i++)
		d[i] = 0;
}

static void copy_bytes(void *dst, const void *src, size_t n)
{
	volatile uint8_t *d = dst;
	const uint8_t *s = src;

	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
}

int noxs_page_init(struct noxs_page *p, uint32_t domid, const char *name,
		   const uint8_t uuid[16])
{
	size_t len = 0;

	zero_bytes(p, sizeof(*p));
	if (name == NULL || name[0] == '\0')
		return -NOXS_EINVAL;
	while (len < NOXS_NAME_MAX && name[len] != '\0')
		len++;
	if (len >= NOXS_NAME_MAX)
		return -NOXS_ENAMETOOLONG;

	p->magic = NOXS_MAGIC;
	p->version = NOXS_VERSION;
	p->domid = domid;
	p->ndevs = 0;
	if (uuid != NULL)
		copy_bytes(p->uuid, uuid, sizeof(p->uuid));
	copy_bytes(p->name, name, len);
	p->sysctl.request = NOXS_REQ_NONE;
	p->sysctl.request_seq = 0;
	p->sysctl.state = NOXS_STATE_BOOTING;
	return 0;
}

void noxs_page_set_console(struct noxs_page *p, uint64_t gfn, uint32_t evtchn,
			   uint32_t backend_domid)
{
	p->console.gfn = gfn;
	p->console.evtchn = evtchn;
	p->console.backend_domid = backend_domid;
}

void noxs_page_set_sysctl(struct noxs_page *p, uint32_t evtchn,
			  uint32_t backend_domid)
{
	p->sysctl.evtchn = evtchn;
	p->sysctl.backend_domid = backend_domid;
}

int noxs_page_add_dev(struct noxs_page *p, uint16_t type, uint16_t id,
		      uint32_t backend_domid, uint32_t evtchn, uint32_t grant,
		      const void *config, size_t config_len)
{
	uint32_t slot = p->ndevs;
	struct noxs_dev *d;

	if (type == NOXS_DEV_NONE || type > NOXS_DEV_TYPE_MAX)
		return -NOXS_EINVAL;
	if (config_len > NOXS_DEV_CONFIG_SIZE ||
	    (config == NULL && config_len > 0))
		return -NOXS_EINVAL;
	if (slot >= NOXS_MAX_DEVICES)
		return -NOXS_ENOSPC;

	d = &p->devs[slot];
	zero_bytes(d, sizeof(*d));
	d->type = type;
	d->id = id;
	d->backend_domid = backend_domid;
	d->evtchn = evtchn;
	d->grant = grant;
	d->be_state = NOXS_DEV_STATE_INIT;
	d->fe_state = NOXS_DEV_STATE_INIT;
	if (config_len > 0)
		copy_bytes(d->config, config, config_len);
	p->ndevs = slot + 1;
	return (int)slot;
}

int noxs_page_check(const volatile struct noxs_page *p)
{
	uint32_t ndevs, request;
	int terminated = 0;

	if (p->magic != NOXS_MAGIC || p->version != NOXS_VERSION)
		return -NOXS_EPROTO;
	ndevs = p->ndevs;
	if (ndevs > NOXS_MAX_DEVICES)
		return -NOXS_EPROTO;
	for (uint32_t i = 0; i < NOXS_NAME_MAX && !terminated; i++)
		terminated = p->name[i] == '\0';
	if (!terminated)
		return -NOXS_EPROTO;
	request = p->sysctl.request;
	if (request > NOXS_REQ_MAX)
		return -NOXS_EPROTO;
	for (uint32_t i = 0; i < ndevs; i++) {
		uint16_t type = p->devs[i].type;
		uint32_t be_state = p->devs[i].be_state;

		if (type == NOXS_DEV_NONE || type > NOXS_DEV_TYPE_MAX)
			return -NOXS_EPROTO;
		if (be_state > NOXS_DEV_STATE_MAX)
			return -NOXS_EPROTO;
	}
	return 0;
}

int noxs_guest_view_read(const volatile struct noxs_page *p, uint32_t ndevs,
			 uint32_t request_seq, struct noxs_guest_view *out)
{
	int rc = 0;

	out->state = p->sysctl.state;
	out->ack_seq = p->sysctl.ack_seq;
	out->ready_tsc = p->sysctl.ready_tsc;
	out->ready_ns = p->sysctl.ready_ns;
	for (uint32_t i = 0; i < NOXS_MAX_DEVICES; i++)
		out->fe_state[i] = i < ndevs ? p->devs[i].fe_state : 0;

	if (ndevs > NOXS_MAX_DEVICES)
		return -NOXS_EINVAL;
	if (out->state > NOXS_STATE_MAX)
		rc = -NOXS_EPROTO;
	else if (out->ack_seq > request_seq)
		rc = -NOXS_EPROTO;
	else if (out->state == NOXS_STATE_READY && out->ready_tsc == 0)
		rc = -NOXS_EPROTO;
	for (uint32_t i = 0; i < ndevs && rc == 0; i++)
		if (out->fe_state[i] > NOXS_DEV_STATE_MAX)
			rc = -NOXS_EPROTO;
	return rc;
}

int noxs_vifmem_check(const struct noxs_vifmem *m)
{
	uint64_t span;

	if (m->nvifs == 0 || m->nvifs > NOXS_MAX_VIFS)
		return -1;
	if (!noxs_vif_region_ok(m->buf_pages, m->buf_size))
		return -1;
	if (m->va % 4096u != 0 || m->stride % 4096u != 0 ||
	    m->stride < (1u + m->buf_pages) * 4096u)
		return -1;
	span = (uint64_t)m->nvifs * m->stride;
	if (m->va + span < m->va)
		return -1;
	if (m->rx_bufs == 0 || m->rx_bufs > NOXS_VIF_RING_SIZE ||
	    m->buf_len < NOXS_VIF_FRAME_MAX ||
	    (uint64_t)m->rx_bufs * m->buf_len > m->buf_size)
		return -1;
	return 0;
}
