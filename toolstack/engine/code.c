/*
 * code.c — one copy of an image's code for all of its guests (code.h).
 *
 * A holder is a domain of its own that never runs: its memory is the
 * image's shared pages, written once through a mapping of dom0's, and
 * no vCPU context is ever set. A build maps the holder's pages into the
 * guest's pinned tables with one mmu_update on the guest's tables
 * (Xen's "page tables of a foreign domain": the update names the guest
 * as their owner and the holder as the frames'; dom0 may do both). Xen
 * takes a reference on each page for each mapping, so the pages stay
 * while a guest maps them, whatever becomes of the holder.
 *
 * The holders live in one small table, under one lock, found by the
 * image file's identity (fileid.c): at most CODE_MAX, the least recently
 * used one destroyed for a new image. The lock is never held across a
 * hypercall: a holder is made, and mapped into a guest, outside it (a
 * build mapping a holder keeps it from being pushed out meanwhile).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define XC_WANT_COMPAT_MAP_FOREIGN_API 1 /* xc_map_foreign_pages() */
#include <xenctrl.h>
#include <xencall.h>

#include "code.h"
#include "engine.h"
#include "engine_priv.h"
#include "fileid.h"
#include "layout.h"
#include "uuid.h"

#define PAGE LVM_LAYOUT_PAGE
#define CODE_MAX 8u                  /* images with a holder at once */
#define CODE_PAGES_MAX 4096u         /* 16 MiB of shared pages at most */

/* One image's holder. Made outside the lock, then fixed: only (used)
 * and (busy) change, under code.mu. */
struct holder {
	struct lvm_file_id file;     /* the image file it was made from */
	uint64_t virt_base;
	uint32_t domid;
	uint64_t first;              /* the image's first page (from
					virt_base), index of mfn[0] */
	uint32_t span;               /* pages from first; mfn[] entries */
	uint64_t *mfn;               /* the holder's frame for each page of
					the span; 0: not shared */
	uint32_t shared;             /* nonzero entries of mfn[] */
	uint64_t used;               /* for the least recently used */
	unsigned busy;               /* builds mapping it now: not dropped */
	bool told;                   /* code.watch told it was made */
};

static struct {
	pthread_mutex_t mu;
	bool on;
	uint32_t instance;
	uint64_t clock;
	struct holder *h[CODE_MAX];
	lvm_code_watch_fn *watch;    /* set before any build: read unlocked */
	void *watch_arg;
} code = { .mu = PTHREAD_MUTEX_INITIALIZER };

void lvm_code_enable(bool on, uint32_t instance, lvm_code_watch_fn *watch,
		     void *arg)
{
	pthread_mutex_lock(&code.mu);
	code.on = on;
	code.instance = instance;
	code.watch = watch;
	code.watch_arg = arg;
	pthread_mutex_unlock(&code.mu);
}

int lvm_code_page_shared(const struct lvm_image *img, uint64_t va)
{
	const struct lvm_elf_load *ld = &img->load;
	bool any = false;
	unsigned i;

	if (va % PAGE || va == ld->hypercall_va ||
	    (img->noxs_vaddr && va == (img->noxs_vaddr & ~(uint64_t)(PAGE - 1))))
		return 0;
	for (i = 0; i < ld->nsegs; i++) {
		const struct lvm_elf_seg *g = &ld->segs[i];

		if (g->vaddr >= va + PAGE || g->vaddr + g->memsz <= va)
			continue;
		if (g->writable)
			return 0;
		any = true;
	}
	return any;
}

/* fill() - page (va) of (img) as the builder loads it, into (dst). */
static void fill(const struct lvm_image *img, uint64_t va, uint8_t *dst)
{
	const struct lvm_elf_load *ld = &img->load;
	unsigned i;

	memset(dst, 0, PAGE);
	for (i = 0; i < ld->nsegs; i++) {
		const struct lvm_elf_seg *g = &ld->segs[i];
		uint64_t s = g->vaddr > va ? g->vaddr : va;
		uint64_t e = g->vaddr + g->filesz;

		if (e > va + PAGE)
			e = va + PAGE;
		if (s >= e)
			continue;
		memcpy(dst + (s - va),
		       (const uint8_t *)img->blob + g->offset + (s - g->vaddr),
		       e - s);
	}
}

/* holder_drop() - destroy (h)'s domain (the guests that map its pages
 * keep them) and free it. NULL-safe. */
static void holder_drop(xc_interface *xch, struct holder *h)
{
	if (h == NULL)
		return;
	if (h->told && code.watch)
		code.watch(code.watch_arg, h->domid, NULL, false);
	if (h->domid)
		lvm_domain_destroy(xch, h->domid, NULL);
	free(h->mfn);
	free(h);
}

/* holder_make() - a new holder for (img) into (*out): 0, 1 for an image
 * with nothing to share, or -errno with the line in (err). Makes a
 * domain, without the lock. */
static int holder_make(xc_interface *xch, const struct lvm_image *img,
		       uint32_t instance, struct holder **out,
		       struct lvm_error *err)
{
	struct holder *h = calloc(1, sizeof(*h));
	const struct lvm_elf_load *ld = &img->load;
	struct xen_domctl_createdomain cfg;
	uint64_t *pfns = NULL, i, k;
	uint8_t *mem = NULL;
	uint32_t domid = 0;
	int rc;

	*out = NULL;
	if (h == NULL)
		return lvm_error_set(err, ENOMEM, "code holder: out of memory");
	h->virt_base = img->virt_base;
	h->first = (ld->lo - img->virt_base) / PAGE;
	h->span = (uint32_t)((ld->hi - img->virt_base + PAGE - 1) / PAGE -
			     h->first);
	h->file = img->file;
	if (h->span == 0 || h->span > CODE_PAGES_MAX) {
		rc = lvm_error_set(err, EFBIG, "code holder: %s spans %u "
				   "pages", img->path, h->span);
		goto fail;
	}
	h->mfn = calloc(h->span, sizeof(*h->mfn));
	pfns = calloc(h->span, sizeof(*pfns));
	if (h->mfn == NULL || pfns == NULL) {
		rc = lvm_error_set(err, ENOMEM, "code holder: out of memory");
		goto fail;
	}
	for (i = 0; i < h->span; i++)
		if (lvm_code_page_shared(img, img->virt_base +
					 (h->first + i) * PAGE))
		{
			pfns[h->shared] = h->shared;
			h->shared++;
		}
	if (h->shared == 0) {
		rc = 1;              /* nothing to share */
		goto fail;
	}

	memset(&cfg, 0, sizeof(cfg));
	rc = lvm_uuid_new(LVM_UUID_CODE, instance, cfg.handle);
	if (rc) {
		rc = lvm_error_set(err, -rc, "code holder: no uuid");
		goto fail;
	}
	cfg.max_vcpus = 1;
	cfg.max_evtchn_port = 0;
	cfg.max_grant_frames = 1;
	cfg.max_maptrack_frames = 0;
	cfg.grant_opts = XEN_DOMCTL_GRANT_version(1);
	errno = 0;
	if (xc_domain_create(xch, &domid, &cfg) != 0) {
		rc = lvm_error_set(err, errno ? errno : EIO, "code holder: "
				   "xc_domain_create failed");
		goto fail;
	}
	h->domid = domid;
	errno = 0;
	if (xc_domain_max_vcpus(xch, domid, 1) != 0 ||
	    xc_domain_setmaxmem(xch, domid, (uint64_t)h->shared * 4) != 0 ||
	    xc_domain_populate_physmap_exact(xch, domid, h->shared, 0, 0,
					     (xen_pfn_t *)pfns) != 0) {
		rc = lvm_error_set(err, errno ? errno : ENOMEM, "d%u: code "
				   "holder: memory of %u pages", domid,
				   h->shared);
		goto fail;
	}
	errno = 0;
	mem = xc_map_foreign_pages(xch, domid, PROT_READ | PROT_WRITE,
				   (const xen_pfn_t *)pfns, (int)h->shared);
	if (mem == NULL) {
		rc = lvm_error_set(err, errno ? errno : EIO, "d%u: code "
				   "holder: mapping its pages", domid);
		goto fail;
	}
	for (i = 0, k = 0; i < h->span; i++) {
		uint64_t va = img->virt_base + (h->first + i) * PAGE;

		if (!lvm_code_page_shared(img, va))
			continue;
		fill(img, va, mem + k * PAGE);
		h->mfn[i] = pfns[k++];
	}
	munmap(mem, (size_t)h->shared * PAGE);
	free(pfns);
	if (code.watch) {
		code.watch(code.watch_arg, domid, img->path, true);
		h->told = true;
	}
	*out = h;
	return 0;
fail:
	free(pfns);
	holder_drop(xch, h);
	return rc;
}

/* find() - (img)'s holder in the table, or NULL. With code.mu held. */
static struct holder *find(const struct lvm_image *img)
{
	unsigned i;

	for (i = 0; i < CODE_MAX; i++)
		if (code.h[i] != NULL &&
		    lvm_file_match(&code.h[i]->file, &img->file) ==
			    LVM_FILE_SAME &&
		    code.h[i]->virt_base == img->virt_base)
			return code.h[i];
	return NULL;
}

/* insert() - (nh) into the table, in a free slot or that of the least
 * recently used holder no build is mapping; what it pushes out (or nh
 * itself, with no slot) into (*drop), for the caller to drop after the
 * lock. With code.mu held. */
static void insert(struct holder *nh, struct holder **drop)
{
	struct holder **slot = NULL;
	unsigned i;

	*drop = NULL;
	for (i = 0; i < CODE_MAX && (slot == NULL || *slot != NULL); i++)
		if (code.h[i] == NULL ||
		    (code.h[i]->busy == 0 &&
		     (slot == NULL || code.h[i]->used < (*slot)->used)))
			slot = &code.h[i];
	if (slot == NULL) {
		*drop = nh;          /* used once, then dropped */
		return;
	}
	*drop = *slot;
	*slot = nh;
}

/*
 * take() - (img)'s holder, made if need be, marked busy: NULL if there is
 * none (sharing off, nothing to share, or it could not be made: why in
 * (note)).
 * (*once): a holder outside the table, for the caller to drop after use.
 */
static struct holder *take(xc_interface *xch, const struct lvm_image *img,
			   uint32_t domid, bool *once, struct lvm_error *note)
{
	struct holder *h, *nh = NULL, *drop = NULL;
	struct lvm_error e = { 0 };
	uint32_t instance;
	int rc;

	*once = false;
	pthread_mutex_lock(&code.mu);
	if (!code.on || img->bzimage || !img->load.ok) {
		pthread_mutex_unlock(&code.mu);
		return NULL;
	}
	h = find(img);
	if (h != NULL) {
		h->busy++;
		h->used = ++code.clock;
		pthread_mutex_unlock(&code.mu);
		return h;
	}
	instance = code.instance;
	pthread_mutex_unlock(&code.mu);

	/* A domain and its memory: made without the lock, so that another
	 * thread's build of another image never waits for it. */
	rc = holder_make(xch, img, instance, &nh, &e);
	if (rc != 0) {
		/* The guest runs its own copy, which the build wrote. */
		if (rc < 0) {
			note->code = e.code;
			snprintf(note->msg, sizeof(note->msg),
				 "%.180s; d%u runs its own copy of its code",
				 e.msg, domid);
		}
		return NULL;
	}
	pthread_mutex_lock(&code.mu);
	h = find(img);               /* made meanwhile by another build? */
	if (h != NULL)
		drop = nh;
	else {
		insert(nh, &drop);
		h = nh;
		*once = drop == nh;
		if (*once)
			drop = NULL;
	}
	h->busy++;
	h->used = ++code.clock;
	pthread_mutex_unlock(&code.mu);
	holder_drop(xch, drop);
	return h;
}

/* give_back() - the build is done with (h). */
static void give_back(xc_interface *xch, struct holder *h, bool once)
{
	pthread_mutex_lock(&code.mu);
	h->busy--;
	pthread_mutex_unlock(&code.mu);
	if (once)
		holder_drop(xch, h);
}

int lvm_code_map(xc_interface *xch, const struct lvm_image *img,
		 uint32_t domid, const struct lvm_layout *lo,
		 const uint64_t *p2m, uint32_t *pages, struct lvm_error *note,
		 struct lvm_error *err)
{
	xencall_handle *xcall = xc_interface_xcall_handle(xch);
	struct mmu_update *req = NULL;
	struct holder *h;
	uint64_t i, pfn, table;
	unsigned idx, n = 0;
	bool once;
	int rc = 0;

	*pages = 0;
	lvm_error_clear(note);
	h = take(xch, img, domid, &once, note);
	if (h == NULL)
		return 0;
	if (h->first + h->span > lo->nr_pages) {
		rc = lvm_error_set(err, EINVAL, "d%u: the image's pages lie "
				   "past its memory", domid);
		goto out;
	}
	req = xencall_alloc_buffer(xcall, (size_t)h->shared * sizeof(*req));
	if (req == NULL) {
		rc = lvm_error_set(err, ENOMEM, "d%u: a hypercall buffer for "
				   "the code's mapping", domid);
		goto out;
	}
	for (i = 0; i < h->span; i++) {
		if (h->mfn[i] == 0)
			continue;
		pfn = h->first + i;
		if (lvm_layout_l1e(lo, pfn, &table, &idx) != 0) {
			rc = lvm_error_set(err, EINVAL, "d%u: page %llu of the "
					   "image is not in the mapping",
					   domid, (unsigned long long)pfn);
			goto out;
		}
		req[n].ptr = ((p2m[table] << 12) + idx * 8u) |
			     MMU_NORMAL_PT_UPDATE;
		req[n].val = h->mfn[i] << 12 | LVM_PTE_PRESENT |
			     LVM_PTE_ACCESSED;
		n++;
	}
	errno = 0;
	if (xencall4(xcall, __HYPERVISOR_mmu_update, (uint64_t)(uintptr_t)req,
		     n, 0, (uint64_t)(domid + 1) << 16 | h->domid) != 0) {
		rc = lvm_error_set(err, errno ? errno : EIO, "d%u: mapping "
				   "the code of d%u failed", domid, h->domid);
		goto out;
	}
	*pages = n;
out:
	if (req != NULL)
		xencall_free_buffer(xcall, req);
	give_back(xch, h, once);
	return rc;
}

void lvm_code_drop_all(xc_interface *xch)
{
	unsigned i;

	pthread_mutex_lock(&code.mu);
	for (i = 0; i < CODE_MAX; i++) {
		holder_drop(xch, code.h[i]);
		code.h[i] = NULL;
	}
	pthread_mutex_unlock(&code.mu);
}
