/*
 * guest.c — lvmd's guest table and each guest's backends going on and off
 * (see lvmd.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lvmd.h"
#include "toolstack/engine/xs_compat.h"
#include "toolstack/engine/log.h"

struct guest *lvmd_guest_by_name(struct lvmd *l, const char *name)
{
	for (struct guest *g = l->guests; g; g = g->next)
		if (strcmp(g->rec.name, name) == 0)
			return g;
	return NULL;
}

struct guest *lvmd_guest_by_domid(struct lvmd *l, uint32_t domid)
{
	return domid < LVMD_MAX_DOMID ? l->by_domid[domid] : NULL;
}

struct guest *lvmd_guest_find(struct lvmd *l, const char *target)
{
	const char *p = target;
	unsigned long v = 0;

	if (!*p)
		return NULL;
	while (*p >= '0' && *p <= '9' && v < LVMD_MAX_DOMID)
		v = v * 10 + (unsigned long)(*p++ - '0');
	if (*p == '\0')
		return lvmd_guest_by_domid(l, (uint32_t)v);
	return lvmd_guest_by_name(l, target);
}

struct guest *lvmd_guest_new(struct lvm_reg_entry *rec)
{
	struct guest *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->rec = *rec;
	memset(rec, 0, sizeof(*rec));
	g->cons_lport = -1;
	g->sys_lport = -1;
	g->log_fd = -1;
	return g;
}

void lvmd_guest_insert(struct lvmd *l, struct guest *g)
{
	g->prev = NULL;
	g->next = l->guests;
	if (l->guests)
		l->guests->prev = g;
	l->guests = g;
	l->by_domid[g->rec.domid] = g;
	l->nguests++;
}

static void guest_unlink(struct lvmd *l, struct guest *g)
{
	if (g->prev)
		g->prev->next = g->next;
	else
		l->guests = g->next;
	if (g->next)
		g->next->prev = g->prev;
	if (l->by_domid[g->rec.domid] == g)
		l->by_domid[g->rec.domid] = NULL;
	l->nguests--;
}

/*
 * map_pages: the (n) machine frames (mfns) of (domid) mapped read-write,
 * next to each other, in one call; NULL with errno if any failed.
 */
static void *map_pages(struct lvmd *l, uint32_t domid, const uint64_t *mfns,
		       unsigned n)
{
	xen_pfn_t f[2];
	int err[2] = { 0, 0 };
	void *p;

	for (unsigned i = 0; i < n; i++)
		f[i] = (xen_pfn_t)mfns[i];
	p = xenforeignmemory_map(l->xfm, domid, PROT_READ | PROT_WRITE, n, f,
				 err);
	for (unsigned i = 0; p && i < n; i++) {
		if (err[i]) {
			xenforeignmemory_unmap(l->xfm, p, n);
			errno = err[i] < 0 ? -err[i] : err[i];
			return NULL;
		}
	}
	return p;
}

/* bind: dom0's end of (domid)'s (port); registers it. -errno on failure. */
static int bind(struct lvmd *l, struct guest *g, uint32_t port,
		enum port_kind kind)
{
	xenevtchn_port_or_error_t lp;
	int rc;

	lp = xenevtchn_bind_interdomain(l->xce, g->rec.domid, port);
	if (lp < 0)
		return -(errno ? errno : EIO);
	rc = lvmd_port_set(l, lp, g, kind);
	if (rc < 0) {
		xenevtchn_unbind(l->xce, (evtchn_port_t)lp);
		return rc;
	}
	return lp;
}

int lvmd_guest_open_log(struct lvmd *l, struct guest *g, bool trunc)
{
	char path[PATH_MAX + 80];
	struct stat st;

	if (g->log_fd >= 0)
		return 0;
	snprintf(path, sizeof(path), "%s/%s.log", l->cons_dir, g->rec.name);
	g->log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
				       O_NOCTTY | (trunc ? O_TRUNC : 0),
			 0600);
	if (g->log_fd < 0)
		return lvm_log_warn(errno, "%s: cannot open the console log %s",
				    g->rec.name, path);
	g->log_bytes = fstat(g->log_fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

int lvmd_guest_attach(struct lvmd *l, struct guest *g, unsigned flags)
{
	struct lvm_reg_entry *r = &g->rec;
	int rc;

	/* The console ring and the device page in one mapping. */
	uint64_t mfns[2] = { r->console_mfn, r->noxs_mfn };

	g->npages = r->noxs ? 2 : 1;
	g->cons_page = map_pages(l, r->domid, mfns, g->npages);
	if (!g->cons_page) {
		rc = lvm_log_err(errno, "%s (d%u): cannot map the console ring%s",
				 r->name, r->domid,
				 r->noxs ? " and the device page" : "");
		goto fail;
	}
	if (r->noxs) {
		g->noxs_page = (volatile struct noxs_page *)
			((volatile char *)g->cons_page + XC_PAGE_SIZE);
		/* A new guest has not run yet: its page is what dom0 wrote. */
		if ((flags & LVMD_ATTACH_NEW) &&
		    (g->noxs_page->magic != NOXS_MAGIC ||
		     g->noxs_page->domid != r->domid)) {
			rc = lvm_log_err(EIO, "%s (d%u): the device page at mfn 0x%llx does not hold what was written",
					 r->name, r->domid,
					 (unsigned long long)r->noxs_mfn);
			goto fail;
		}
	}
	if (flags & LVMD_ATTACH_NEW)
		memset(&g->cons, 0, sizeof(g->cons));
	else
		lvm_cons_ring_adopt(&g->cons, g->cons_page);
	rc = bind(l, g, r->console_port, PORT_CONSOLE);
	if (rc < 0) {
		lvm_log_err(-rc, "%s (d%u): cannot bind console port %u", r->name,
			    r->domid, r->console_port);
		goto fail;
	}
	g->cons_lport = rc;
	if (!r->noxs)
		goto out;
	rc = bind(l, g, r->sysctl_port, PORT_SYSCTL);
	if (rc < 0) {
		lvm_log_err(-rc, "%s (d%u): cannot bind sysctl port %u", r->name,
			    r->domid, r->sysctl_port);
		goto fail;
	}
	g->sys_lport = rc;
out:
	if (!(flags & LVMD_ATTACH_NO_LOG))
		lvmd_guest_open_log(l, g, flags & LVMD_ATTACH_TRUNC);
	return 0;
fail:
	lvmd_guest_detach(l, g);
	return rc;
}

void lvmd_guest_detach(struct lvmd *l, struct guest *g)
{
	if (g->cons_page && g->cons_lport >= 0 && !g->doom[0])
		lvmd_console_event(l, g); /* what it wrote last */
	if (g->cons_lport >= 0) {
		lvmd_port_set(l, g->cons_lport, NULL, PORT_NONE);
		xenevtchn_unbind(l->xce, (evtchn_port_t)g->cons_lport);
		g->cons_lport = -1;
	}
	if (g->sys_lport >= 0) {
		lvmd_port_set(l, g->sys_lport, NULL, PORT_NONE);
		xenevtchn_unbind(l->xce, (evtchn_port_t)g->sys_lport);
		g->sys_lport = -1;
	}
	if (g->cons_page) {
		xenforeignmemory_unmap(l->xfm, (void *)g->cons_page, g->npages);
		g->cons_page = NULL;
		g->noxs_page = NULL;
	}
	if (g->log_fd >= 0) {
		close(g->log_fd);
		g->log_fd = -1;
	}
}

void lvmd_guest_drop(struct lvmd *l, struct guest *g, int why)
{
	lvmd_guest_detach(l, g);
	if (g->rec.store == LVM_STORE_XENSTORE && lvmd_xs(l))
		lvm_xs_forget(l->xs, g->rec.domid, g->rec.uuid);
	guest_unlink(l, g);
	lvmd_reg_remove_logged(l, g);
	lvmd_clients_guest_gone(l, g, why);
	lvm_reg_entry_free(&g->rec);
	free(g);
}

int lvmd_guest_destroy(struct lvmd *l, struct guest *g, int why)
{
	uint32_t domid = g->rec.domid;
	int rc = 0;

	lvmd_guest_detach(l, g);
	if (xc_domain_destroy(l->xch, domid) != 0 && errno != ESRCH)
		rc = lvm_log_err(errno, "%s (d%u): xc_domain_destroy", g->rec.name,
				 domid);
	lvmd_guest_drop(l, g, why);
	return rc;
}

void lvmd_guest_doom(struct lvmd *l, struct guest *g, const char *fmt, ...)
{
	va_list ap;

	(void)l;
	if (g->doom[0])
		return;
	va_start(ap, fmt);
	vsnprintf(g->doom, sizeof(g->doom), fmt, ap);
	va_end(ap);
	if (!g->doom[0])
		strcpy(g->doom, "misbehaved");
	lvm_log_warn(0, "%s (d%u): %s; destroying it", g->rec.name, g->rec.domid,
		     g->doom);
	lvmd_console_note(l, g, "lvmd: %s; destroying the guest", g->doom);
}

void lvmd_guest_reap_doomed(struct lvmd *l)
{
	struct guest *g = l->guests, *next;

	for (; g; g = next) {
		next = g->next;
		if (g->doom[0])
			lvmd_guest_destroy(l, g, -EPROTO);
	}
}

int lvmd_guest_save(struct lvmd *l, struct guest *g)
{
	int rc = lvm_reg_save(l->reg_dir, &g->rec);

	if (rc < 0)
		lvm_log_err(-rc, "%s (d%u): cannot write its record in %s",
			    g->rec.name, g->rec.domid, l->reg_dir);
	return rc;
}

void lvmd_reg_remove_logged(struct lvmd *l, struct guest *g)
{
	int rc = lvm_reg_remove(l->reg_dir, g->rec.domid);

	if (rc < 0)
		lvm_log_err(-rc, "%s (d%u): cannot remove its record", g->rec.name,
			    g->rec.domid);
}

enum lvm_state lvmd_domain_state(uint32_t flags)
{
	uint32_t reason;

	if (flags & XEN_DOMINF_dying)
		return LVM_STATE_DYING;
	if (flags & XEN_DOMINF_shutdown) {
		reason = (flags >> XEN_DOMINF_shutdownshift) &
			 XEN_DOMINF_shutdownmask;
		return reason == SHUTDOWN_crash ? LVM_STATE_CRASHED :
						  LVM_STATE_SHUTDOWN;
	}
	if (flags & XEN_DOMINF_paused)
		return LVM_STATE_PAUSED;
	return LVM_STATE_RUNNING;
}

int lvmd_guest_info_as(struct lvmd *l, struct guest *g, enum lvm_state state,
		       struct lvm_info *out)
{
	const struct lvm_reg_entry *r = &g->rec;
	char path[PATH_MAX + 80];
	int64_t up;

	memset(out, 0, sizeof(*out));
	strcpy(out->name, r->name);
	out->domid = r->domid;
	out->managed = true;
	lvm_uuid_format(r->uuid, out->uuid);
	out->state = state;
	out->memory_mb = r->memory_mb;
	out->vcpus = r->vcpus;
	out->created = r->created_ns / 1000000000;
	up = lvmd_real_ns() - r->created_ns;
	out->uptime_ms = up > 0 ? (uint64_t)up / 1000000 : 0;
	out->has_ready = g->has_ready;
	out->ready_ns = g->ready_ns;
	out->on_poweroff = r->on_poweroff;
	out->on_crash = r->on_crash;
	out->noxs = r->noxs;
	out->xenstore = r->store == LVM_STORE_XENSTORE;
	snprintf(path, sizeof(path), "%s/%s.log", l->cons_dir, r->name);
	out->kernel = r->kernel ? strdup(r->kernel) : NULL;
	out->cmdline = r->cmdline ? strdup(r->cmdline) : NULL;
	out->console_log = strdup(path);
	if ((r->kernel && !out->kernel) || (r->cmdline && !out->cmdline) ||
	    !out->console_log) {
		lvm_info_clear(out);
		return -ENOMEM;
	}
	return 0;
}

int lvmd_guest_info(struct lvmd *l, struct guest *g, struct lvm_info *out)
{
	xc_domaininfo_t di;

	memset(out, 0, sizeof(*out));
	if (xc_domain_getinfolist(l->xch, g->rec.domid, 1, &di) != 1 ||
	    di.domain != g->rec.domid)
		return -ESRCH;
	if (g->noxs_page)
		lvmd_sysctl_poll(l, g);
	return lvmd_guest_info_as(l, g, lvmd_domain_state(di.flags), out);
}
