/*
 * sysctl.c — the sysctl backend: lifecycle requests written into a noxs
 * guest's device page, and the guest-owned fields read back (validated by
 * noxs_guest_view_read()) for its acknowledgement and ready mark.
 */
#include <errno.h>

#include <noxs/noxs.h>

#include "lvmd.h"
#include "toolstack/engine/log.h"

void lvmd_request_deadline(struct guest *g, uint32_t timeout_ms)
{
	g->req_deadline_ns = lvmd_now_ns() +
		(uint64_t)(timeout_ms ? timeout_ms : LVM_DEFAULT_SHUTDOWN_MS) *
			1000000u;
}

int lvmd_sysctl_request(struct lvmd *l, struct guest *g, uint32_t req,
			uint32_t timeout_ms)
{
	volatile struct noxs_page *p = g->noxs_page;
	struct noxs_page *copy = g->rec.noxs_copy;
	uint32_t seq;

	if (!p || !copy || g->sys_lport < 0)
		return -EOPNOTSUPP;
	seq = g->rec.request_seq + 1;
	/* The request first, then the sequence number that announces it. */
	p->sysctl.request = req;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	p->sysctl.request_seq = seq;
	copy->sysctl.request = req;
	copy->sysctl.request_seq = seq;
	g->rec.request_seq = seq;
	g->req = req;
	lvmd_request_deadline(g, timeout_ms);
	lvmd_guest_save(l, g);
	xenevtchn_notify(l->xce, (evtchn_port_t)g->sys_lport);
	return 0;
}

void lvmd_sysctl_poll(struct lvmd *l, struct guest *g)
{
	const struct noxs_page *copy = g->rec.noxs_copy;
	struct noxs_guest_view v;
	uint64_t khz;
	int rc;

	if (!g->noxs_page || !copy || g->doom[0])
		return;
	rc = noxs_guest_view_read(g->noxs_page, copy->ndevs,
				  g->rec.request_seq, &v);
	if (rc < 0) {
		lvmd_guest_doom(l, g,
				"device page: invalid sysctl fields (state %u, ack_seq %u of %u)",
				v.state, v.ack_seq, g->rec.request_seq);
		return;
	}
	if (g->has_ready || v.state < NOXS_STATE_READY || !g->t_recv_ns)
		return;
	/*
	 * "Ready" is measured on dom0's clock: from the create request to the
	 * moment lvmd sees the READY state (the guest notifies the sysctl
	 * port when it sets it). The guest's own TSC mark is tighter, but is
	 * only comparable with dom0's TSC when Xen gives guests the native
	 * TSC; where it does and the mark is plausible, it is used instead.
	 */
	g->has_ready = true;
	g->ready_ns = lvmd_now_ns() - g->t_recv_ns;
	khz = copy->tsc_khz ? copy->tsc_khz : l->tsc_khz;
	if (khz && copy->create_tsc && v.ready_tsc >= copy->create_tsc) {
		unsigned __int128 d = v.ready_tsc - copy->create_tsc;
		uint64_t ns = (uint64_t)(d * 1000000u / khz);

		if (ns <= g->ready_ns)
			g->ready_ns = ns;
	}
	lvmd_clients_guest_ready(l, g);
}
