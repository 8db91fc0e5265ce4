/*
 * noxs_boot — a test harness, not the product: boots one noxs guest with
 * libxenctrl and libxenguest only (no libxl, no XenStore), fills its
 * device page, serves its console and sysctl record, and reports what the
 * guest did. Integration tests drive it (tests/integration/noxs-guest.sh).
 *
 *   noxs_boot [-m MIB] [-n NAME] [-t SECONDS] [-i MS] [-r REQ[,REQ...]]
 *             [-H] IMAGE
 *
 *   -i  once the guest is READY, watch it for MS ms before any request;
 *       fail if it used more than a fifth of that CPU time (a guest
 *       waiting for requests must block, not spin)
 *   -r  once the guest is READY, send these sysctl requests (poweroff,
 *       reboot, suspend, none) one by one, each after the last was acked;
 *       pass if all are acked and the domain shuts down as the last one
 *       asks (suspend and none: it keeps running)
 *   -H  hostile guest: pass only if dom0 catches it breaking the protocol
 *       (device page or console ring) and destroys it
 *   without -r or -H: pass if the guest powers itself off
 *
 * Each step is one line on stdout ("noxs_boot: ..."); guest output is
 * printed as "console: LINE". The device page's console record names a
 * different page than start_info's, so any output read proves the guest
 * took its console from the device page. The domain is destroyed at the
 * end in every case, and the tool checks that it is gone. Exit status 0
 * on pass.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenforeignmemory.h>
#include <xenguest.h>
#include <xen/io/console.h>

#include <noxs/noxs.h>

#define MAX_REQS 8

struct opts {
	unsigned mem_mb, timeout_s, idle_ms;
	const char *name, *image;
	uint32_t reqs[MAX_REQS];
	unsigned nreqs;
	bool hostile;
};

/* One booted guest and dom0's handles on it. */
struct guest {
	xc_interface *xch;
	xenevtchn_handle *xce;
	xenforeignmemory_handle *fmem;
	uint32_t domid;
	bool created;
	uint32_t console_port, sysctl_port;     /* the guest's */
	evtchn_port_t lconsole, lsysctl;        /* ours, bound to them */
	struct xencons_interface *ring;
	volatile struct noxs_page *page;
	struct noxs_page copy;                  /* what dom0 wrote */
	XENCONS_RING_IDX cons;                  /* our copy of out_cons */
	char line[256];
	size_t linelen;
};

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("noxs_boot: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A libxen* result: (r) itself if it is >= 0, else -errno. */
static int xerr(int r)
{
	return r >= 0 ? r : -errno;
}

/* The vaddr in IMAGE's "lvm-noxs" note, through libelf. 0 or -errno. */
static int find_noxs_note(const char *path, uint64_t *vaddr)
{
	int fd, rc = -ENOENT;
	Elf *e = NULL;
	size_t nph;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (e == NULL || elf_getphdrnum(e, &nph) != 0) {
		rc = -ENOEXEC;
		goto out;
	}
	for (size_t i = 0; i < nph && rc == -ENOENT; i++) {
		GElf_Phdr ph;
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, next, name_off, desc_off;

		if (gelf_getphdr(e, (int)i, &ph) == NULL ||
		    ph.p_type != PT_NOTE)
			continue;
		d = elf_getdata_rawchunk(e, (int64_t)ph.p_offset, ph.p_filesz,
					 ELF_T_NHDR);
		while (d != NULL && (next = gelf_getnote(d, off, &nh, &name_off,
							  &desc_off)) > 0) {
			const char *name = (const char *)d->d_buf + name_off;

			off = next;
			if (nh.n_namesz != sizeof(NOXS_NOTE_NAME) ||
			    memcmp(name, NOXS_NOTE_NAME, nh.n_namesz) != 0 ||
			    nh.n_type != NOXS_NOTE_PAGE)
				continue;
			if (nh.n_descsz != sizeof(*vaddr)) {
				rc = -EINVAL;
				break;
			}
			memcpy(vaddr, (const char *)d->d_buf + desc_off,
			       sizeof(*vaddr));
			rc = *vaddr % NOXS_PAGE_SIZE == 0 ? 0 : -EINVAL;
			break;
		}
	}
out:
	if (e != NULL)
		elf_end(e);
	close(fd);
	return rc;
}

/*
 * Create the domain, build IMAGE into it, fill the device page through
 * libxenguest's mapping of the image, boot it; left paused. 0 or -errno.
 */
static int build(struct guest *g, const struct opts *o)
{
	struct xen_domctl_createdomain cfg = {
		.max_vcpus = 1,
		.max_evtchn_port = 1023,
		.max_grant_frames = -1,
		.max_maptrack_frames = -1,
		.grant_opts = XEN_DOMCTL_GRANT_version(1),
	};
	struct xc_dom_image *dom = NULL;
	xc_physinfo_t phys = { 0 };
	uint64_t vaddr = 0, create_tsc = __builtin_ia32_rdtsc();
	xen_pfn_t noxs_pfn, console_pfn, mfn[2];
	int rc, err[2] = { 0, 0 };
	size_t safe = 0;
	void *p;

	rc = find_noxs_note(o->image, &vaddr);
	if (rc < 0) {
		fprintf(stderr, "noxs_boot: %s: no usable lvm-noxs note (%s)\n",
			o->image, strerror(-rc));
		goto out;
	}
	for (size_t i = 0; i < sizeof(cfg.handle); i++)
		cfg.handle[i] = (uint8_t)rand();
	rc = xerr(xc_domain_create(g->xch, &g->domid, &cfg));
	if (rc < 0)
		goto out;
	g->created = true;
	rc = xerr(xc_domain_max_vcpus(g->xch, g->domid, 1));
	if (rc == 0)
		rc = xerr(xc_domain_setmaxmem(g->xch, g->domid,
						  o->mem_mb * 1024));
	if (rc < 0)
		goto out;
	rc = xerr(xc_evtchn_alloc_unbound(g->xch, g->domid, 0));
	if (rc < 0)
		goto out;
	g->console_port = (uint32_t)rc;
	rc = xerr(xc_evtchn_alloc_unbound(g->xch, g->domid, 0));
	if (rc < 0)
		goto out;
	g->sysctl_port = (uint32_t)rc;
	xc_physinfo(g->xch, &phys);

	rc = -ENOMEM;
	dom = xc_dom_allocate(g->xch, "", NULL);
	if (dom == NULL)
		goto out;
	dom->container_type = XC_DOM_PV_CONTAINER;
	dom->max_vcpus = 1;
	dom->console_evtchn = g->console_port;
	dom->console_domid = 0;
	dom->xenstore_domid = 0;
	/* libxenguest logs its own reasons. */
	rc = -EINVAL;
	if (xc_dom_kernel_file(dom, o->image) != 0 ||
	    xc_dom_boot_xen_init(dom, g->xch, g->domid) != 0 ||
	    xc_dom_parse_image(dom) != 0 ||
	    xc_dom_mem_init(dom, o->mem_mb) != 0 ||
	    xc_dom_boot_mem_init(dom) != 0 ||
	    xc_dom_build_image(dom) != 0)
		goto out;

	/* The image is in guest memory now; fill its device page. */
	p = xc_dom_vaddr_to_ptr(dom, vaddr, &safe);
	if (p == NULL || safe < NOXS_PAGE_SIZE) {
		fprintf(stderr, "noxs_boot: device page 0x%" PRIx64
			" is not in the image\n", vaddr);
		goto out;
	}
	noxs_pfn = (vaddr - xc_dom_virt_base(dom)) >> XC_PAGE_SHIFT;
	/*
	 * Unlike the real toolstack, put the console on another page than the
	 * one start_info names: the XenStore page, which the builder made and
	 * zeroed and no noxs guest uses. Output that reaches us then proves
	 * the guest took its console from the device page.
	 */
	console_pfn = dom->xenstore_pfn;
	rc = noxs_page_init(&g->copy, g->domid, o->name, cfg.handle);
	if (rc < 0)
		goto out;
	noxs_page_set_console(&g->copy, console_pfn, g->console_port, 0);
	noxs_page_set_sysctl(&g->copy, g->sysctl_port, 0);
	g->copy.create_tsc = create_tsc;
	g->copy.tsc_khz = phys.cpu_khz;
	memcpy(p, &g->copy, sizeof(g->copy));
	mfn[0] = xc_dom_p2m(dom, console_pfn);
	mfn[1] = xc_dom_p2m(dom, noxs_pfn);

	rc = -EINVAL;
	if (xc_dom_boot_image(dom) != 0 || xc_dom_gnttab_init(dom) != 0)
		goto out;
	say("domid %u, device page at 0x%" PRIx64 " (pfn 0x%" PRIx64
	    "), console pfn 0x%" PRIx64 " (start_info's: 0x%" PRIx64
	    ") port %u, sysctl port %u", g->domid, vaddr, (uint64_t)noxs_pfn,
	    (uint64_t)console_pfn, (uint64_t)dom->console_pfn,
	    g->console_port, g->sysctl_port);

	/* dom0's side: map the ring and the page, bind both ports. */
	g->ring = xenforeignmemory_map(g->fmem, g->domid,
				       PROT_READ | PROT_WRITE, 1, &mfn[0],
				       &err[0]);
	g->page = xenforeignmemory_map(g->fmem, g->domid,
				       PROT_READ | PROT_WRITE, 1, &mfn[1],
				       &err[1]);
	rc = g->ring == NULL || g->page == NULL ? -errno : -(err[0] | err[1]);
	if (rc < 0)
		goto out;
	rc = xerr(xenevtchn_bind_interdomain(g->xce, g->domid,
						  g->console_port));
	if (rc < 0)
		goto out;
	g->lconsole = (evtchn_port_t)rc;
	rc = xerr(xenevtchn_bind_interdomain(g->xce, g->domid,
						  g->sysctl_port));
	if (rc < 0)
		goto out;
	g->lsysctl = (evtchn_port_t)rc;
	rc = 0;
out:
	if (dom != NULL)
		xc_dom_release(dom);
	return rc;
}

/*
 * Move new console output to stdout, as a backend would: our own out_cons
 * copy, the guest's out_prod checked. Returns 0, or -EPROTO when the
 * indices are impossible (the guest then gets no more service).
 */
static int drain_console(struct guest *g)
{
	volatile struct xencons_interface *r = g->ring;
	XENCONS_RING_IDX prod = r->out_prod;
	bool moved = false;

	__sync_synchronize();
	if (prod - g->cons > sizeof(r->out))
		return -EPROTO;
	for (; g->cons != prod; g->cons++) {
		char c = r->out[MASK_XENCONS_IDX(g->cons, r->out)];

		moved = true;
		if (c == '\r')
			continue;
		if (c != '\n' && g->linelen < sizeof(g->line) - 1) {
			g->line[g->linelen++] = c;
			continue;
		}
		g->line[g->linelen] = '\0';
		printf("console: %s\n", g->line);
		g->linelen = 0;
	}
	fflush(stdout);
	if (moved) {
		__sync_synchronize();
		r->out_cons = g->cons;
		xenevtchn_notify(g->xce, g->lconsole);
	}
	return 0;
}

static void send_request(struct guest *g, uint32_t req)
{
	g->copy.sysctl.request = req;
	g->copy.sysctl.request_seq++;
	g->page->sysctl.request = req;
	__sync_synchronize();
	g->page->sysctl.request_seq = g->copy.sysctl.request_seq;
	__sync_synchronize();
	xenevtchn_notify(g->xce, g->lsysctl);
	say("sent request %u (seq %u)", req, g->copy.sysctl.request_seq);
}

/* -1 while running, else the shutdown reason (SHUTDOWN_*); -2 if gone. */
static int shutdown_reason(struct guest *g)
{
	xc_domaininfo_t info;

	if (xc_domain_getinfolist(g->xch, g->domid, 1, &info) != 1 ||
	    info.domain != g->domid)
		return -2;
	if (!(info.flags & XEN_DOMINF_shutdown))
		return -1;
	return (int)((info.flags >> XEN_DOMINF_shutdownshift) &
		     XEN_DOMINF_shutdownmask);
}

/* The guest's CPU time so far, in ns (0 if it is gone). */
static uint64_t cpu_time(struct guest *g)
{
	xc_domaininfo_t info;

	if (xc_domain_getinfolist(g->xch, g->domid, 1, &info) != 1 ||
	    info.domain != g->domid)
		return 0;
	return info.cpu_time;
}

/*
 * The -i check, called on each round once the guest is READY: after a
 * short settling time, measure its CPU time over (o->idle_ms). Returns 1
 * when done and idle, 0 while measuring, -1 if it was busy.
 */
static int idle_check(struct guest *g, const struct opts *o)
{
	static uint64_t start, cpu0;
	uint64_t now = now_ms(), used_ms;

	if (o->idle_ms == 0)
		return 1;
	if (start == 0) {
		start = now + 200;
		return 0;
	}
	if (now < start)
		return 0;
	if (cpu0 == 0) {
		cpu0 = cpu_time(g) + 1;
		return 0;
	}
	if (now < start + o->idle_ms)
		return 0;
	used_ms = (cpu_time(g) + 1 - cpu0) / 1000000;
	say("idle: %" PRIu64 " ms of CPU in %" PRIu64 " ms", used_ms,
	    now - start);
	return used_ms * 5 > now - start ? -1 : 1;
}

/* Serve the guest until it shuts down, breaks the protocol or time is up. */
static bool run(struct guest *g, const struct opts *o)
{
	uint64_t deadline = now_ms() + o->timeout_s * 1000ull;
	struct pollfd pfd = { .fd = xenevtchn_fd(g->xce), .events = POLLIN };
	struct noxs_guest_view v;
	unsigned sent = 0;
	bool ready = false, acked = true;
	int reason = -1, idle = 0;

	while (now_ms() < deadline) {
		if (poll(&pfd, 1, 20) > 0) {
			xenevtchn_port_or_error_t port;

			port = xenevtchn_pending(g->xce);
			if (port >= 0)
				xenevtchn_unmask(g->xce, (evtchn_port_t)port);
		}
		if (drain_console(g) < 0) {
			say("violation: console ring indices out of range");
			return o->hostile;
		}
		if (noxs_guest_view_read(g->page, g->copy.ndevs,
					 g->copy.sysctl.request_seq, &v) < 0) {
			say("violation: guest fields state=%u ack_seq=%u "
			    "ready_tsc=%" PRIu64, v.state, v.ack_seq,
			    v.ready_tsc);
			return o->hostile;
		}
		if (!ready && v.state != NOXS_STATE_BOOTING) {
			ready = true;
			say("ready: state=%u ready_tsc=%" PRIu64 " ready_ns=%"
			    PRIu64 " create_tsc=%" PRIu64 " tsc_khz=%" PRIu64,
			    v.state, v.ready_tsc, v.ready_ns,
			    g->copy.create_tsc, g->copy.tsc_khz);
		}
		if (!acked && v.ack_seq == g->copy.sysctl.request_seq) {
			acked = true;
			say("acked seq %u, state %u", v.ack_seq, v.state);
		}
		if (ready && idle == 0) {
			idle = idle_check(g, o);
			if (idle < 0)
				return false;
		}
		if (ready && idle > 0 && acked && sent < o->nreqs) {
			send_request(g, o->reqs[sent++]);
			acked = false;
		}
		reason = shutdown_reason(g);
		if (reason != -1)
			break;
		if (o->nreqs > 0 && sent == o->nreqs && acked &&
		    o->reqs[o->nreqs - 1] != NOXS_REQ_POWEROFF &&
		    o->reqs[o->nreqs - 1] != NOXS_REQ_REBOOT)
			return !o->hostile;
	}
	drain_console(g);
	if (reason == -1) {
		say("timed out after %u s (ready=%d, requests sent=%u)",
		    o->timeout_s, ready, sent);
		return false;
	}
	say("shutdown reason %d", reason);
	if (o->hostile)
		return false;
	if (o->nreqs == 0)
		return reason == SHUTDOWN_poweroff;
	return acked && sent == o->nreqs &&
	       reason == (o->reqs[o->nreqs - 1] == NOXS_REQ_REBOOT ?
			  SHUTDOWN_reboot : SHUTDOWN_poweroff);
}

/* Release dom0's hold on the guest, destroy it, check it is gone. */
static bool destroy(struct guest *g)
{
	if (g->ring != NULL)
		xenforeignmemory_unmap(g->fmem, g->ring, 1);
	if (g->page != NULL)
		xenforeignmemory_unmap(g->fmem, (void *)g->page, 1);
	if (g->lconsole)
		xenevtchn_unbind(g->xce, g->lconsole);
	if (g->lsysctl)
		xenevtchn_unbind(g->xce, g->lsysctl);
	if (!g->created)
		return true;
	if (xc_domain_destroy(g->xch, g->domid) < 0) {
		say("destroy of domain %u failed: %s", g->domid,
		    strerror(errno));
		return false;
	}
	for (int i = 0; i < 100; i++) {
		if (shutdown_reason(g) == -2) {
			say("domain %u destroyed and gone", g->domid);
			return true;
		}
		usleep(50000);
	}
	say("domain %u still exists after destroy", g->domid);
	return false;
}

static int parse_reqs(struct opts *o, char *list)
{
	static const char *const names[] = { "none", "poweroff", "reboot",
					     "suspend" };

	for (char *s = strtok(list, ","); s != NULL; s = strtok(NULL, ",")) {
		uint32_t r = 0;

		while (r <= NOXS_REQ_MAX && strcmp(s, names[r]) != 0)
			r++;
		if (r > NOXS_REQ_MAX || o->nreqs == MAX_REQS)
			return -EINVAL;
		o->reqs[o->nreqs++] = r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .mem_mb = 4, .timeout_s = 30, .name = "noxs-boot" };
	struct guest g = { 0 };
	bool pass = false;
	int c, rc;

	while ((c = getopt(argc, argv, "m:n:t:i:r:H")) != -1) {
		switch (c) {
		case 'm': o.mem_mb = (unsigned)atoi(optarg); break;
		case 'n': o.name = optarg; break;
		case 't': o.timeout_s = (unsigned)atoi(optarg); break;
		case 'i': o.idle_ms = (unsigned)atoi(optarg); break;
		case 'r':
			if (parse_reqs(&o, optarg) < 0)
				goto usage;
			break;
		case 'H': o.hostile = true; break;
		default: goto usage;
		}
	}
	if (optind != argc - 1 || o.mem_mb < 4 || o.timeout_s == 0)
		goto usage;
	o.image = argv[optind];
	srand((unsigned)time(NULL) ^ (unsigned)getpid());

	g.xch = xc_interface_open(NULL, NULL, 0);
	g.xce = xenevtchn_open(NULL, 0);
	g.fmem = xenforeignmemory_open(NULL, 0);
	if (g.xch == NULL || g.xce == NULL || g.fmem == NULL) {
		fprintf(stderr, "noxs_boot: cannot open Xen interfaces: %s\n",
			strerror(errno));
		return 2;
	}
	rc = build(&g, &o);
	if (rc < 0) {
		fprintf(stderr, "noxs_boot: building %s failed: %s\n", o.image,
			strerror(-rc));
	} else if (xc_domain_unpause(g.xch, g.domid) < 0) {
		fprintf(stderr, "noxs_boot: unpause: %s\n", strerror(errno));
	} else {
		pass = run(&g, &o);
	}
	if (!destroy(&g))
		pass = false;
	xenforeignmemory_close(g.fmem);
	xenevtchn_close(g.xce);
	xc_interface_close(g.xch);
	say("%s", pass ? "PASS" : "FAIL");
	return pass ? 0 : 1;
usage:
	fprintf(stderr, "usage: noxs_boot [-m MIB] [-n NAME] [-t SECONDS] "
		"[-i MS] [-r REQ[,REQ...]] [-H] IMAGE\n");
	return 2;
}
