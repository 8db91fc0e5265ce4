/*
 * shell.c — the image-independent half of a domain (engine.h): create the
 * PV domain, its vCPUs, its memory limit and memory, its event channels;
 * and throwing an unused shell away.
 *
 * A shell's builder state lives in sh->priv from prepare to finish or
 * discard: libxenguest's (struct xc_dom_image), or with sh->own our own
 * builder's (struct lvm_pv, pvbuild.c); either holds the p2m of the
 * populated memory, which the build in finish needs. sh->priv != NULL
 * means "a live shell whose domain this engine must destroy".
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xenctrl.h>
#include <xenguest.h>

#include "engine.h"
#include "engine_priv.h"
#include "steps.h"

/*
 * Limits given to Xen at creation. A unikernel guest uses a handful of
 * ports (console, sysctl, a few per device, VIRQs) and grants (a few per
 * device ring); these leave room without costing memory up front, as Xen
 * grows both tables on demand.
 */
#define SHELL_MAX_EVTCHN_PORT 1023
#define SHELL_MAX_GRANT_FRAMES 4
#define SHELL_MAX_MAPTRACK_FRAMES 4
#define SHELL_GRANT_VERSION 1

static atomic_bool use_xenguest;

void lvm_engine_use_xenguest(bool on)
{
	atomic_store(&use_xenguest, on);
}

/* xc_fail() - (err) says (what) failed for (domid); -errno (EIO if none). */
static int xc_fail(struct lvm_error *err, const char *what, uint32_t domid)
{
	return lvm_error_set(err, errno, "d%u: %s failed", domid, what);
}

/* alloc_port() - an unbound port of (domid) for dom0; 0 or -errno. */
static int alloc_port(xc_interface *xch, uint32_t domid, const char *what,
		      uint32_t *port, struct lvm_error *err)
{
	int r;

	errno = 0;
	r = xc_evtchn_alloc_unbound(xch, domid, 0);
	if (r < 0)
		return xc_fail(err, what, domid);
	*port = (uint32_t)r;
	return 0;
}

/*
 * dom_prepare() - libxenguest's part of a shell: its state for (domid),
 * typed x86_64 PV, and (memory_mb) MiB populated. Stores it in (*out).
 */
static int dom_prepare(xc_interface *xch, uint32_t domid, uint32_t memory_mb,
		       uint32_t vcpus, struct xc_dom_image **out,
		       struct lvm_error *err)
{
	struct xc_dom_image *dom;
	int rc = 0;

	dom = xc_dom_allocate(xch, NULL, NULL);
	if (dom == NULL)
		return lvm_error_set(err, ENOMEM, "d%u: xc_dom_allocate failed",
				     domid);
	dom->container_type = XC_DOM_PV_CONTAINER;
	dom->guest_type = LVM_GUEST_TYPE;
	dom->max_vcpus = vcpus;
	dom->flags = 0;
	dom->claim_enabled = 0;

	errno = 0;
	if (xc_dom_boot_xen_init(dom, xch, domid) != 0) {
		rc = xc_fail(err, "xc_dom_boot_xen_init", domid);
		goto out;
	}
	errno = 0;
	if (xc_dom_mem_init(dom, memory_mb) != 0) {
		rc = xc_fail(err, "xc_dom_mem_init", domid);
		goto out;
	}
	errno = 0;
	if (xc_dom_boot_mem_init(dom) != 0) {
		rc = xc_fail(err, "xc_dom_boot_mem_init (populating memory)",
			     domid);
		goto out;
	}
	*out = dom;
	dom = NULL;
out:
	if (dom != NULL)
		xc_dom_release(dom);
	return rc;
}

/* prepare() - lvm_shell_prepare(), with (xenguest): libxenguest's. */
static int prepare(xc_interface *xch, uint32_t memory_mb, uint32_t vcpus,
		   const uint8_t uuid[16], bool xenstore, bool xenguest,
		   struct lvm_shell *sh, struct lvm_error *err)
{
	struct xen_domctl_createdomain cfg;
	struct xc_dom_image *dom = NULL;
	struct lvm_pv *pv = NULL;
	uint64_t t0 = lvm_step_start();
	uint32_t domid = 0;
	bool created = false;
	int rc;

	if (xch == NULL || uuid == NULL || sh == NULL || vcpus == 0 ||
	    memory_mb < LVM_MIN_MEMORY_MB || memory_mb > LVM_MAX_MEMORY_MB)
		return lvm_error_set(err, EINVAL, "shell: bad arguments "
				     "(memory %u MiB, %u vcpus)", memory_mb,
				     vcpus);
	memset(sh, 0, sizeof(*sh));
	sh->own = !xenstore && !xenguest;
	if (!sh->own && memory_mb < LVM_XENGUEST_MIN_MB)
		return lvm_error_set(err, EINVAL, "shell: %u MiB: libxenguest "
				     "builds %u MiB or more (only noxs images "
				     "of our library OS, without XenStore, go "
				     "lower)", memory_mb, LVM_XENGUEST_MIN_MB);

	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.handle, uuid, sizeof(cfg.handle));
	cfg.max_vcpus = vcpus;
	cfg.max_evtchn_port = SHELL_MAX_EVTCHN_PORT;
	cfg.max_grant_frames = SHELL_MAX_GRANT_FRAMES;
	cfg.max_maptrack_frames = SHELL_MAX_MAPTRACK_FRAMES;
	cfg.grant_opts = XEN_DOMCTL_GRANT_version(SHELL_GRANT_VERSION);
	/* PV: no flags, no emulated devices (cfg.arch.emulation_flags 0). */

	errno = 0;
	if (xc_domain_create(xch, &domid, &cfg) != 0) {
		rc = xc_fail(err, "xc_domain_create", domid);
		goto out;
	}
	created = true;
	errno = 0;
	if (xc_domain_max_vcpus(xch, domid, vcpus) != 0) {
		rc = xc_fail(err, "xc_domain_max_vcpus", domid);
		goto out;
	}
	errno = 0;
	if (xc_domain_setmaxmem(xch, domid, (uint64_t)memory_mb * 1024) != 0) {
		rc = xc_fail(err, "xc_domain_setmaxmem", domid);
		goto out;
	}
	rc = alloc_port(xch, domid, "console event channel", &sh->console_port,
			err);
	if (rc)
		goto out;
	rc = alloc_port(xch, domid, "sysctl event channel", &sh->sysctl_port,
			err);
	if (rc)
		goto out;
	if (xenstore) {
		rc = alloc_port(xch, domid, "store event channel",
				&sh->store_port, err);
		if (rc)
			goto out;
	}
	if (sh->own)
		rc = lvm_pv_prepare(xch, domid, memory_mb, &pv, err);
	else
		rc = dom_prepare(xch, domid, memory_mb, vcpus, &dom, err);
	if (rc)
		goto out;

	sh->domid = domid;
	sh->memory_mb = memory_mb;
	sh->vcpus = vcpus;
	memcpy(sh->uuid, uuid, sizeof(sh->uuid));
	sh->priv = sh->own ? (void *)pv : (void *)dom;
	sh->t.prepare = lvm_step_ns(t0);
	created = false;
out:
	if (created) {
		lvm_domain_destroy(xch, domid, NULL);
		memset(sh, 0, sizeof(*sh));
	}
	return rc;
}

int lvm_shell_prepare(xc_interface *xch, uint32_t memory_mb, uint32_t vcpus,
		      const uint8_t uuid[16], bool xenstore,
		      struct lvm_shell *sh, struct lvm_error *err)
{
	return prepare(xch, memory_mb, vcpus, uuid, xenstore,
		       atomic_load(&use_xenguest), sh, err);
}

int lvm_shell_prepare_xenguest(xc_interface *xch, uint32_t memory_mb,
			       uint32_t vcpus, const uint8_t uuid[16],
			       struct lvm_shell *sh, struct lvm_error *err)
{
	return prepare(xch, memory_mb, vcpus, uuid, false, true, sh, err);
}

int lvm_shell_premap(struct lvm_shell *sh, uint32_t pages,
		     struct lvm_error *err)
{
	struct xc_dom_image *dom;
	int rc;

	if (sh == NULL || sh->priv == NULL || pages == 0 ||
	    sh->premap_pages != 0)
		return lvm_error_set(err, EINVAL,
				     "premap: no shell, or nothing to map");
	if (pages > LVM_PREMAP_MAX)
		pages = LVM_PREMAP_MAX;
	if (sh->own) {
		if (pages > sh->memory_mb << 8)
			pages = sh->memory_mb << 8;
		rc = lvm_pv_premap(sh->domid, sh->priv, pages, err);
		if (rc == 0)
			sh->premap_pages = pages;
		return rc;
	}
	dom = sh->priv;
	if (pages > dom->total_pages)
		pages = (uint32_t)dom->total_pages;
	/*
	 * libxenguest keeps the mapping in its list of mapped ranges; every
	 * later lookup inside it (segments, start info) is served from it,
	 * and it goes with the rest in xc_dom_boot_image().
	 */
	errno = 0;
	if (xc_dom_pfn_to_ptr(dom, dom->rambase_pfn, pages) == NULL)
		return xc_fail(err, "mapping the shell's first pages",
			       sh->domid);
	sh->premap_pages = pages;
	return 0;
}

void lvm_shell_discard(xc_interface *xch, struct lvm_shell *sh)
{
	if (sh != NULL && sh->warm != NULL) {
		lvm_warm_discard(xch, sh);
		return;
	}
	if (sh == NULL || sh->priv == NULL)
		return;
	if (sh->own)
		lvm_pv_free(sh->priv);
	else
		xc_dom_release(sh->priv);
	sh->priv = NULL;
	lvm_domain_destroy(xch, sh->domid, NULL);
	memset(sh, 0, sizeof(*sh));
}

void lvm_built_release(struct lvm_built *b)
{
	if (b == NULL)
		return;
	free(b->noxs_copy);
	b->noxs_copy = NULL;
	if (b->pages)
		munmap(b->pages, 2 * (size_t)XC_PAGE_SIZE);
	b->pages = NULL;
	if (b->start_info)
		munmap(b->start_info, XC_PAGE_SIZE);
	b->start_info = NULL;
}
