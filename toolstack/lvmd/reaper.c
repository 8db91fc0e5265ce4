/*
 * reaper.c — domains that shut down, crashed or vanished. A noxs guest
 * going down says so on its sysctl port (state CLOSING, then an event):
 * that guest's domain alone is looked at, at once and again until it has
 * stopped (l->exits). For the guests that could not say (stock guests, a
 * domain destroyed by another tool, a guest killed by Xen) lvmd lists the
 * hypervisor's domains and applies each of its guests' policies (the
 * sweep): after VIRQ_DOM_EXC, spaced by what the previous sweep cost
 * (loop.c, LVMD_REAP_SHARE), or, when another dom0 process (xenstored)
 * holds that VIRQ, every LVMD_REAP_POLL_MS.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "guest.h"
#include "lvmd.h"

#include <xen/sched.h> /* after xenctrl.h (lvmd.h), which it needs */
#include "toolstack/engine/log.h"

#define BATCH 256

static const char *reason_name(uint32_t r)
{
	switch (r) {
	case SHUTDOWN_poweroff: return "powered off";
	case SHUTDOWN_reboot: return "rebooted";
	case SHUTDOWN_suspend: return "suspended";
	case SHUTDOWN_crash: return "crashed";
	case SHUTDOWN_watchdog: return "was stopped by its watchdog";
	default: return "shut down";
	}
}

/* mark_seen: note the flags of every domain that is one of our guests. */
static int mark_seen(struct lvmd *l)
{
	xc_domaininfo_t info[BATCH];
	uint32_t first = 1;
	int n;

	for (struct guest *g = l->guests; g; g = g->next)
		g->seen = false;
	do {
		n = xc_domain_getinfolist(l->xch, first, BATCH, info);
		if (n < 0)
			return lvm_log_err(errno, "xc_domain_getinfolist");
		for (int i = 0; i < n; i++) {
			struct guest *g = lvmd_guest_by_domid(l, info[i].domain);

			if (g && memcmp(info[i].handle, g->rec.uuid, 16) == 0) {
				g->seen = true;
				g->flags = info[i].flags;
			}
		}
		if (n > 0)
			first = info[n - 1].domain + 1u;
	} while (n == BATCH);
	return 0;
}

/* shut_down: (g)'s domain stopped with (reason); apply its policy. A
 * poweroff asked of it wins over a reboot of its own. */
static void shut_down(struct lvmd *l, struct guest *g, uint32_t reason)
{
	enum lvm_action act;
	bool asked = g->req != 0;

	g->req_deadline_ns = 0;
	if (reason == SHUTDOWN_reboot && g->req != NOXS_REQ_POWEROFF) {
		lvmd_reboot(l, g);
		return;
	}
	if (reason == SHUTDOWN_reboot) {
		lvm_log_info("%s (d%u): rebooted, but a poweroff was asked: the poweroff wins",
			     g->rec.name, g->rec.domid);
		reason = SHUTDOWN_poweroff;
	}
	act = reason == SHUTDOWN_poweroff ? g->rec.on_poweroff :
					    g->rec.on_crash;
	lvm_log_info("%s (d%u): %s%s; %s", g->rec.name, g->rec.domid,
		     reason_name(reason), asked ? " as asked" : "",
		     act == LVM_ACTION_PRESERVE ? "preserved" : "destroying it");
	lvmd_console_note(l, g, "lvmd: the guest %s", reason_name(reason));
	snprintf(g->stop_note, sizeof(g->stop_note), "%s instead of rebooting; %s",
		 reason_name(reason),
		 act == LVM_ACTION_PRESERVE ? "preserved" : "destroyed");
	lvmd_guest_stopped(l, g, act);
}

/*
 * reap_one: (g)'s domain alone, whose record says (domid) and (uuid).
 * Returns 1 if its policy was applied or it was dropped (gone), 0 if it
 * still runs, -1 if the hypervisor did not answer.
 */
static int reap_one(struct lvmd *l, struct guest *g)
{
	xc_domaininfo_t info;
	int n = xc_domain_getinfolist(l->xch, g->rec.domid, 1, &info);

	if (n < 0)
		return -1;
	if (n == 0 || info.domain != g->rec.domid ||
	    memcmp(info.handle, g->rec.uuid, 16) != 0 ||
	    (info.flags & XEN_DOMINF_dying)) {
		lvm_log_info("%s (d%u): the domain is gone", g->rec.name,
			     g->rec.domid);
		lvmd_guest_drop(l, g, 0);
		return 1;
	}
	g->flags = info.flags;
	if (!(info.flags & XEN_DOMINF_shutdown) || g->rec.preserved)
		return g->rec.preserved ? 1 : 0;
	lvm_log_info("%s (d%u): stopped, seen through its own sysctl event",
		     g->rec.name, g->rec.domid);
	shut_down(l, g, (info.flags >> XEN_DOMINF_shutdownshift) &
				XEN_DOMINF_shutdownmask);
	return 1;
}

void lvmd_reap_exits(struct lvmd *l, uint64_t now, uint64_t *next)
{
	unsigned i = 0;

	while (i < l->nexits) {
		struct lvmd_exit_note *n = &l->exits[i];
		struct guest *g;
		int r = 1;

		if (n->due_ns > now) {
			if (n->due_ns < *next)
				*next = n->due_ns;
			i++;
			continue;
		}
		g = lvmd_guest_by_domid(l, n->domid);
		if (g && memcmp(g->rec.uuid, n->uuid, 16) == 0)
			r = reap_one(l, g);
		if (r == 0 && ++n->tries < LVMD_EXIT_TRIES) {
			n->due_ns = now + (1000000ull << (n->tries - 1));
			if (n->due_ns < *next)
				*next = n->due_ns;
			i++;
			continue;
		}
		/* Done with it (or left to the sweep): the last note moves
		 * here. reap_one() may have dropped guests, not notes. */
		l->exits[i] = l->exits[--l->nexits];
	}
}

void lvmd_reap(struct lvmd *l)
{
	struct guest *g, *next;

	if (mark_seen(l) < 0)
		return;
	for (g = l->guests; g; g = next) {
		next = g->next;
		if (!g->seen || (g->flags & XEN_DOMINF_dying)) {
			lvm_log_info("%s (d%u): the domain is gone", g->rec.name,
				     g->rec.domid);
			lvmd_guest_drop(l, g, 0);
			continue;
		}
		if (!(g->flags & XEN_DOMINF_shutdown) || g->rec.preserved)
			continue;
		shut_down(l, g, (g->flags >> XEN_DOMINF_shutdownshift) &
					XEN_DOMINF_shutdownmask);
	}
}
