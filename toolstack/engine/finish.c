/*
 * finish.c — the image-dependent half of a domain (engine.h): hand the
 * image to our own builder (pvbuild.c, a shell prepared for it) or to
 * libxenguest, build it, write the device page, boot it, seed the
 * grant table; the domain is left paused.
 *
 * The device page is written between xc_dom_build_image() (the image is
 * then in guest memory, mapped in dom0) and xc_dom_boot_image() (which
 * unmaps everything).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenguest.h>

#include "engine.h"
#include "engine_priv.h"
#include "steps.h"

/* dom_fail() - (err) says (what) failed; -errno, or -(dflt) if none. */
static int dom_fail(struct lvm_error *err, const char *what, uint32_t domid,
		    int dflt)
{
	int e = errno ? errno : dflt;

	return lvm_error_set(err, e, "d%u: %s failed", domid, what);
}

/* load() - give the image, ramdisk and command line to the builder. */
static int load(struct xc_dom_image *dom, const struct lvm_shell *sh,
		const struct lvm_finish_req *req, struct lvm_error *err)
{
	const struct lvm_image *img = req->img;
	xen_domain_handle_t handle;
	char fdpath[32];
	struct stat st;
	int fd, rc, e;

	if (req->uuid != NULL && memcmp(req->uuid, sh->uuid, 16) != 0) {
		memcpy(handle, req->uuid, sizeof(handle));
		errno = 0;
		if (xc_domain_sethandle(dom->xch, sh->domid, handle) != 0)
			return dom_fail(err, "xc_domain_sethandle", sh->domid,
					EIO);
	}
	if (req->cmdline != NULL) {
		dom->cmdline = xc_dom_strdup(dom, req->cmdline);
		if (dom->cmdline == NULL)
			return lvm_error_set(err, ENOMEM, "d%u: command line",
					     sh->domid);
	}
	errno = 0;
	if (xc_dom_kernel_mem(dom, img->blob, img->blob_size) != 0)
		return dom_fail(err, "xc_dom_kernel_mem", sh->domid, EINVAL);
	if (req->ramdisk != NULL) {
		/* Opened here, never blocking, and checked regular; the
		 * builder reads that same file through /proc/self/fd. */
		rc = lvm_open_regular("ramdisk", req->ramdisk, &fd, &st,
				      err);
		if (rc < 0)
			return rc;
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
		errno = 0;
		rc = xc_dom_module_file(dom, fdpath, NULL);
		e = errno;
		close(fd);
		errno = e;
		if (rc != 0)
			return dom_fail(err, req->ramdisk, sh->domid, EIO);
	}

	dom->console_evtchn = sh->console_port;
	dom->console_domid = 0;
	if (sh->store_port != 0) {
		dom->xenstore_evtchn = sh->store_port;
		dom->xenstore_domid = 0;
	} else {
		/*
		 * The builder makes a store page anyway; naming the guest
		 * itself as its backend keeps it out of the grant table.
		 */
		dom->xenstore_evtchn = 0;
		dom->xenstore_domid = sh->domid;
	}

	errno = 0;
	if (xc_dom_parse_image(dom) != 0) {
		errno = 0;
		return dom_fail(err, "xc_dom_parse_image (image rejected)",
				sh->domid, EINVAL);
	}
	if (dom->guest_type == NULL ||
	    strcmp(dom->guest_type, LVM_GUEST_TYPE) != 0)
		return lvm_error_set(err, EINVAL, "d%u: image of type %s, "
				     "not %s", sh->domid, dom->guest_type ?
				     dom->guest_type : "?", LVM_GUEST_TYPE);
	return 0;
}

/*
 * locate_devpage() - the image's device page in guest memory: where dom0
 * has it mapped (*dst) and its gfn (*gfn). Only inside the kernel's own
 * pages, never the builder's.
 */
static int locate_devpage(struct xc_dom_image *dom, const struct lvm_shell *sh,
			  const struct lvm_image *img, void **dst, uint64_t *gfn,
			  struct lvm_error *err)
{
	uint64_t vaddr = img->noxs_vaddr, base = xc_dom_virt_base(dom);
	size_t safe = 0;

	if (vaddr < dom->kernel_seg.vstart || vaddr < base ||
	    dom->kernel_seg.vend < NOXS_PAGE_SIZE ||
	    vaddr > dom->kernel_seg.vend - NOXS_PAGE_SIZE ||
	    (vaddr - base) % NOXS_PAGE_SIZE != 0)
		return lvm_error_set(err, EINVAL, "d%u: device page 0x%llx "
				     "is outside the loaded kernel", sh->domid,
				     (unsigned long long)vaddr);
	*dst = xc_dom_vaddr_to_ptr(dom, vaddr, &safe);
	if (*dst == NULL || safe < NOXS_PAGE_SIZE)
		return lvm_error_set(err, EINVAL, "d%u: device page 0x%llx "
				     "not mapped", sh->domid,
				     (unsigned long long)vaddr);
	*gfn = (vaddr - base) / NOXS_PAGE_SIZE;
	return 0;
}

/*
 * write_devpage() - fill the image's device page in guest memory and keep
 * a copy in (*copy); its gfn in (*gfn). With (ahead) (a shell built
 * before its request) only locate it: the page is written at the claim.
 */
static int write_devpage(struct xc_dom_image *dom, const struct lvm_shell *sh,
			 const struct lvm_finish_req *req, bool ahead,
			 struct noxs_page **copy, uint64_t *gfn,
			 struct lvm_error *err)
{
	void *dst = NULL;
	int rc;

	rc = locate_devpage(dom, sh, req->img, &dst, gfn, err);
	if (rc || ahead)
		return rc;
	rc = lvm_devpage_make(dom->xch, sh, req, dom->console_pfn, copy, err);
	if (rc)
		return rc;
	memcpy(dst, *copy, sizeof(**copy));
	return 0;
}

/*
 * Pages the builder puts after the kernel, at most, for an image that fits
 * a premap (LVM_PREMAP_MAX pages or less, so an initial mapping under
 * 8 MiB): start info, store and console pages, boot stack (4) and page
 * tables (L4, L3, L2 and up to 5 L1), with room to spare. The p2m list
 * comes on top (premap_fits()).
 */
#define BUILD_EXTRA_PAGES 24u

/*
 * premap_fits() - whether everything the builder will place for (dom),
 * parsed, lies inside the first (premap) pages: from the start of memory
 * to the end of the kernel, the p2m list, and BUILD_EXTRA_PAGES. A
 * segment straddling the end of the premap would make the build fail.
 */
static bool premap_fits(struct xc_dom_image *dom, uint32_t premap,
			bool ramdisk)
{
	uint64_t base = xc_dom_virt_base(dom), end = dom->kernel_seg.vend;
	uint64_t kernel_pages, p2m_pages;

	/* (uint64_t)-1: the image named no virt_base (libelf's "unset"). */
	if (ramdisk || base == UINT64_MAX || end < base ||
	    dom->kernel_seg.vstart < base)
		return false;
	kernel_pages = (end - base + 4095) / 4096;
	p2m_pages = (dom->total_pages * 8 + 4095) / 4096;
	return kernel_pages + p2m_pages + BUILD_EXTRA_PAGES <= premap;
}

/*
 * boot() - page tables, start info, vCPU; then the grant table, if
 * (gnttab).
 */
static int boot(struct xc_dom_image *dom, uint32_t domid, bool gnttab,
		uint64_t *t_boot, uint64_t *t_gnttab, struct lvm_error *err)
{
	uint64_t t0 = lvm_step_start();

	errno = 0;
	if (xc_dom_boot_image(dom) != 0)
		return dom_fail(err, "xc_dom_boot_image", domid, EINVAL);
	*t_boot = lvm_step_ns(t0);
	if (!gnttab)
		return 0;
	t0 = lvm_step_start();
	errno = 0;
	if (xc_dom_gnttab_init(dom) != 0)
		return dom_fail(err, "xc_dom_gnttab_init", domid, EIO);
	*t_gnttab = lvm_step_ns(t0);
	return 0;
}

/*
 * own_finish() - finish() of a shell of our own builder (pvbuild.c).
 */
static int own_finish(xc_interface *xch, struct lvm_shell *sh,
		      const struct lvm_finish_req *req, bool ahead,
		      struct lvm_built *out, struct lvm_error *err)
{
	struct lvm_pv *pv = sh->priv;
	xen_domain_handle_t handle;
	int rc;

	sh->priv = NULL;
	if (req == NULL || req->img == NULL || out == NULL) {
		rc = lvm_error_set(err, EINVAL, "d%u: finish: no request",
				   sh->domid);
		goto out;
	}
	memset(out, 0, sizeof(*out));
	if (req->ramdisk != NULL) {
		rc = lvm_error_set(err, EINVAL, "d%u: %s: a noxs image takes "
				   "no ramdisk", sh->domid, req->ramdisk);
		goto out;
	}
	if (req->uuid != NULL && memcmp(req->uuid, sh->uuid, 16) != 0) {
		memcpy(handle, req->uuid, sizeof(handle));
		errno = 0;
		if (xc_domain_sethandle(xch, sh->domid, handle) != 0) {
			rc = dom_fail(err, "xc_domain_sethandle", sh->domid,
				      EIO);
			goto out;
		}
	}
	rc = lvm_pv_build(xch, sh, pv, req, ahead, out, err);
	/* A pool shell's claim leaves its mapping to lvm_engine_reap(). */
	if (rc == 0 && !ahead && lvm_pv_defer(pv))
		pv = NULL;
out:
	lvm_pv_free(pv);
	if (rc) {
		lvm_domain_destroy(xch, sh->domid, NULL);
		if (out != NULL)
			memset(out, 0, sizeof(*out));
	}
	return rc;
}

/*
 * finish() - lvm_shell_finish(), or with (ahead) the build of a shell
 * before any request (lvm_shell_prebuild): the device page only located,
 * and its frame and start info's in (*out).
 */
static int finish(xc_interface *xch, struct lvm_shell *sh,
		  const struct lvm_finish_req *req, bool ahead,
		  struct lvm_built *out, struct lvm_error *err)
{
	struct xc_dom_image *dom;
	struct noxs_page *copy = NULL;
	uint64_t noxs_gfn = 0, t0, t_boot = 0, t_gnttab = 0;
	int rc;

	if (xch == NULL || sh == NULL)
		return lvm_error_set(err, EINVAL, "finish: no shell");
	if (sh->warm != NULL && !ahead)
		return lvm_warm_finish(xch, sh, req, out, err);
	if (sh->priv == NULL)
		return lvm_error_set(err, EINVAL, "finish: no shell");
	if (sh->own)
		return own_finish(xch, sh, req, ahead, out, err);
	dom = sh->priv;
	sh->priv = NULL;
	/* The shell may have been prepared with another handle (lvmd's refill
	 * thread has its own): from now on libxenguest uses (xch). */
	dom->xch = xch;
	if (req == NULL || req->img == NULL || out == NULL) {
		rc = lvm_error_set(err, EINVAL, "d%u: finish: no request",
				   sh->domid);
		goto out;
	}
	memset(out, 0, sizeof(*out));

	t0 = lvm_step_start();
	rc = load(dom, sh, req, err);
	if (rc)
		goto out;
	if (sh->premap_pages != 0) {
		out->premap_used = premap_fits(dom, sh->premap_pages,
					       req->ramdisk != NULL);
		if (!out->premap_used)
			xc_dom_unmap_all(dom);
	}
	sh->t.load = lvm_step_ns(t0);

	t0 = lvm_step_start();
	errno = 0;
	if (xc_dom_build_image(dom) != 0) {
		rc = dom_fail(err, "xc_dom_build_image", sh->domid, EINVAL);
		goto out;
	}
	sh->t.build = lvm_step_ns(t0);

	t0 = lvm_step_start();
	if (req->img->noxs_vaddr != 0) {
		rc = write_devpage(dom, sh, req, ahead, &copy, &noxs_gfn,
				   err);
		if (rc)
			goto out;
	}
	sh->t.devices = lvm_step_ns(t0);

	if (dom->bootstack_pfn >= dom->rambase_pfn)
		out->footprint_pages =
			(uint32_t)(dom->bootstack_pfn - dom->rambase_pfn + 1);
	rc = boot(dom, sh->domid, req->img->noxs_vaddr == 0 ||
		  sh->store_port != 0, &t_boot, &t_gnttab, err);
	if (rc)
		goto out;
	sh->t.build += t_boot;
	sh->t.devices += t_gnttab;

	out->domid = sh->domid;
	out->t = sh->t;
	out->console_gfn = dom->console_pfn;
	out->console_mfn = xc_dom_p2m(dom, dom->console_pfn);
	out->console_port = sh->console_port;
	out->sysctl_port = sh->sysctl_port;
	if (req->img->noxs_vaddr != 0) {
		out->noxs_gfn = noxs_gfn;
		out->noxs_mfn = xc_dom_p2m(dom, noxs_gfn);
	}
	out->start_info_mfn = xc_dom_p2m(dom, dom->start_info_pfn);
	if (sh->store_port != 0) {
		out->store_gfn = dom->xenstore_pfn;
		out->store_mfn = xc_dom_p2m(dom, dom->xenstore_pfn);
		out->store_port = sh->store_port;
	}
	out->noxs_copy = copy;
	copy = NULL;
out:
	xc_dom_release(dom);
	if (rc) {
		lvm_domain_destroy(xch, sh->domid, NULL);
		free(copy);
		if (out != NULL)
			memset(out, 0, sizeof(*out));
	}
	return rc;
}

int lvm_shell_finish(xc_interface *xch, struct lvm_shell *sh,
		     const struct lvm_finish_req *req, struct lvm_built *out,
		     struct lvm_error *err)
{
	return finish(xch, sh, req, false, out, err);
}

int lvm_shell_prebuild(xc_interface *xch, struct lvm_shell *sh,
		       const struct lvm_image *img, struct lvm_error *err)
{
	struct lvm_finish_req req = { .img = img };
	struct lvm_built b;
	int rc;

	if (xch == NULL || sh == NULL || sh->priv == NULL || sh->warm != NULL)
		return lvm_error_set(err, EINVAL, "prebuild: no shell");
	if (img == NULL || img->noxs_vaddr == 0 || sh->store_port != 0)
		return lvm_error_set(err, EINVAL, "prebuild: only images with "
				     "a noxs note, without XenStore, are built "
				     "ahead");
	rc = finish(xch, sh, &req, true, &b, err);
	if (rc)
		return rc;
	return lvm_warm_keep(xch, sh, img, &b, err);
}
