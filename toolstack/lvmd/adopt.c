/*
 * adopt.c — a restarted lvmd takes back its guests: each record in
 * STATE_DIR/registry whose domain still exists with the same uuid gets its
 * control chosen from the record and is adopted by its backends (pages
 * mapped, ports bound again); a guest its backends cannot take back is
 * destroyed (never left running unmanaged), a recorded guest that never
 * ran is run (the record is the create's commit); records of vanished domains
 * are deleted, as are pool shells' empty ones, unreadable ones moved
 * aside (see registry.h). Then every
 * domain of this instance is settled (settle.h): its shells and the guests
 * no record names are destroyed, each logged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "guest.h"
#include "lvmd.h"
#include "settle.h"
#include "toolstack/engine/log.h"
#include "toolstack/engine/uuid.h"
#include "vifaddr.h"

static void set_aside(const char *path, const char *err)
{
	char dst[4200];

	snprintf(dst, sizeof(dst), "%s.corrupt", path);
	if (rename(path, dst) == 0)
		lvm_log_warn(0, "registry record %s: %s; moved it to %s", path, err,
			     dst);
	else
		lvm_log_warn(errno, "registry record %s: %s; cannot move it aside",
			     path, err);
}

static void adopt_one(void *arg, const char *path, int rc,
		      struct lvm_reg_entry *e, const char *err)
{
	struct lvmd *l = arg;
	xc_domaininfo_t di;
	struct guest *g;
	bool run;

	if (rc == -EPROTO) {
		set_aside(path, err);
		return;
	}
	/* A pool shell's record file, made ahead and never written: the
	 * shell itself is destroyed below (settle). */
	if (rc == -ENODATA) {
		if (unlink(path) == 0)
			lvm_log_info("registry record %s: %s; removed", path, err);
		else
			lvm_log_warn(errno, "registry record %s: %s; cannot remove it",
				     path, err);
		return;
	}
	if (rc < 0) {
		lvm_log_warn(-rc, "registry record %s", path);
		return;
	}
	if (!lvmd_domain_live(l, e->domid, e->uuid, &di)) {
		lvm_log_info("%s (d%u): its domain is gone; forgetting it", e->name,
			     e->domid);
		lvm_reg_remove(l->reg_dir, e->domid);
		lvm_reg_entry_free(e);
		return;
	}
	/* Recorded, but never unpaused: lvmd stopped between the record and
	 * the unpause (lvmd_create_run() follows the reply). The record is
	 * the create's commit: its client may have been answered, so the
	 * guest is adopted and run now, as its create asked. */
	run = (di.flags & XEN_DOMINF_paused) && di.cpu_time == 0 &&
	      !e->created_paused && !e->preserved;
	if (lvmd_guest_by_name(l, e->name) || lvmd_guest_by_domid(l, e->domid)) {
		lvm_log_warn(0, "%s (d%u): a second record for this guest; ignored",
			     e->name, e->domid);
		lvm_reg_entry_free(e);
		return;
	}
	g = lvmd_guest_new(e, lvmd_control_of(e->store));
	if (!g) {
		lvm_log_err(ENOMEM, "%s: cannot adopt it", e->name);
		lvm_reg_entry_free(e);
		return;
	}
	lvmd_guest_insert(l, g);
	lvmd_vifs_reserve(l, g);
	/* A guest lvmd cannot serve (its pages or ports refused, e.g. it
	 * closed its own event channels) is not left running unmanaged. */
	if (!g->rec.preserved && lvmd_guest_adopt(l, g) < 0) {
		lvm_log_warn(0, "%s (d%u): its backends cannot take it back; destroying it",
			     g->rec.name, g->rec.domid);
		lvmd_guest_destroy(l, g, -EPROTO);
		return;
	}
	if (run) {
		lvm_log_warn(0, "%s (d%u): recorded, but lvmd stopped before it ran; running it now",
			     g->rec.name, g->rec.domid);
		if (lvmd_create_run(l, g, NULL) < 0)
			return;       /* destroyed, with its line */
	}
	g->ctl->poll(l, g);
	lvm_log_info("%s (d%u): adopted", g->rec.name, g->rec.domid);
}

/* settle_one: apply lvmd_settle_decide() to the domain (di), logged;
 * what was destroyed is counted in (n) (by enum lvmd_settle). */
static void settle_one(struct lvmd *l, const xc_domaininfo_t *di,
		       unsigned n[LVMD_SETTLE_KINDS])
{
	struct guest *g = lvmd_guest_by_domid(l, di->domain);
	bool managed = g && memcmp(g->rec.uuid, di->handle, 16) == 0;
	enum lvmd_settle what = lvmd_settle_decide(di->handle, l->instance,
						   managed);
	char u[37];

	if (what == LVMD_SETTLE_LEAVE || what == LVMD_SETTLE_KEEP)
		return;
	lvm_uuid_format(di->handle, u);
	if (xc_domain_destroy(l->xch, di->domain) != 0 && errno != ESRCH) {
		lvm_log_warn(errno, "d%u (%s): cannot destroy it", di->domain, u);
		return;
	}
	n[what]++;
	if (what == LVMD_SETTLE_DESTROY_SHELL)
		lvm_log_info("d%u (%s): a shell of a previous lvmd; destroyed",
			     di->domain, u);
	else if (what == LVMD_SETTLE_DESTROY_CODE)
		lvm_log_info("d%u (%s): a code holder of a previous lvmd; destroyed (its guests keep its pages)",
			     di->domain, u);
	else
		lvm_log_warn(0, "d%u (%s): a guest of ours that no record names (its create was cut short); destroyed",
			     di->domain, u);
	/* A shell's or a holder's name, if it had one (xsname.c). */
	if (what == LVMD_SETTLE_DESTROY_SHELL ||
	    what == LVMD_SETTLE_DESTROY_CODE)
		lvmd_names_forget(l, di->domain);
}

/* settle: every domain the hypervisor holds, but the dying. */
static void settle(struct lvmd *l)
{
	xc_domaininfo_t di[64];
	unsigned n[LVMD_SETTLE_KINDS] = { 0 };
	uint32_t next = 1;
	int r;

	while ((r = xc_domain_getinfolist(l->xch, next, 64, di)) > 0) {
		for (int i = 0; i < r; i++)
			if (!(di[i].flags & XEN_DOMINF_dying))
				settle_one(l, &di[i], n);
		next = di[r - 1].domain + 1;
	}
	if (n[LVMD_SETTLE_DESTROY_SHELL])
		lvm_log_info("destroyed %u shells of a previous lvmd",
			     n[LVMD_SETTLE_DESTROY_SHELL]);
	if (n[LVMD_SETTLE_DESTROY_GUEST])
		lvm_log_info("destroyed %u guests that no record names",
			     n[LVMD_SETTLE_DESTROY_GUEST]);
}

void lvmd_adopt(struct lvmd *l)
{
	int rc = lvm_reg_scan(l->reg_dir, adopt_one, l);

	if (rc < 0)
		lvm_log_warn(-rc, "cannot read the registry %s", l->reg_dir);
	lvmd_guest_reap_doomed(l);
	settle(l);
	l->reap_now = true;
}
