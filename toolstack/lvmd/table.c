/*
 * table.c — lvmd's guest table: lookups by name and domid (and, through
 * vifindex.c, by a vif's MAC or address), guests in and
 * out, their records on disk, doom marks and request deadlines, what
 * `lvm info` says of a guest (see guest.h). Calls nothing of lvmd above
 * registry.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"
#include "lvmd.h"
#include "toolstack/common/clock.h"
#include "toolstack/engine/log.h"

/* The chain of (name)'s bucket (FNV-1a over the name). */
static struct guest **name_bucket(struct lvmd *l, const char *name)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return &l->by_name[h & (LVMD_NAME_BUCKETS - 1)];
}

struct guest *lvmd_guest_by_name(struct lvmd *l, const char *name)
{
	struct guest *g = *name_bucket(l, name);

	while (g && strcmp(g->rec.name, name) != 0)
		g = g->nnext;
	return g;
}

/* The chain of (domid)'s bucket. */
static struct guest **bucket(struct lvmd *l, uint32_t domid)
{
	return &l->by_domid[domid & (LVMD_DOMID_BUCKETS - 1)];
}

struct guest *lvmd_guest_by_domid(struct lvmd *l, uint32_t domid)
{
	struct guest *g = *bucket(l, domid);

	while (g && g->rec.domid != domid)
		g = g->hnext;
	return g;
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

struct guest *lvmd_guest_new(struct lvm_reg_entry *rec,
			     const struct lvmd_control *ctl)
{
	struct guest *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->rec = *rec;
	if (lvmd_vifkeys_new(g) < 0) {
		free(g);
		return NULL;
	}
	memset(rec, 0, sizeof(*rec));
	g->ctl = ctl;
	g->cons_lport = -1;
	g->sys_lport = -1;
	g->log_fd = -1;
	g->rec_fd = -1;
	return g;
}

void lvmd_guest_free(struct guest *g)
{
	if (g->rec_fd >= 0)
		close(g->rec_fd);
	lvmd_vifkeys_free(g);
	lvm_reg_entry_free(&g->rec);
	free(g);
}

void lvmd_guest_insert(struct lvmd *l, struct guest *g)
{
	g->prev = NULL;
	g->next = l->guests;
	if (l->guests)
		l->guests->prev = g;
	l->guests = g;
	g->hnext = *bucket(l, g->rec.domid);
	*bucket(l, g->rec.domid) = g;
	g->nnext = *name_bucket(l, g->rec.name);
	*name_bucket(l, g->rec.name) = g;
	lvmd_vifkeys_link(l, g);
	l->nguests++;
}

void lvmd_guest_unlink(struct lvmd *l, struct guest *g)
{
	if (g->prev)
		g->prev->next = g->next;
	else
		l->guests = g->next;
	if (g->next)
		g->next->prev = g->prev;
	for (struct guest **p = bucket(l, g->rec.domid); *p; p = &(*p)->hnext)
		if (*p == g) {
			*p = g->hnext;
			break;
		}
	g->hnext = NULL;
	for (struct guest **p = name_bucket(l, g->rec.name); *p;
	     p = &(*p)->nnext)
		if (*p == g) {
			*p = g->nnext;
			break;
		}
	g->nnext = NULL;
	lvmd_vifkeys_unlink(l, g);
	l->nguests--;
}

void lvmd_guest_doom(struct lvmd *l, struct guest *g, const char *fmt, ...)
{
	va_list ap;

	if (g->doom[0])
		return;
	va_start(ap, fmt);
	vsnprintf(g->doom, sizeof(g->doom), fmt, ap);
	va_end(ap);
	if (!g->doom[0])
		strcpy(g->doom, "misbehaved");
	l->any_doomed = true;
	lvm_log_warn(0, "%s (d%u): %s; destroying it", g->rec.name, g->rec.domid,
		     g->doom);
}

void lvmd_guest_exit_note(struct lvmd *l, struct guest *g)
{
	struct lvmd_exit_note *n;

	if (g->exit_noted)
		return;
	g->exit_noted = true;
	if (l->nexits == LVMD_EXIT_NOTES) {
		l->reap_now = true;
		return;
	}
	n = &l->exits[l->nexits++];
	n->domid = g->rec.domid;
	memcpy(n->uuid, g->rec.uuid, sizeof(n->uuid));
	n->due_ns = lvm_now_ns();
	n->tries = 0;
}

void lvmd_guest_deadline(struct lvmd *l, struct guest *g,
			 uint32_t timeout_ms)
{
	g->req_deadline_ns = lvm_now_ns() +
		(uint64_t)(timeout_ms ? timeout_ms : LVM_DEFAULT_SHUTDOWN_MS) *
			1000000u;
	l->any_deadline = true;
}

/* save_logged: (rc), the result of writing (g)'s record, a failure
 * logged. */
static int save_logged(const struct lvmd *l, const struct guest *g, int rc)
{
	if (rc < 0)
		lvm_log_err(-rc, "%s (d%u): cannot write its record in %s",
			    g->rec.name, g->rec.domid, l->reg_dir);
	return rc;
}

int lvmd_guest_save(struct lvmd *l, struct guest *g)
{
	return save_logged(l, g, lvm_reg_save(l->reg_dir, &g->rec));
}

int lvmd_guest_save_new(struct lvmd *l, struct guest *g)
{
	if (g->rec_fd >= 0)
		return save_logged(l, g, lvm_reg_save_fd(g->rec_fd, &g->rec));
	return save_logged(l, g, lvm_reg_save_new(l->reg_dir, &g->rec));
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
	/* a rebooted guest waiting for its back-off (reboot.c) */
	out->state = g->rebuild_at_ns ? LVM_STATE_REBOOTING : state;
	out->memory_mb = r->memory_mb;
	out->vcpus = r->vcpus;
	out->created = r->created_ns / 1000000000;
	up = lvm_real_ns() - r->created_ns;
	out->uptime_ms = up > 0 ? (uint64_t)up / 1000000 : 0;
	out->has_ready = g->has_ready;
	out->ready_ns = g->ready_ns;
	out->on_poweroff = r->on_poweroff;
	out->on_crash = r->on_crash;
	out->on_reboot = r->on_reboot;
	out->noxs = r->noxs;
	out->xenstore = r->store == LVM_STORE_XENSTORE;
	memcpy(out->vifs, r->vifs, sizeof(out->vifs));
	out->app = r->app;
	out->nvifs = r->nvifs;
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

bool lvmd_domain_live(struct lvmd *l, uint32_t domid, const uint8_t uuid[16],
		      xc_domaininfo_t *di)
{
	return xc_domain_getinfolist(l->xch, domid, 1, di) == 1 &&
	       di->domain == domid && memcmp(di->handle, uuid, 16) == 0 &&
	       !(di->flags & XEN_DOMINF_dying);
}
