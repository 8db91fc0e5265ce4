/*
 * create.c — building a guest for a request: checks, a shell from the
 * pool when one of the exact shape is ready (noxs mode only), else the
 * engine's cold path (lvm_shell_prepare + lvm_shell_finish back to back),
 * the backends, the record, unpause (see lvmd.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lvmd.h"
#include "toolstack/engine/xs_compat.h"
#include "toolstack/engine/engine.h"
#include "toolstack/engine/log.h"

__attribute__((format(printf, 4, 5)))
static int refuse(char *err, size_t errlen, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -errnum;
}

/* engine_fail: the engine's own line for (rc), else strerror. */
static int engine_fail(struct lvmd *l, int rc, char *err, size_t errlen)
{
	if (l->last_err[0])
		snprintf(err, errlen, "%s", l->last_err);
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
		return refuse(err, errlen, EINVAL,
			      "name '%s': must be 1..%d characters of A-Z a-z 0-9 . _ - and not a number",
			      LVM_ESCAPED(c->name, 80), LVM_NAME_MAX);
	other = lvmd_guest_by_name(l, c->name);
	if (other)
		return refuse(err, errlen, EEXIST,
			      "name '%s' is taken (domain %u)", c->name,
			      other->rec.domid);
	if (c->kernel[0] != '/')
		return refuse(err, errlen, EINVAL,
			      "kernel '%s': lvmd needs an absolute path",
			      LVM_ESCAPED(c->kernel, 200));
	if (c->ramdisk && c->ramdisk[0] != '/')
		return refuse(err, errlen, EINVAL,
			      "ramdisk '%s': lvmd needs an absolute path",
			      LVM_ESCAPED(c->ramdisk, 200));
	if (c->vcpus < 1 || c->vcpus > LVM_MAX_VCPUS)
		return refuse(err, errlen, EINVAL,
			      "vcpus: %u is out of range (1..%d)", c->vcpus,
			      LVM_MAX_VCPUS);
	if (c->memory_mb < LVM_MIN_MEMORY_MB || c->memory_mb > LVM_MAX_MEMORY_MB)
		return refuse(err, errlen, EINVAL,
			      "memory: %u MiB is out of range (%d..%u MiB)",
			      c->memory_mb, LVM_MIN_MEMORY_MB, LVM_MAX_MEMORY_MB);
	memset(&pi, 0, sizeof(pi));
	if (xc_physinfo(l->xch, &pi) != 0)
		return refuse(err, errlen, errno ? errno : EIO,
			      "cannot ask the hypervisor for free memory: %s",
			      strerror(errno ? errno : EIO));
	free_mb = pi.free_pages / 256;
	/* A ready shell of this shape has its memory already; otherwise
	 * shells of other shapes give theirs back until the request fits. */
	if (c->memory_mb > free_mb && c->store != LVM_STORE_XENSTORE &&
	    lvmd_pools_has(l, c->memory_mb, c->vcpus))
		return 0;
	while (c->memory_mb > free_mb) {
		uint32_t freed;

		if (!lvmd_pools_steal(l, c->memory_mb, c->vcpus, &freed))
			break;
		free_mb += freed;
	}
	if (c->memory_mb > free_mb)
		return refuse(err, errlen, ENOMEM,
			      "memory: %u MiB requested, the hypervisor has %llu MiB free",
			      c->memory_mb, (unsigned long long)free_mb);
	return 0;
}

static int new_uuid(uint8_t u[16])
{
	memcpy(u, LVMD_UUID_PREFIX, LVMD_UUID_PREFIX_LEN);
	if (getrandom(u + LVMD_UUID_PREFIX_LEN, 16 - LVMD_UUID_PREFIX_LEN, 0) !=
	    16 - LVMD_UUID_PREFIX_LEN)
		return -errno;
	return 0;
}


/*
 * xs_introduce: XenStore mode: write (g)'s tree and introduce it to
 * xenstored, mark its record as a XenStore guest.
 */
static int xs_introduce(struct lvmd *l, struct guest *g,
			const struct lvm_built *b, char *err, size_t errlen)
{
	struct lvm_xs_dom d = {
		.domid = g->rec.domid, .name = g->rec.name, .uuid = g->rec.uuid,
		.memory_mb = g->rec.memory_mb, .vcpus = g->rec.vcpus,
		.store_mfn = b->store_mfn, .store_port = b->store_port,
	};
	int rc;

	rc = lvm_xs_introduce(l->xs, &d);
	if (rc < 0)
		return engine_fail(l, rc, err, errlen);
	g->rec.store = LVM_STORE_XENSTORE;
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
	rec->store = c->store;
	rec->created_ns = lvmd_real_ns();
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

int lvmd_create(struct lvmd *l, const struct lvm_req_cfg *cfg,
		const uint8_t *uuid_in, uint64_t create_tsc, struct guest **out,
		struct lvm_timing *t, char *err, size_t errlen)
{
	struct lvm_finish_req req = { 0 };
	struct lvm_built b = { 0 };
	struct lvm_reg_entry rec;
	struct lvm_image *img = NULL;
	struct lvm_shell sh = { 0 }, *claimed;
	struct guest *g = NULL;
	uint32_t freed;
	bool img_owned = false;
	uint8_t uuid[16];
	uint64_t t0;
	bool xs_mode;
	int rc;

	*out = NULL;
	rc = check(l, cfg, err, errlen);
	if (rc < 0)
		return rc;
	l->last_err[0] = '\0';
	t0 = lvmd_now_ns();
	rc = lvmd_image_get(l, cfg->kernel, &img, &img_owned);
	if (rc < 0)
		return engine_fail(l, rc, err, errlen);
	t->load_ns = lvmd_now_ns() - t0;
	if (cfg->store == LVM_STORE_NOXS && !img->noxs_vaddr) {
		rc = refuse(err, errlen, EINVAL,
			    "image %s has no noxs note (store mode noxs)",
			    cfg->kernel);
		goto out;
	}
	/* A guest without the noxs note looks for its devices in XenStore. */
	xs_mode = cfg->store == LVM_STORE_XENSTORE ||
		  (cfg->store == LVM_STORE_AUTO && !img->noxs_vaddr);
	if (xs_mode && !lvmd_xs(l)) {
		rc = refuse(err, errlen, EHOSTUNREACH,
			    "%s needs XenStore mode (%s), but xenstored is not reachable: %s",
			    cfg->kernel,
			    img->noxs_vaddr ? "--xenstore" : "no noxs note",
			    strerror(errno));
		goto out;
	}
	if (uuid_in)
		memcpy(uuid, uuid_in, 16);
	else if ((rc = new_uuid(uuid)) < 0) {
		rc = refuse(err, errlen, -rc, "no random uuid: %s",
			    strerror(-rc));
		goto out;
	}
	t0 = lvmd_now_ns();
	claimed = xs_mode ? NULL :
		  lvmd_pools_claim(l, cfg->memory_mb, cfg->vcpus, img,
				   cfg->ramdisk != NULL);
	if (xs_mode)
		lvmd_pools_miss(l, cfg->memory_mb, cfg->vcpus);
	if (claimed) {
		sh = *claimed;
		free(claimed);
		req.uuid = uuid;
		t->claim_ns = lvmd_now_ns() - t0;
		t->pool_hit = true;
	} else {
		rc = lvm_shell_prepare(l->xch, cfg->memory_mb, cfg->vcpus, uuid,
				       xs_mode, &sh);
		/* Out of memory: a shell of another shape gives its back. */
		if (rc == -ENOMEM &&
		    lvmd_pools_steal(l, cfg->memory_mb, cfg->vcpus, &freed))
			rc = lvm_shell_prepare(l->xch, cfg->memory_mb,
					       cfg->vcpus, uuid, xs_mode, &sh);
		if (rc < 0) {
			rc = engine_fail(l, rc, err, errlen);
			goto out;
		}
	}
	req.img = img;
	req.name = cfg->name;
	req.cmdline = cfg->cmdline;
	req.ramdisk = cfg->ramdisk;
	req.create_tsc = create_tsc;
	rc = lvm_shell_finish(l->xch, &sh, &req, &b);
	if (rc < 0) {
		rc = engine_fail(l, rc, err, errlen);
		goto out;
	}
	/* A pool shell was prepared off the request's path. */
	t->prepare_ns = t->pool_hit ? 0 : b.t.prepare;
	t->load_ns += b.t.load;
	t->build_ns = b.t.build;
	t0 = lvmd_now_ns();
	rc = record(&rec, cfg, uuid, &b);
	if (rc == 0 && !(g = lvmd_guest_new(&rec))) {
		lvm_reg_entry_free(&rec);
		rc = -ENOMEM;
	}
	if (rc < 0) {
		refuse(err, errlen, ENOMEM, "out of memory");
		goto fail_domain;
	}
	/*
	 * The backends attach in lvmd_create_settle(), after the reply: the
	 * guest's first words wait in its ring, and an event it sends to a
	 * port dom0 has not bound yet is dropped, which costs nothing, since
	 * attaching drains the ring and reads the device page anyway.
	 */
	if (xs_mode) {
		rc = xs_introduce(l, g, &b, err, errlen);
		if (rc < 0)
			goto fail_domain;
	}
	lvmd_guest_insert(l, g);
	t->devices_ns = b.t.devices + (lvmd_now_ns() - t0);
	if (!cfg->paused) {
		t0 = lvmd_now_ns();
		if (xc_domain_unpause(l->xch, g->rec.domid) != 0) {
			rc = refuse(err, errlen, errno ? errno : EIO,
				    "d%u: cannot unpause: %s", g->rec.domid,
				    strerror(errno ? errno : EIO));
			lvmd_guest_destroy(l, g, rc);
			g = NULL;
			goto out;
		}
		t->unpause_ns = lvmd_now_ns() - t0;
	}
	*out = g;
	g = NULL;
	rc = 0;
	goto out;
fail_domain:
	if (g) {
		lvmd_guest_detach(l, g);
		lvm_reg_entry_free(&g->rec);
		free(g);
		g = NULL;
	}
	xc_domain_destroy(l->xch, b.domid);
out:
	lvm_built_release(&b);
	if (img_owned)
		lvm_image_free(img);
	return rc;
}

int lvmd_create_settle(struct lvmd *l, struct guest *g, bool keep_log)
{
	uint64_t t0 = lvmd_now_ns();
	int rc;

	rc = lvmd_guest_attach(l, g, LVMD_ATTACH_NEW |
				     (keep_log ? 0 : LVMD_ATTACH_TRUNC));
	if (rc < 0) {
		lvm_warn(-rc, "%s (d%u): backends failed; destroying it",
			 g->rec.name, g->rec.domid);
		lvmd_guest_destroy(l, g, rc);
		return rc;
	}
	lvm_debug("%s (d%u): backends attached in %.3f ms", g->rec.name,
		  g->rec.domid, (lvmd_now_ns() - t0) / 1e6);
	lvmd_guest_save(l, g);
	/* The guest may be ready already: its event came before the bind. */
	lvmd_sysctl_poll(l, g);
	return 0;
}
