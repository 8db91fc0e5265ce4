/*
 * pvbuild.c — our own x86_64 PV domain builder, for the images our
 * library OS makes (a noxs note, segments elfnote.c could plan), on
 * libxenctrl alone. libxenguest (shell.c, finish.c) stays for the rest.
 *
 * Prepare (image-independent, may run off the request path):
 *   populate the memory, one 4 KiB extent per frame, which gives each
 *   frame's machine frame (the p2m) and sets Xen's M2P for it; clear the
 *   shared info page and mask every vCPU's events in it; take the
 *   hypercall buffer the vCPU context will be set through.
 * Premap (a pool's shell, on lvmd's refill thread; still image-
 *   independent): write the page tables of frames 0 .. span-1 at the
 *   span's top (layout.c, lvm_layout_ahead) through a mapping of their
 *   own, unmap it (a pinned table may have no writable mapping in dom0)
 *   and pin the L4; then map the frames below the tables as one
 *   mapping, where the image will go; then what an image of our library
 *   OS (entry at frame 0's address, hypercall page at the next) needs
 *   of Xen at its start, made ahead: the hypercall page, and vCPU 0's
 *   context (the stack, start info and the tables are at fixed frames).
 * Build (at the request, or ahead of it for a warm shell):
 *   lay the guest out (layout.c); in a premapped shell whose tables are
 *   pinned, place the image below them, else the usual order, with its
 *   footprint (frames 0 .. the boot stack) mapped as one mapping. Copy
 *   the segments and zero the rest, write the p2m list, start info, the
 *   tables (unless pinned ahead) and the device page; let Xen write the
 *   hypercall page, pin the L4 (unless pinned ahead; the footprint is
 *   unmapped first) and set vCPU 0's context, each unless made ahead
 *   for this image's addresses (the hypercall page then kept out of
 *   the image's copy). The domain stays paused.
 *   A claim of a pool's shell leaves its mapping and hypercall buffer to
 *   lvm_engine_reap() (the refill thread), off the request's path; every
 *   other build, and any failure, releases them at once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define XC_WANT_COMPAT_MAP_FOREIGN_API 1 /* xc_map_foreign_pages() */
#include <xenctrl.h>

#include "code.h"
#include "engine.h"
#include "engine_priv.h"
#include "layout.h"
#include "steps.h"

#define PAGE LVM_LAYOUT_PAGE
#define POPULATE_BATCH (1u << 18)    /* frames per populate call: 1 GiB */
#define CTX_PAGES ((sizeof(vcpu_guest_context_any_t) + PAGE - 1) / PAGE)
#define REAP_MAX 32u                 /* builds left for lvm_engine_reap() */
#define AHEAD_VIRT_BASE 0ull         /* where our library OS links */
#define AHEAD_ENTRY AHEAD_VIRT_BASE  /* ... its entry point */
#define AHEAD_HYPERCALL_PFN 1ull     /* ... its hypercall page's frame */

_Static_assert(sizeof(xen_pfn_t) == sizeof(uint64_t), "xen_pfn_t size");

/* A shell of our builder (sh->priv when sh->own). */
struct lvm_pv {
	xc_interface *xch;           /* prepare's: premap, hypercall buffer */
	uint64_t nr_pages;
	uint64_t *p2m;               /* frame -> machine frame */
	uint64_t shared_info_mfn;
	void *premap;                /* frames 0 .. premap_pages-1, or NULL */
	uint32_t premap_pages;
	bool ahead;                  /* tables pinned at premap: lo_ahead */
	bool hypercall_ahead;        /* frame AHEAD_HYPERCALL_PFN written */
	bool context_ahead;          /* vCPU 0 set for AHEAD_ENTRY */
	struct lvm_layout lo_ahead;
	void *pages;                 /* frames (pages_at) mapped ahead: the
					console ring, the device page */
	uint64_t pages_at;           /* console << 32 | device page */
	xc_hypercall_buffer_t ctx_hb; /* vCPU 0's context, hypercall-safe */
	vcpu_guest_context_any_t *ctx;
	struct lvm_pv *next;         /* in the reap list */
};

/* The frames of the console ring and the device page in the last build
 * (console << 32 | device page; 0: none yet): a premap maps those two
 * ahead, so that a claim for an image laid out the same (a pool's next
 * create of the same image, most often) hands them over mapped
 * (lvm_built's pages) and its caller maps nothing. */
static _Atomic uint64_t pages_last;

void lvm_engine_pages_forget(void)
{
	atomic_store(&pages_last, 0);
}

/* Builds of pool shells whose release waits for lvm_engine_reap(). */
static struct {
	pthread_mutex_t mu;
	struct lvm_pv *head;
	unsigned n;
} reap = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* pv_fail() - (err) says (what) failed for (domid); -errno (EIO if none). */
static int pv_fail(struct lvm_error *err, const char *what, uint32_t domid)
{
	return lvm_error_set(err, errno ? errno : EIO, "d%u: %s failed", domid,
			     what);
}

/* populate() - give (domid) (pv->nr_pages) frames, their mfns in p2m. */
static int populate(xc_interface *xch, uint32_t domid, struct lvm_pv *pv,
		    struct lvm_error *err)
{
	uint64_t i, n;

	for (i = 0; i < pv->nr_pages; i++)
		pv->p2m[i] = i;
	for (i = 0; i < pv->nr_pages; i += n) {
		n = pv->nr_pages - i;
		if (n > POPULATE_BATCH)
			n = POPULATE_BATCH;
		errno = 0;
		if (xc_domain_populate_physmap_exact(xch, domid, n, 0, 0,
				(xen_pfn_t *)pv->p2m + i) != 0)
			return lvm_error_set(err, errno ? errno : ENOMEM,
					     "d%u: populating %llu MiB failed",
					     domid, (unsigned long long)
					     (pv->nr_pages >> 8));
	}
	return 0;
}

/*
 * shared_info() - find (domid)'s shared info frame and set its page up as
 * a new PV guest wants it: zeroed, events masked on every vCPU, its size
 * in pages.
 */
static int shared_info(xc_interface *xch, uint32_t domid, struct lvm_pv *pv,
		       struct lvm_error *err)
{
	xc_domaininfo_t info;
	shared_info_t *si;
	unsigned i;

	errno = 0;
	if (xc_domain_getinfolist(xch, domid, 1, &info) != 1 ||
	    info.domain != domid)
		return pv_fail(err, "xc_domain_getinfolist", domid);
	pv->shared_info_mfn = info.shared_info_frame;
	errno = 0;
	si = xc_map_foreign_range(xch, domid, PAGE, PROT_READ | PROT_WRITE,
				  info.shared_info_frame);
	if (si == NULL)
		return pv_fail(err, "mapping shared info", domid);
	memset(si, 0, PAGE);
	for (i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
		si->vcpu_info[i].evtchn_upcall_mask = 1;
	si->arch.max_pfn = pv->nr_pages;
	munmap(si, PAGE);
	return 0;
}

int lvm_pv_prepare(xc_interface *xch, uint32_t domid, uint32_t memory_mb,
		   struct lvm_pv **out, struct lvm_error *err)
{
	struct lvm_pv *pv = calloc(1, sizeof(*pv));
	int rc;

	if (pv == NULL)
		return lvm_error_set(err, ENOMEM, "d%u: builder state", domid);
	pv->xch = xch;
	pv->nr_pages = (uint64_t)memory_mb << (20 - 12);
	pv->p2m = malloc(pv->nr_pages * sizeof(*pv->p2m));
	if (pv->p2m == NULL) {
		rc = lvm_error_set(err, ENOMEM, "d%u: p2m of %u MiB", domid,
				   memory_mb);
		goto fail;
	}
	errno = 0;
	pv->ctx = xc__hypercall_buffer_alloc_pages(xch, &pv->ctx_hb,
						   (int)CTX_PAGES);
	if (pv->ctx == NULL) {
		rc = pv_fail(err, "a hypercall buffer for the vCPU context",
			     domid);
		goto fail;
	}
	rc = populate(xch, domid, pv, err);
	if (rc == 0)
		rc = shared_info(xch, domid, pv, err);
	if (rc)
		goto fail;
	*out = pv;
	return 0;
fail:
	lvm_pv_free(pv);
	return rc;
}

void lvm_pv_free(struct lvm_pv *pv)
{
	if (pv == NULL)
		return;
	if (pv->premap != NULL)
		munmap(pv->premap, (size_t)pv->premap_pages * PAGE);
	if (pv->pages != NULL)
		munmap(pv->pages, 2 * PAGE);
	if (pv->ctx != NULL)
		xc__hypercall_buffer_free_pages(pv->xch, &pv->ctx_hb,
						(int)CTX_PAGES);
	free(pv->p2m);
	free(pv);
}

bool lvm_pv_defer(struct lvm_pv *pv)
{
	bool taken = false;

	if (pv == NULL || !pv->ahead)
		return false;
	pthread_mutex_lock(&reap.mu);
	if (reap.n < REAP_MAX) {
		free(pv->p2m);       /* cheap, and all the memory it holds */
		pv->p2m = NULL;
		pv->next = reap.head;
		reap.head = pv;
		reap.n++;
		taken = true;
	}
	pthread_mutex_unlock(&reap.mu);
	return taken;
}

unsigned lvm_engine_reap(void)
{
	struct lvm_pv *pv, *next;
	unsigned n;

	pthread_mutex_lock(&reap.mu);
	pv = reap.head;
	n = reap.n;
	reap.head = NULL;
	reap.n = 0;
	pthread_mutex_unlock(&reap.mu);
	for (; pv != NULL; pv = next) {
		next = pv->next;
		lvm_pv_free(pv);
	}
	return n;
}

static void boot_ahead(uint32_t domid, struct lvm_pv *pv);
static void pages_ahead(uint32_t domid, struct lvm_pv *pv);
static int vcpu_context(xc_interface *xch, uint32_t domid, void *ctx);

/* map() - frames 0 .. (pages)-1 of (domid), read-write, or NULL. */
static void *map(xc_interface *xch, uint32_t domid, const struct lvm_pv *pv,
		 uint64_t pages)
{
	return xc_map_foreign_pages(xch, domid, PROT_READ | PROT_WRITE,
				    (const xen_pfn_t *)pv->p2m, (int)pages);
}

/* pin() - (op) (MMUEXT_PIN_L4_TABLE, MMUEXT_UNPIN_TABLE) on the L4. */
static int pin(xc_interface *xch, uint32_t domid, unsigned cmd,
	       uint64_t l4_mfn)
{
	struct mmuext_op op;

	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.arg1.mfn = l4_mfn;
	errno = 0;
	return xc_mmuext_op(xch, &op, 1, domid);
}

/*
 * tables_ahead() - the page tables of frames 0 .. (pages)-1 of (pv) at
 * their top (lvm_layout_ahead), written through a mapping of their own
 * frames that is gone before the pin (a pinned table may have no
 * writable mapping in dom0; one mapping of the span with its top cut off
 * would need the kernel to split the mapping), then pinned. 0 with
 * pv->ahead false when the span cannot hold them.
 */
static int tables_ahead(uint32_t domid, struct lvm_pv *pv, uint32_t pages,
			struct lvm_error *err)
{
	struct lvm_layout *lo = &pv->lo_ahead;
	void *tables;

	if (lvm_layout_ahead(pv->nr_pages, pages, AHEAD_VIRT_BASE, lo) != 0)
		return 0;
	errno = 0;
	tables = xc_map_foreign_pages(pv->xch, domid, PROT_READ | PROT_WRITE,
				      (const xen_pfn_t *)pv->p2m + lo->pt_pfn,
				      (int)lo->pt_pages);
	if (tables == NULL)
		return pv_fail(err, "mapping the page tables ahead", domid);
	lvm_layout_tables(lo, pv->p2m, tables);
	munmap(tables, (size_t)lo->pt_pages * PAGE);
	if (pin(pv->xch, domid, MMUEXT_PIN_L4_TABLE, pv->p2m[lo->pt_pfn]))
		return pv_fail(err, "pinning the page tables ahead", domid);
	pv->ahead = true;
	return 0;
}

int lvm_pv_premap(uint32_t domid, struct lvm_pv *pv, uint32_t pages,
		  struct lvm_error *err)
{
	int rc;

	if (pages > pv->nr_pages)
		pages = (uint32_t)pv->nr_pages;
	rc = tables_ahead(domid, pv, pages, err);
	if (rc)
		return rc;
	if (pv->ahead)
		pages = (uint32_t)pv->lo_ahead.pt_pfn;  /* below the tables */
	errno = 0;
	pv->premap = map(pv->xch, domid, pv, pages);
	if (pv->premap == NULL) {
		rc = pv_fail(err, "mapping the shell's first pages", domid);
		if (pv->ahead && pin(pv->xch, domid, MMUEXT_UNPIN_TABLE,
				     pv->p2m[pv->lo_ahead.pt_pfn]) == 0)
			pv->ahead = false;
		/* Still pinned: a build in the usual order would fail its
		 * pin; the caller's shell fails its finish and goes. */
		return rc;
	}
	pv->premap_pages = pages;
	if (pv->ahead) {
		boot_ahead(domid, pv);
		pages_ahead(domid, pv);
	}
	return 0;
}

/*
 * pages_ahead() - the frames of the last build's console ring and device
 * page (pages_last), if below (pv)'s tables made ahead, mapped now as the
 * claim's caller would map them. A mapping that fails is left to it.
 */
static void pages_ahead(uint32_t domid, struct lvm_pv *pv)
{
	uint64_t at = atomic_load(&pages_last);
	uint64_t cons = at >> 32, dev = at & 0xffffffffu;
	xen_pfn_t f[2];

	if (at == 0 || cons >= pv->lo_ahead.pt_pfn ||
	    dev >= pv->lo_ahead.pt_pfn)
		return;
	f[0] = pv->p2m[cons];
	f[1] = pv->p2m[dev];
	pv->pages = xc_map_foreign_pages(pv->xch, domid,
					 PROT_READ | PROT_WRITE, f, 2);
	if (pv->pages != NULL)
		pv->pages_at = at;
}

/*
 * drop_ahead() - (pv)'s tables pinned ahead do not fit (img): unpin them
 * and drop the premap, for a build in the usual order.
 */
static int drop_ahead(xc_interface *xch, uint32_t domid, struct lvm_pv *pv,
		      struct lvm_error *err)
{
	if (pv->premap != NULL)
		munmap(pv->premap, (size_t)pv->premap_pages * PAGE);
	pv->premap = NULL;
	pv->premap_pages = 0;
	pv->ahead = false;
	pv->hypercall_ahead = false;
	/* vCPU 0's %cr3 holds the tables: let go first, or they stay. */
	if (pv->context_ahead && vcpu_context(xch, domid, NULL))
		return pv_fail(err, "resetting the vCPU context set ahead",
			       domid);
	pv->context_ahead = false;
	if (pin(xch, domid, MMUEXT_UNPIN_TABLE, pv->p2m[pv->lo_ahead.pt_pfn]))
		return pv_fail(err, "unpinning the page tables made ahead",
			       domid);
	return 0;
}

/* load() - the image's segments into (mem), frame 0 at (mem); frame
 * (keep), if in the image, keeps what it held (the hypercall page Xen
 * wrote ahead; the image has only zeroes there). */
static void load(const struct lvm_image *img, const struct lvm_layout *lo,
		 uint8_t *mem, uint64_t keep)
{
	const struct lvm_elf_load *ld = &img->load;
	const struct lvm_elf_seg *g;
	static _Thread_local uint8_t kept[PAGE];
	bool k = keep >= lo->image_pfn && keep < lo->kernel_end;
	unsigned i;

	if (k)
		memcpy(kept, mem + keep * PAGE, PAGE);
	memset(mem + lo->image_pfn * PAGE, 0,
	       (lo->kernel_end - lo->image_pfn) * PAGE);
	for (i = 0; i < ld->nsegs; i++) {
		g = &ld->segs[i];
		memcpy(mem + (g->vaddr - lo->virt_base),
		       (const uint8_t *)img->blob + g->offset, g->filesz);
	}
	if (k)
		memcpy(mem + keep * PAGE, kept, PAGE);
}

/* start_info() - fill start info in (mem) for (sh), (pv), (lo). */
static void start_info(uint8_t *mem, const struct lvm_shell *sh,
		       const struct lvm_pv *pv, const struct lvm_layout *lo,
		       const char *cmdline)
{
	start_info_t *si = (start_info_t *)(mem + lo->start_info_pfn * PAGE);

	memset(si, 0, PAGE);
	snprintf(si->magic, sizeof(si->magic), "%s", LVM_GUEST_TYPE);
	si->nr_pages = lo->nr_pages;
	si->shared_info = pv->shared_info_mfn << 12;
	si->flags = 0;
	si->store_mfn = 0;           /* a noxs guest has no store page */
	si->store_evtchn = 0;
	si->console.domU.mfn = pv->p2m[lo->console_pfn];
	si->console.domU.evtchn = sh->console_port;
	si->pt_base = lvm_layout_va(lo, lo->pt_pfn);
	si->nr_pt_frames = lo->pt_pages;
	si->mfn_list = lvm_layout_va(lo, lo->p2m_pfn);
	if (cmdline != NULL)
		strncpy((char *)si->cmd_line, cmdline,
			sizeof(si->cmd_line) - 1);
}

/* write_all() - everything the guest finds in memory at its start. */
static int write_all(xc_interface *xch, uint8_t *mem,
		     const struct lvm_shell *sh,
		     const struct lvm_pv *pv, const struct lvm_layout *lo,
		     const struct lvm_finish_req *req, bool ahead,
		     uint64_t keep, struct noxs_page **copy,
		     uint64_t *noxs_gfn, struct lvm_error *err)
{
	const struct lvm_image *img = req->img;
	uint64_t gfn = (img->noxs_vaddr - lo->virt_base) / PAGE;
	int rc;

	load(img, lo, mem, keep);
	memcpy(mem + lo->p2m_pfn * PAGE, pv->p2m, lo->nr_pages * 8);
	memset(mem + lo->p2m_pfn * PAGE + lo->nr_pages * 8, 0,
	       lo->p2m_pages * PAGE - lo->nr_pages * 8);
	start_info(mem, sh, pv, lo, req->cmdline);
	memset(mem + lo->console_pfn * PAGE, 0, PAGE);
	if (!pv->ahead)              /* else written and pinned at premap */
		lvm_layout_tables(lo, pv->p2m,
				  (uint64_t *)(mem + lo->pt_pfn * PAGE));
	memset(mem + lo->stack_pfn * PAGE, 0, PAGE);

	/* elfnote.c checked the page inside a segment, so inside the image. */
	if (gfn < lo->image_pfn || gfn >= lo->kernel_end)
		return lvm_error_set(err, EINVAL, "d%u: device page 0x%llx "
				     "is outside the loaded image", sh->domid,
				     (unsigned long long)img->noxs_vaddr);
	*noxs_gfn = gfn;
	if (ahead)
		return 0;
	rc = lvm_devpage_make(xch, sh, req, lo->console_pfn, copy, err);
	if (rc)
		return rc;
	memcpy(mem + gfn * PAGE, *copy, sizeof(**copy));
	return 0;
}

/*
 * set_context() - vCPU 0's context through the shell's own hypercall
 * buffer (no bounce buffer of two pages mapped and unmapped per call, as
 * xc_vcpu_setcontext() takes).
 */
static int set_context(xc_interface *xch, uint32_t domid,
		       const struct lvm_pv *pv, const struct lvm_layout *lo,
		       uint64_t entry, uint64_t l4_mfn)
{
	struct vcpu_guest_context_x86_64 *c = &pv->ctx->x64;

	memset(pv->ctx, 0, sizeof(*pv->ctx));
	c->user_regs.rip = entry;
	c->user_regs.rsp = lvm_layout_va(lo, lo->stack_pfn + 1);
	c->user_regs.rsi = lvm_layout_va(lo, lo->start_info_pfn);
	c->user_regs.rflags = 1u << 9;         /* interrupts enabled */
	c->user_regs.cs = FLAT_KERNEL_CS_X86_64;
	c->user_regs.ss = FLAT_KERNEL_SS_X86_64;
	c->user_regs.ds = FLAT_KERNEL_DS_X86_64;
	c->user_regs.es = FLAT_KERNEL_DS_X86_64;
	c->user_regs.fs = FLAT_KERNEL_DS_X86_64;
	c->user_regs.gs = FLAT_KERNEL_DS_X86_64;
	c->kernel_ss = c->user_regs.ss;
	c->kernel_sp = c->user_regs.rsp;
	c->flags = VGCF_in_kernel_X86_64 | VGCF_online_X86_64;
	c->ctrlreg[3] = xen_pfn_to_cr3_x86_64(l4_mfn);
	return vcpu_context(xch, domid, &pv->ctx->c);
}

/* domctl_of() - (dc) zeroed, for (cmd) on (domid). */
static void domctl_of(struct xen_domctl *dc, uint32_t cmd, uint32_t domid)
{
	memset(dc, 0, sizeof(*dc));
	dc->cmd = cmd;
	dc->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	dc->domain = (domid_t)domid;
}

/*
 * vcpu_context() - vCPU 0's context from (ctx), a hypercall-safe buffer;
 * with NULL, vCPU 0 as before any context (Xen's vcpu_reset()), which
 * lets go of the tables its %cr3 held.
 */
static int vcpu_context(xc_interface *xch, uint32_t domid, void *ctx)
{
	struct xen_domctl dc;

	domctl_of(&dc, XEN_DOMCTL_setvcpucontext, domid);
	dc.u.vcpucontext.vcpu = 0;
	set_xen_guest_handle_raw(dc.u.vcpucontext.ctxt, ctx);
	errno = 0;
	return xc_domctl(xch, &dc);
}

/* hypercall_init() - Xen's hypercall stubs into machine frame (mfn). */
static int hypercall_init(xc_interface *xch, uint32_t domid, uint64_t mfn)
{
	struct xen_domctl dc;

	domctl_of(&dc, XEN_DOMCTL_hypercall_init, domid);
	dc.u.hypercall_init.gmfn = mfn;
	errno = 0;
	return xc_domctl(xch, &dc);
}

/*
 * boot_ahead() - in a shell whose tables are pinned ahead, what an image
 * of our library OS needs of Xen at its start, made before the image is
 * known: the hypercall page in frame AHEAD_HYPERCALL_PFN, and vCPU 0's
 * context with its entry at AHEAD_ENTRY (stack, start info and tables
 * are at fixed frames: lvm_layout_ahead()). What fails here is left to
 * the build, which also makes each again for an image that differs.
 */
static void boot_ahead(uint32_t domid, struct lvm_pv *pv)
{
	const struct lvm_layout *lo = &pv->lo_ahead;

	pv->hypercall_ahead = AHEAD_HYPERCALL_PFN < lo->start_info_pfn &&
			      hypercall_init(pv->xch, domid,
					     pv->p2m[AHEAD_HYPERCALL_PFN]) == 0;
	pv->context_ahead = set_context(pv->xch, domid, pv, lo,
					AHEAD_ENTRY,
					pv->p2m[lo->pt_pfn]) == 0;
	if (!pv->context_ahead)
		(void)vcpu_context(pv->xch, domid, NULL); /* whatever was set */
}

/* hypercall_kept() - the frame of (img)'s hypercall page if Xen wrote it
 * ahead, in (pv), a layout (lo) placed in its tables; else UINT64_MAX. */
static uint64_t hypercall_kept(const struct lvm_pv *pv,
			       const struct lvm_layout *lo,
			       const struct lvm_image *img)
{
	if (pv->ahead && pv->hypercall_ahead &&
	    img->load.hypercall_va ==
		    lvm_layout_va(lo, AHEAD_HYPERCALL_PFN))
		return AHEAD_HYPERCALL_PFN;
	return UINT64_MAX;
}

/*
 * alive() - (domid) is still the shell (uuid): neither gone nor dying,
 * nor its number taken by another domain. 0, or -ESRCH with (err) set.
 */
static int alive(xc_interface *xch, uint32_t domid, const uint8_t *uuid,
		 struct lvm_error *err)
{
	struct xen_domctl dc;

	domctl_of(&dc, XEN_DOMCTL_getdomaininfo, domid);
	if (xc_domctl(xch, &dc) != 0 || dc.u.getdomaininfo.domain != domid ||
	    memcmp(dc.u.getdomaininfo.handle, uuid, 16) != 0 ||
	    (dc.u.getdomaininfo.flags & XEN_DOMINF_dying))
		return lvm_error_set(err, ESRCH, "d%u: the shell is gone",
				     domid);
	return 0;
}

/* boot() - hypercall page, pinned L4, vCPU 0: the domain can run. Each
 * made ahead for these addresses is not made again; when none is made,
 * one look says the shell is still there, with its (handle) (a build
 * through a mapping made ahead would not notice it destroyed behind the
 * toolstack's back). */
static int boot(xc_interface *xch, uint32_t domid, const uint8_t *handle,
		const struct lvm_pv *pv, const struct lvm_layout *lo,
		const struct lvm_image *img, uint64_t kept,
		struct lvm_built *out, struct lvm_error *err)
{
	uint64_t t0 = lvm_step_start();
	uint64_t l4_mfn = pv->p2m[lo->pt_pfn];
	bool made = false;

	if (img->load.hypercall_va != 0 && kept == UINT64_MAX) {
		made = true;
		if (hypercall_init(xch, domid,
				   pv->p2m[(img->load.hypercall_va -
					    lo->virt_base) / PAGE]) != 0)
			return pv_fail(err, "the hypercall page", domid);
	}
	out->own.hypercall = lvm_step_ns(t0);
	t0 = lvm_step_start();

	if (!pv->ahead) {
		made = true;
		if (pin(xch, domid, MMUEXT_PIN_L4_TABLE, l4_mfn) != 0)
			return pv_fail(err, "pinning the page tables", domid);
	}
	out->own.pin = lvm_step_ns(t0);
	t0 = lvm_step_start();

	if (lvm_code_map(xch, img, domid, lo, pv->p2m, &out->code_pages,
			 &out->code_note, err) != 0) {
		/* A shell destroyed behind the toolstack's back fails here
		 * first: say so, as the look below would have. */
		if (alive(xch, domid, handle, err) != 0)
			return -ESRCH;
		return -err->code;
	}
	out->own.code = lvm_step_ns(t0);
	t0 = lvm_step_start();

	if (!(pv->ahead && pv->context_ahead &&
	      img->load.entry == AHEAD_ENTRY)) {
		made = true;
		if (set_context(xch, domid, pv, lo, img->load.entry,
				l4_mfn) != 0)
			return pv_fail(err, "setting vCPU 0's context", domid);
	}
	if (!made && alive(xch, domid, handle, err) != 0)
		return -ESRCH;
	out->own.context = lvm_step_ns(t0);
	return 0;
}

/* vif0_frames() - the frames of vif 0's memory as (img) declares it (its
 * rings page, then its region), for a vif connected ahead; none when the
 * image declares none or it is not inside the loaded image. */
static void vif0_frames(const struct lvm_pv *pv, const struct lvm_layout *lo,
			const struct lvm_image *img, struct lvm_built *out)
{
	const struct noxs_vifmem *m = &img->vifmem;
	uint64_t pfn = (m->va - lo->virt_base) / PAGE;
	uint32_t n = 1 + m->buf_pages;

	out->vif0_frames = 0;
	if (m->nvifs == 0 || m->va < lo->virt_base ||
	    n > 1 + NOXS_VIF_BUF_PAGES_MAX || pfn < lo->image_pfn ||
	    pfn + n > lo->kernel_end)
		return;
	for (uint32_t k = 0; k < n; k++)
		out->vif0_mfn[k] = pv->p2m[pfn + k];
	out->vif0_frames = n;
}

int lvm_pv_build(xc_interface *xch, struct lvm_shell *sh, struct lvm_pv *pv,
		 const struct lvm_finish_req *req, bool ahead,
		 struct lvm_built *out, struct lvm_error *err)
{
	const struct lvm_image *img = req->img;
	struct noxs_page *copy = NULL;
	struct lvm_layout lo;
	uint64_t noxs_gfn = 0, t0 = lvm_step_start(), t1, kept, at;
	uint8_t *mem;
	int rc;

	if (!img->load.ok || img->noxs_vaddr == 0 || img->bzimage)
		return lvm_error_set(err, EINVAL, "d%u: %s: not an image of "
				     "our library OS (a noxs note and "
				     "segments our builder loads)", sh->domid,
				     img->path ? img->path : "image");
	if (img->load.xen_other)
		return lvm_error_set(err, EINVAL, "d%u: %s: image rejected: its "
				     "XEN_VERSION note is not xen-3.0 (built "
				     "for another Xen interface)", sh->domid,
				     img->path ? img->path : "image");
	/* Tables pinned ahead: the image below them, or the usual order. */
	rc = -ENOMEM;
	if (pv->ahead) {
		lo = pv->lo_ahead;
		if (pv->premap != NULL && img->virt_base == lo.virt_base)
			rc = lvm_layout_place(&lo, img->load.lo, img->load.hi);
		if (rc && (rc = drop_ahead(xch, sh->domid, pv, err)) != 0)
			return rc;
	}
	if (!pv->ahead)
		rc = lvm_layout_compute(pv->nr_pages, img->virt_base,
					img->load.lo, img->load.hi, &lo);
	if (rc == -ENOMEM)
		return lvm_error_set(err, ENOMEM, "d%u: %s does not fit in "
				     "%llu KiB of memory (its image ends at "
				     "%llu KiB)", sh->domid, img->path ?
				     img->path : "image",
				     (unsigned long long)(pv->nr_pages * 4),
				     (unsigned long long)
				     ((img->load.hi - img->virt_base) >> 10));
	if (rc)
		return lvm_error_set(err, -rc, "d%u: image addresses out of "
				     "range", sh->domid);
	sh->t.load = lvm_step_ns(t0);

	t0 = lvm_step_start();
	t1 = t0;
	out->premap_used = pv->premap != NULL &&
			   (pv->ahead || lo.footprint <= pv->premap_pages);
	out->tables_ahead = pv->ahead;
	if (out->premap_used) {
		mem = pv->premap;
	} else {
		if (pv->premap != NULL)
			munmap(pv->premap, (size_t)pv->premap_pages * PAGE);
		errno = 0;
		mem = map(xch, sh->domid, pv, lo.footprint);
		if (mem == NULL) {
			pv->premap = NULL;
			return pv_fail(err, "mapping the guest's memory",
				       sh->domid);
		}
		pv->premap = mem;
		pv->premap_pages = (uint32_t)lo.footprint;
		out->own.map = lvm_step_ns(t1);
	}
	t1 = lvm_step_start();
	kept = hypercall_kept(pv, &lo, img);
	rc = write_all(xch, mem, sh, pv, &lo, req, ahead, kept, &copy,
		       &noxs_gfn, err);
	out->own.write = lvm_step_ns(t1);
	t1 = lvm_step_start();
	/* The tables are pinned below: no writable mapping of them may stay.
	 * Tables pinned ahead are in no mapping: the rest waits for the
	 * release (at once, or lvm_engine_reap()). */
	if (!pv->ahead) {
		munmap(pv->premap, (size_t)pv->premap_pages * PAGE);
		pv->premap = NULL;
	}
	out->own.unmap = lvm_step_ns(t1);
	if (rc == 0)
		rc = boot(xch, sh->domid, req->uuid ? req->uuid : sh->uuid,
			  pv, &lo, img, kept, out, err);
	if (rc) {
		free(copy);
		return rc;
	}
	sh->t.build = lvm_step_ns(t0);
	sh->t.devices = 0;           /* the device page is written above */

	out->domid = sh->domid;
	out->console_gfn = lo.console_pfn;
	out->console_mfn = pv->p2m[lo.console_pfn];
	out->console_port = sh->console_port;
	out->sysctl_port = sh->sysctl_port;
	out->noxs_gfn = noxs_gfn;
	out->noxs_mfn = pv->p2m[noxs_gfn];
	out->start_info_mfn = pv->p2m[lo.start_info_pfn];
	out->footprint_pages = (uint32_t)lo.footprint;
	out->noxs_copy = copy;
	out->t = sh->t;
	vif0_frames(pv, &lo, img, out);
	/* The console ring and device page, mapped ahead at these frames:
	 * handed over; and these frames, for the next premaps. */
	at = (uint64_t)lo.console_pfn << 32 | noxs_gfn;
	if (pv->pages != NULL && pv->pages_at == at) {
		out->pages = pv->pages;
		pv->pages = NULL;
	}
	if (noxs_gfn != 0 && lo.console_pfn <= 0xffffffffu &&
	    noxs_gfn <= 0xffffffffu)
		atomic_store(&pages_last, at);
	return 0;
}
