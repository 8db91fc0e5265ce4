/*
 * throttle.c — a guest over its event budget pays in CPU too: while it
 * keeps a port deferred (ports.c), the hypervisor's scheduler caps it at
 * LVMD_THROTTLE_CAP percent of a CPU once it has been over its budget for
 * LVMD_THROTTLE_AFTER_MS without a pause (a burst of console output at
 * boot is not a storm), and the cap goes once the guest has kept within
 * its budget for LVMD_THROTTLE_HOLD_MS. Deferring a port
 * spares lvmd; the cap spares everyone else a guest spinning on its
 * notifies, dom0's processes included. Credit2 and credit have caps;
 * under another scheduler there is no throttle (said once in the log).
 */
#include <errno.h>

#include "guest.h"
#include "lvmd.h"
#include "toolstack/engine/log.h"

/* set_cap: (domid)'s scheduler cap to (cap) percent (0: none); 0 or
 * -errno. */
static int set_cap(struct lvmd *l, uint32_t domid, uint16_t cap)
{
	if (l->sched_id == XEN_SCHEDULER_CREDIT2) {
		struct xen_domctl_sched_credit2 s;

		if (xc_sched_credit2_domain_get(l->xch, domid, &s) != 0)
			return -(errno ? errno : EIO);
		s.cap = cap;
		if (xc_sched_credit2_domain_set(l->xch, domid, &s) != 0)
			return -(errno ? errno : EIO);
		return 0;
	}
	if (l->sched_id == XEN_SCHEDULER_CREDIT) {
		struct xen_domctl_sched_credit s;

		if (xc_sched_credit_domain_get(l->xch, domid, &s) != 0)
			return -(errno ? errno : EIO);
		s.cap = cap;
		if (xc_sched_credit_domain_set(l->xch, domid, &s) != 0)
			return -(errno ? errno : EIO);
		return 0;
	}
	return -EOPNOTSUPP;
}

/* known: the scheduler asked once; false if it has no caps. */
static bool known(struct lvmd *l)
{
	int id = 0;

	if (l->sched_id == 0) {
		if (xc_sched_id(l->xch, &id) != 0 ||
		    (id != XEN_SCHEDULER_CREDIT2 && id != XEN_SCHEDULER_CREDIT)) {
			l->sched_id = -1;
			lvm_log_warn(0, "the hypervisor's scheduler (%d) has no caps: guests over their event budget are deferred, not throttled",
				     id);
		} else {
			l->sched_id = id;
		}
	}
	return l->sched_id > 0;
}

void lvmd_throttle(struct lvmd *l, struct guest *g, uint64_t now)
{
	int rc;

	/* Over its budget since when: a pause of HOLD starts anew. */
	if (!g->over_since_ns || now > g->throttle_until_ns)
		g->over_since_ns = now;
	g->throttle_until_ns = now + LVMD_THROTTLE_HOLD_MS * 1000000ull;
	if (g->throttled ||
	    now - g->over_since_ns < LVMD_THROTTLE_AFTER_MS * 1000000ull ||
	    !known(l))
		return;
	rc = set_cap(l, g->rec.domid, LVMD_THROTTLE_CAP);
	if (rc < 0) {
		lvm_log_warn(-rc, "%s (d%u): cannot cap its CPU", g->rec.name,
			     g->rec.domid);
		return;
	}
	g->throttled = true;
	lvm_log_info("%s (d%u): over its event budget; its CPU capped at %d%%",
		     g->rec.name, g->rec.domid, LVMD_THROTTLE_CAP);
}

void lvmd_throttle_timers(struct lvmd *l, uint64_t now, uint64_t *next)
{
	for (struct guest *g = l->guests; g; g = g->next) {
		if (!g->throttled) {
			if (g->over_since_ns && now > g->throttle_until_ns)
				g->over_since_ns = 0;
			continue;
		}
		if (now < g->throttle_until_ns) {
			if (g->throttle_until_ns < *next)
				*next = g->throttle_until_ns;
			continue;
		}
		if (set_cap(l, g->rec.domid, 0) < 0)
			continue; /* gone, or going: nothing to lift */
		g->throttled = false;
		g->over_since_ns = 0;
		lvm_log_info("%s (d%u): within its event budget again; uncapped",
			     g->rec.name, g->rec.domid);
	}
}
