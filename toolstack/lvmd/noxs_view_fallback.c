/*
 * noxs_view_fallback.c — TODO(noxs): noxs_guest_view_read() as
 * noxs/noxs.h specifies it, for lvmd builds from a tree that does not have
 * noxs/noxs.c yet. toolstack/module.mk compiles this file only then;
 * delete it once noxs/noxs.c is merged.
 */
#include <noxs/noxs.h>

int noxs_guest_view_read(const volatile struct noxs_page *p, uint32_t ndevs,
			 uint32_t request_seq, struct noxs_guest_view *out)
{
	int bad = 0;

	out->state = p->sysctl.state;
	out->ack_seq = p->sysctl.ack_seq;
	out->ready_tsc = p->sysctl.ready_tsc;
	out->ready_ns = p->sysctl.ready_ns;
	for (uint32_t i = 0; i < NOXS_MAX_DEVICES; i++)
		out->fe_state[i] = i < ndevs ? p->devs[i].fe_state : 0;
	if (out->state > NOXS_STATE_MAX)
		bad = 1;
	if (out->ack_seq > request_seq)
		bad = 1;
	if (out->state >= NOXS_STATE_READY && out->ready_tsc == 0)
		bad = 1;
	for (uint32_t i = 0; i < ndevs && i < NOXS_MAX_DEVICES; i++)
		if (out->fe_state[i] > NOXS_DEV_STATE_MAX)
			bad = 1;
	return bad ? -NOXS_EPROTO : 0;
}
