/*
 * warm.c — shells built ahead for one image (engine.h: lvm_shell_prebuild):
 * what the build left to do at the claim, and doing it.
 *
 * A warm shell is a domain whose kernel, page tables, start info and vCPU
 * are in place, still paused and never run, so its memory is exactly what
 * the builder wrote. What depends on the request is written at the claim,
 * through mappings made ahead: the command line (start info) and the
 * device page (name, uuid, create_tsc). The device page's mapping, with the
 * console ring before it, is handed over to the caller (lvm_built's pages),
 * who serves both with it: the claim maps nothing. The domain handle is set
 * if the request brings its own uuid.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define XC_WANT_COMPAT_MAP_FOREIGN_API 1 /* xc_map_foreign_pages() */
#include <xenctrl.h>

#include "engine.h"
#include "engine_priv.h"
#include "steps.h"

#define PAGE 4096u

/* What a warm shell keeps (sh->warm). */
struct lvm_warm {
	struct lvm_file_id file;     /* the image it holds */
	struct lvm_built b;          /* frames and ports, from the build */
	void *si;                    /* start info */
	void *pages;                 /* the console ring, the device page */
};

/* unmap() - (w)'s mappings that are still its own. */
static void unmap(struct lvm_warm *w)
{
	if (w->si)
		munmap(w->si, PAGE);
	if (w->pages)
		munmap(w->pages, 2 * PAGE);
}

int lvm_warm_keep(xc_interface *xch, struct lvm_shell *sh,
		  const struct lvm_image *img, struct lvm_built *b,
		  struct lvm_error *err)
{
	xen_pfn_t si = b->start_info_mfn;
	xen_pfn_t frames[2] = { b->console_mfn, b->noxs_mfn };
	struct lvm_warm *w = calloc(1, sizeof(*w));
	void *pages = b->pages;      /* the build's, made ahead, or NULL */
	int rc;

	b->pages = NULL;
	if (w == NULL) {
		if (pages != NULL)
			munmap(pages, 2 * PAGE);
		rc = lvm_error_set(err, ENOMEM, "d%u: warm shell", sh->domid);
		goto fail;
	}
	/* The console ring and device page: as the build mapped them ahead
	 * (pvbuild.c), or mapped now. */
	w->pages = pages;
	errno = 0;
	w->si = xc_map_foreign_pages(xch, sh->domid, PROT_READ | PROT_WRITE,
				     &si, 1);
	if (w->si != NULL && w->pages == NULL)
		w->pages = xc_map_foreign_pages(xch, sh->domid,
						PROT_READ | PROT_WRITE, frames,
						2);
	if (w->si == NULL || w->pages == NULL) {
		rc = lvm_error_set(err, errno, "d%u: mapping start info, the "
				   "console ring and the device page",
				   sh->domid);
		goto fail;
	}
	w->file = img->file;
	w->b = *b;
	w->b.noxs_copy = NULL;
	sh->warm = w;
	return 0;
fail:
	if (w)
		unmap(w);
	free(w);
	lvm_domain_destroy(xch, sh->domid, NULL);
	return rc;
}

/* same_image() - whether (img) is the file (w) was built from. */
static bool same_image(const struct lvm_warm *w, const struct lvm_image *img)
{
	return lvm_file_match(&w->file, &img->file) == LVM_FILE_SAME;
}

bool lvm_shell_fits(const struct lvm_shell *sh, const struct lvm_image *img)
{
	if (sh == NULL || img == NULL)
		return false;
	if (sh->warm == NULL)
		return sh->priv != NULL;
	return same_image(sh->warm, img);
}

uint64_t lvm_shell_noxs_mfn(const struct lvm_shell *sh)
{
	const struct lvm_warm *w = sh ? sh->warm : NULL;

	return w ? w->b.noxs_mfn : 0;
}

uint32_t lvm_shell_vif0(const struct lvm_shell *sh, const uint64_t **mfn)
{
	const struct lvm_warm *w = sh ? sh->warm : NULL;

	if (!w || !w->b.vif0_frames)
		return 0;
	*mfn = w->b.vif0_mfn;
	return w->b.vif0_frames;
}

/* destroy() - end (sh)'s domain and its warm state. */
static void destroy(xc_interface *xch, struct lvm_shell *sh,
		    struct lvm_warm *w)
{
	unmap(w);
	free(w);
	lvm_domain_destroy(xch, sh->domid, NULL);
}

void lvm_warm_discard(xc_interface *xch, struct lvm_shell *sh)
{
	struct lvm_warm *w = sh->warm;

	sh->warm = NULL;
	destroy(xch, sh, w);
	memset(sh, 0, sizeof(*sh));
}

/* claim() - write the request's parts; 0 or -errno. */
static int claim(xc_interface *xch, struct lvm_shell *sh, struct lvm_warm *w,
		 const struct lvm_finish_req *req, struct lvm_built *out,
		 struct lvm_error *err)
{
	start_info_t *si = w->si;
	struct noxs_page *copy = NULL;
	xen_domain_handle_t handle;
	uint64_t t0 = lvm_step_start();
	int rc;

	if (req->ramdisk != NULL || !same_image(w, req->img))
		return lvm_error_set(err, EINVAL, "d%u: the shell was built "
				     "ahead for another image%s", sh->domid,
				     req->ramdisk ? " (and no ramdisk)" : "");
	if (req->uuid != NULL && memcmp(req->uuid, sh->uuid, 16) != 0) {
		memcpy(handle, req->uuid, sizeof(handle));
		errno = 0;
		if (xc_domain_sethandle(xch, sh->domid, handle) != 0)
			return lvm_error_set(err, errno, "d%u: "
					     "xc_domain_sethandle failed",
					     sh->domid);
	}
	/* As the builder does: at most MAX_GUEST_CMDLINE - 1 bytes. */
	memset(si->cmd_line, 0, sizeof(si->cmd_line));
	if (req->cmdline != NULL)
		strncpy((char *)si->cmd_line, req->cmdline,
			sizeof(si->cmd_line) - 1);
	sh->t.build = lvm_step_ns(t0);

	t0 = lvm_step_start();
	rc = lvm_devpage_make(xch, sh, req, w->b.console_gfn, &copy, err);
	if (rc)
		return rc;
	memcpy((char *)w->pages + PAGE, copy, sizeof(*copy));
	sh->t.devices = lvm_step_ns(t0);

	sh->t.load = 0;              /* loaded ahead */
	*out = w->b;
	out->t = sh->t;
	out->noxs_copy = copy;
	out->pages = w->pages;       /* handed over */
	w->pages = NULL;
	out->start_info = w->si;     /* and this: an unmap here took 0.3 to
					0.8 ms of the create in the box */
	w->si = NULL;
	return 0;
}

int lvm_warm_finish(xc_interface *xch, struct lvm_shell *sh,
		    const struct lvm_finish_req *req, struct lvm_built *out,
		    struct lvm_error *err)
{
	struct lvm_warm *w = sh->warm;
	int rc;

	sh->warm = NULL;
	if (req == NULL || req->img == NULL || out == NULL) {
		rc = lvm_error_set(err, EINVAL, "d%u: finish: no request",
				   sh->domid);
		destroy(xch, sh, w);
		return rc;
	}
	memset(out, 0, sizeof(*out));
	rc = claim(xch, sh, w, req, out, err);
	if (rc) {
		destroy(xch, sh, w);
		memset(out, 0, sizeof(*out));
		return rc;
	}
	unmap(w);
	free(w);
	return 0;
}
