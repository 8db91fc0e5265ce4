/*
 * test_shell.c — the engine's shells (toolstack/engine/shell.c, finish.c,
 * devpage.c) against stubs of libxenctrl and libxenguest, linked in with
 * -Wl,--wrap. What is checked: the calls are made with the right values,
 * the results land in the right fields, the device page holds what dom0
 * meant, and a failure at any step leaves nothing behind: the domain
 * destroyed once (if it was made), the builder state released, no memory
 * leaked (the ASan build reports leaks).
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
#include <xenguest.h>

#include "toolstack/engine/engine.h"
#include "toolstack/engine/engine_priv.h"

/* A ramdisk the engine opens for real (it must be a regular file): the
 * test binary itself. */
#define RAMDISK "/proc/self/exe"

#define FAKE_DOMID 7u

/* What the engine's last failing call said (errors are values: the
 * engine never logs, and log.c is not even linked into this test). */
static struct lvm_error E;
#define FAKE_PAGES 1024u             /* 4 MiB */
#define CONSOLE_PFN 0x1bu
#define STORE_PFN 0x1au
#define KERNEL_END 0x20000u          /* 32 pages */
#define BOOTSTACK_PFN 0x22u
#define START_INFO_PFN 0x1du
#define NOXS_VADDR 0x15000u
#define TSC_KHZ 2500000u

/* What the stubs saw, and which call they are to fail. */
static struct fake {
	const char *fail_fn;         /* fail this function ... */
	int fail_nth;                /* ... at its nth call (1-based) */
	int fail_errno;
	int fail_seen;
	const char *parse_type;      /* guest type parse sets; NULL: x86_64 */

	int created, destroyed, allocated, released, physinfo_calls;
	int sethandle_calls, vaddr_calls, gnttab_calls;
	int premap_calls, unmap_all_calls, build_calls, map_calls;
	int map_num[4];              /* each mapping's pages */
	xen_pfn_t map_frames[4][2];  /* and frames */
	void *view_si;               /* the test's view of start info */
	void *view;                  /* ... of the console ring, device page */
	struct {                     /* mappings made and not unmapped */
		void *at;
		size_t len;
	} live[4];
	xen_pfn_t premap_first, premap_count;
	uint32_t destroyed_domid;
	uint64_t maxmem_kb;
	int next_port;
	uint32_t cfg_max_vcpus, cfg_flags, cfg_grant_opts;
	uint8_t handle[16];
	uint32_t gnttab_console_domid, gnttab_store_domid;
	unsigned int console_evtchn, store_evtchn;
	char cmdline[256];
	xen_pfn_t p2m[FAKE_PAGES];
	uint8_t page[NOXS_PAGE_SIZE] __attribute__((aligned(4096)));
} F;

static xc_interface *const XCH = (xc_interface *)&F;
static const uint8_t UUID[16] = { 1, 2, 3, 4, 5, 6, 7, 8,
				  9, 10, 11, 12, 13, 14, 15, 16 };

/* hit() - whether this call of (fn) is the one to fail; sets errno. */
static int hit(const char *fn)
{
	if (F.fail_fn == NULL || strcmp(fn, F.fail_fn) != 0)
		return 0;
	if (++F.fail_seen != F.fail_nth)
		return 0;
	errno = F.fail_errno;
	return 1;
}

/* domain_call() - a libxenctrl stub's start: the call is on the test's
 * handle, about the fake domain; whether it is the one to fail (hit()). */
static int domain_call(xc_interface *xch, uint32_t domid, const char *fn)
{
	assert_ptr_equal(xch, XCH);
	assert_int_equal(domid, FAKE_DOMID);
	return hit(fn);
}

/* ---- libxenctrl ---- */

int __wrap_xc_domain_create(xc_interface *xch, uint32_t *pdomid,
			    struct xen_domctl_createdomain *cfg)
{
	assert_ptr_equal(xch, XCH);
	if (hit("xc_domain_create"))
		return -1;
	F.cfg_max_vcpus = cfg->max_vcpus;
	F.cfg_flags = cfg->flags;
	F.cfg_grant_opts = cfg->grant_opts;
	memcpy(F.handle, cfg->handle, sizeof(F.handle));
	*pdomid = FAKE_DOMID;
	F.created++;
	return 0;
}

int __wrap_xc_domain_max_vcpus(xc_interface *xch, uint32_t domid,
			       unsigned int max)
{
	assert_int_equal(max, F.cfg_max_vcpus);
	return domain_call(xch, domid, "xc_domain_max_vcpus") ? -1 : 0;
}

int __wrap_xc_domain_setmaxmem(xc_interface *xch, uint32_t domid,
			       uint64_t max_memkb)
{
	if (domain_call(xch, domid, "xc_domain_setmaxmem"))
		return -1;
	F.maxmem_kb = max_memkb;
	return 0;
}

int __wrap_xc_evtchn_alloc_unbound(xc_interface *xch, uint32_t dom,
				   uint32_t remote_dom)
{
	assert_int_equal(remote_dom, 0);
	return domain_call(xch, dom, "xc_evtchn_alloc_unbound") ?
	       -1 : ++F.next_port;
}

int __wrap_xc_domain_destroy(xc_interface *xch, uint32_t domid)
{
	assert_ptr_equal(xch, XCH);
	F.destroyed++;
	F.destroyed_domid = domid;
	return 0;
}

int __wrap_xc_domain_sethandle(xc_interface *xch, uint32_t domid,
			       xen_domain_handle_t handle)
{
	F.sethandle_calls++;
	if (domain_call(xch, domid, "xc_domain_sethandle"))
		return -1;
	memcpy(F.handle, handle, sizeof(F.handle));
	return 0;
}

int __wrap_xc_physinfo(xc_interface *xch, xc_physinfo_t *info)
{
	assert_ptr_equal(xch, XCH);
	F.physinfo_calls++;
	if (hit("xc_physinfo"))
		return -1;
	info->cpu_khz = TSC_KHZ;
	return 0;
}

/* ---- libxenguest ---- */

struct xc_dom_image *__wrap_xc_dom_allocate(xc_interface *xch,
					    const char *cmdline,
					    const char *features)
{
	struct xc_dom_image *dom;

	(void)cmdline;
	(void)features;
	if (hit("xc_dom_allocate"))
		return NULL;
	dom = calloc(1, sizeof(*dom));
	assert_non_null(dom);
	dom->xch = xch;
	F.allocated++;
	return dom;
}

void __wrap_xc_dom_release(struct xc_dom_image *dom)
{
	assert_non_null(dom);
	F.released++;
	free(dom);
}

int __wrap_xc_dom_boot_xen_init(struct xc_dom_image *dom, xc_interface *xch,
				uint32_t domid)
{
	if (hit("xc_dom_boot_xen_init"))
		return -1;
	dom->xch = xch;
	dom->guest_domid = domid;
	return 0;
}

int __wrap_xc_dom_mem_init(struct xc_dom_image *dom, unsigned int mem_mb)
{
	/* the type must be set before: it picks the arch hooks */
	assert_non_null(dom->guest_type);
	assert_string_equal(dom->guest_type, "xen-3.0-x86_64");
	assert_int_equal(dom->container_type, XC_DOM_PV_CONTAINER);
	if (hit("xc_dom_mem_init"))
		return -1;
	dom->total_pages = (xen_pfn_t)mem_mb << 8;
	return 0;
}

int __wrap_xc_dom_boot_mem_init(struct xc_dom_image *dom)
{
	unsigned int i;

	assert_int_equal(dom->total_pages, FAKE_PAGES);
	if (hit("xc_dom_boot_mem_init"))
		return -1;
	for (i = 0; i < FAKE_PAGES; i++)
		F.p2m[i] = 0x80000 + 3 * i;
	dom->pv_p2m = F.p2m;
	dom->p2m_size = FAKE_PAGES;
	return 0;
}

char *__wrap_xc_dom_strdup(struct xc_dom_image *dom, const char *str)
{
	(void)dom;
	if (hit("xc_dom_strdup"))
		return NULL;
	snprintf(F.cmdline, sizeof(F.cmdline), "%s", str);
	return F.cmdline;
}

int __wrap_xc_dom_kernel_mem(struct xc_dom_image *dom, const void *mem,
			     size_t memsize)
{
	if (hit("xc_dom_kernel_mem"))
		return -1;
	dom->kernel_blob = (void *)mem;
	dom->kernel_size = memsize;
	return 0;
}

int __wrap_xc_dom_module_file(struct xc_dom_image *dom, const char *filename,
			      const char *cmdline)
{
	(void)dom;
	(void)cmdline;
	assert_non_null(filename);
	return hit("xc_dom_module_file") ? -1 : 0;
}

int __wrap_xc_dom_parse_image(struct xc_dom_image *dom)
{
	assert_non_null(dom->kernel_blob);
	if (hit("xc_dom_parse_image"))
		return -1;
	dom->guest_type = F.parse_type ? F.parse_type : "xen-3.0-x86_64";
	dom->kernel_seg.vstart = 0;
	dom->kernel_seg.vend = KERNEL_END;
	F.console_evtchn = dom->console_evtchn;
	F.store_evtchn = dom->xenstore_evtchn;
	return 0;
}

int __wrap_xc_dom_build_image(struct xc_dom_image *dom)
{
	F.build_calls++;
	if (hit("xc_dom_build_image"))
		return -1;
	dom->start_info_pfn = START_INFO_PFN;
	dom->console_pfn = CONSOLE_PFN;
	dom->xenstore_pfn = STORE_PFN;
	dom->bootstack_pfn = BOOTSTACK_PFN;
	return 0;
}

uint64_t __wrap_xc_dom_virt_base(struct xc_dom_image *dom)
{
	(void)dom;
	return 0;
}

void *__wrap_xc_dom_vaddr_to_ptr(struct xc_dom_image *dom, xen_vaddr_t vaddr,
				 size_t *safe_region_out)
{
	(void)dom;
	F.vaddr_calls++;
	assert_int_equal(vaddr, NOXS_VADDR);
	*safe_region_out = 0;
	if (hit("xc_dom_vaddr_to_ptr"))
		return NULL;
	*safe_region_out = sizeof(F.page);
	return F.page;
}

int __wrap_xc_dom_boot_image(struct xc_dom_image *dom)
{
	(void)dom;
	return hit("xc_dom_boot_image") ? -1 : 0;
}

int __wrap_xc_dom_gnttab_init(struct xc_dom_image *dom)
{
	F.gnttab_calls++;
	if (hit("xc_dom_gnttab_init"))
		return -1;
	F.gnttab_console_domid = dom->console_domid;
	F.gnttab_store_domid = dom->xenstore_domid;
	return 0;
}

void *__wrap_xc_dom_pfn_to_ptr(struct xc_dom_image *dom, xen_pfn_t first,
				xen_pfn_t count)
{
	(void)dom;
	F.premap_calls++;
	F.premap_first = first;
	F.premap_count = count;
	if (hit("xc_dom_pfn_to_ptr"))
		return NULL;
	return F.page;
}

/*
 * Two shared views of one 2-page file: the engine gets one (and unmaps
 * it), the test keeps the other to read what the engine wrote.
 */
/* The warm shell's mappings: start info (1 page), then the console ring
 * and device page (2); each a memfd the test also views, and tracked
 * until munmap(). */
void *__wrap_xc_map_foreign_pages(xc_interface *xch, uint32_t dom, int prot,
				  const xen_pfn_t *arr, int num)
{
	void **view;
	size_t len = (size_t)num * 4096;
	void *p;
	int fd, i;

	(void)xch;
	(void)prot;
	assert_int_equal(dom, FAKE_DOMID);
	assert_true(num == 1 || num == 2);
	assert_true(F.map_calls < 4);
	F.map_num[F.map_calls] = num;
	for (i = 0; i < num; i++)
		F.map_frames[F.map_calls][i] = arr[i];
	F.map_calls++;
	if (hit("xc_map_foreign_pages"))
		return NULL;
	fd = memfd_create("warm", 0);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)len), 0);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	view = num == 1 ? &F.view_si : &F.view;
	if (*view != NULL)
		munmap(*view, len);
	*view = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	assert_true(p != MAP_FAILED && *view != MAP_FAILED);
	for (i = 0; F.live[i].at; i++)
		assert_true(i < 3);
	F.live[i].at = p;
	F.live[i].len = len;
	return p;
}

int __real_munmap(void *addr, size_t len);
int __wrap_munmap(void *addr, size_t len)
{
	for (int i = 0; i < 4; i++) {
		if (F.live[i].at == addr) {
			assert_int_equal(F.live[i].len, len);
			F.live[i].at = NULL;
		}
	}
	return __real_munmap(addr, len);
}

/* live_maps() - the mappings made and not unmapped. */
static int live_maps(void)
{
	int n = 0;

	for (int i = 0; i < 4; i++)
		n += F.live[i].at != NULL;
	return n;
}

void __wrap_xc_dom_unmap_all(struct xc_dom_image *dom)
{
	(void)dom;
	F.unmap_all_calls++;
}

bool __wrap_xc_dom_translated(const struct xc_dom_image *dom)
{
	(void)dom;
	return false;
}

/* Our own builder's calls (pvbuild.c): never made on libxenguest's path. */
int __wrap_xc_domain_populate_physmap_exact(xc_interface *xch, uint32_t d,
					    unsigned long n, unsigned int o,
					    unsigned int f, xen_pfn_t *e)
{
	(void)xch; (void)d; (void)n; (void)o; (void)f; (void)e;
	fail_msg("our own builder called on libxenguest's path");
	return -1;
}

int __wrap_xc_domain_getinfolist(xc_interface *xch, uint32_t first,
				 unsigned int max, xc_domaininfo_t *info)
{
	(void)xch; (void)first; (void)max; (void)info;
	fail_msg("our own builder called on libxenguest's path");
	return -1;
}

int __wrap_xc_domctl(xc_interface *xch, struct xen_domctl *dc)
{
	(void)xch; (void)dc;
	fail_msg("our own builder called on libxenguest's path");
	return -1;
}

int __wrap_xc_mmuext_op(xc_interface *xch, struct mmuext_op *op,
			unsigned int n, uint32_t dom)
{
	(void)xch; (void)op; (void)n; (void)dom;
	fail_msg("our own builder called on libxenguest's path");
	return -1;
}

int __wrap_xc_vcpu_setcontext(xc_interface *xch, uint32_t dom, uint32_t v,
			      vcpu_guest_context_any_t *ctx)
{
	(void)xch; (void)dom; (void)v; (void)ctx;
	fail_msg("our own builder called on libxenguest's path");
	return -1;
}

void *__wrap_xc__hypercall_buffer_alloc_pages(xc_interface *xch,
					      xc_hypercall_buffer_t *b, int n)
{
	(void)xch; (void)b; (void)n;
	fail_msg("our own builder called on libxenguest's path");
	return NULL;
}

void __wrap_xc__hypercall_buffer_free_pages(xc_interface *xch,
					    xc_hypercall_buffer_t *b, int n)
{
	(void)xch; (void)b; (void)n;
	fail_msg("our own builder called on libxenguest's path");
}

void *__wrap_xc_map_foreign_range(xc_interface *xch, uint32_t dom, int size,
				  int prot, unsigned long mfn)
{
	(void)xch; (void)dom; (void)size; (void)prot; (void)mfn;
	fail_msg("our own builder called on libxenguest's path");
	return NULL;
}

/* ---- helpers ---- */

static int reset(void **state)
{
	(void)state;
	if (F.view != NULL)
		munmap(F.view, 2 * 4096);
	if (F.view_si != NULL)
		munmap(F.view_si, 4096);
	memset(&F, 0, sizeof(F));
	lvm_tsc_khz_forget();
	lvm_error_clear(&E);
	/* These tests are libxenguest's path; our own builder's are
	 * test_pvbuild.c's. */
	lvm_engine_use_xenguest(true);
	return 0;
}

static void fail_at(const char *fn, int nth, int e)
{
	F.fail_fn = fn;
	F.fail_nth = nth;
	F.fail_errno = e;
	F.fail_seen = 0;
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

static uint8_t blob[64];

static struct lvm_image test_image(uint64_t noxs_vaddr)
{
	return (struct lvm_image){ .path = "test", .blob = blob,
				   .blob_size = sizeof(blob),
				   .noxs_vaddr = noxs_vaddr };
}

static void prepare_ok(bool xenstore, struct lvm_shell *sh)
{
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, xenstore, sh, &E), 0);
	assert_non_null(sh->priv);
}

/* finish_ok() - a shell prepared (with xenstore or not) and finished into
 * (b) as (req) asks; finishing consumes the shell. */
static void finish_ok(bool xenstore, const struct lvm_finish_req *req,
		      struct lvm_built *b)
{
	struct lvm_shell sh;

	prepare_ok(xenstore, &sh);
	assert_int_equal(lvm_shell_finish(XCH, &sh, req, b, &E), 0);
	assert_null(sh.priv);
}

/* finish_no_noxs() - finish_ok() with an image without a noxs note. */
static void finish_no_noxs(bool xenstore, const char *name,
			   struct lvm_built *b)
{
	struct lvm_image img = test_image(0);
	struct lvm_finish_req req = { .img = &img, .name = name };

	finish_ok(xenstore, &req, b);
}

/* ---- prepare ---- */

static void test_prepare_ok_and_discard(void **state)
{
	struct lvm_shell sh;

	(void)state;
	assert_int_equal(lvm_shell_prepare(XCH, 4, 2, UUID, false, &sh, &E), 0);
	assert_int_equal(sh.domid, FAKE_DOMID);
	assert_int_equal(sh.memory_mb, 4);
	assert_int_equal(sh.vcpus, 2);
	assert_int_equal(sh.console_port, 1);
	assert_int_equal(sh.sysctl_port, 2);
	assert_int_equal(sh.store_port, 0);
	assert_memory_equal(sh.uuid, UUID, 16);
	assert_non_null(sh.priv);
	assert_int_equal(F.cfg_max_vcpus, 2);
	assert_int_equal(F.cfg_flags, 0);        /* PV */
	assert_int_equal(F.cfg_grant_opts & XEN_DOMCTL_GRANT_version_mask, 1);
	assert_memory_equal(F.handle, UUID, 16);
	assert_int_equal(F.maxmem_kb, 4096);
	assert_int_equal(F.destroyed, 0);
	assert_int_equal(F.released, 0);

	lvm_shell_discard(XCH, &sh);
	assert_int_equal(F.destroyed, 1);
	assert_int_equal(F.destroyed_domid, FAKE_DOMID);
	assert_int_equal(F.released, 1);
	assert_null(sh.priv);
	lvm_shell_discard(XCH, &sh);             /* no-op now */
	lvm_shell_discard(XCH, NULL);
	assert_int_equal(F.destroyed, 1);
}

static void test_prepare_xenstore(void **state)
{
	struct lvm_shell sh;

	(void)state;
	prepare_ok(true, &sh);
	assert_int_equal(sh.store_port, 3);
	lvm_shell_discard(XCH, &sh);
}

static void test_prepare_bad_args(void **state)
{
	struct lvm_shell sh;

	(void)state;
	assert_int_equal(lvm_shell_prepare(XCH, 0, 1, UUID, false, &sh, &E),
			 -EINVAL);
	assert_int_equal(E.code, EINVAL);
	assert_string_equal(E.msg, "shell: bad arguments (memory 0 MiB, 1 "
			    "vcpus): Invalid argument");
	/* libxenguest's shells (these tests') start at 4 MiB. */
	assert_int_equal(lvm_shell_prepare(XCH, 3, 1, UUID, false, &sh, &E),
			 -EINVAL);
	assert_int_equal(E.code, EINVAL);
	assert_string_equal(E.msg, "shell: 3 MiB: libxenguest builds 4 MiB or "
			    "more (only noxs images of our library OS, without "
			    "XenStore, go lower): Invalid argument");
	assert_int_equal(lvm_shell_prepare(XCH, LVM_MAX_MEMORY_MB + 1, 1, UUID,
					   false, &sh, &E), -EINVAL);
	assert_int_equal(lvm_shell_prepare(XCH, 4, 0, UUID, false, &sh, &E),
			 -EINVAL);
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, NULL, false, &sh, &E),
			 -EINVAL);
	assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, false, NULL, &E),
			 -EINVAL);
	assert_int_equal(lvm_shell_prepare(NULL, 4, 1, UUID, false, &sh, &E),
			 -EINVAL);
	assert_int_equal(F.created, 0);
}

static const struct prep_fail {
	const char *fn;
	int nth, err;
	bool xenstore;
	int rc;                      /* expected */
} prep_fails[] = {
	{ "xc_domain_create", 1, ENOMEM, false, -ENOMEM },
	{ "xc_domain_max_vcpus", 1, EINVAL, false, -EINVAL },
	{ "xc_domain_setmaxmem", 1, EPERM, false, -EPERM },
	{ "xc_evtchn_alloc_unbound", 1, ENOSPC, false, -ENOSPC },
	{ "xc_evtchn_alloc_unbound", 2, ENOSPC, false, -ENOSPC },
	{ "xc_evtchn_alloc_unbound", 3, ENOSPC, true, -ENOSPC },
	{ "xc_dom_allocate", 1, 0, false, -ENOMEM },
	{ "xc_dom_boot_xen_init", 1, EACCES, false, -EACCES },
	{ "xc_dom_mem_init", 1, 0, false, -EIO },
	{ "xc_dom_boot_mem_init", 1, ENOMEM, false, -ENOMEM },
};

static void test_prepare_fails_leave_nothing(void **state)
{
	struct lvm_shell sh;
	size_t i;

	for (i = 0; i < sizeof(prep_fails) / sizeof(prep_fails[0]); i++) {
		const struct prep_fail *f = &prep_fails[i];

		reset(state);
		fail_at(f->fn, f->nth, f->err);
		memset(&sh, 0x5a, sizeof(sh));
		assert_int_equal(lvm_shell_prepare(XCH, 4, 1, UUID, f->xenstore,
						   &sh, &E), f->rc);
		assert_int_equal(F.fail_seen, f->nth);
		/* the domain, if made, is destroyed exactly once */
		assert_int_equal(F.destroyed, F.created);
		if (F.created)
			assert_int_equal(F.destroyed_domid, FAKE_DOMID);
		assert_int_equal(F.released, F.allocated);
		assert_true(all_zero(&sh, sizeof(sh)));
		lvm_shell_discard(XCH, &sh);     /* nothing to do */
		assert_int_equal(F.destroyed, F.created);
	}
}

/* ---- finish ---- */

static void test_finish_noxs(void **state)
{
	struct lvm_image img = test_image(NOXS_VADDR);
	struct lvm_finish_req req = { .img = &img, .name = "web-1",
				      .cmdline = "x=1", .create_tsc = 1234 };
	const struct noxs_page *p = (const struct noxs_page *)F.page;
	struct lvm_built b;
	struct lvm_shell sh;

	(void)state;
	prepare_ok(false, &sh);
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_null(sh.priv);
	assert_int_equal(F.destroyed, 0);
	assert_int_equal(F.released, 1);
	assert_string_equal(F.cmdline, "x=1");
	assert_int_equal(F.console_evtchn, 1);
	assert_int_equal(F.store_evtchn, 0);
	/* its backends map its pages by frame: no grant table to seed */
	assert_int_equal(F.gnttab_calls, 0);
	assert_int_equal(F.sethandle_calls, 0);
	assert_int_equal(b.footprint_pages, BOOTSTACK_PFN + 1);
	assert_false(b.premap_used);
	assert_int_equal(F.unmap_all_calls, 0);

	assert_int_equal(b.domid, FAKE_DOMID);
	assert_int_equal(b.console_gfn, CONSOLE_PFN);
	assert_int_equal(b.console_mfn, F.p2m[CONSOLE_PFN]);
	assert_int_equal(b.console_port, 1);
	assert_int_equal(b.sysctl_port, 2);
	assert_int_equal(b.noxs_gfn, NOXS_VADDR >> 12);
	assert_int_equal(b.noxs_mfn, F.p2m[NOXS_VADDR >> 12]);
	assert_int_equal(b.store_gfn, 0);
	assert_int_equal(b.store_mfn, 0);
	assert_int_equal(b.store_port, 0);

	/* the guest's page is what dom0 keeps */
	assert_non_null(b.noxs_copy);
	assert_memory_equal(F.page, b.noxs_copy, NOXS_PAGE_SIZE);
	assert_int_equal(p->magic, NOXS_MAGIC);
	assert_int_equal(p->version, NOXS_VERSION);
	assert_int_equal(p->domid, FAKE_DOMID);
	assert_int_equal(p->ndevs, 0);
	assert_memory_equal(p->uuid, UUID, 16);
	assert_string_equal(p->name, "web-1");
	assert_int_equal(p->create_tsc, 1234);
	assert_int_equal(p->tsc_khz, TSC_KHZ);
	assert_int_equal(p->console.gfn, CONSOLE_PFN);
	assert_int_equal(p->console.evtchn, 1);
	assert_int_equal(p->console.backend_domid, 0);
	assert_int_equal(p->sysctl.evtchn, 2);
	assert_int_equal(p->sysctl.backend_domid, 0);
	assert_int_equal(p->sysctl.request, NOXS_REQ_NONE);
	assert_int_equal(p->sysctl.state, NOXS_STATE_BOOTING);

	lvm_shell_discard(XCH, &sh);             /* consumed: no-op */
	assert_int_equal(F.destroyed, 0);
	lvm_built_release(&b);
	assert_null(b.noxs_copy);
	lvm_built_release(NULL);
}

static void test_finish_plain(void **state)
{
	struct lvm_built b;

	(void)state;
	finish_no_noxs(false, "plain", &b);
	assert_null(b.noxs_copy);
	assert_int_equal(b.noxs_gfn, 0);
	assert_int_equal(b.noxs_mfn, 0);
	assert_int_equal(F.vaddr_calls, 0);
	assert_int_equal(F.physinfo_calls, 0);
	assert_true(all_zero(F.page, sizeof(F.page)));
	assert_int_equal(F.cmdline[0], '\0');
	/* no noxs note: the grant table is seeded, the unused store page
	 * granted to nobody (the guest itself) */
	assert_int_equal(F.gnttab_calls, 1);
	assert_int_equal(F.gnttab_console_domid, 0);
	assert_int_equal(F.gnttab_store_domid, FAKE_DOMID);
	lvm_built_release(&b);
}

static void test_finish_xenstore(void **state)
{
	struct lvm_built b;

	(void)state;
	finish_no_noxs(true, "xs", &b);
	assert_int_equal(b.store_port, 3);
	assert_int_equal(b.store_gfn, STORE_PFN);
	assert_int_equal(b.store_mfn, F.p2m[STORE_PFN]);
	assert_int_equal(F.store_evtchn, 3);
	assert_int_equal(F.gnttab_calls, 1);
	assert_int_equal(F.gnttab_store_domid, 0);
	lvm_built_release(&b);
}

static void test_finish_new_uuid(void **state)
{
	static const uint8_t other[16] = { 0xff, 0xee };
	struct lvm_image img = test_image(NOXS_VADDR);
	struct lvm_finish_req req = { .img = &img, .name = "u", .uuid = UUID };
	struct lvm_built b;

	(void)state;
	finish_ok(false, &req, &b);
	assert_int_equal(F.sethandle_calls, 0);  /* the same uuid */
	lvm_built_release(&b);

	req.uuid = other;
	finish_ok(false, &req, &b);
	assert_int_equal(F.sethandle_calls, 1);
	assert_memory_equal(F.handle, other, 16);
	assert_memory_equal(b.noxs_copy->uuid, other, 16);
	lvm_built_release(&b);
}

static const struct fin_fail {
	const char *what;
	const char *fn;
	int err;
	int rc;                      /* expected */
} fin_fails[] = {
	{ "sethandle", "xc_domain_sethandle", EPERM, -EPERM },
	{ "cmdline", "xc_dom_strdup", 0, -ENOMEM },
	{ "kernel", "xc_dom_kernel_mem", 0, -EINVAL },
	{ "ramdisk", "xc_dom_module_file", ENOENT, -ENOENT },
	{ "parse", "xc_dom_parse_image", 0, -EINVAL },
	{ "type", NULL, 0, -EINVAL },
	{ "build", "xc_dom_build_image", ENOMEM, -ENOMEM },
	{ "vaddr", "xc_dom_vaddr_to_ptr", 0, -EINVAL },
	{ "outside", NULL, 0, -EINVAL },
	{ "physinfo", "xc_physinfo", EACCES, -EACCES },
	{ "long name", NULL, 0, -ENAMETOOLONG },
	{ "no name", NULL, 0, -EINVAL },
	{ "boot", "xc_dom_boot_image", EFAULT, -EFAULT },
	{ "gnttab", "xc_dom_gnttab_init", 0, -EIO },
};

static void test_finish_fails_leave_nothing(void **state)
{
	static const uint8_t other[16] = { 0xff };
	char long_name[NOXS_NAME_MAX + 1];
	struct lvm_finish_req req;
	struct lvm_image img;
	struct lvm_shell sh;
	struct lvm_built b;
	size_t i;

	memset(long_name, 'n', NOXS_NAME_MAX);
	long_name[NOXS_NAME_MAX] = '\0';
	for (i = 0; i < sizeof(fin_fails) / sizeof(fin_fails[0]); i++) {
		const struct fin_fail *f = &fin_fails[i];

		reset(state);
		prepare_ok(false, &sh);
		img = test_image(NOXS_VADDR);
		req = (struct lvm_finish_req){ .img = &img, .name = "n",
			.uuid = other, .cmdline = "c", .ramdisk = RAMDISK };
		if (f->fn != NULL)
			fail_at(f->fn, 1, f->err);
		if (strcmp(f->what, "type") == 0)
			F.parse_type = "xen-3.0-x86_32p";
		if (strcmp(f->what, "outside") == 0)
			img.noxs_vaddr = KERNEL_END;
		if (strcmp(f->what, "long name") == 0)
			req.name = long_name;
		if (strcmp(f->what, "no name") == 0)
			req.name = NULL;
		if (strcmp(f->what, "gnttab") == 0)
			img.noxs_vaddr = 0;      /* seeded only without noxs */
		memset(&b, 0x5a, sizeof(b));

		assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), f->rc);
		/* the reason, as a value: its code, one line naming the
		 * domain or the call that failed */
		assert_int_equal(E.code, -f->rc);
		assert_non_null(strstr(E.msg, strerror(-f->rc)));
		assert_null(strchr(E.msg, '\n'));
		assert_true(strncmp(E.msg, "d7: ", 4) == 0 ||
			    (f->fn != NULL && strstr(E.msg, f->fn) != NULL));
		if (f->fn != NULL)
			assert_int_equal(F.fail_seen, 1);
		assert_int_equal(F.destroyed, 1);
		assert_int_equal(F.destroyed_domid, FAKE_DOMID);
		assert_int_equal(F.released, F.allocated);
		assert_null(sh.priv);
		assert_true(all_zero(&b, sizeof(b)));
		lvm_shell_discard(XCH, &sh);     /* consumed: no-op */
		assert_int_equal(F.destroyed, 1);
	}
}

/* ---- premap ---- */

static void test_premap_maps_the_first_pages(void **state)
{
	struct lvm_shell sh;

	(void)state;
	prepare_ok(false, &sh);
	assert_int_equal(lvm_shell_premap(&sh, 64, &E), 0);
	assert_int_equal(F.premap_calls, 1);
	assert_int_equal(F.premap_first, 0);
	assert_int_equal(F.premap_count, 64);
	assert_int_equal(sh.premap_pages, 64);
	/* once per shell */
	assert_int_equal(lvm_shell_premap(&sh, 64, &E), -EINVAL);
	assert_int_equal(F.premap_calls, 1);
	lvm_shell_discard(XCH, &sh);
	assert_int_equal(F.destroyed, 1);

	/* capped at the shell's memory (the stubs know 4 MiB shells only,
	 * which LVM_PREMAP_MAX equals) */
	reset(state);
	prepare_ok(false, &sh);
	assert_int_equal(lvm_shell_premap(&sh, FAKE_PAGES * 4, &E), 0);
	assert_int_equal(F.premap_count, FAKE_PAGES);
	lvm_shell_discard(XCH, &sh);
}

static void test_premap_bad_args_and_failure(void **state)
{
	struct lvm_shell sh, empty = { 0 };

	(void)state;
	assert_int_equal(lvm_shell_premap(NULL, 64, &E), -EINVAL);
	assert_int_equal(lvm_shell_premap(&empty, 64, &E), -EINVAL);
	prepare_ok(false, &sh);
	assert_int_equal(lvm_shell_premap(&sh, 0, &E), -EINVAL);
	assert_int_equal(F.premap_calls, 0);
	/* a failed mapping leaves a usable, unmapped shell */
	fail_at("xc_dom_pfn_to_ptr", 1, ENOMEM);
	assert_int_equal(lvm_shell_premap(&sh, 64, &E), -ENOMEM);
	assert_int_equal(sh.premap_pages, 0);
	assert_non_null(sh.priv);
	assert_int_equal(F.destroyed, 0);
	lvm_shell_discard(XCH, &sh);
	assert_int_equal(F.destroyed, 1);
}

/*
 * finish_premapped() - finish a shell premapped with (pages) (and a ramdisk
 * if (ramdisk)); whether the build used the premap.
 */
static bool finish_premapped(uint32_t pages, bool ramdisk)
{
	struct lvm_image img = test_image(NOXS_VADDR);
	struct lvm_finish_req req = { .img = &img, .name = "p",
				      .ramdisk = ramdisk ? RAMDISK : NULL };
	struct lvm_shell sh;
	struct lvm_built b;
	bool used;

	memset(&F, 0, sizeof(F));
	prepare_ok(false, &sh);
	assert_int_equal(lvm_shell_premap(&sh, pages, &E), 0);
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	used = b.premap_used;
	/* a premap the build cannot use is dropped before building */
	assert_int_equal(F.unmap_all_calls, used ? 0 : 1);
	assert_int_equal(b.footprint_pages, BOOTSTACK_PFN + 1);
	lvm_built_release(&b);
	return used;
}

static void test_premap_fit(void **state)
{
	(void)state;
	/* kernel 32 pages + p2m of 1024 pages (2) + 24 for the rest = 58 */
	assert_true(finish_premapped(58, false));
	assert_true(finish_premapped(64, false));
	assert_false(finish_premapped(57, false));
	assert_false(finish_premapped(16, false));
	assert_false(finish_premapped(64, true));
}

/* ---- shells built ahead (warm) ---- */

static void prebuild_ok(struct lvm_shell *sh, struct lvm_image *img)
{
	prepare_ok(false, sh);
	assert_int_equal(lvm_shell_prebuild(XCH, sh, img, &E), 0);
	assert_null(sh->priv);
	assert_non_null(sh->warm);
}

static void test_prebuild_and_claim(void **state)
{
	static const uint8_t other[16] = { 0xab, 0xcd };
	struct lvm_image img = test_image(NOXS_VADDR);
	struct lvm_finish_req req = { .img = &img, .name = "warm-1",
				      .cmdline = "a=1 b=2", .uuid = other,
				      .create_tsc = 77 };
	const struct noxs_page *p;
	const start_info_t *si;
	struct lvm_shell sh;
	struct lvm_built b;

	(void)state;
	img.file.ino = 42;
	prebuild_ok(&sh, &img);
	assert_int_equal(F.build_calls, 1);
	assert_int_equal(F.released, 1);
	assert_int_equal(F.destroyed, 0);
	assert_int_equal(F.gnttab_calls, 0);
	assert_int_equal(F.map_calls, 2);
	assert_int_equal(F.map_num[0], 1);
	assert_int_equal(F.map_frames[0][0], F.p2m[START_INFO_PFN]);
	assert_int_equal(F.map_num[1], 2);
	assert_int_equal(F.map_frames[1][0], F.p2m[CONSOLE_PFN]);
	assert_int_equal(F.map_frames[1][1], F.p2m[NOXS_VADDR >> 12]);
	assert_int_equal(live_maps(), 2);
	/* nothing of a request yet: the image's own page, untouched */
	assert_true(all_zero(F.page, sizeof(F.page)));
	assert_true(lvm_shell_fits(&sh, &img));

	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	assert_null(sh.warm);
	assert_int_equal(F.build_calls, 1);      /* no second build */
	assert_int_equal(F.released, 1);
	assert_int_equal(F.destroyed, 0);
	assert_int_equal(F.sethandle_calls, 1);
	assert_memory_equal(F.handle, other, 16);
	si = F.view_si;
	assert_string_equal((const char *)si->cmd_line, "a=1 b=2");
	p = (const struct noxs_page *)((const char *)F.view + 4096);
	assert_int_equal(p->magic, NOXS_MAGIC);
	assert_string_equal(p->name, "warm-1");
	assert_memory_equal(p->uuid, other, 16);
	assert_int_equal(p->create_tsc, 77);
	assert_int_equal(p->console.gfn, CONSOLE_PFN);
	assert_int_equal(p->sysctl.evtchn, 2);
	assert_non_null(b.noxs_copy);
	assert_memory_equal(p, b.noxs_copy, NOXS_PAGE_SIZE);
	assert_int_equal(b.domid, FAKE_DOMID);
	assert_int_equal(b.console_mfn, F.p2m[CONSOLE_PFN]);
	assert_int_equal(b.noxs_gfn, NOXS_VADDR >> 12);
	assert_int_equal(b.noxs_mfn, F.p2m[NOXS_VADDR >> 12]);
	assert_int_equal(b.t.load, 0);
	/* start info, and the console ring with the device page, handed
	 * over in their mappings (nothing unmapped on the create's path),
	 * until released */
	assert_int_equal(live_maps(), 2);
	assert_non_null(b.pages);
	assert_memory_equal((const char *)b.pages + 4096, b.noxs_copy,
			    NOXS_PAGE_SIZE);
	assert_non_null(b.start_info);
	assert_string_equal((const char *)((const start_info_t *)
					   b.start_info)->cmd_line, "a=1 b=2");
	lvm_built_release(&b);
	assert_null(b.pages);
	assert_null(b.start_info);
	assert_int_equal(live_maps(), 0);
	lvm_shell_discard(XCH, &sh);             /* consumed: no-op */
	assert_int_equal(F.destroyed, 0);
}

static void test_warm_long_cmdline_cut(void **state)
{
	char line[MAX_GUEST_CMDLINE + 100];
	struct lvm_image img = test_image(NOXS_VADDR);
	struct lvm_finish_req req = { .img = &img, .name = "w",
				      .cmdline = line };
	const start_info_t *si;
	struct lvm_shell sh;
	struct lvm_built b;

	(void)state;
	memset(line, 'c', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	prebuild_ok(&sh, &img);
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), 0);
	si = F.view_si;
	assert_int_equal(strlen((const char *)si->cmd_line),
			 MAX_GUEST_CMDLINE - 1);
	lvm_built_release(&b);
}

static void test_warm_refuses_other_image(void **state)
{
	struct lvm_image img = test_image(NOXS_VADDR), changed;
	struct lvm_finish_req req = { .img = &changed, .name = "w" };
	struct lvm_shell sh;
	struct lvm_built b;

	(void)state;
	img.file.ino = 1;
	img.file.mtime.tv_sec = 100;
	prebuild_ok(&sh, &img);
	changed = img;
	changed.file.mtime.tv_sec = 101;              /* the file was rewritten */
	assert_false(lvm_shell_fits(&sh, &changed));
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), -EINVAL);
	assert_int_equal(F.destroyed, 1);
	assert_null(sh.warm);
	assert_true(all_zero(&b, sizeof(b)));
	assert_int_equal(live_maps(), 0);

	/* nor a ramdisk */
	reset(state);
	prebuild_ok(&sh, &img);
	req.img = &img;
	req.ramdisk = RAMDISK;
	assert_int_equal(lvm_shell_finish(XCH, &sh, &req, &b, &E), -EINVAL);
	assert_int_equal(F.destroyed, 1);
	assert_int_equal(live_maps(), 0);
}

static void test_prebuild_refusals_and_failures(void **state)
{
	struct lvm_image plain = test_image(0), img = test_image(NOXS_VADDR);
	struct lvm_shell sh, xs;

	(void)state;
	prepare_ok(false, &sh);
	/* no noxs note: refused, nothing consumed */
	assert_int_equal(lvm_shell_prebuild(XCH, &sh, &plain, &E), -EINVAL);
	assert_int_equal(lvm_shell_prebuild(XCH, &sh, NULL, &E), -EINVAL);
	assert_non_null(sh.priv);
	assert_int_equal(F.build_calls, 0);
	lvm_shell_discard(XCH, &sh);
	assert_int_equal(F.destroyed, 1);

	/* a XenStore shell: refused, nothing consumed */
	reset(state);
	prepare_ok(true, &xs);
	assert_int_equal(lvm_shell_prebuild(XCH, &xs, &img, &E), -EINVAL);
	assert_non_null(xs.priv);
	lvm_shell_discard(XCH, &xs);

	/* twice: refused */
	reset(state);
	prebuild_ok(&sh, &img);
	assert_int_equal(lvm_shell_prebuild(XCH, &sh, &img, &E), -EINVAL);
	assert_non_null(sh.warm);
	/* a warm shell discarded: destroyed once, nothing left mapped */
	assert_int_equal(live_maps(), 2);
	lvm_shell_discard(XCH, &sh);
	assert_int_equal(F.destroyed, 1);
	assert_null(sh.warm);
	assert_int_equal(live_maps(), 0);
	lvm_shell_discard(XCH, &sh);
	assert_int_equal(F.destroyed, 1);

	/* the build fails: consumed, destroyed */
	reset(state);
	prepare_ok(false, &sh);
	fail_at("xc_dom_build_image", 1, ENOMEM);
	assert_int_equal(lvm_shell_prebuild(XCH, &sh, &img, &E), -ENOMEM);
	assert_int_equal(F.destroyed, 1);
	assert_null(sh.priv);
	assert_null(sh.warm);

	/* a mapping fails (start info's, or the console ring's and device
	 * page's): consumed, destroyed, nothing left mapped */
	for (int nth = 1; nth <= 2; nth++) {
		reset(state);
		prepare_ok(false, &sh);
		fail_at("xc_map_foreign_pages", nth, ENOMEM);
		assert_int_equal(lvm_shell_prebuild(XCH, &sh, &img, &E),
				 -ENOMEM);
		assert_int_equal(F.map_calls, nth);
		assert_int_equal(F.destroyed, 1);
		assert_int_equal(F.released, 1);
		assert_null(sh.warm);
		assert_int_equal(live_maps(), 0);
	}
}

static void test_shell_fits(void **state)
{
	struct lvm_image img = test_image(NOXS_VADDR);
	struct lvm_shell sh, empty = { 0 };

	(void)state;
	assert_false(lvm_shell_fits(NULL, &img));
	assert_false(lvm_shell_fits(&empty, &img));
	prepare_ok(false, &sh);
	assert_false(lvm_shell_fits(&sh, NULL));
	assert_true(lvm_shell_fits(&sh, &img));  /* unbuilt: any image */
	lvm_shell_discard(XCH, &sh);
}

static void test_finish_bad_args(void **state)
{
	struct lvm_image img = test_image(0);
	struct lvm_finish_req req = { .img = &img, .name = "n" };
	struct lvm_shell sh, empty = { 0 };
	struct lvm_built b;

	(void)state;
	prepare_ok(false, &sh);
	/* without a handle or a shell nothing is consumed */
	assert_int_equal(lvm_shell_finish(NULL, &sh, &req, &b, &E), -EINVAL);
	assert_non_null(sh.priv);
	assert_int_equal(lvm_shell_finish(XCH, &empty, &req, &b, &E), -EINVAL);
	assert_int_equal(lvm_shell_finish(XCH, NULL, &req, &b, &E), -EINVAL);
	assert_int_equal(F.destroyed, 0);
	/* a live shell with a bad request is consumed */
	assert_int_equal(lvm_shell_finish(XCH, &sh, NULL, &b, &E), -EINVAL);
	assert_int_equal(F.destroyed, 1);
	assert_int_equal(F.released, 1);
	assert_null(sh.priv);
}

/* ---- device page ---- */

static void test_devpage_names(void **state)
{
	struct lvm_devpage_args a = { .domid = 3, .uuid = UUID };
	struct noxs_page p;
	char name[NOXS_NAME_MAX + 1];

	(void)state;
	a.name = NULL;
	assert_int_equal(lvm_devpage_fill(&p, &a), -EINVAL);
	assert_true(all_zero(&p, sizeof(p)));
	a.name = "";
	assert_int_equal(lvm_devpage_fill(&p, &a), -EINVAL);
	memset(name, 'a', sizeof(name));
	name[NOXS_NAME_MAX] = '\0';
	a.name = name;
	assert_int_equal(lvm_devpage_fill(&p, &a), -ENAMETOOLONG);
	assert_true(all_zero(&p, sizeof(p)));
	name[NOXS_NAME_MAX - 1] = '\0';          /* the longest that fits */
	assert_int_equal(lvm_devpage_fill(&p, &a), 0);
	assert_string_equal(p.name, name);
	assert_int_equal(p.magic, NOXS_MAGIC);
	assert_int_equal(p.domid, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_prepare_ok_and_discard, reset),
		cmocka_unit_test_setup(test_prepare_xenstore, reset),
		cmocka_unit_test_setup(test_prepare_bad_args, reset),
		cmocka_unit_test_setup(test_prepare_fails_leave_nothing, reset),
		cmocka_unit_test_setup(test_finish_noxs, reset),
		cmocka_unit_test_setup(test_finish_plain, reset),
		cmocka_unit_test_setup(test_finish_xenstore, reset),
		cmocka_unit_test_setup(test_finish_new_uuid, reset),
		cmocka_unit_test_setup(test_finish_fails_leave_nothing, reset),
		cmocka_unit_test_setup(test_finish_bad_args, reset),
		cmocka_unit_test_setup(test_premap_maps_the_first_pages, reset),
		cmocka_unit_test_setup(test_premap_bad_args_and_failure, reset),
		cmocka_unit_test_setup(test_premap_fit, reset),
		cmocka_unit_test_setup(test_prebuild_and_claim, reset),
		cmocka_unit_test_setup(test_warm_long_cmdline_cut, reset),
		cmocka_unit_test_setup(test_warm_refuses_other_image, reset),
		cmocka_unit_test_setup(test_prebuild_refusals_and_failures,
				       reset),
		cmocka_unit_test_setup(test_shell_fits, reset),
		cmocka_unit_test_setup(test_devpage_names, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
