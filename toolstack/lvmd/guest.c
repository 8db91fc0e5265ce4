/*
 * guest.c — one guest's life in lvmd: its shared pages mapped, its
 * backends attached and detached through the backend table (never one by
 * name), destroyed, dropped, destroyed when doomed or past a request's
 * deadline (see guest.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backend.h"
#include "guest.h"
#include "lvmd.h"
#include "toolstack/engine/log.h"
#include "toolstack/engine/steps.h"
#include "vifaddr.h"

/*
 * map_pages: the (n) machine frames (mfns) of (domid) mapped read-write,
 * next to each other, in one call; NULL with errno if any failed.
 */
static void *map_pages(struct lvmd *l, uint32_t domid, const uint64_t *mfns,
		       unsigned n)
{
	xen_pfn_t f[2];
	int err[2] = { 0, 0 };
	void *p;

	for (unsigned i = 0; i < n; i++)
		f[i] = (xen_pfn_t)mfns[i];
	p = xenforeignmemory_map(l->xfm, domid, PROT_READ | PROT_WRITE, n, f,
				 err);
	for (unsigned i = 0; p && i < n; i++) {
		if (err[i]) {
			xenforeignmemory_unmap(l->xfm, p, n);
			errno = err[i] < 0 ? -err[i] : err[i];
			return NULL;
		}
	}
	return p;
}

/* map: (g)'s console ring and, for a noxs guest, its device page, in one
 * mapping, unless the build handed that over (lvmd_guest_take_pages()).
 * 0 or -errno, logged. */
static int map(struct lvmd *l, struct guest *g)
{
	const struct lvm_reg_entry *r = &g->rec;
	uint64_t mfns[2] = { r->console_mfn, r->noxs_mfn };
	uint64_t t0 = lvm_step_start();

	if (!g->cons_page) {
		g->npages = r->noxs ? 2 : 1;
		g->cons_page = map_pages(l, r->domid, mfns, g->npages);
	}
	l->t_attach.map += lvm_step_ns(t0);
	if (!g->cons_page)
		return lvm_log_err(errno, "%s (d%u): cannot map the console ring%s",
				   r->name, r->domid,
				   r->noxs ? " and the device page" : "");
	if (r->noxs)
		g->noxs_page = (volatile struct noxs_page *)
			((volatile char *)g->cons_page + XC_PAGE_SIZE);
	return 0;
}

void lvmd_guest_take_pages(struct guest *g, struct lvm_built *b)
{
	if (!b->pages || !g->rec.noxs || g->cons_page)
		return;
	g->cons_page = b->pages;
	g->npages = 2;
	b->pages = NULL;
	g->start_info = b->start_info;
	b->start_info = NULL;
}

static void unmap(struct lvmd *l, struct guest *g)
{
	if (g->start_info)
		xenforeignmemory_unmap(l->xfm, g->start_info, 1);
	g->start_info = NULL;
	if (!g->cons_page)
		return;
	xenforeignmemory_unmap(l->xfm, (void *)g->cons_page, g->npages);
	g->cons_page = NULL;
	g->noxs_page = NULL;
}

/* start: map (g)'s pages, attach or (adopt) adopt it to every backend. */
static int start(struct lvmd *l, struct guest *g, unsigned flags, bool adopt)
{
	int rc = map(l, g);

	if (rc == 0)
		rc = lvmd_backends_attach(l, g, flags, adopt);
	if (rc < 0)
		unmap(l, g);
	return rc;
}

int lvmd_guest_attach(struct lvmd *l, struct guest *g, unsigned flags)
{
	return start(l, g, flags, false);
}

int lvmd_guest_adopt(struct lvmd *l, struct guest *g)
{
	return start(l, g, 0, true);
}

void lvmd_guest_detach(struct lvmd *l, struct guest *g)
{
	lvmd_backends_detach(l, g, false);
	unmap(l, g);
}

void lvmd_guest_drop(struct lvmd *l, struct guest *g, int why)
{
	lvmd_backends_detach(l, g, true);
	unmap(l, g);
	lvmd_guest_unlink(l, g);
	lvmd_vifs_release(l, g->rec.vifs, g->rec.nvifs);
	lvmd_reg_remove_logged(l, g);
	l->hooks->gone(l, g, why);
	lvmd_guest_free(g);
}

int lvmd_guest_destroy(struct lvmd *l, struct guest *g, int why)
{
	uint32_t domid = g->rec.domid;
	int rc = 0;

	lvmd_guest_detach(l, g);
	if (xc_domain_destroy(l->xch, domid) != 0 && errno != ESRCH)
		rc = lvm_log_err(errno, "%s (d%u): xc_domain_destroy", g->rec.name,
				 domid);
	lvmd_guest_drop(l, g, why);
	return rc;
}

void lvmd_guest_reap_doomed(struct lvmd *l)
{
	struct guest *g = l->guests, *next;

	if (!l->any_doomed)
		return;
	l->any_doomed = false;   /* every doomed guest goes in this walk */
	for (; g; g = next) {
		next = g->next;
		if (!g->doom[0])
			continue;
		lvmd_console_note(l, g, "lvmd: %s; destroying the guest",
				  g->doom);
		lvmd_guest_destroy(l, g, -EPROTO);
	}
}

/* stopped_meanwhile: whether (g)'s domain has shut down (or is going),
 * which lvmd has not yet seen: a deadline is only judged against what the
 * hypervisor says now, not against how late lvmd's loop came round. */
static bool stopped_meanwhile(struct lvmd *l, const struct guest *g)
{
	xc_domaininfo_t di;

	/* gone (the reaper drops it), or shut down */
	return !lvmd_domain_live(l, g->rec.domid, g->rec.uuid, &di) ||
	       (di.flags & XEN_DOMINF_shutdown);
}

void lvmd_guest_timers(struct lvmd *l, uint64_t now, uint64_t *next)
{
	struct guest *g, *nx;

	if (!l->any_deadline)
		return;
	l->any_deadline = false;
	for (g = l->guests; g; g = nx) {
		nx = g->next;
		if (!g->req_deadline_ns)
			continue;
		if (now >= g->req_deadline_ns && stopped_meanwhile(l, g)) {
			/* It did stop: lvmd only saw it late (a long turn).
			 * The reaper, this turn, applies its policy. */
			g->req_deadline_ns = 0;
			l->reap_now = true;
			continue;
		}
		if (now >= g->req_deadline_ns) {
			lvm_log_warn(0, "%s (d%u): did not %s in time; destroying it",
				     g->rec.name, g->rec.domid,
				     g->req == NOXS_REQ_REBOOT ? "reboot" :
							     "shut down");
			lvmd_console_note(l, g, "lvmd: no shutdown in time; destroyed");
			lvmd_guest_destroy(l, g, -ETIMEDOUT);
			continue;
		}
		l->any_deadline = true; /* still pending */
		if (g->req_deadline_ns < *next)
			*next = g->req_deadline_ns;
	}
}

int lvmd_guest_info(struct lvmd *l, struct guest *g, struct lvm_info *out)
{
	xc_domaininfo_t di;

	memset(out, 0, sizeof(*out));
	if (xc_domain_getinfolist(l->xch, g->rec.domid, 1, &di) != 1 ||
	    di.domain != g->rec.domid)
		return -ESRCH;
	g->ctl->poll(l, g);
	return lvmd_guest_info_as(l, g, lvmd_domain_state(di.flags), out);
}
