/*
 * reboot.c — a guest's reboot: its on_reboot (restart, destroy,
 * preserve), its restart budget and back-off (restart.h), and its rebuild
 * on a timer of the loop, so that a guest rebooting itself in a loop
 * neither holds lvmd's only thread nor restarts without end; and what a
 * stopped guest becomes (destroyed or preserved), shared with the reaper
 * (see lvmd.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "guest.h"
#include "lvmd.h"
#include "toolstack/common/clock.h"
#include "toolstack/engine/log.h"

void lvmd_guest_stopped(struct lvmd *l, struct guest *g, enum lvm_action act)
{
	g->rebuild_at_ns = 0;
	if (act != LVM_ACTION_PRESERVE) {
		lvmd_guest_destroy(l, g, 0);
		return;
	}
	lvmd_guest_detach(l, g);
	g->rec.preserved = true;
	g->req = 0;
	lvmd_guest_save(l, g);
	l->hooks->gone(l, g, 0);
}

bool lvmd_reboot_waiting(const struct guest *g)
{
	return g->rebuild_at_ns != 0;
}

void lvmd_reboot(struct lvmd *l, struct guest *g)
{
	const struct lvm_reg_entry *r = &g->rec;
	uint64_t now = lvm_now_ns(), delay;

	if (lvmd_reboot_waiting(g))
		return;
	if (r->on_reboot != LVM_ACTION_RESTART) {
		bool keep = r->on_reboot == LVM_ACTION_PRESERVE;

		lvm_log_info("%s (d%u): rebooted; on_reboot=%s: %s", r->name,
			     r->domid, lvm_action_name(r->on_reboot),
			     keep ? "preserved" : "destroying it");
		lvmd_console_note(l, g, "lvmd: the guest rebooted; on_reboot=%s",
				  lvm_action_name(r->on_reboot));
		snprintf(g->stop_note, sizeof(g->stop_note),
			 "rebooted and was %s (on_reboot=%s)",
			 keep ? "preserved" : "destroyed",
			 lvm_action_name(r->on_reboot));
		lvmd_guest_stopped(l, g, r->on_reboot);
		return;
	}
	if (lvmd_restart_next(&g->restarts, now, &delay) < 0) {
		lvm_log_warn(0, "%s (d%u): rebooted %u times in a row, each within %u s of its restart: past its restart budget; destroying it",
			     r->name, r->domid, g->restarts.count + 1,
			     LVMD_RESTART_WINDOW_MS / 1000);
		lvmd_console_note(l, g, "lvmd: the guest rebooted %u times in a row, each within %u s of its restart; destroyed (restart budget)",
				  g->restarts.count + 1,
				  LVMD_RESTART_WINDOW_MS / 1000);
		snprintf(g->stop_note, sizeof(g->stop_note),
			 "rebooted too often (%u times in a row) and was destroyed",
			 g->restarts.count + 1);
		lvmd_guest_stopped(l, g, LVM_ACTION_DESTROY);
		return;
	}
	/* now > 0 (monotonic), so a rebuild due at once is still "set". */
	g->rebuild_at_ns = now + delay;
	l->any_rebuild = true;
	if (delay)
		lvm_log_info("%s (d%u): rebooted; building it again in %llu ms (restart %u in a row of at most %d)",
			     r->name, r->domid,
			     (unsigned long long)(delay / 1000000),
			     g->restarts.count, LVMD_RESTART_BUDGET);
	else
		lvm_log_info("%s (d%u): rebooted; building it again", r->name,
			     r->domid);
}

void lvmd_reboot_cancel(struct lvmd *l, struct guest *g)
{
	g->rebuild_at_ns = 0;
	g->req = NOXS_REQ_POWEROFF;
	l->reap_now = true;
}

/*
 * rebuild: (g) rebooted and its wait is over: destroy it and build it
 * again (same name, uuid and config, its restart budget, a new domain).
 * The clients waiting for its reboot hear of it through the hooks
 * rebuilding and rebuilt.
 */
static void rebuild(struct lvmd *l, struct guest *g)
{
	struct lvm_reg_entry old = g->rec;
	struct lvmd_restarts restarts = g->restarts;
	struct lvm_req_cfg cfg;
	struct lvm_timing t = { 0 };
	struct guest *ng = NULL;
	char err[512];
	int rc;

	/* Keep the config: the old guest's record goes with it. */
	g->rec.kernel = NULL;
	g->rec.ramdisk = NULL;
	g->rec.cmdline = NULL;
	g->rec.noxs_copy = NULL;
	l->hooks->rebuilding(l, g);
	lvmd_console_note(l, g, "lvmd: rebooting");
	lvmd_guest_destroy(l, g, 0);
	cfg = (struct lvm_req_cfg){
		.name = old.name, .kernel = old.kernel, .ramdisk = old.ramdisk,
		.cmdline = old.cmdline, .memory_mb = old.memory_mb,
		.vcpus = old.vcpus, .on_poweroff = old.on_poweroff,
		.on_crash = old.on_crash, .on_reboot = old.on_reboot,
		.store = old.store, .nvifs = old.nvifs,
	};
	/* the same MACs and addresses: the old guest's went with it */
	memcpy(cfg.vifs, old.vifs, sizeof(cfg.vifs));
	rc = lvmd_create(l, &cfg, old.uuid, lvm_rdtsc(), &ng, &t, err,
			 sizeof(err));
	if (rc == 0 && (rc = lvmd_create_run(l, ng, NULL)) < 0)
		snprintf(err, sizeof(err), "cannot unpause it: %s",
			 strerror(-rc));
	lvmd_pools_kick(l);
	if (rc == 0) {
		ng->restarts = restarts;
		lvmd_create_settle(l, ng);
	}
	if (rc < 0)
		lvm_log_err(-rc, "%s: cannot build it again after its reboot: %s",
			old.name, err);
	else
		lvm_log_info("%s (d%u): built again after a reboot", old.name,
			 ng->rec.domid);
	l->hooks->rebuilt(l, old.name, rc < 0 ? NULL : ng, rc, err);
	lvm_reg_entry_free(&old);
}

void lvmd_reboot_timers(struct lvmd *l, uint64_t now, uint64_t *next)
{
	struct guest *g, *nx;

	if (!l->any_rebuild)
		return;
	l->any_rebuild = false;
	/* A rebuilt guest goes to the head of the list: not seen again in
	 * this pass, and no other guest is dropped by a rebuild. */
	for (g = l->guests; g; g = nx) {
		nx = g->next;
		if (!lvmd_reboot_waiting(g))
			continue;
		if (now >= g->rebuild_at_ns) {
			g->rebuild_at_ns = 0;
			rebuild(l, g);
			continue;
		}
		l->any_rebuild = true; /* still waiting */
		if (g->rebuild_at_ns < *next)
			*next = g->rebuild_at_ns;
	}
}
