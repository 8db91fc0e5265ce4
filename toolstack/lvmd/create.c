/*
 * create.c — building a guest for a request: checks, its control (noxs or
 * XenStore) chosen once, a shell from the pool when one of the exact shape
 * is ready (noxs mode only; a claimed shell found gone falls back to the
 * cold path), with the vifs it made ahead handed to the guest for the vif
 * backend, else the engine's cold path (lvm_shell_prepare +
 * lvm_shell_finish back to back); then, while the guest is still paused,
 * the backends and the record (a record that cannot be written fails the
 * create); the unpause is lvmd_create_run(), which the caller calls once
 * its reply has left (see lvmd.h; a guest built again after its reboot
 * is reboot.c's).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "guest.h"
#include "lvmd.h"
#include "toolstack/common/errf.h"
#include "toolstack/engine/engine.h"
#include "toolstack/engine/log.h"
#include "toolstack/engine/steps.h"
#include "toolstack/engine/uuid.h"
#include "vifaddr.h"
#include "xsvif.h"

/* What a claimed pool shell made ahead, until the guest has it: dom0's
 * ends of its console and sysctl ports (-1: none) and its vifs. */
struct made_ahead {
	int cons_lport, sys_lport;
	int rec_fd;                  /* the record file of domain (domid) */
	uint32_t domid;
	unsigned n;
	struct lvmd_vif_ready vif[LVM_VIFS_MAX];
};

/* ready_release: what (r) still holds, released (each once). */
static void ready_release(struct lvmd *l, struct made_ahead *r)
{
	lvmd_port_release_ahead(l->xce, &r->cons_lport);
	lvmd_port_release_ahead(l->xce, &r->sys_lport);
	lvm_reg_discard_new(l->reg_dir, r->domid, &r->rec_fd);
	lvmd_vif_ready_close(l->netpath, r->vif, &r->n);
}

/* engine_fail: the engine's own line (e) for (rc), unchanged. */
static int engine_fail(const struct lvm_error *e, int rc, char *err,
		       size_t errlen)
{
	if (e->msg[0])
		snprintf(err, errlen, "%s", e->msg);
	else
		snprintf(err, errlen, "%s", strerror(-rc));
	return rc;
}

static int check(struct lvmd *l, const struct lvm_req_cfg *c, char *err,
		 size_t errlen)
{
	struct guest *other;
	xc_physinfo_t pi;
	uint64_t free_mb;

	if (lvm_name_check(c->name) < 0)
		return lvm_errf(err, errlen, EINVAL,
			        "name '%s': must be 1..%d characters of A-Z a-z 0-9 . _ - and not a number",
			        LVM_ESCAPED(c->name, 80), LVM_NAME_MAX);
	other = lvmd_guest_by_name(l, c->name);
	if (other)
		return lvm_errf(err, errlen, EEXIST,
			        "name '%s' is taken (domain %u)", c->name,
			        other->rec.domid);
	if (c->kernel[0] != '/')
		return lvm_errf(err, errlen, EINVAL,
			        "kernel '%s': lvmd needs an absolute path",
			        LVM_ESCAPED(c->kernel, 200));
	if (c->ramdisk && c->ramdisk[0] != '/')
		return lvm_errf(err, errlen, EINVAL,
			        "ramdisk '%s': lvmd needs an absolute path",
			        LVM_ESCAPED(c->ramdisk, 200));
	if (c->vcpus < 1 || c->vcpus > LVM_MAX_VCPUS)
		return lvm_errf(err, errlen, EINVAL,
			        "vcpus: %u is out of range (1..%d)", c->vcpus,
			        LVM_MAX_VCPUS);
	if (c->memory_mb < LVM_MIN_MEMORY_MB || c->memory_mb > LVM_MAX_MEMORY_MB)
		return lvm_errf(err, errlen, EINVAL,
			        "memory: %u MiB is out of range (%d..%u MiB)",
			        c->memory_mb, LVM_MIN_MEMORY_MB, LVM_MAX_MEMORY_MB);
	/* A ready shell of this shape has its memory already (no hypercall
	 * on the pool's path); otherwise shells of other shapes give theirs
	 * back until the request fits. */
	if (c->store != LVM_STORE_XENSTORE &&
	    lvmd_pools_has(l, c->memory_mb, c->vcpus))
		return 0;
	memset(&pi, 0, sizeof(pi));
	if (xc_physinfo(l->xch, &pi) != 0)
		return lvm_errf(err, errlen, errno ? errno : EIO,
			        "cannot ask the hypervisor for free memory: %s",
			        strerror(errno ? errno : EIO));
	free_mb = pi.free_pages / 256;
	while (c->memory_mb > free_mb) {
		uint32_t freed;

		if (!lvmd_pools_steal(l, c->memory_mb, c->vcpus, &freed))
			break;
		free_mb += freed;
	}
	if (c->memory_mb > free_mb)
		return lvm_errf(err, errlen, ENOMEM,
			        "memory: %u MiB requested, the hypervisor has %llu MiB free",
			        c->memory_mb, (unsigned long long)free_mb);
	return 0;
}

/*
 * app_needs: what the application note of (img) asks of a create (cfg):
 * its memory floor (less is refused), a vif when it needs one and none is
 * given (one made with every default), a warning in (warn) for a vif
 * given to an application that needs none. (*out) is (cfg) with those
 * changes. 0 or -EINVAL with one line in (err).
 */
static int app_needs(const struct lvm_image *img, const struct lvm_req_cfg *cfg,
		     struct lvm_req_cfg *out, char *warn, size_t warnlen,
		     char *err, size_t errlen)
{
	const struct app_note *a = &img->app;

	*out = *cfg;
	if (!img->has_app)
		return 0;
	if (cfg->memory_mb < a->memory_mb)
		return lvm_errf(err, errlen, EINVAL,
				"%s (%s %s) needs at least %u MiB, its manifest's floor; %u MiB asked",
				LVM_ESCAPED(cfg->kernel, 120), a->name,
				a->version, a->memory_mb, cfg->memory_mb);
	if ((a->devices & APP_DEV_VIF) && cfg->nvifs == 0) {
		memset(&out->vifs[0], 0, sizeof(out->vifs[0]));
		out->nvifs = 1;
	}
	if (!(a->devices & APP_DEV_VIF) && cfg->nvifs > 0)
		snprintf(warn, warnlen,
			 "%s's manifest needs no vif: its %u vif%s will not be used",
			 a->name, cfg->nvifs, cfg->nvifs == 1 ? "" : "s");
	return 0;
}

/* record: (rec) filled from (c) and (b), strings copied. */
static int record(struct lvm_reg_entry *rec, const struct lvm_req_cfg *c,
		  const uint8_t uuid[16], const struct lvm_built *b)
{
	memset(rec, 0, sizeof(*rec));
	snprintf(rec->name, sizeof(rec->name), "%s", c->name);
	rec->domid = b->domid;
	memcpy(rec->uuid, uuid, 16);
	rec->kernel = strdup(c->kernel);
	rec->ramdisk = c->ramdisk ? strdup(c->ramdisk) : NULL;
	rec->cmdline = c->cmdline ? strdup(c->cmdline) : NULL;
	rec->memory_mb = c->memory_mb;
	rec->vcpus = c->vcpus;
	rec->on_poweroff = c->on_poweroff;
	rec->on_crash = c->on_crash;
	rec->on_reboot = c->on_reboot;
	rec->store = c->store;
	rec->created_ns = lvm_real_ns();
	rec->created_paused = c->paused;
	rec->console_gfn = b->console_gfn;
	rec->console_mfn = b->console_mfn;
	rec->console_port = b->console_port;
	if (b->noxs_copy) {
		rec->noxs = true;
		rec->noxs_gfn = b->noxs_gfn;
		rec->noxs_mfn = b->noxs_mfn;
		rec->sysctl_port = b->sysctl_port;
		rec->request_seq = b->noxs_copy->sysctl.request_seq;
		rec->noxs_copy = malloc(sizeof(*rec->noxs_copy));
		if (rec->noxs_copy)
			memcpy(rec->noxs_copy, b->noxs_copy,
			       sizeof(*rec->noxs_copy));
	}
	if (!rec->kernel || (c->ramdisk && !rec->ramdisk) ||
	    (c->cmdline && !rec->cmdline) || (b->noxs_copy && !rec->noxs_copy)) {
		lvm_reg_entry_free(rec);
		return -ENOMEM;
	}
	return 0;
}

/*
 * prepare: a shell for (cfg): libxenguest's for XenStore mode or a
 * ramdisk (our own builder takes none), else our builder's.
 */
static int prepare(struct lvmd *l, const struct lvm_req_cfg *cfg,
		   const struct lvmd_control *ctl, const uint8_t uuid[16],
		   struct lvm_shell *sh, struct lvm_error *e)
{
	if (!ctl->xenstore && cfg->ramdisk != NULL)
		return lvm_shell_prepare_xenguest(l->xch, cfg->memory_mb,
						  cfg->vcpus, uuid, sh, e);
	return lvm_shell_prepare(l->xch, cfg->memory_mb, cfg->vcpus, uuid,
				 ctl->xenstore, sh, e);
}

/*
 * build: prepare a shell for (cfg) on the request's path (a shell of
 * another shape gives its memory back if the hypervisor has too little)
 * and finish it with (req). 0 or -errno, the line in (e).
 */
static int build(struct lvmd *l, const struct lvm_req_cfg *cfg,
		 const struct lvmd_control *ctl, const uint8_t uuid[16],
		 const struct lvm_finish_req *req, struct lvm_shell *sh,
		 struct lvm_built *b, struct lvm_error *e)
{
	uint32_t freed;
	int rc;

	rc = prepare(l, cfg, ctl, uuid, sh, e);
	if (rc == -ENOMEM &&
	    lvmd_pools_steal(l, cfg->memory_mb, cfg->vcpus, &freed))
		rc = prepare(l, cfg, ctl, uuid, sh, e);
	return rc < 0 ? rc : lvm_shell_finish(l->xch, sh, req, b, e);
}

/*
 * claim_and_build: finish a ready pool shell of (cfg)'s shape with (req);
 * with none, or when the claimed shell's domain turned
 * out to be gone (destroyed behind lvmd's back), build() on the cold
 * path. The claim's time and whether it hit in (t). The ports and vifs
 * the shell made ahead go to (ready) (the caller's from then on) when its
 * finish worked, else they are released. 0 or -errno, the line in (e).
 */
static int claim_and_build(struct lvmd *l, const struct lvm_req_cfg *cfg,
			   const struct lvmd_control *ctl,
			   const uint8_t uuid[16], struct lvm_finish_req *req,
			   struct lvm_built *b, struct lvm_timing *t,
			   struct made_ahead *ready, struct lvm_error *e)
{
	struct lvm_shell sh = { 0 };
	struct lvmd_shell *claimed = NULL;
	uint64_t t0 = lvm_step_start();
	xc_domaininfo_t di;
	uint8_t handle[16];
	uint32_t domid;
	int rc;

	t->pool_hit = false;
	if (ctl->xenstore)
		lvmd_pools_miss(l, cfg->memory_mb, cfg->vcpus);
	else
		claimed = lvmd_pools_claim(l, cfg->memory_mb, cfg->vcpus,
					   req->img, cfg->ramdisk != NULL);
	if (claimed) {
		sh = claimed->sh;
		ready->cons_lport = claimed->cons_lport;
		ready->sys_lport = claimed->sys_lport;
		ready->rec_fd = claimed->rec_fd;
		ready->domid = claimed->sh.domid;
		ready->n = claimed->nvifs;
		memcpy(ready->vif, claimed->vif, sizeof(ready->vif));
		free(claimed);
		t->claim_ns = lvm_step_ns(t0);
		domid = sh.domid;
		memcpy(handle, sh.uuid, sizeof(handle));
		rc = lvm_shell_finish(l->xch, &sh, req, b, e);
		if (rc < 0)
			ready_release(l, ready);
		/* A shell destroyed behind lvmd's back fails wherever the
		 * build first touches it (a mapping made ahead still writes):
		 * the hypervisor says whether it is gone. */
		if (rc < 0 && rc != -ESRCH &&
		    !lvmd_domain_live(l, domid, handle, &di))
			rc = -ESRCH;
		if (rc != -ESRCH) {
			t->pool_hit = rc == 0;
			return rc;
		}
		/* Its siblings may be gone too: none is counted ready any
		 * more (lvm pool), the refill thread makes new ones. */
		lvm_log_warn(0, "pool %u MiB x %u vCPUs: shell d%u is gone (%s); building %s cold, the pool refilled",
			     cfg->memory_mb, cfg->vcpus, sh.domid, e->msg,
			     cfg->name);
		lvmd_pools_retire(l, cfg->memory_mb, cfg->vcpus);
		lvm_error_clear(e);
		memset(&sh, 0, sizeof(sh));
	}
	return build(l, cfg, ctl, uuid, req, &sh, b, e);
}

/*
 * probe: with -v, one debug line for the new guest (g): our builder's
 * steps (b->own), logged when the build is done.
 */
static void probe(const struct guest *g, const struct lvm_built *b)
{
	lvm_log_debug("%s (d%u): build map %.3f write %.3f unmap %.3f hypercall %.3f pin %.3f code %.3f context %.3f ms, %u pages of code shared%s",
		      g->rec.name, g->rec.domid, b->own.map / 1e6,
		      b->own.write / 1e6, b->own.unmap / 1e6,
		      b->own.hypercall / 1e6, b->own.pin / 1e6,
		      b->own.code / 1e6, b->own.context / 1e6, b->code_pages,
		      b->tables_ahead ? " (tables ahead)" :
		      b->premap_used ? " (premapped)" : "");
}

/*
 * probe_run: with -v, one debug line for (g), just unpaused in
 * (unpause_ns): what the unpause let the guest do before it returned,
 * the CPU time its vCPU 0 has used (XEN_DOMCTL_getvcpuinfo, itself
 * timed, as the cost of a domctl that wakes nothing). Costs one
 * hypercall.
 */
static void probe_run(struct lvmd *l, const struct guest *g,
		      uint64_t unpause_ns)
{
	xc_vcpuinfo_t vi;
	uint64_t t0 = lvm_step_start(), info_ns;
	int rc;

	memset(&vi, 0, sizeof(vi));
	rc = xc_vcpu_getinfo(l->xch, g->rec.domid, 0, &vi);
	info_ns = lvm_step_ns(t0);
	lvm_log_debug("%s (d%u): unpause %.3f ms, then a getvcpuinfo %.3f ms: vCPU 0 %s, had run %.3f ms",
		      g->rec.name, g->rec.domid, unpause_ns / 1e6,
		      info_ns / 1e6,
		      rc < 0 ? "unknown" : vi.running ? "running" :
		      vi.blocked ? "blocked" : "runnable",
		      rc < 0 ? 0.0 : vi.cpu_time / 1e6);
}

/*
 * settle_new: the new, still paused guest (g) (in no table yet) served
 * and known before it runs: put in the tables, its backends attached
 * (its console log appended to when (keep_log), a guest built again),
 * its record written. Returns (g), or NULL with (*rc) -errno, one line in
 * (err) and the reason logged: (g) and its domain are then destroyed, no
 * record left.
 */
static struct guest *settle_new(struct lvmd *l, struct guest *g,
				bool keep_log, char *err, size_t errlen,
				int *rc)
{
	uint64_t t0;

	lvmd_guest_insert(l, g);
	*rc = lvmd_guest_attach(l, g, keep_log ? LVMD_ATTACH_KEEP_LOG :
						 LVMD_ATTACH_LOG_LATER);
	/* The vif backend took what it uses of the vifs made ahead; the rest
	 * (its attach not reached) goes. */
	lvmd_vif_ready_close(l->netpath, g->vif_ready, &g->nvif_ready);
	if (*rc < 0) {
		/* The backend's own reason when it gave one. */
		if (g->attach_err[0])
			lvm_errf(err, errlen, -*rc, "d%u: %s", g->rec.domid,
				 g->attach_err);
		else
			lvm_errf(err, errlen, -*rc, "d%u: cannot serve its console, device page or vifs: %s",
				 g->rec.domid, strerror(-*rc));
		goto fail;
	}
	t0 = lvm_step_start();
	*rc = lvmd_guest_save_new(l, g);
	l->t_attach.save = lvm_step_ns(t0);
	if (*rc < 0) {
		lvm_errf(err, errlen, -*rc, "cannot write its record in %s: %s",
			 LVM_ESCAPED(l->reg_dir, 200), strerror(-*rc));
		goto fail;
	}
	return g;
fail:
	lvm_log_warn(-*rc, "%s (d%u): not created; destroying it", g->rec.name,
		     g->rec.domid);
	lvmd_guest_destroy(l, g, *rc);
	return NULL;
}

int lvmd_create(struct lvmd *l, const struct lvm_req_cfg *cfg,
		const uint8_t *uuid_in, uint64_t create_tsc, struct guest **out,
		struct lvm_timing *t, char *err, size_t errlen)
{
	struct lvm_finish_req req = { 0 };
	struct lvm_built b = { 0 };
	struct lvm_error e = { 0 };
	struct lvm_reg_entry rec;
	struct lvm_req_cfg app_cfg;
	char warn[160] = "";
	struct lvm_vif vifs[LVM_VIFS_MAX];
	struct made_ahead ready = { .cons_lport = -1, .sys_lport = -1,
				    .rec_fd = -1 };
	unsigned nvifs = 0;
	char *xs_cmdline = NULL;
	struct lvm_image *img = NULL;
	struct guest *g = NULL;
	bool img_owned = false;
	uint8_t uuid[16];
	const struct lvmd_control *ctl;
	uint64_t t0;
	int rc;

	*out = NULL;
	rc = check(l, cfg, err, errlen);
	if (rc < 0)
		return rc;
	t0 = lvm_step_start();
	rc = lvmd_image_get(l, cfg->kernel, &img, &img_owned, &e);
	if (rc < 0)
		return engine_fail(&e, rc, err, errlen);
	t->load_ns = lvm_step_ns(t0);
	/* What the application's manifest asks, if lvm build made it. */
	rc = app_needs(img, cfg, &app_cfg, warn, sizeof(warn), err, errlen);
	if (rc < 0)
		goto out;
	cfg = &app_cfg;
	if (cfg->store == LVM_STORE_NOXS && !img->noxs_vaddr) {
		rc = lvm_errf(err, errlen, EINVAL,
			      "image %s has no noxs note (store mode noxs)",
			      cfg->kernel);
		goto out;
	}
	/* The guest's control, once. A guest without the noxs note looks
	 * for its devices in XenStore. */
	ctl = lvmd_control_of(cfg->store == LVM_STORE_AUTO && !img->noxs_vaddr ?
			      LVM_STORE_XENSTORE : cfg->store);
	rc = ctl->reach ? ctl->reach(l) : 0;
	if (rc < 0) {
		rc = lvm_errf(err, errlen, EHOSTUNREACH,
			      "%s needs XenStore mode (%s), but xenstored is not reachable: %s",
			      cfg->kernel,
			      img->noxs_vaddr ? "--xenstore" : "no noxs note",
			      strerror(-rc));
		goto out;
	}
	/* Vifs whose bridge is missing are refused before anything is built. */
	rc = lvmd_vif_check(l, cfg->vifs, cfg->nvifs, ctl->xenstore, err,
			    errlen);
	if (rc < 0)
		goto out;
	/* Addresses held from here until the guest is dropped (guest.c),
	 * or until out: below while nvifs is set. */
	rc = lvmd_vifs_resolve(l, cfg, vifs, &nvifs, err, errlen);
	if (rc < 0)
		goto out;
	if (uuid_in)
		memcpy(uuid, uuid_in, 16);
	else if ((rc = lvm_uuid_new(LVM_UUID_GUEST, l->instance, uuid)) < 0) {
		rc = lvm_errf(err, errlen, -rc, "no random uuid: %s",
			      strerror(-rc));
		goto out;
	}
	req.uuid = uuid;
	req.img = img;
	req.name = cfg->name;
	req.cmdline = cfg->cmdline;
	/* A stock guest learns vif 0's address from its command line (the
	 * record keeps the one asked for). */
	if (ctl->xenstore && lvmd_xsvif_cmdline(l, vifs, nvifs, cfg->cmdline,
						&xs_cmdline) < 0) {
		rc = lvm_errf(err, errlen, ENOMEM, "out of memory");
		goto out;
	}
	if (xs_cmdline)
		req.cmdline = xs_cmdline;
	req.ramdisk = cfg->ramdisk;
	req.create_tsc = create_tsc;
	rc = claim_and_build(l, cfg, ctl, uuid, &req, &b, t, &ready, &e);
	if (rc < 0) {
		rc = engine_fail(&e, rc, err, errlen);
		goto out;
	}
	/* A pool shell was prepared off the request's path. */
	t->prepare_ns = t->pool_hit ? 0 : b.t.prepare;
	t->load_ns += b.t.load;
	t->build_ns = b.t.build;
	t0 = lvm_step_start();
	rc = record(&rec, cfg, uuid, &b);
	if (rc == 0) {
		memcpy(rec.vifs, vifs, sizeof(rec.vifs));
		rec.nvifs = nvifs;
		if (img->has_app) {
			memcpy(rec.app.name, img->app.name, sizeof(rec.app.name));
			memcpy(rec.app.version, img->app.version,
			       sizeof(rec.app.version));
			memcpy(rec.app.build_id, img->app.build_id,
			       sizeof(rec.app.build_id));
		}
	}
	if (rc == 0 && !(g = lvmd_guest_new(&rec, ctl))) {
		lvm_reg_entry_free(&rec);
		rc = -ENOMEM;
	}
	if (rc < 0) {
		lvm_errf(err, errlen, ENOMEM, "out of memory");
		goto fail_domain;
	}
	rc = ctl->introduce ? ctl->introduce(l, g, &b, &e) : 0;
	if (rc < 0) {
		rc = engine_fail(&e, rc, err, errlen);
		goto fail_domain;
	}
	nvifs = 0;                   /* (g) holds them now */
	g->nvif_ready = ready.n;     /* and the vifs made ahead */
	memcpy(g->vif_ready, ready.vif, sizeof(ready.vif));
	ready.n = 0;
	g->cons_lport = ready.cons_lport; /* and dom0's ports bound ahead */
	g->sys_lport = ready.sys_lport;
	ready.cons_lport = ready.sys_lport = -1;
	g->rec_fd = ready.rec_fd;    /* and its record's file */
	ready.rec_fd = -1;
	memset(&l->t_attach, 0, sizeof(l->t_attach));
	lvmd_guest_take_pages(g, &b);
	g = settle_new(l, g, uuid_in != NULL, err, errlen, &rc);
	if (!g)
		goto out;
	t->devices_ns = b.t.devices + lvm_step_ns(t0);
	t->map_ns = l->t_attach.map;
	t->bind_ns = l->t_attach.bind;
	t->log_ns = l->t_attach.log;
	t->save_ns = l->t_attach.save;
	if (l->probe)
		probe(g, &b);
	if (b.code_note.code)        /* its code not shared: why */
		lvm_log_warn(0, "%s (d%u): %s", g->rec.name, g->rec.domid,
			     b.code_note.msg);
	memcpy(g->warning, warn, sizeof(g->warning));
	*out = g;
	g = NULL;
	rc = 0;
	goto out;
fail_domain:
	if (g) {
		lvmd_guest_free(g);
		g = NULL;
	}
	xc_domain_destroy(l->xch, b.domid);
out:
	ready_release(l, &ready);
	free(xs_cmdline);
	lvmd_vifs_release(l, vifs, nvifs);
	lvm_built_release(&b);
	if (img_owned)
		lvm_image_free(img);
	return rc;
}

int lvmd_create_run(struct lvmd *l, struct guest *g, uint64_t *unpause_ns)
{
	uint64_t t0 = lvm_step_start(), took;
	int rc;

	if (xc_domain_unpause(l->xch, g->rec.domid) != 0) {
		rc = -(errno ? errno : EIO);
		lvm_log_err(-rc, "%s (d%u): cannot unpause it; destroying it",
			    g->rec.name, g->rec.domid);
		lvmd_guest_destroy(l, g, rc);
		return rc;
	}
	took = lvm_step_ns(t0);
	if (unpause_ns)
		*unpause_ns = took;
	if (l->probe)
		probe_run(l, g, took);
	return 0;
}

void lvmd_create_settle(struct lvmd *l, struct guest *g)
{
	/* lvmd_create() attached the backends (the log kept for a guest
	 * built again) and wrote the record before the guest ran; a new
	 * guest's console log is opened now, after the reply (nothing of its
	 * console was handled yet: this is the same turn of the loop). */
	lvmd_console_open_later(l, g);
	if (g->rec_fd >= 0) {        /* written: the file made ahead */
		close(g->rec_fd);
		g->rec_fd = -1;
	}
	lvmd_backends_settle(l, g);
	g->ctl->poll(l, g);
}
