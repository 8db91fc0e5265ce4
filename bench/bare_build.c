/*
 * bare_build.c — lvm-bare-build: the baseline that `lvm create` is held
 * against. Builds PV domains from one image with libxenctrl and
 * libxenguest alone, in the plain order a toolstack uses (no pool, no
 * device page, no event channel bound in dom0, no XenStore), unpauses each
 * and prints how long each creation took.
 *
 *   lvm-bare-build [-m MB] [-n COUNT] [-w SECONDS] [--keep | -D] [-v]
 *                  IMAGE
 *
 * -m MB       guest memory (default 4, the least the builder accepts)
 * -n COUNT    build COUNT domains in a row (default 1)
 * -w SECONDS  after the last one, let them run this long
 * --keep      leave them (default: destroy them all at the end)
 * -D, --destroy-each
 *             destroy each one as soon as it is timed, so that guests
 *             left running (e.g. spinning on a console nobody reads) do
 *             not slow down the next creations
 * -v          print each creation's phases
 * One line per creation ("bare: dN T ms"), then
 * "bare-build: n=N median M min A max B ms". Exit status 0 when all were
 * built and, unless --keep, destroyed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenguest.h>

#include "bench/sample.h"
#include "bench/stats.h"

struct opts {
	unsigned int memory_mb, count, wait_s;
	int keep, verbose, destroy_each;
	const char *image;
};

/* Phase end times of one creation, in ns since its start. */
struct phases {
	uint64_t domain, memory, build, unpause;
};

static double ms(uint64_t ns) { return (double)ns / 1e6; }

/* fail() - print (what) and errno; returns -errno. */
static int fail(uint32_t domid, const char *what)
{
	int e = errno ? errno : EIO;

	fprintf(stderr, "lvm-bare-build: d%u: %s failed: %s\n", domid, what,
		strerror(e));
	return -e;
}

/* make_domain() - an empty paused PV domain with a console port. */
static int make_domain(xc_interface *xch, unsigned int memory_mb,
		       uint32_t *domid, unsigned int *console_port)
{
	struct xen_domctl_createdomain cfg;
	int port;

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_vcpus = 1;
	cfg.max_evtchn_port = 1023;
	cfg.max_grant_frames = 4;
	cfg.max_maptrack_frames = 4;
	cfg.grant_opts = XEN_DOMCTL_GRANT_version(1);
	*domid = 0;
	errno = 0;
	if (xc_domain_create(xch, domid, &cfg) != 0)
		return fail(0, "xc_domain_create");
	if (xc_domain_max_vcpus(xch, *domid, 1) != 0)
		return fail(*domid, "xc_domain_max_vcpus");
	if (xc_domain_setmaxmem(xch, *domid, (uint64_t)memory_mb * 1024) != 0)
		return fail(*domid, "xc_domain_setmaxmem");
	port = xc_evtchn_alloc_unbound(xch, *domid, 0);
	if (port < 0)
		return fail(*domid, "xc_evtchn_alloc_unbound");
	*console_port = (unsigned int)port;
	return 0;
}

/* build() - load, parse, populate, build and boot the image in (domid). */
static int build(xc_interface *xch, const struct opts *o, uint32_t domid,
		 unsigned int console_port, uint64_t t0, struct phases *ph)
{
	struct xc_dom_image *dom;
	int rc = 0;

	errno = 0;
	dom = xc_dom_allocate(xch, NULL, NULL);
	if (dom == NULL)
		return fail(domid, "xc_dom_allocate");
	dom->container_type = XC_DOM_PV_CONTAINER;
	dom->flags = 0;
	dom->console_evtchn = console_port;
	dom->console_domid = 0;
	dom->xenstore_evtchn = 0;
	dom->xenstore_domid = 0;
	dom->max_vcpus = 1;
#define STEP(call, what) do { errno = 0; if ((call) != 0) { \
		rc = fail(domid, what); goto out; } } while (0)
	STEP(xc_dom_kernel_file(dom, o->image), "xc_dom_kernel_file");
	STEP(xc_dom_boot_xen_init(dom, xch, domid), "xc_dom_boot_xen_init");
	STEP(xc_dom_parse_image(dom), "xc_dom_parse_image");
	STEP(xc_dom_mem_init(dom, o->memory_mb), "xc_dom_mem_init");
	STEP(xc_dom_boot_mem_init(dom), "xc_dom_boot_mem_init");
	ph->memory = lvm_now_ns() - t0;
	STEP(xc_dom_build_image(dom), "xc_dom_build_image");
	STEP(xc_dom_boot_image(dom), "xc_dom_boot_image");
	STEP(xc_dom_gnttab_init(dom), "xc_dom_gnttab_init");
#undef STEP
	ph->build = lvm_now_ns() - t0;
out:
	xc_dom_release(dom);
	return rc;
}

/*
 * destroy_wait() - destroy (domid) and wait (up to 5 s) until Xen has let
 * it go, so its teardown does not overlap the next creation.
 */
static int destroy_wait(xc_interface *xch, uint32_t domid)
{
	uint64_t end = lvm_now_ns() + 5000000000u;
	xc_domaininfo_t info;

	errno = 0;
	if (xc_domain_destroy(xch, domid) != 0)
		return fail(domid, "xc_domain_destroy");
	while (xc_domain_getinfolist(xch, domid, 1, &info) == 1 &&
	       info.domain == domid) {
		if (lvm_now_ns() > end) {
			errno = EBUSY;
			return fail(domid, "waiting for the destroyed domain");
		}
		usleep(1000);
	}
	return 0;
}

/* create_one() - one domain, built and unpaused; its id in (*domid). */
static int create_one(xc_interface *xch, const struct opts *o,
		      uint32_t *domid, struct phases *ph)
{
	uint64_t t0 = lvm_now_ns();
	unsigned int port = 0;
	int rc;

	rc = make_domain(xch, o->memory_mb, domid, &port);
	ph->domain = lvm_now_ns() - t0;
	if (rc == 0)
		rc = build(xch, o, *domid, port, t0, ph);
	if (rc == 0 && xc_domain_unpause(xch, *domid) != 0)
		rc = fail(*domid, "xc_domain_unpause");
	ph->unpause = lvm_now_ns() - t0;
	if (rc && *domid != 0) {
		xc_domain_destroy(xch, *domid);
		*domid = 0;
	}
	return rc;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "keep", no_argument, NULL, 'k' },
		{ "destroy-each", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ .memory_mb = 4, .count = 1 };
	while ((c = getopt_long(argc, argv, "m:n:w:vD", lo, NULL)) != -1) {
		switch (c) {
		case 'm': o->memory_mb = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'n': o->count = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'w': o->wait_s = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'k': o->keep = 1; break;
		case 'v': o->verbose = 1; break;
		case 'D': o->destroy_each = 1; break;
		default: return -EINVAL;
		}
	}
	if (optind != argc - 1 || o->count == 0 || o->memory_mb < 4 ||
	    (o->keep && o->destroy_each))
		return -EINVAL;
	o->image = argv[optind];
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t *domids = NULL;
	xc_interface *xch = NULL;
	double *times = NULL;
	struct lvm_stats s = { 0 };
	struct phases ph;
	unsigned int i, made = 0;
	struct opts o;
	int rc = 0;

	if (parse_opts(argc, argv, &o) != 0) {
		fprintf(stderr, "usage: lvm-bare-build [-m MB] [-n COUNT] "
			"[-w SECONDS] [--keep | -D] [-v] IMAGE\n");
		return 2;
	}
	xch = xc_interface_open(NULL, NULL, 0);
	domids = calloc(o.count, sizeof(*domids));
	times = calloc(o.count, sizeof(*times));
	if (xch == NULL || domids == NULL || times == NULL) {
		fprintf(stderr, "lvm-bare-build: cannot open libxenctrl: %s\n",
			strerror(errno ? errno : ENOMEM));
		rc = 1;
		goto out;
	}
	for (i = 0; i < o.count; i++) {
		memset(&ph, 0, sizeof(ph));
		if (create_one(xch, &o, &domids[i], &ph) != 0) {
			rc = 1;
			goto out;
		}
		made = i + 1;
		times[i] = ms(ph.unpause);
		if (o.verbose)
			printf("bare: d%u %.3f ms (domain %.3f, memory %.3f, "
			       "build %.3f, unpause %.3f)\n", domids[i],
			       times[i], ms(ph.domain),
			       ms(ph.memory - ph.domain),
			       ms(ph.build - ph.memory),
			       ms(ph.unpause - ph.build));
		else
			printf("bare: d%u %.3f ms\n", domids[i], times[i]);
		if (o.destroy_each) {
			if (destroy_wait(xch, domids[i]) != 0)
				rc = 1;
			domids[i] = 0;
		}
	}
	lvm_stats_compute(times, made, &s);
	printf("bare-build: n=%u median %.3f min %.3f max %.3f ms\n", made,
	       s.p50, s.min, s.max);
	if (o.wait_s)
		sleep(o.wait_s);
out:
	for (i = 0; i < made && !o.keep; i++) {
		if (domids[i] != 0 && xc_domain_destroy(xch, domids[i]) != 0) {
			fail(domids[i], "xc_domain_destroy");
			rc = 1;
		}
	}
	free(times);
	free(domids);
	if (xch != NULL)
		xc_interface_close(xch);
	return rc;
}
