/*
 * test_pvbuild.c — our own PV builder (toolstack/engine/pvbuild.c, through
 * lvm_shell_prepare / lvm_shell_finish / lvm_shell_prebuild) against stubs
 * of libxenctrl (-Wl,--wrap), with real images (build/guests). The stubs
 * keep the guest's "machine memory" in a memfd: frame f of the fake
 * machine is page f - MFN0 of it, so the test reads what the builder
 * wrote through its own view. Checked: the layout in memory (segments,
 * p2m list, start info, tables, device page), the hypercalls' arguments
 * (hypercall page, pinned L4, vCPU context), and that a failure at any
 * step destroys the domain once and leaks nothing (the ASan build).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>
#define XC_WANT_COMPAT_MAP_FOREIGN_API 1
#include <xenctrl.h>
#include <xencall.h>

#include "toolstack/engine/code.h"
#include "toolstack/engine/engine.h"
#include "toolstack/engine/engine_priv.h"
#include "toolstack/engine/layout.h"

#define DOMID 9u
#define MFN0 0x4000u                 /* the first fake machine frame */
#define MAX_PAGES 1024u              /* 4 MiB of fake machine */
#define HOLDER 77u                   /* a code holder's domain (code.h) */
#define HOLDER_MFN0 (MFN0 + MAX_PAGES) /* its frames, after the guest's */
#define HOLDER_PAGES 64u
#define RAM_PAGES (MAX_PAGES + HOLDER_PAGES)
#define SHINFO_MFN 0x777u
#define PAGE 4096u

static struct fake {
	const char *fail_fn;
	int fail_errno;
	int created, destroyed, maps, populated;
	int fd;                      /* the fake machine */
	uint8_t *ram;                /* the test's view of it */
	uint8_t shinfo[PAGE] __attribute__((aligned(4096)));
	uint64_t hypercall_gmfn;
	int hypercall_calls;
	struct mmuext_op pin, unpin;
	int pin_calls, unpin_calls;
	vcpu_guest_context_any_t ctx;
	int ctx_calls;
	int reset_calls;             /* null contexts: vCPU resets */
	int info_calls;              /* getdomaininfo: is the shell there */
	uint8_t handle[16];          /* the last sethandle's */
	int handle_set;
	int gone;                    /* 1: no such domain, 2: another one
					with its number, 3: dying */
	int resets_at_unpin;         /* reset_calls when the last unpin came */
	void *hbuf;                  /* the last hypercall buffer given */
	int hbufs;                   /* given and not freed */
	void *two[64];               /* 2-page mappings not unmapped */
	xen_pfn_t two_mfns[2];       /* the last one's frames */
	int holders, holders_destroyed;  /* code holders made, destroyed */
	int mmu_calls;               /* mmu_update hypercalls */
	unsigned mmu_n;              /* the last one's count */
	uint64_t mmu_fd;             /* ... its foreigndom */
	struct mmu_update mmu[HOLDER_PAGES];  /* ... its requests */
	int xbufs;                   /* xencall buffers not freed */
} F;

static xc_interface *const XCH = (xc_interface *)&F;
static const uint8_t UUID[16] = { 1, 2, 3 };
static struct lvm_error E;

static int hit(const char *fn)
{
	if (F.fail_fn == NULL || strcmp(fn, F.fail_fn) != 0)
		return 0;
	errno = F.fail_errno;
	return 1;
}

/* ---- libxenctrl ---- */

int __wrap_xc_domain_create(xc_interface *xch, uint32_t *domid,
			    struct xen_domctl_createdomain *cfg)
{
	assert_ptr_equal(xch, XCH);
	if (memcmp(cfg->handle, "lvm\0cd", 6) == 0) {
		if (hit("holder_create"))
			return -1;
		*domid = HOLDER;
		F.holders++;
		return 0;
	}
	*domid = DOMID;
	F.created++;
	return 0;
}

int __wrap_xc_domain_max_vcpus(xc_interface *xch, uint32_t d, unsigned m)
{
	(void)xch; (void)d; (void)m;
	return 0;
}

int __wrap_xc_domain_setmaxmem(xc_interface *xch, uint32_t d, uint64_t kb)
{
	(void)xch; (void)d; (void)kb;
	return 0;
}

int __wrap_xc_evtchn_alloc_unbound(xc_interface *xch, uint32_t d, uint32_t r)
{
	static int port;

	(void)xch; (void)d; (void)r;
	return ++port % 16 + 1;
}

int __wrap_xc_domain_destroy(xc_interface *xch, uint32_t domid)
{
	assert_ptr_equal(xch, XCH);
	if (domid == HOLDER) {
		F.holders_destroyed++;
		return 0;
	}
	assert_int_equal(domid, DOMID);
	F.destroyed++;
	return 0;
}

int __wrap_xc_domain_sethandle(xc_interface *xch, uint32_t d,
			       xen_domain_handle_t h)
{
	(void)xch; (void)d;
	memcpy(F.handle, h, 16);
	F.handle_set = 1;
	return 0;
}

int __wrap_xc_physinfo(xc_interface *xch, xc_physinfo_t *info)
{
	(void)xch;
	info->cpu_khz = 2000000;
	return 0;
}

int __wrap_xc_domain_populate_physmap_exact(xc_interface *xch, uint32_t d,
					    unsigned long n, unsigned int order,
					    unsigned int flags, xen_pfn_t *ext)
{
	unsigned long i;

	assert_ptr_equal(xch, XCH);
	assert_int_equal(order, 0);
	assert_int_equal(flags, 0);
	if (d == HOLDER) {
		if (hit("holder_populate"))
			return -1;
		assert_true(n <= HOLDER_PAGES);
		for (i = 0; i < n; i++) {
			assert_int_equal(ext[i], i);
			ext[i] = HOLDER_MFN0 + i;
		}
		return 0;
	}
	assert_int_equal(d, DOMID);
	if (hit("populate"))
		return -1;
	assert_true(n <= MAX_PAGES);
	for (i = 0; i < n; i++) {
		assert_int_equal(ext[i], i);     /* frames 0 .. n-1 asked */
		ext[i] = MFN0 + i;
	}
	F.populated += (int)n;
	return 0;
}

int __wrap_xc_domain_getinfolist(xc_interface *xch, uint32_t first,
				 unsigned int max, xc_domaininfo_t *info)
{
	(void)xch;
	assert_int_equal(max, 1);
	if (hit("getinfolist"))
		return -1;
	memset(info, 0, sizeof(*info));
	info->domain = (domid_t)first;
	info->shared_info_frame = SHINFO_MFN;
	return 1;
}

void *__wrap_xc_map_foreign_range(xc_interface *xch, uint32_t dom, int size,
				  int prot, unsigned long mfn)
{
	void *p;

	(void)xch; (void)prot;
	assert_int_equal(dom, DOMID);
	assert_int_equal(size, PAGE);
	assert_int_equal(mfn, SHINFO_MFN);
	if (hit("map_range"))
		return NULL;
	/* An anonymous page the test copies back: munmap() must work. */
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	memset(p, 0xee, PAGE);
	F.maps++;
	return p;
}

/* Each frame asked is mapped from the memfd: one region, page by page. */
void *__wrap_xc_map_foreign_pages(xc_interface *xch, uint32_t dom, int prot,
				  const xen_pfn_t *arr, int num)
{
	uint8_t *p;
	void *q;
	int i;

	(void)xch; (void)prot;
	assert_true(dom == DOMID || dom == HOLDER);
	if (hit(dom == HOLDER ? "holder_map" : "map_pages"))
		return NULL;
	p = mmap(NULL, (size_t)num * PAGE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	for (i = 0; i < num; i++) {
		assert_true(arr[i] >= MFN0 && arr[i] < MFN0 + RAM_PAGES);
		q = mmap(p + (size_t)i * PAGE, PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, F.fd,
			 (off_t)(arr[i] - MFN0) * PAGE);
		assert_true(q != MAP_FAILED);
	}
	F.maps++;
	if (num == 2) {
		for (i = 0; F.two[i]; i++)
			assert_true(i < 63);
		F.two[i] = p;
		F.two_mfns[0] = arr[0];
		F.two_mfns[1] = arr[1];
	}
	return p;
}

int __real_munmap(void *addr, size_t len);
int __wrap_munmap(void *addr, size_t len)
{
	for (int i = 0; i < 64; i++)
		if (F.two[i] == addr && len == 2 * PAGE)
			F.two[i] = NULL;
	return __real_munmap(addr, len);
}

/* twos() - the 2-page mappings made and not unmapped. */
static int twos(void)
{
	int n = 0;

	for (int i = 0; i < 64; i++)
		n += F.two[i] != NULL;
	return n;
}

int __wrap_xc_domctl(xc_interface *xch, struct xen_domctl *dc)
{
	(void)xch;
	assert_int_equal(dc->domain, DOMID);
	if (dc->cmd == XEN_DOMCTL_getdomaininfo) {
		F.info_calls++;
		if (hit("info"))
			return -1;
		/* Xen gives the next domain when there is none by that id. */
		dc->u.getdomaininfo.domain = DOMID + (F.gone == 1);
		memcpy(dc->u.getdomaininfo.handle, F.handle_set ? F.handle :
		       UUID, 16);
		dc->u.getdomaininfo.handle[0] ^= F.gone == 2;
		dc->u.getdomaininfo.flags = F.gone == 3 ? XEN_DOMINF_dying : 0;
		return 0;
	}
	if (dc->cmd == XEN_DOMCTL_setvcpucontext &&
	    dc->u.vcpucontext.ctxt.p == NULL) {
		assert_int_equal(dc->u.vcpucontext.vcpu, 0);
		F.reset_calls++;
		if (hit("reset"))
			return -1;
		memset(&F.ctx, 0, sizeof(F.ctx));
		return 0;
	}
	if (dc->cmd == XEN_DOMCTL_setvcpucontext) {
		assert_int_equal(dc->u.vcpucontext.vcpu, 0);
		F.ctx_calls++;
		if (hit("setcontext"))
			return -1;
		/* The context is read from the shell's own hypercall buffer. */
		assert_ptr_equal(dc->u.vcpucontext.ctxt.p, F.hbuf);
		memcpy(&F.ctx, dc->u.vcpucontext.ctxt.p, sizeof(F.ctx));
		return 0;
	}
	assert_int_equal(dc->cmd, XEN_DOMCTL_hypercall_init);
	F.hypercall_calls++;
	if (hit("domctl"))
		return -1;
	F.hypercall_gmfn = dc->u.hypercall_init.gmfn;
	/* Xen's stubs, as the test can tell them from the image's zeroes. */
	assert_true(F.hypercall_gmfn >= MFN0 &&
		    F.hypercall_gmfn < MFN0 + MAX_PAGES);
	memset(F.ram + (F.hypercall_gmfn - MFN0) * PAGE, 0xc3, PAGE);
	return 0;
}

int __wrap_xc_mmuext_op(xc_interface *xch, struct mmuext_op *op,
			unsigned int n, uint32_t dom)
{
	(void)xch;
	assert_int_equal(n, 1);
	assert_int_equal(dom, DOMID);
	if (op->cmd == MMUEXT_UNPIN_TABLE) {
		F.unpin_calls++;
		F.resets_at_unpin = F.reset_calls;
		if (hit("unpin"))
			return -1;
		F.unpin = *op;
		return 0;
	}
	F.pin_calls++;
	if (hit("mmuext"))
		return -1;
	F.pin = *op;
	return 0;
}

void *__wrap_xc__hypercall_buffer_alloc_pages(xc_interface *xch,
					      xc_hypercall_buffer_t *b, int n)
{
	void *p;

	assert_ptr_equal(xch, XCH);
	assert_int_equal(n, (sizeof(vcpu_guest_context_any_t) + PAGE - 1) /
			 PAGE);
	if (hit("hbuf"))
		return NULL;
	p = mmap(NULL, (size_t)n * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	b->hbuf = p;
	F.hbuf = p;
	F.hbufs++;
	return p;
}

void __wrap_xc__hypercall_buffer_free_pages(xc_interface *xch,
					    xc_hypercall_buffer_t *b, int n)
{
	assert_ptr_equal(xch, XCH);
	assert_non_null(b->hbuf);
	munmap(b->hbuf, (size_t)n * PAGE);
	b->hbuf = NULL;
	F.hbufs--;
}

/* ---- libxencall, for the code's mapping (code.c) ---- */

xencall_handle *__wrap_xc_interface_xcall_handle(xc_interface *xch)
{
	assert_ptr_equal(xch, XCH);
	return (xencall_handle *)&F;
}

void *__wrap_xencall_alloc_buffer(xencall_handle *xcall, size_t size)
{
	assert_ptr_equal(xcall, &F);
	F.xbufs++;
	return malloc(size);
}

void __wrap_xencall_free_buffer(xencall_handle *xcall, void *p)
{
	assert_ptr_equal(xcall, &F);
	F.xbufs--;
	free(p);
}

int __wrap_xencall4(xencall_handle *xcall, unsigned int op, uint64_t a1,
		    uint64_t a2, uint64_t a3, uint64_t a4)
{
	assert_ptr_equal(xcall, &F);
	assert_int_equal(op, __HYPERVISOR_mmu_update);
	assert_true(a2 <= HOLDER_PAGES);
	assert_int_equal(a3, 0);
	F.mmu_calls++;
	if (hit("mmu_update"))
		return -1;
	F.mmu_n = (unsigned)a2;
	F.mmu_fd = a4;
	memcpy(F.mmu, (const void *)(uintptr_t)a1, a2 * sizeof(F.mmu[0]));
	return 0;
}

/* ---- helpers ---- */

static int reset(void **state)
{
	(void)state;
	lvm_engine_reap();
	lvm_code_drop_all(XCH);
	lvm_code_enable(false, 0, NULL, NULL);
	if (F.ram != NULL)
		munmap(F.ram, RAM_PAGES * PAGE);
	if (F.fd > 0)
		close(F.fd);
	memset(&F, 0, sizeof(F));
	F.fd = memfd_create("machine", 0);
	assert_true(F.fd >= 0);
	assert_int_equal(ftruncate(F.fd, RAM_PAGES * PAGE), 0);
	F.ram = mmap(NULL, RAM_PAGES * PAGE, PROT_READ | PROT_WRITE,
		     MAP_SHARED, F.fd, 0);
	assert_true(F.ram != MAP_FAILED);
	memset(F.ram, 0x5a, RAM_PAGES * PAGE);   /* dirty, as Xen may give */
	lvm_tsc_khz_forget();
	lvm_engine_pages_forget();
	lvm_error_clear(&E);
	lvm_engine_use_xenguest(false);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lvm_engine_reap();
	lvm_code_drop_all(XCH);
	lvm_code_enable(false, 0, NULL, NULL);
	if (F.ram != NULL)
		munmap(F.ram, RAM_PAGES * PAGE);
	if (F.fd > 0)
		close(F.fd);
	F.ram = NULL;
	F.fd = 0;
	return 0;
}

static struct lvm_image *image(const char *name)
{
	struct lvm_image *img = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.xen", TEST_GUESTS_DIR, name);
	assert_int_equal(lvm_image_load(path, &img, &E), 0);
	assert_true(img->load.ok);
	return img;
}

/* frame() - the test's view of the guest's frame (pfn). */
static uint8_t *frame(uint64_t pfn)
{
	return F.ram + pfn * PAGE;
}

/* ---- tests ---- */

/* noop in 1 MiB: everything where layout.c says, and the hypercalls. */
static void test_build_noop_1mib(void **state)
{
	struct lvm_image *img = image("noop");
	struct lvm_finish_req req = { .img = img, .name = "n1",
				      .cmdline = "hello there" };
	struct lvm_layout lo;
	struct lvm_built b;
	struct lvm_shell sh;
	const start_info_t *si;
	const struct noxs_page *np;
	const uint64_t *l4;
	unsigned i;

	(void)state;
	assert_int_equal(lvm_shell_prepare(XCH, 1, 1, UUID, false, &sh, &E), 0);
	assert_true(sh.own);
	assert_int_equal(F.populated, 256);
	assert_int_equal(lvm_layout_compute(256, 0, img->load.lo, img->load.hi,
					    &lo), 0);
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_int_equal(F.destroyed, 0);

	/* The segments, as the file has them; .bss zeroed. */
	for (i = 0; i < img->load.nsegs; i++) {
		const struct lvm_elf_seg *g = &img->load.segs[i];

		if (g->vaddr == img->noxs_vaddr)
			continue;            /* the device page, written over */
		assert_memory_equal(F.ram + g->vaddr,
				    (uint8_t *)img->blob + g->offset,
				    g->filesz > 64 ? 64 : g->filesz);
	}
	assert_int_equal(F.ram[img->load.hi - 1], 0);

	/* p2m list and start info. */
	assert_int_equal(((uint64_t *)frame(lo.p2m_pfn))[0], MFN0);
	assert_int_equal(((uint64_t *)frame(lo.p2m_pfn))[255], MFN0 + 255);
	si = (const start_info_t *)frame(lo.start_info_pfn);
	assert_string_equal(si->magic, "xen-3.0-x86_64");
	assert_int_equal(si->nr_pages, 256);
	assert_int_equal(si->shared_info, (uint64_t)SHINFO_MFN << 12);
	assert_int_equal(si->mfn_list, lo.p2m_pfn * PAGE);
	assert_int_equal(si->pt_base, lo.pt_pfn * PAGE);
	assert_int_equal(si->nr_pt_frames, lo.pt_pages);
	assert_int_equal(si->console.domU.mfn, MFN0 + lo.console_pfn);
	assert_int_equal(si->console.domU.evtchn, sh.console_port);
	assert_int_equal(si->store_mfn, 0);
	assert_string_equal((const char *)si->cmd_line, "hello there");
	for (i = 0; i < PAGE; i++)
		assert_int_equal(frame(lo.console_pfn)[i], 0);

	/* The L4 points at the L3, as layout.c writes it. */
	l4 = (const uint64_t *)frame(lo.pt_pfn);
	assert_int_equal(l4[0], ((uint64_t)(MFN0 + lo.pt_pfn + 1) << 12) |
			 LVM_PTE_TABLE);

	/* The device page, filled. */
	np = (const struct noxs_page *)(F.ram + img->noxs_vaddr);
	assert_int_equal(np->magic, NOXS_MAGIC);
	assert_string_equal(np->name, "n1");
	assert_int_equal(np->console.gfn, lo.console_pfn);

	/* Hypercall page, pin, context. */
	assert_int_equal(F.hypercall_gmfn,
			 MFN0 + img->load.hypercall_va / PAGE);
	assert_int_equal(F.pin.cmd, MMUEXT_PIN_L4_TABLE);
	assert_int_equal(F.pin.arg1.mfn, MFN0 + lo.pt_pfn);
	assert_int_equal(F.ctx.x64.user_regs.rip, img->load.entry);
	assert_int_equal(F.ctx.x64.user_regs.rsi, lo.start_info_pfn * PAGE);
	assert_int_equal(F.ctx.x64.user_regs.rsp, (lo.stack_pfn + 1) * PAGE);
	assert_int_equal(F.ctx.x64.ctrlreg[3],
			 (uint64_t)(MFN0 + lo.pt_pfn) << 12);
	assert_int_equal(F.ctx.x64.flags,
			 VGCF_in_kernel_X86_64 | VGCF_online_X86_64);

	/* What lvmd is told. */
	assert_int_equal(b.domid, DOMID);
	assert_int_equal(b.console_gfn, lo.console_pfn);
	assert_int_equal(b.console_mfn, MFN0 + lo.console_pfn);
	assert_int_equal(b.noxs_gfn, img->noxs_vaddr / PAGE);
	assert_int_equal(b.noxs_mfn, MFN0 + img->noxs_vaddr / PAGE);
	assert_int_equal(b.start_info_mfn, MFN0 + lo.start_info_pfn);
	assert_int_equal(b.footprint_pages, lo.footprint);
	assert_non_null(b.noxs_copy);
	lvm_built_release(&b);
	lvm_image_free(img);
}

/*
 * A premap holds the tables pinned ahead: the claim places the image
 * below them, maps, unmaps and pins nothing, and leaves the release of
 * its mapping and hypercall buffer to lvm_engine_reap().
 */
static void test_premap(void **state)
{
	struct lvm_image *img = image("noop");
	struct lvm_finish_req req = { .img = img, .name = "p" };
	struct lvm_layout lo;
	struct lvm_built b;
	struct lvm_shell sh;
	const start_info_t *si;
	uint64_t p2m[MAX_PAGES], *want;
	unsigned i;

	(void)state;
	for (i = 0; i < MAX_PAGES; i++)
		p2m[i] = MFN0 + i;
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(F.maps, 1);             /* shared info */
	assert_int_equal(F.hbufs, 1);
	assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
	assert_int_equal(F.maps, 3);             /* the tables, frames 0..59 */
	/* The hypercall page (frame 1) and vCPU 0's context, ahead. */
	assert_int_equal(F.hypercall_calls, 1);
	assert_int_equal(F.hypercall_gmfn, MFN0 + 1);
	assert_int_equal(F.ctx_calls, 1);
	assert_int_equal(F.ctx.x64.user_regs.rip, 0);
	/* The tables of frames 0..63, at 60..63, pinned. */
	assert_int_equal(lvm_layout_ahead(1024, 64, 0, &lo), 0);
	assert_int_equal(lo.pt_pfn, 60);
	assert_int_equal(F.pin_calls, 1);
	assert_int_equal(F.pin.cmd, MMUEXT_PIN_L4_TABLE);
	assert_int_equal(F.pin.arg1.mfn, MFN0 + lo.pt_pfn);
	want = malloc(lo.pt_pages * PAGE);
	assert_non_null(want);
	lvm_layout_tables(&lo, p2m, want);
	assert_memory_equal(frame(lo.pt_pfn), want, lo.pt_pages * PAGE);
	free(want);

	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_true(b.premap_used);
	assert_true(b.tables_ahead);
	assert_int_equal(F.maps, 3);             /* nothing mapped again */
	assert_int_equal(F.pin_calls, 1);        /* nor pinned */
	assert_int_equal(F.unpin_calls, 0);
	assert_int_equal(F.hypercall_calls, 1);  /* nor made again */
	assert_int_equal(F.ctx_calls, 1);
	assert_int_equal(F.reset_calls, 0);
	assert_int_equal(F.info_calls, 1);       /* one look: still there */
	/* The image was copied around Xen's hypercall page, not over it. */
	for (i = 0; i < PAGE; i++)
		assert_int_equal(frame(1)[i], 0xc3);
	assert_int_equal(lvm_layout_place(&lo, img->load.lo, img->load.hi), 0);
	si = (const start_info_t *)frame(lo.start_info_pfn);
	assert_int_equal(si->pt_base, lo.pt_pfn * PAGE);
	assert_int_equal(si->nr_pt_frames, lo.pt_pages);
	assert_int_equal(si->mfn_list, lo.p2m_pfn * PAGE);
	assert_int_equal(((uint64_t *)frame(lo.p2m_pfn))[1023], MFN0 + 1023);
	assert_int_equal(si->console.domU.mfn, MFN0 + lo.console_pfn);
	assert_int_equal(F.ctx.x64.user_regs.rsp, lo.pt_pfn * PAGE);
	assert_int_equal(F.ctx.x64.user_regs.rsi, lo.start_info_pfn * PAGE);
	assert_int_equal(F.ctx.x64.ctrlreg[3],
			 (uint64_t)(MFN0 + lo.pt_pfn) << 12);
	assert_int_equal(F.hypercall_gmfn,
			 MFN0 + img->load.hypercall_va / PAGE);
	assert_int_equal(b.start_info_mfn, MFN0 + lo.start_info_pfn);
	assert_int_equal(b.console_gfn, lo.console_pfn);
	/* Released later, once. */
	assert_int_equal(F.hbufs, 1);
	assert_int_equal(lvm_engine_reap(), 1);
	assert_int_equal(F.hbufs, 0);
	assert_int_equal(lvm_engine_reap(), 0);
	assert_int_equal(F.destroyed, 0);
	lvm_built_release(&b);

	/* Too small a span for the tables: a plain premap, too small for
	 * the footprint: dropped, the footprint mapped at the build, and
	 * everything released at once. */
	reset(NULL);
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_shell_premap(&sh, 8, &E), 0);
	assert_int_equal(F.pin_calls, 0);
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_false(b.premap_used);
	assert_false(b.tables_ahead);
	assert_int_equal(F.maps, 3);
	assert_int_equal(F.pin_calls, 1);
	assert_int_equal(F.hbufs, 0);
	assert_int_equal(lvm_engine_reap(), 0);
	lvm_built_release(&b);
	lvm_image_free(img);
}

/* An image too big for the span: the tables are unpinned, the premap
 * dropped, and the image built in the usual order. */
static void test_premap_too_small_for_image(void **state)
{
	static const struct {
		const char *fn, *msg;
		int err, unpins;
	} drop[] = {
		{ "unpin", "unpinning", EBUSY, 1 },
		{ "reset", "resetting", EINVAL, 0 },
	};
	struct lvm_image *img = image("fat");
	struct lvm_finish_req req = { .img = img, .name = "f" };
	struct lvm_layout lo;
	struct lvm_built b;
	struct lvm_shell sh;
	unsigned i;

	(void)state;
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
	assert_int_equal(F.pin_calls, 1);
	assert_int_equal(F.ctx_calls, 1);        /* set ahead */
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_int_equal(F.unpin_calls, 1);
	assert_int_equal(F.unpin.arg1.mfn, MFN0 + 60);
	/* vCPU 0 let go of the tables before their unpin, and was set
	 * again for the usual order, with the hypercall page. */
	assert_int_equal(F.reset_calls, 1);
	assert_int_equal(F.resets_at_unpin, 1);
	assert_int_equal(F.ctx_calls, 2);
	assert_int_equal(F.hypercall_calls, 2);
	assert_int_equal(F.pin_calls, 2);
	assert_int_equal(lvm_layout_compute(1024, 0, img->load.lo,
					    img->load.hi, &lo), 0);
	assert_int_equal(F.pin.arg1.mfn, MFN0 + lo.pt_pfn);
	assert_false(b.tables_ahead);
	assert_false(b.premap_used);
	assert_int_equal(F.hbufs, 0);
	assert_int_equal(lvm_engine_reap(), 0);
	assert_int_equal(F.destroyed, 0);
	lvm_built_release(&b);

	/* The unpin or the reset before it fails: the create fails,
	 * nothing left; after a failed reset nothing is unpinned. */
	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++) {
		reset(NULL);
		assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false,
						   &sh, &E), 0);
		assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
		F.fail_fn = drop[i].fn;
		F.fail_errno = drop[i].err;
		assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E),
				 -drop[i].err);
		assert_non_null(strstr(E.msg, drop[i].msg));
		assert_int_equal(F.unpin_calls, drop[i].unpins);
		assert_int_equal(F.destroyed, 1);
		assert_int_equal(F.hbufs, 0);
		assert_int_equal(lvm_engine_reap(), 0);
	}
	lvm_image_free(img);
}

/* Failures of a premapped shell: at the pin ahead (the shell stays
 * usable, unmapped), and at the claim (destroyed, nothing waits). */
static void test_premap_failures(void **state)
{
	static const char *const fin[] = { "domctl", "setcontext" };
	const unsigned nfin = sizeof(fin) / sizeof(fin[0]);
	struct lvm_image *img = image("noop");
	struct lvm_finish_req req = { .img = img, .name = "x" };
	struct lvm_built b;
	struct lvm_shell sh;
	unsigned i;

	(void)state;
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, &sh, &E), 0);
	F.fail_fn = "mmuext";
	F.fail_errno = EINVAL;
	assert_int_equal(lvm_shell_premap(&sh, 64, &E), -EINVAL);
	assert_non_null(strstr(E.msg, "pinning the page tables ahead"));
	F.fail_fn = NULL;
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_false(b.tables_ahead);
	assert_int_equal(F.destroyed, 0);
	assert_int_equal(F.hbufs, 0);
	lvm_built_release(&b);

	/* The hypercall page or the context fails ahead: the premap still
	 * stands and the build makes it again. Failing there too (the
	 * first round), the create fails; failing ahead only, it works. */
	for (i = 0; i < 2 * nfin; i++) {
		unsigned f = i % nfin;

		reset(NULL);
		assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false,
						   &sh, &E), 0);
		F.fail_fn = fin[f];
		F.fail_errno = EPERM;
		assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
		assert_int_equal(F.reset_calls, f == 1);
		if (i < nfin) {
			assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b,
							  &E), -EPERM);
			assert_int_equal(F.destroyed, 1);
			assert_int_equal(F.hbufs, 0);
			assert_int_equal(lvm_engine_reap(), 0);
			continue;
		}
		F.fail_fn = NULL;
		assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
		assert_int_equal(F.hypercall_calls, 2 - f);
		assert_int_equal(F.ctx_calls, 1 + f);
		assert_int_equal(F.hypercall_gmfn, MFN0 + 1);
		assert_int_equal(F.ctx.x64.user_regs.rip, 0);
		assert_int_equal(F.destroyed, 0);
		lvm_engine_reap();
		lvm_built_release(&b);
	}

	/* No hypercall buffer: the shell is not made. */
	reset(NULL);
	F.fail_fn = "hbuf";
	F.fail_errno = ENOMEM;
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, &sh, &E),
			 -ENOMEM);
	assert_int_equal(F.destroyed, 1);
	lvm_image_free(img);
}

/* A premapped shell destroyed behind the toolstack's back: its claim
 * makes no hypercall of its own, so it looks once, and fails with ESRCH
 * (lvmd then builds cold) when the domain is gone, has another handle or
 * is dying, or the look fails; the shell's domain is destroyed, nothing
 * waits. With the handle the claim set, the look finds it. */
static void test_premap_shell_gone(void **state)
{
	static const uint8_t other[16] = { 9, 9 };
	struct lvm_image *img = image("noop");
	struct lvm_finish_req req = { .img = img, .name = "g" };
	struct lvm_built b;
	struct lvm_shell sh;
	int k;

	(void)state;
	for (k = 1; k <= 4; k++) {
		reset(NULL);
		assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false,
						   &sh, &E), 0);
		assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
		if (k == 4) {
			F.fail_fn = "info";
			F.fail_errno = EPERM;
		} else {
			F.gone = k;
		}
		assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E),
				 -ESRCH);
		assert_non_null(strstr(E.msg, "gone"));
		assert_int_equal(F.info_calls, 1);
		assert_int_equal(F.destroyed, 1);
		assert_int_equal(F.hbufs, 0);
		assert_int_equal(lvm_engine_reap(), 0);
	}

	reset(NULL);
	req.uuid = other;
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_int_equal(F.info_calls, 1);
	assert_int_equal(F.destroyed, 0);
	lvm_engine_reap();
	lvm_built_release(&b);
	lvm_image_free(img);
}

/* At most 32 claims wait for lvm_engine_reap(); the next releases its
 * own at once. */
static void test_reap_bounded(void **state)
{
	struct lvm_image *img = image("noop");
	struct lvm_finish_req req = { .img = img, .name = "r" };
	struct lvm_built b;
	struct lvm_shell sh;
	unsigned i;

	(void)state;
	for (i = 0; i < 33; i++) {
		assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false,
						   &sh, &E), 0);
		assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
		assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
		assert_true(b.tables_ahead);
		lvm_built_release(&b);
	}
	assert_int_equal(F.hbufs, 32);
	assert_int_equal(lvm_engine_reap(), 32);
	assert_int_equal(F.hbufs, 0);
	lvm_image_free(img);
}

/* An image that does not fit: one line, the domain destroyed. */
static void test_too_small(void **state)
{
	struct lvm_image *img = image("fat");
	struct lvm_finish_req req = { .img = img, .name = "f" };
	struct lvm_built b;
	struct lvm_shell sh;

	(void)state;
	assert_int_equal(lvm_shell_prepare(XCH, 1, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), -ENOMEM);
	assert_non_null(strstr(E.msg, "does not fit in 1024 KiB of memory"));
	assert_null(strchr(E.msg, '\n'));
	assert_int_equal(F.destroyed, 1);
	assert_int_equal(F.pin_calls + F.ctx_calls, 0);
	assert_null(sh.priv);
	lvm_shell_discard(XCH, &sh);             /* a no-op now */
	assert_int_equal(F.destroyed, 1);
	lvm_image_free(img);
}

/* A failure at each step: -errno, one line, the domain destroyed once. */
static void test_failures(void **state)
{
	static const char *const prep[] = { "populate", "getinfolist",
					    "map_range" };
	static const char *const fin[] = { "map_pages", "domctl", "mmuext",
					   "setcontext" };
	struct lvm_image *img = image("hello");
	struct lvm_finish_req req = { .img = img, .name = "x" };
	struct lvm_built b;
	struct lvm_shell sh;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(prep) / sizeof(prep[0]); i++) {
		reset(NULL);
		F.fail_fn = prep[i];
		F.fail_errno = EIO;
		assert_int_equal(lvm_shell_prepare(XCH, 1, 1, UUID, false, &sh,
						   &E), -EIO);
		assert_int_equal(F.destroyed, 1);
		assert_true(E.msg[0] != '\0');
	}
	for (i = 0; i < sizeof(fin) / sizeof(fin[0]); i++) {
		reset(NULL);
		assert_int_equal(lvm_shell_prepare(XCH, 1, 1, UUID, false, &sh,
						   &E), 0);
		F.fail_fn = fin[i];
		F.fail_errno = EPERM;
		assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E),
				 -EPERM);
		assert_int_equal(F.destroyed, 1);
		assert_null(b.noxs_copy);
		assert_true(E.msg[0] != '\0');
	}
	/* A ramdisk is refused, the domain destroyed. */
	reset(NULL);
	assert_int_equal(lvm_shell_prepare(XCH, 1, 1, UUID, false, &sh, &E), 0);
	req.ramdisk = "/proc/self/exe";
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), -EINVAL);
	assert_int_equal(F.destroyed, 1);
	lvm_image_free(img);
}

/* Built ahead: the device page left as the image has it, then claimed. */
static void test_prebuild(void **state)
{
	struct lvm_image *img = image("noop");
	struct lvm_finish_req req = { .img = img, .name = "w1" };
	struct lvm_built b;
	struct lvm_shell sh;
	const struct noxs_page *np;

	(void)state;
	assert_int_equal(lvm_shell_prepare(XCH, 1, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_shell_prebuild(XCH, &sh, img, &E), 0);
	np = (const struct noxs_page *)(F.ram + img->noxs_vaddr);
	assert_int_not_equal(np->magic, NOXS_MAGIC);
	assert_int_equal(F.pin_calls, 1);
	assert_true(lvm_shell_fits(&sh, img));
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_int_equal(F.pin_calls, 1);        /* nothing built again */
	assert_int_equal(F.destroyed, 0);
	lvm_built_release(&b);
	lvm_image_free(img);
}

/*
 * The console ring and device page at the frames of the last build,
 * mapped by the premap: handed over by a claim whose image is laid out
 * the same (the caller maps nothing), released with the shell otherwise;
 * a warm shell takes them too.
 */
static void test_pages_ahead(void **state)
{
	struct lvm_image *img = image("noop"), *fat = image("fat");
	struct lvm_finish_req req = { .img = img, .name = "p" };
	struct lvm_built b;
	struct lvm_shell sh;
	int maps;

	(void)state;
	/* nothing built yet: nothing ahead */
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
	assert_int_equal(twos(), 0);
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_null(b.pages);
	lvm_built_release(&b);
	assert_int_equal(lvm_engine_reap(), 1);

	/* the next shell: those two frames mapped at its premap, handed over */
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, &sh, &E), 0);
	maps = F.maps;
	assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
	assert_int_equal(F.maps, maps + 3);      /* tables, premap, the two */
	assert_int_equal(twos(), 1);
	assert_int_equal(F.two_mfns[0], MFN0 + b.console_gfn);
	assert_int_equal(F.two_mfns[1], MFN0 + b.noxs_gfn);
	maps = F.maps;
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_int_equal(F.maps, maps);          /* nothing mapped at the claim */
	assert_non_null(b.pages);
	assert_memory_equal((const uint8_t *)b.pages + PAGE, b.noxs_copy,
			    NOXS_PAGE_SIZE);
	assert_memory_equal(b.pages, frame(b.console_gfn), PAGE);
	assert_int_equal(lvm_engine_reap(), 1);
	assert_int_equal(twos(), 1);             /* the caller's now */
	lvm_built_release(&b);
	assert_null(b.pages);
	assert_int_equal(twos(), 0);

	/* an image laid out otherwise (fat: too big for the tables made
	 * ahead): not handed over, released with the shell */
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
	assert_int_equal(twos(), 1);
	req.img = fat;
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_null(b.pages);
	lvm_built_release(&b);
	lvm_engine_reap();
	assert_int_equal(twos(), 0);
	/* nor kept by a shell discarded */
	req.img = img;
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
	lvm_shell_discard(XCH, &sh);
	lvm_engine_reap();

	/* a warm shell built in such a shell takes them */
	lvm_engine_pages_forget();
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	lvm_built_release(&b);
	lvm_engine_reap();
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
	assert_int_equal(twos(), 1);
	assert_int_equal(lvm_shell_prebuild(XCH, &sh, img, &E), 0);
	assert_int_equal(twos(), 1);             /* not mapped twice */
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_non_null(b.pages);
	lvm_built_release(&b);
	lvm_engine_reap();
	assert_int_equal(twos(), 0);
	lvm_image_free(fat);
	lvm_image_free(img);
}

/* An image our builder cannot load (no noxs note): refused, destroyed. */
static void test_not_ours(void **state)
{
	struct lvm_image *img = NULL;
	struct lvm_finish_req req = { .name = "p" };
	struct lvm_built b;
	struct lvm_shell sh;
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/hello-plain.xen", TEST_GUESTS_DIR);
	assert_int_equal(lvm_image_load(path, &img, &E), 0);
	req.img = img;
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), -EINVAL);
	assert_non_null(strstr(E.msg, "not an image of our library OS"));
	assert_int_equal(F.destroyed, 1);
	lvm_image_free(img);
}

/*
 * code_checks() - the code's mapping of the build (lo) of (img), with
 * holder frames from HOLDER_MFN0: one request per shared page, each
 * over the very entry that maps that page's own frame in the guest's
 * tables (read back from them), read-only, to the holder's frame, which
 * holds what the build wrote into the guest's own; the hypercall page,
 * the device page and the writable segment's pages kept. Returns the
 * number of pages mapped.
 */
static unsigned code_checks(const struct lvm_image *img,
			    const struct lvm_layout *lo)
{
	uint64_t va, pfn, pte, hmfn;
	unsigned i, shared = 0;

	assert_int_equal(F.mmu_fd, (uint64_t)(DOMID + 1) << 16 | HOLDER);
	for (va = img->load.lo & ~(uint64_t)(PAGE - 1); va < img->load.hi;
	     va += PAGE)
		shared += lvm_code_page_shared(img, va) != 0;
	assert_true(shared > 0);
	assert_int_equal(F.mmu_n, shared);
	assert_false(lvm_code_page_shared(img, img->load.hypercall_va));
	assert_false(lvm_code_page_shared(img, img->noxs_vaddr));
	for (i = 0; i < F.mmu_n; i++) {
		const struct mmu_update *u = &F.mmu[i];
		uint64_t at = (u->ptr & ~7ull) - (uint64_t)MFN0 * PAGE;

		assert_int_equal(u->ptr & 7, MMU_NORMAL_PT_UPDATE);
		/* an entry of the guest's tables ... */
		assert_true(at >= lo->pt_pfn * PAGE &&
			    at < (lo->pt_pfn + lo->pt_pages) * PAGE);
		pte = *(const uint64_t *)(F.ram + at);
		/* ... that maps one of its own frames of the image ... */
		pfn = (pte >> 12) - MFN0;
		assert_true(pfn >= lo->image_pfn && pfn < lo->kernel_end);
		va = lo->virt_base + pfn * PAGE;
		assert_true(lvm_code_page_shared(img, va));
		assert_int_not_equal(va, img->load.hypercall_va);
		/* ... to the holder's frame, read-only, same bytes. */
		assert_int_equal(u->val & 0xfff,
				 LVM_PTE_PRESENT | LVM_PTE_ACCESSED);
		hmfn = u->val >> 12;
		assert_true(hmfn >= HOLDER_MFN0 &&
			    hmfn < HOLDER_MFN0 + HOLDER_PAGES);
		assert_memory_equal(F.ram + (hmfn - MFN0) * PAGE,
				    frame(pfn), PAGE);
	}
	/* every writable segment's pages kept */
	for (i = 0; i < img->load.nsegs; i++)
		if (img->load.segs[i].writable)
			assert_false(lvm_code_page_shared(img,
				img->load.segs[i].vaddr & ~(uint64_t)(PAGE - 1)));
	return shared;
}

/* What lvm_code_enable()'s watch was told. */
static struct {
	unsigned made, dropped;
	uint32_t domid;
	char image[256];
} W;

static void watch(void *arg, uint32_t domid, const char *image, bool made)
{
	assert_ptr_equal(arg, &W);
	if (made) {
		W.made++;
		W.domid = domid;
		snprintf(W.image, sizeof(W.image), "%s", image);
	} else {
		assert_null(image);
		assert_int_equal(domid, W.domid);
		W.dropped++;
	}
}

/*
 * share_code on: the first build of an image makes its holder (one
 * domain, its frames written once), and each build maps it; sharing off
 * maps nothing; lvm_code_drop_all() destroys the holder once. The watch
 * is told of the holder once when made, with the image's path, and once
 * when it is dropped.
 */
static void test_code_shared(void **state)
{
	struct lvm_image *img = image("hello");
	struct lvm_finish_req req = { .img = img, .name = "c1" };
	struct lvm_layout lo;
	struct lvm_built b;
	struct lvm_shell sh;
	unsigned n;

	(void)state;
	/* Off (the reset's): no holder, no hypercall. */
	assert_int_equal(lvm_shell_prepare(XCH, 1, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_int_equal(b.code_pages, 0);
	assert_int_equal(b.code_note.code, 0);
	assert_int_equal(F.holders + F.mmu_calls, 0);
	lvm_built_release(&b);

	memset(&W, 0, sizeof(W));
	lvm_code_enable(true, 0x1234, watch, &W);
	assert_int_equal(lvm_shell_prepare(XCH, 1, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_layout_compute(256, 0, img->load.lo, img->load.hi,
					    &lo), 0);
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_int_equal(F.holders, 1);
	assert_int_equal(W.made, 1);
	assert_string_equal(W.image, img->path);
	assert_int_equal(F.mmu_calls, 1);
	n = code_checks(img, &lo);
	assert_int_equal(b.code_pages, n);
	/* after the pin: the tables it writes are Xen's to check */
	assert_int_equal(F.pin_calls, 2);
	assert_int_equal(F.xbufs, 0);
	lvm_built_release(&b);

	/* A second guest of the image: the same holder. */
	assert_int_equal(lvm_shell_prepare(XCH, 1, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_int_equal(F.holders, 1);
	assert_int_equal(F.mmu_calls, 2);
	assert_int_equal(code_checks(img, &lo), n);
	lvm_built_release(&b);

	assert_int_equal(F.holders_destroyed, 0);
	assert_int_equal(W.made, 1);
	assert_int_equal(W.dropped, 0);
	lvm_code_drop_all(XCH);
	assert_int_equal(F.holders_destroyed, 1);
	assert_int_equal(W.dropped, 1);
	lvm_code_drop_all(XCH);
	assert_int_equal(F.holders_destroyed, 1);
	assert_int_equal(W.dropped, 1);
	assert_int_equal(F.destroyed, 0);
	lvm_code_enable(true, 0x1234, NULL, NULL);
	lvm_image_free(img);
}

/* A shell whose tables were pinned ahead (a pool's): the same mapping,
 * into the tables at the span's top. */
static void test_code_ahead(void **state)
{
	struct lvm_image *img = image("noop");
	struct lvm_finish_req req = { .img = img, .name = "c2" };
	struct lvm_layout lo;
	struct lvm_built b;
	struct lvm_shell sh;

	(void)state;
	lvm_code_enable(true, 0x1234, NULL, NULL);
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, &sh, &E), 0);
	assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_true(b.tables_ahead);
	assert_int_equal(lvm_layout_ahead(1024, 64, 0, &lo), 0);
	assert_int_equal(lvm_layout_place(&lo, img->load.lo, img->load.hi), 0);
	assert_int_equal(F.mmu_calls, 1);
	assert_int_equal(b.code_pages, code_checks(img, &lo));
	lvm_built_release(&b);
	lvm_engine_reap();
	lvm_image_free(img);
}

/*
 * No holder (its domain, memory or mapping refused): the guest is built
 * on its own copy, the holder destroyed; the mapping refused: the build
 * fails and its domain is destroyed once; nothing leaks.
 */
static void test_code_failures(void **state)
{
	static const char *const holder[] = { "holder_create",
					      "holder_populate",
					      "holder_map" };
	struct lvm_image *img = image("noop");
	struct lvm_finish_req req = { .img = img, .name = "c3" };
	struct lvm_built b;
	struct lvm_shell sh;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(holder) / sizeof(holder[0]); i++) {
		reset(NULL);
		memset(&W, 0, sizeof(W));
		lvm_code_enable(true, 0x1234, watch, &W);
		assert_int_equal(lvm_shell_prepare(XCH, 1, 1, UUID, false, &sh,
						   &E), 0);
		F.fail_fn = holder[i];
		F.fail_errno = ENOMEM;
		assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
		assert_int_equal(b.code_pages, 0);
		assert_int_equal(b.code_note.code, ENOMEM);
		assert_non_null(strstr(b.code_note.msg,
				       "runs its own copy of its code"));
		assert_int_equal(F.mmu_calls, 0);
		assert_int_equal(F.holders_destroyed, F.holders);
		assert_int_equal(F.destroyed, 0);
		/* a holder never made is never named, nor unnamed */
		assert_int_equal(W.made + W.dropped, 0);
		lvm_built_release(&b);
	}
	lvm_code_enable(true, 0x1234, NULL, NULL);
	reset(NULL);
	lvm_code_enable(true, 0x1234, NULL, NULL);
	assert_int_equal(lvm_shell_prepare(XCH, 1, 1, UUID, false, &sh, &E), 0);
	F.fail_fn = "mmu_update";
	F.fail_errno = EINVAL;
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), -EINVAL);
	assert_int_equal(F.destroyed, 1);
	assert_int_equal(F.xbufs, 0);
	assert_non_null(strstr(E.msg, "mapping the code"));
	/* ... and a shell destroyed behind lvmd's back: ESRCH, as the
	 * build's look at the domain would say. */
	reset(NULL);
	lvm_code_enable(true, 0x1234, NULL, NULL);
	assert_int_equal(lvm_shell_prepare(XCH, 1, 1, UUID, false, &sh, &E), 0);
	F.fail_fn = "mmu_update";
	F.fail_errno = EINVAL;
	F.gone = 1;
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), -ESRCH);
	assert_non_null(strstr(E.msg, "the shell is gone"));
	assert_int_equal(F.xbufs, 0);
	lvm_image_free(img);
}

/*
 * At most 8 holders: a ninth image pushes out the least recently used
 * one (destroyed), an image built again since is kept, and one pushed
 * out gets a new holder at its next build.
 */
static void test_code_lru(void **state)
{
	static const char *const names[] = { "noop", "hello", "daytime",
					     "scribble", "storm", "nethostile",
					     "codewrite", "floor8", "sink" };
	struct lvm_image *img[9];
	struct lvm_finish_req req = { .name = "l" };
	struct lvm_built b;
	struct lvm_shell sh;
	unsigned i;

	(void)state;
	lvm_code_enable(true, 0x1234, NULL, NULL);
	for (i = 0; i < 9; i++)
		img[i] = image(names[i]);
	/* build(i): one guest of image i. */
#define BUILD(i) do { \
		req.img = img[i]; \
		assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, \
						   &sh, &E), 0); \
		if (lvm_shell_finish(XCH, &sh, &req, &b, &E) != 0) \
			fail_msg("%s: %s", names[i], E.msg); \
		assert_true(b.code_pages > 0); \
		lvm_built_release(&b); \
	} while (0)
	for (i = 0; i < 8; i++)
		BUILD(i);
	assert_int_equal(F.holders, 8);
	BUILD(0);                    /* noop used again: hello is the oldest */
	assert_int_equal(F.holders, 8);
	assert_int_equal(F.holders_destroyed, 0);
	BUILD(8);                    /* a ninth image: hello's holder goes */
	assert_int_equal(F.holders, 9);
	assert_int_equal(F.holders_destroyed, 1);
	BUILD(0);                    /* kept */
	assert_int_equal(F.holders, 9);
	BUILD(1);                    /* hello again: a new holder, and the
					oldest now (daytime's) goes */
	assert_int_equal(F.holders, 10);
	assert_int_equal(F.holders_destroyed, 2);
	BUILD(2);
	assert_int_equal(F.holders, 11);
	assert_int_equal(F.holders_destroyed, 3);
#undef BUILD
	lvm_code_drop_all(XCH);
	assert_int_equal(F.holders_destroyed, 3 + 8);
	assert_int_equal(F.destroyed, 0);
	for (i = 0; i < 9; i++)
		lvm_image_free(img[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_build_noop_1mib, reset,
						teardown),
		cmocka_unit_test_setup_teardown(test_premap, reset, teardown),
		cmocka_unit_test_setup_teardown(test_premap_too_small_for_image,
						reset, teardown),
		cmocka_unit_test_setup_teardown(test_premap_failures, reset,
						teardown),
		cmocka_unit_test_setup_teardown(test_premap_shell_gone, reset,
						teardown),
		cmocka_unit_test_setup_teardown(test_reap_bounded, reset,
						teardown),
		cmocka_unit_test_setup_teardown(test_too_small, reset,
						teardown),
		cmocka_unit_test_setup_teardown(test_failures, reset, teardown),
		cmocka_unit_test_setup_teardown(test_prebuild, reset, teardown),
		cmocka_unit_test_setup_teardown(test_pages_ahead, reset,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_ours, reset, teardown),
		cmocka_unit_test_setup_teardown(test_code_shared, reset,
						teardown),
		cmocka_unit_test_setup_teardown(test_code_ahead, reset,
						teardown),
		cmocka_unit_test_setup_teardown(test_code_failures, reset,
						teardown),
		cmocka_unit_test_setup_teardown(test_code_lru, reset,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
