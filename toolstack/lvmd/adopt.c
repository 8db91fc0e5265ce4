/*
 * adopt.c — a restarted lvmd takes back its guests: each record in
 * STATE_DIR/registry whose domain still exists with the same uuid gets its
 * control chosen from the record and is adopted by its backends (pages
 * mapped, ports bound again); records of vanished domains are deleted,
 * unreadable ones moved aside (see registry.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "guest.h"
#include "lvmd.h"
#include "toolstack/engine/log.h"
#include "toolstack/engine/uuid.h"

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

	if (rc == -EPROTO) {
		set_aside(path, err);
		return;
	}
	if (rc < 0) {
		lvm_log_warn(-rc, "registry record %s", path);
		return;
	}
	if (xc_domain_getinfolist(l->xch, e->domid, 1, &di) != 1 ||
	    di.domain != e->domid || memcmp(di.handle, e->uuid, 16) != 0 ||
	    (di.flags & XEN_DOMINF_dying)) {
		lvm_log_info("%s (d%u): its domain is gone; forgetting it", e->name,
			     e->domid);
		lvm_reg_remove(l->reg_dir, e->domid);
		lvm_reg_entry_free(e);
		return;
	}
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
	if (!g->rec.preserved && lvmd_guest_adopt(l, g) < 0) {
		lvm_log_warn(0, "%s (d%u): cannot take it back; it runs on, unmanaged",
			     g->rec.name, g->rec.domid);
		lvm_reg_remove(l->reg_dir, g->rec.domid);
		lvmd_guest_free(g);
		return;
	}
	lvmd_guest_insert(l, g);
	g->ctl->poll(l, g);
	lvm_log_info("%s (d%u): adopted", g->rec.name, g->rec.domid);
}

void lvmd_adopt(struct lvmd *l)
{
	int rc = lvm_reg_scan(l->reg_dir, adopt_one, l);

	if (rc < 0)
		lvm_log_warn(-rc, "cannot read the registry %s", l->reg_dir);
	lvmd_guest_reap_doomed(l);
	l->reap_now = true;
}

unsigned lvmd_destroy_stale_shells(struct lvmd *l)
{
	xc_domaininfo_t di[64];
	uint32_t next = 1;
	unsigned n = 0;
	int r;

	while ((r = xc_domain_getinfolist(l->xch, next, 64, di)) > 0) {
		for (int i = 0; i < r; i++) {
			if (lvm_uuid_kind(di[i].handle) != LVM_UUID_SHELL)
				continue;
			if (xc_domain_destroy(l->xch, di[i].domain) != 0) {
				lvm_log_warn(errno, "d%u: cannot destroy a stale shell",
					     di[i].domain);
				continue;
			}
			n++;
		}
		next = di[r - 1].domain + 1;
	}
	if (n)
		lvm_log_info("destroyed %u shells of a previous lvmd", n);
	return n;
}
