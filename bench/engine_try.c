/*
 * engine_try.c — lvm-engine-try: create guests from one image with the
 * engine alone (lvm_shell_prepare, lvm_shell_finish, unpause) and print
 * the time of each phase. A tool for testing the engine in a dom0; users
 * go through `lvm`.
 *
 *   lvm-engine-try [-m MB] [-v VCPUS] [-N NAME] [-c CMDLINE] [-n COUNT]
 *                  [--check-page] [--wait SECONDS] [--console]
 *                  [--keep | --destroy-each] [--premap PAGES]
 *                  [--xenguest] IMAGE
 *   lvm-engine-try --destroy DOMID
 *
 * --check-page  before unpausing, map the device page and the console page
 *               from dom0 by their MFNs and check that the page holds what
 *               the engine wrote
 * --wait S      wait up to S seconds for each guest to shut down; fail
 *               unless it powered off
 * --console     with --wait: print what the guest wrote on its console ring
 * --keep        leave the guests running (default: destroy them at the end)
 * --destroy-each  destroy each guest as soon as it is timed, so that
 *               guests left running do not slow the next creations down
 * --premap P    map each shell's first P pages after preparing it, as
 *               lvmd's pool does (lvm_shell_premap)
 * --xenguest    build with libxenguest (default: our own builder for an
 *               image with a noxs note that it can load, libxenguest for
 *               any other)
 * --destroy     destroy domain DOMID and wait until Xen has let it go
 * Exit status 0 when every step and check passed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xen/io/console.h>
#include <xen/sched.h>

#include "bench/sample.h"
#include "bench/stats.h"
#include "toolstack/engine/engine.h"
#include "toolstack/engine/log.h"

struct opts {
	uint32_t memory_mb, vcpus;
	const char *name, *cmdline, *image;
	unsigned int count;
	int check_page, console, keep, destroy_each, xenguest;
	unsigned int wait_s;
	uint32_t premap;
	long destroy;                /* --destroy DOMID; -1 if not given */
};

struct run {
	uint32_t domid;
	struct lvm_built b;
	double total_ms, unpause_ms;
};

static double ms(uint64_t ns) { return (double)ns / 1e6; }

static int usage(void)
{
	fprintf(stderr, "usage: lvm-engine-try [-m MB] [-v VCPUS] [-N NAME] "
		"[-c CMDLINE] [-n COUNT] [--check-page] [--wait SECONDS] "
		"[--console] [--keep | --destroy-each] [--premap PAGES] "
		"[--xenguest] IMAGE\n"
		"       lvm-engine-try --destroy DOMID\n");
	return 2;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "check-page", no_argument, NULL, 'P' },
		{ "wait", required_argument, NULL, 'w' },
		{ "console", no_argument, NULL, 'C' },
		{ "keep", no_argument, NULL, 'k' },
		{ "destroy", required_argument, NULL, 'D' },
		{ "destroy-each", no_argument, NULL, 'E' },
		{ "premap", required_argument, NULL, 'M' },
		{ "xenguest", no_argument, NULL, 'X' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ .memory_mb = 4, .vcpus = 1, .name = "engine-try",
			    .count = 1, .destroy = -1 };
	while ((c = getopt_long(argc, argv, "m:v:N:c:n:", lo, NULL)) != -1) {
		switch (c) {
		case 'm': o->memory_mb = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'v': o->vcpus = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'N': o->name = optarg; break;
		case 'c': o->cmdline = optarg; break;
		case 'n': o->count = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'P': o->check_page = 1; break;
		case 'w': o->wait_s = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'C': o->console = 1; break;
		case 'k': o->keep = 1; break;
		case 'D': o->destroy = strtol(optarg, NULL, 0); break;
		case 'E': o->destroy_each = 1; break;
		case 'M': o->premap = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'X': o->xenguest = 1; break;
		default: return -EINVAL;
		}
	}
	if (o->destroy >= 0)
		return optind == argc && o->destroy > 0 ? 0 : -EINVAL;
	if (optind != argc - 1 || o->count == 0 ||
	    (o->destroy_each && (o->keep || o->wait_s)))
		return -EINVAL;
	o->image = argv[optind];
	return 0;
}

/* map_frame() - map machine frame (mfn) of (domid) read-only. */
static void *map_frame(xenforeignmemory_handle *fm, uint32_t domid,
		       uint64_t mfn)
{
	xen_pfn_t f = (xen_pfn_t)mfn;
	int err = 0;
	void *p = xenforeignmemory_map(fm, domid, PROT_READ, 1, &f, &err);

	if (p != NULL && err != 0) {
		xenforeignmemory_unmap(fm, p, 1);
		errno = -err;
		return NULL;
	}
	return p;
}

/* check_page() - the guest's device page holds what the engine wrote. */
static int check_page(xenforeignmemory_handle *fm, const struct lvm_built *b)
{
	void *p;
	int rc = 0;

	p = map_frame(fm, b->domid, b->console_mfn);
	if (p == NULL)
		return lvm_log_err(errno, "d%u: cannot map console mfn 0x%llx",
				   b->domid, (unsigned long long)b->console_mfn);
	xenforeignmemory_unmap(fm, p, 1);
	if (b->noxs_copy == NULL) {
		printf("d%u: console mfn 0x%llx mapped; no device page\n",
		       b->domid, (unsigned long long)b->console_mfn);
		return 0;
	}
	p = map_frame(fm, b->domid, b->noxs_mfn);
	if (p == NULL)
		return lvm_log_err(errno, "d%u: cannot map device page mfn 0x%llx",
				   b->domid, (unsigned long long)b->noxs_mfn);
	if (memcmp(p, b->noxs_copy, NOXS_PAGE_SIZE) != 0)
		rc = lvm_log_err(EPROTO, "d%u: device page differs from the copy",
				 b->domid);
	else if (b->noxs_copy->magic != NOXS_MAGIC ||
		 b->noxs_copy->domid != b->domid ||
		 b->noxs_copy->console.gfn != b->console_gfn)
		rc = lvm_log_err(EPROTO, "d%u: device page has wrong contents",
				 b->domid);
	else
		printf("d%u: device page ok (gfn 0x%llx mfn 0x%llx, name %s, "
		       "console gfn 0x%llx port %u, sysctl port %u, "
		       "tsc_khz %llu)\n", b->domid,
		       (unsigned long long)b->noxs_gfn,
		       (unsigned long long)b->noxs_mfn, b->noxs_copy->name,
		       (unsigned long long)b->noxs_copy->console.gfn,
		       b->noxs_copy->console.evtchn,
		       b->noxs_copy->sysctl.evtchn,
		       (unsigned long long)b->noxs_copy->tsc_khz);
	xenforeignmemory_unmap(fm, p, 1);
	return rc;
}

/* domain_flags() - 0 and (*flags) if (domid) exists, else -ENOENT. */
static int domain_flags(xc_interface *xch, uint32_t domid, uint32_t *flags)
{
	xc_domaininfo_t info;

	if (xc_domain_getinfolist(xch, domid, 1, &info) != 1 ||
	    info.domain != domid)
		return -ENOENT;
	*flags = info.flags;
	return 0;
}

/* print_console() - what the guest wrote on its console ring. */
static int print_console(xenforeignmemory_handle *fm, const struct lvm_built *b)
{
	struct xencons_interface *ring;
	XENCONS_RING_IDX cons, prod;

	ring = map_frame(fm, b->domid, b->console_mfn);
	if (ring == NULL)
		return lvm_log_err(errno, "d%u: cannot map the console", b->domid);
	cons = ring->out_cons;
	prod = ring->out_prod;
	if (prod - cons > sizeof(ring->out))
		cons = prod - sizeof(ring->out);
	printf("d%u console: ", b->domid);
	for (; cons != prod; cons++) {
		char ch = ring->out[MASK_XENCONS_IDX(cons, ring->out)];

		if (ch != '\r')
			putchar(ch);
	}
	printf("\n");
	xenforeignmemory_unmap(fm, ring, 1);
	return 0;
}

/* wait_shutdown() - wait for (domid) to shut down; 0 if it powered off. */
static int wait_shutdown(xc_interface *xch, uint32_t domid, unsigned int s)
{
	uint64_t end = lvm_now_ns() + (uint64_t)s * 1000000000u;
	uint32_t flags, reason;

	while (lvm_now_ns() < end) {
		if (domain_flags(xch, domid, &flags) != 0)
			return lvm_log_err(ENOENT, "d%u: vanished", domid);
		if (flags & XEN_DOMINF_shutdown) {
			reason = (flags >> XEN_DOMINF_shutdownshift) &
				 XEN_DOMINF_shutdownmask;
			printf("d%u: shut down, reason %u%s\n", domid, reason,
			       reason == SHUTDOWN_poweroff ? " (poweroff)" : "");
			return reason == SHUTDOWN_poweroff ? 0 :
			       lvm_log_err(EPROTO, "d%u: did not power off", domid);
		}
		usleep(10000);
	}
	return lvm_log_err(ETIMEDOUT, "d%u: still running after %u s", domid, s);
}

/* destroy_wait() - destroy (domid) and wait until Xen has let it go. */
static int destroy_wait(xc_interface *xch, uint32_t domid)
{
	uint64_t end = lvm_now_ns() + 5000000000u;
	uint32_t flags;

	if (xc_domain_destroy(xch, domid) != 0)
		return lvm_log_err(errno, "d%u: xc_domain_destroy", domid);
	while (domain_flags(xch, domid, &flags) == 0) {
		if (lvm_now_ns() > end)
			return lvm_log_err(EBUSY, "d%u: still there after destroy",
					   domid);
		usleep(1000);
	}
	return 0;
}

/* create_one() - prepare, finish, (check,) unpause one guest. */
/* engine_fail: print the engine's line (e) for its failure (rc). */
static int engine_fail(const struct lvm_error *e, int rc)
{
	lvm_log(LVM_LOG_ERROR, 0, "%s", e->msg);
	return rc;
}

static int create_one(xc_interface *xch, xenforeignmemory_handle *fm,
		      const struct opts *o, const struct lvm_image *img,
		      struct run *r)
{
	struct lvm_finish_req req = { 0 };
	struct lvm_error e = { 0 };
	struct lvm_shell sh;
	uint8_t uuid[16];
	uint64_t t0, t_check = 0, t1;
	int rc;

	if (getrandom(uuid, sizeof(uuid), 0) != sizeof(uuid))
		return lvm_log_err(errno, "getrandom");
	t0 = lvm_now_ns();
	rc = lvm_shell_prepare(xch, o->memory_mb, o->vcpus, uuid, false, &sh,
			       &e);
	if (rc)
		return engine_fail(&e, rc);
	if (o->premap != 0) {
		t1 = lvm_now_ns();
		rc = lvm_shell_premap(&sh, o->premap, &e);
		if (rc) {
			lvm_shell_discard(xch, &sh);
			return engine_fail(&e, rc);
		}
		sh.t.prepare += lvm_now_ns() - t1;
	}
	req.img = img;
	req.name = o->name;
	req.cmdline = o->cmdline;
	req.create_tsc = __builtin_ia32_rdtsc();
	rc = lvm_shell_finish(xch, &sh, &req, &r->b, &e);
	if (rc)
		return engine_fail(&e, rc);
	r->domid = r->b.domid;
	if (o->check_page) {
		t1 = lvm_now_ns();
		rc = check_page(fm, &r->b);
		t_check = lvm_now_ns() - t1;
		if (rc)
			return rc;
	}
	t1 = lvm_now_ns();
	if (xc_domain_unpause(xch, r->domid) != 0)
		return lvm_log_err(errno, "d%u: xc_domain_unpause", r->domid);
	r->unpause_ms = ms(lvm_now_ns() - t1);
	r->total_ms = ms(lvm_now_ns() - t0 - t_check);
	printf("d%u: prepare %.3f  load %.3f  build %.3f  devices %.3f  "
	       "unpause %.3f  total %.3f ms  footprint %u pages%s\n", r->domid,
	       ms(r->b.t.prepare), ms(r->b.t.load), ms(r->b.t.build),
	       ms(r->b.t.devices), r->unpause_ms, r->total_ms,
	       r->b.footprint_pages,
	       o->premap == 0 ? "" : r->b.tables_ahead ?
	       ", premapped, tables pinned ahead" : r->b.premap_used ?
	       ", premapped" : ", premap too small");
	if (r->b.own.write != 0)
		printf("d%u: own builder: map %.3f  write %.3f  unmap %.3f  "
		       "hypercall page %.3f  pin %.3f  context %.3f ms\n",
		       r->domid, ms(r->b.own.map), ms(r->b.own.write),
		       ms(r->b.own.unmap), ms(r->b.own.hypercall),
		       ms(r->b.own.pin), ms(r->b.own.context));
	return 0;
}

static void summary(struct run *runs, unsigned int n)
{
	double *v = calloc(n, sizeof(*v));
	struct lvm_stats s = { 0 };
	unsigned int i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		v[i] = runs[i].total_ms;
	lvm_stats_compute(v, n, &s);
	printf("engine: n=%u  total median %.3f  min %.3f  max %.3f ms\n", n,
	       s.p50, s.min, s.max);
	for (i = 0; i < n; i++)
		v[i] = ms(runs[i].b.t.prepare);
	lvm_stats_compute(v, n, &s);
	printf("engine: prepare median %.3f ms", s.p50);
	for (i = 0; i < n; i++)
		v[i] = ms(runs[i].b.t.load + runs[i].b.t.build +
			  runs[i].b.t.devices) + runs[i].unpause_ms;
	lvm_stats_compute(v, n, &s);
	printf("  finish+unpause median %.3f ms\n", s.p50);
	for (i = 0; i < n; i++)
		v[i] = ms(runs[i].b.t.load + runs[i].b.t.build +
			  runs[i].b.t.devices);
	lvm_stats_compute(v, n, &s);
	printf("engine: builder (load+build+devices) median %.3f  min %.3f "
	       "ms\n", s.p50, s.min);
	if (runs[0].b.own.write != 0) {
		static const char *const name[] = { "map", "write", "unmap",
			"hypercall page", "pin", "context" };
		unsigned k;

		printf("engine: own builder medians:");
		for (k = 0; k < 6; k++) {
			for (i = 0; i < n; i++) {
				const uint64_t *o = &runs[i].b.own.map;

				v[i] = ms(o[k]);
			}
			lvm_stats_compute(v, n, &s);
			printf(" %s %.3f", name[k], s.p50);
		}
		printf(" ms\n");
	}
	free(v);
}

int main(int argc, char **argv)
{
	xenforeignmemory_handle *fm = NULL;
	struct lvm_image *img = NULL;
	xc_interface *xch = NULL;
	struct run *runs = NULL;
	unsigned int i, made = 0;
	struct opts o;
	uint64_t t0;
	int rc;

	if (parse_opts(argc, argv, &o) != 0)
		return usage();
	xch = xc_interface_open(NULL, NULL, 0);
	fm = xenforeignmemory_open(NULL, 0);
	runs = calloc(o.count, sizeof(*runs));
	if (xch == NULL || fm == NULL || runs == NULL) {
		rc = lvm_log_err(errno ? errno : ENOMEM, "cannot open Xen handles");
		goto out;
	}
	if (o.destroy > 0) {
		rc = destroy_wait(xch, (uint32_t)o.destroy);
		if (rc == 0)
			printf("d%ld: destroyed, gone\n", o.destroy);
		goto out;
	}
	t0 = lvm_now_ns();
	{
		struct lvm_error e = { 0 };

		rc = lvm_image_load(o.image, &img, &e);
		if (rc) {
			engine_fail(&e, rc);
			goto out;
		}
	}
	if (o.xenguest || !img->load.ok || img->noxs_vaddr == 0)
		lvm_engine_use_xenguest(true);
	printf("image %s: %zu bytes, load %.3f ms, virt_base 0x%llx, "
	       "device page 0x%llx, builder %s\n", o.image, img->blob_size,
	       ms(lvm_now_ns() - t0), (unsigned long long)img->virt_base,
	       (unsigned long long)img->noxs_vaddr,
	       o.xenguest || !img->load.ok || img->noxs_vaddr == 0 ?
	       "libxenguest" : "own");

	for (i = 0; i < o.count; i++) {
		rc = create_one(xch, fm, &o, img, &runs[i]);
		/* A premapped build leaves its mapping for later, as lvmd's
		 * refill thread releases it: here, after it is timed (a
		 * domain goes only once dom0 maps none of it). */
		lvm_engine_reap();
		if (runs[i].domid != 0)
			made = i + 1;
		if (rc)
			goto out;
		if (o.destroy_each) {
			rc = destroy_wait(xch, runs[i].domid);
			if (rc)
				goto out;
			runs[i].domid = 0;
		}
	}
	if (o.count > 1)
		summary(runs, o.count);
	for (i = 0; i < made && o.wait_s; i++) {
		rc = wait_shutdown(xch, runs[i].domid, o.wait_s);
		if (rc == 0 && o.console)
			rc = print_console(fm, &runs[i].b);
		if (rc)
			goto out;
	}
out:
	for (i = 0; i < made; i++) {
		if (!o.keep && runs[i].domid != 0) {
			int r = destroy_wait(xch, runs[i].domid);

			if (r == 0)
				printf("d%u: destroyed, gone\n", runs[i].domid);
			else if (rc == 0)
				rc = r;
		}
		lvm_built_release(&runs[i].b);
	}
	free(runs);
	lvm_image_free(img);
	if (fm != NULL)
		xenforeignmemory_close(fm);
	if (xch != NULL)
		xc_interface_close(xch);
	return rc ? 1 : 0;
}
