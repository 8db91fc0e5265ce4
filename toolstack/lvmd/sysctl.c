/*
 * sysctl.c — the sysctl backend and the noxs control: lifecycle requests
 * written into a noxs guest's device page, and the guest-owned fields read
 * back (validated by noxs_guest_view_read()) for its acknowledgement and
 * ready mark (see backend.h).
 */
#include <errno.h>
#include <string.h>

#include <noxs/noxs.h>

#include "backend.h"
#include "guest.h"
#include "lvmd.h"
#include "toolstack/common/clock.h"
#include "toolstack/engine/log.h"
#include "toolstack/engine/steps.h"

static void poll_guest(struct lvmd *l, struct guest *g)
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
	/* Going down (asked or not): its domain looked at now, without
	 * waiting for the sweep (reaper.c). */
	if (v.state == NOXS_STATE_CLOSING)
		lvmd_guest_exit_note(l, g);
	if (g->has_ready || v.state < NOXS_STATE_READY || !g->t_recv_ns)
		return;
	/*
	 * "Ready" is measured on the steps' clock (steps.h: dom0's TSC at
	 * Xen's rate, or CLOCK_MONOTONIC), as the rest of the create's
	 * timing: from the create request to the moment lvmd sees the READY
	 * state (the guest notifies the sysctl port when it sets it). The
	 * guest's own TSC mark is tighter, but is only comparable with dom0's
	 * TSC when Xen gives guests the native TSC; where it does and the
	 * mark is plausible, it is used instead.
	 */
	g->has_ready = true;
	g->ready_ns = copy->create_tsc ?
			      lvm_step_ns(lvm_step_at(g->t_recv_ns,
						      copy->create_tsc)) :
			      lvm_now_ns() - g->t_recv_ns;
	khz = copy->tsc_khz ? copy->tsc_khz : l->tsc_khz;
	if (khz && copy->create_tsc && v.ready_tsc >= copy->create_tsc) {
		uint64_t ns = lvm_tsc_ns(copy->create_tsc, v.ready_tsc,
					       khz);

		if (ns <= g->ready_ns)
			g->ready_ns = ns;
	}
	l->hooks->ready(l, g);
}

static bool can_request(const struct guest *g)
{
	return g->noxs_page != NULL;
}

static int request(struct lvmd *l, struct guest *g, bool reboot,
		   uint32_t timeout_ms)
{
	volatile struct noxs_page *p = g->noxs_page;
	struct noxs_page *copy = g->rec.noxs_copy;
	uint32_t req = reboot ? NOXS_REQ_REBOOT : NOXS_REQ_POWEROFF;
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
	lvmd_guest_deadline(l, g, timeout_ms);
	lvmd_guest_save(l, g);
	lvmd_port_notify(l, g->sys_lport);
	return 0;
}

const struct lvmd_control lvmd_control_noxs = {
	.name = "noxs",
	.xenstore = false,
	.reports_ready = true,
	/* always reachable; its device page is written by the engine */
	.can_request = can_request,
	.request = request,
	.poll = poll_guest,
};

/* start: bind (g)'s sysctl port (or take the one a pool's shell bound
 * ahead), if it has a device page. A new guest has
 * not run yet: its page must be what dom0 wrote. */
static int start(struct lvmd *l, struct guest *g, bool fresh)
{
	const struct lvm_reg_entry *r = &g->rec;
	int rc;

	if (!g->noxs_page)
		return 0;
	if (fresh && (g->noxs_page->magic != NOXS_MAGIC ||
		      g->noxs_page->domid != r->domid))
		return lvm_log_err(EIO, "%s (d%u): the device page at mfn 0x%llx does not hold what was written",
				   r->name, r->domid,
				   (unsigned long long)r->noxs_mfn);
	/* Bound ahead when the guest came from a pool's shell. */
	rc = lvmd_port_attach(l, g, &g->sys_lport, r->sysctl_port,
			      &lvmd_backend_sysctl);
	if (rc < 0)
		return lvm_log_err(-rc, "%s (d%u): cannot bind sysctl port %u",
				   r->name, r->domid, r->sysctl_port);
	return 0;
}

static int attach(struct lvmd *l, struct guest *g, unsigned flags)
{
	(void)flags;
	return start(l, g, true);
}

static int adopt(struct lvmd *l, struct guest *g)
{
	return start(l, g, false);
}

static void detach(struct lvmd *l, struct guest *g, bool gone)
{
	(void)gone;
	lvmd_port_unbind(l, &g->sys_lport);
}

/* setup: the TSC rate, for guests that do not give theirs. */
static int setup(struct lvmd *l)
{
	xc_physinfo_t pi;

	memset(&pi, 0, sizeof(pi));
	if (xc_physinfo(l->xch, &pi) == 0)
		l->tsc_khz = pi.cpu_khz;
	return 0;
}

const struct lvmd_backend lvmd_backend_sysctl = {
	.name = "sysctl",
	.usage = "noxs guests' shutdown, reboot and ready mark (device page)",
	.setup = setup,
	.attach = attach,
	.adopt = adopt,
	.event = poll_guest,
	.detach = detach,
};
