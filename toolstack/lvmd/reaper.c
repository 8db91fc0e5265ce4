/*
 * reaper.c — domains that shut down, crashed or vanished: on
 * VIRQ_DOM_EXC (or, when another dom0 process holds that VIRQ, every
 * LVMD_REAP_POLL_MS) lvmd lists the hypervisor's domains and applies each
 * of its guests' policies.
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
