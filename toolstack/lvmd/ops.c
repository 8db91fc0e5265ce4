/*
 * ops.c — lvmd's requests, one function each (see proto.h for the fields
 * and lvm.h for what each promises).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "client.h"
#include "guest.h"
#include "lvmd.h"
#include "netpath.h"
#include "park.h"
#include "toolstack/common/clock.h"
#include "toolstack/engine/engine.h"
#include "toolstack/engine/log.h"
#include "toolstack/engine/steps.h"
#include "toolstack/proto/proto_json.h"

/*
 * target: the managed guest (r->target) names, or NULL after answering
 * ESRCH, or EPERM for a domain lvm does not manage.
 */
static struct guest *target(struct lvmd *l, struct client *c,
			    const char *t)
{
	struct guest *g = lvmd_guest_find(l, t);
	xc_domaininfo_t di;
	char *end;
	unsigned long d;

	if (g)
		return g;
	d = strtoul(t, &end, 10);
	if (*t >= '0' && *t <= '9' && *end == '\0' && d < LVMD_MAX_DOMID &&
	    xc_domain_getinfolist(l->xch, (uint32_t)d, 1, &di) == 1 &&
	    di.domain == d) {
		lvmd_client_fail(l, c, EPERM,
				 "domain %lu is not managed by lvm", d);
		return NULL;
	}
	lvmd_client_fail(l, c, ESRCH, "no guest '%s'",
			 LVM_ESCAPED(t, 100));
	return NULL;
}

static void op_create(struct lvmd *l, struct client *c,
		      const struct lvm_req_cfg *cfg, uint64_t t_recv,
		      uint64_t tsc_recv)
{
	/* The request's receipt on the steps' clock (steps.h). */
	uint64_t s_recv = lvm_step_at(t_recv, tsc_recv);
	struct lvm_timing t = { 0 };
	struct lvm_info info;
	struct guest *g;
	json_object *rep, *tj;
	char err[512];
	bool hold;
	int rc;

	t.queue_ns = lvm_step_ns(s_recv);
	rc = lvmd_create(l, cfg, NULL, tsc_recv, &g, &t, err, sizeof(err));
	/* The clock of the reply's times, for the client's to match. */
	t.tsc_khz = lvm_steps_khz;
	if (rc < 0) {
		lvmd_client_fail(l, c, -rc, "%s", err);
		lvmd_pools_kick(l);
		/* The line the client got, kept for whoever reads the log. */
		lvm_log_info("a create failed: %s", err);
		return;
	}
	g->t_recv_ns = t_recv;
	hold = cfg->wait_ready && g->ctl->reports_ready && !g->has_ready &&
	       !cfg->paused;
	rep = NULL;
	if (lvmd_guest_info_as(l, g, cfg->paused ? LVM_STATE_PAUSED :
						   LVM_STATE_RUNNING, &info) == 0) {
		memcpy(info.warning, g->warning, sizeof(info.warning));
		rep = lvmd_reply_info(&info);
	}
	if (g->warning[0])
		lvm_log_info("%s (d%u): %s", g->rec.name, g->rec.domid,
			     g->warning);
	/* A reply held for the ready mark waits for the guest to run: it
	 * runs now, and its unpause is in the reply's time. */
	if (rep && hold && (rc = lvmd_create_run(l, g, &t.unpause_ns)) < 0) {
		json_object_put(rep);
		lvmd_client_fail(l, c, -rc, "cannot unpause the new guest: %s",
				 strerror(-rc));
		lvmd_pools_kick(l);
		return;
	}
	t.total_ns = lvm_step_ns(s_recv);
	if (rep && hold) {
		lvmd_client_hold(c, W_READY, g, rep, &t,
				 lvm_now_ns() +
					 (uint64_t)LVM_READY_WAIT_MS * 1000000u);
	} else {
		tj = rep ? lvm_proto_timing_to_json(&t) : NULL;
		if (rep && (!tj || json_object_object_add(rep, "timing", tj) < 0)) {
			json_object_put(tj);
			json_object_put(rep);
			rep = NULL;
		}
		lvmd_client_send(l, c, rep);
		/* The reply leaves now; the rest does not hold it up. */
		lvmd_client_flush(c);
		/* Then the guest runs: until the reply has left, the new
		 * guest would take a CPU from its creator (lvmd_create_run).
		 * Its unpause is after the reply's timing: 0 there. */
		if (!cfg->paused && lvmd_create_run(l, g, NULL) < 0) {
			lvmd_pools_kick(l);
			return;
		}
	}
	lvm_log_info("%s (d%u): created from %s", g->rec.name, g->rec.domid,
		     g->rec.kernel);
	lvmd_create_settle(l, g);
	/* Refill once the command is over, not while it ends (client.c). */
	if (t.pool_hit)
		lvmd_client_refill_after(l, c);
	else
		lvmd_pools_kick(l);
}

static void op_destroy(struct lvmd *l, struct client *c, const char *t)
{
	struct guest *g = target(l, c, t);
	int rc;

	if (!g)
		return;
	lvm_log_info("%s (d%u): destroyed on request", g->rec.name, g->rec.domid);
	lvmd_console_note(l, g, "lvmd: destroyed on request");
	rc = lvmd_guest_destroy(l, g, -ECANCELED);
	if (rc < 0)
		lvmd_client_fail(l, c, -rc, "%s: cannot destroy it: %s", t,
				 strerror(-rc));
	else
		lvmd_client_send(l, c, lvm_proto_ok());
}

static void op_pause(struct lvmd *l, struct client *c, const char *t,
		     bool pause)
{
	struct guest *g = target(l, c, t);
	int r;

	if (!g)
		return;
	if (g->rec.preserved) {
		lvmd_client_fail(l, c, EINVAL, "%s has shut down", g->rec.name);
		return;
	}
	if (lvmd_reboot_waiting(g)) {
		lvmd_client_fail(l, c, EBUSY, "%s is rebooting: try again once it runs",
				 g->rec.name);
		return;
	}
	r = pause ? xc_domain_pause(l->xch, g->rec.domid) :
		    xc_domain_unpause(l->xch, g->rec.domid);
	if (r != 0) {
		int e = errno ? errno : EIO;

		lvmd_client_fail(l, c, e, "%s: cannot %s: %s", g->rec.name,
				 pause ? "pause" : "unpause", strerror(e));
		return;
	}
	lvmd_client_send(l, c, lvm_proto_ok());
}

static void op_shutdown(struct lvmd *l, struct client *c, const char *t,
			uint32_t timeout_ms, bool reboot)
{
	struct guest *g = target(l, c, t);
	xc_domaininfo_t di;
	int rc;

	if (!g)
		return;
	if (g->rec.preserved) {
		lvmd_client_fail(l, c, EINVAL, "%s has already shut down",
				 g->rec.name);
		return;
	}
	if (lvmd_reboot_waiting(g)) {
		/* It rebooted and waits to be built again: a reboot is under
		 * way already; a poweroff wins over it. */
		if (!reboot) {
			lvm_log_info("%s (d%u): shutdown requested while it waits to be built again: the poweroff wins",
				     g->rec.name, g->rec.domid);
			lvmd_reboot_cancel(l, g);
		}
		lvmd_client_hold(c, reboot ? W_REBOOT : W_GONE, g, NULL, NULL, 0);
		return;
	}
	if (!g->ctl->can_request(g)) {
		lvmd_client_fail(l, c, EOPNOTSUPP,
				 "%s has no sysctl device (its image has no noxs note); use lvm destroy",
				 g->rec.name);
		return;
	}
	if (xc_domain_getinfolist(l->xch, g->rec.domid, 1, &di) == 1 &&
	    di.domain == g->rec.domid && (di.flags & XEN_DOMINF_paused)) {
		lvmd_client_fail(l, c, EBUSY,
				 "%s is paused: unpause it first, or use lvm destroy",
				 g->rec.name);
		return;
	}
	/* A poweroff is asked even while a reboot is pending: it wins. */
	if (!g->req || (g->req == NOXS_REQ_REBOOT && !reboot)) {
		rc = g->ctl->request(l, g, reboot, timeout_ms);
		if (rc < 0) {
			lvmd_client_fail(l, c, -rc, "%s: %s", g->rec.name,
					 strerror(-rc));
			return;
		}
		lvm_log_info("%s (d%u): %s requested", g->rec.name, g->rec.domid,
			     reboot ? "reboot" : "shutdown");
	}
	lvmd_client_hold(c, reboot ? W_REBOOT : W_GONE, g, NULL, NULL, 0);
}

static int cmp_domid(const void *a, const void *b)
{
	const struct lvm_info *x = a, *y = b;

	return (x->domid > y->domid) - (x->domid < y->domid);
}

/* unmanaged: (out) for a domain lvm does not manage. */
static void unmanaged(const xc_domaininfo_t *di, struct lvm_info *out)
{
	memset(out, 0, sizeof(*out));
	out->domid = di->domain;
	lvm_uuid_format(di->handle, out->uuid);
	out->state = lvmd_domain_state(di->flags);
	out->memory_mb = (uint32_t)(di->tot_pages / 256);
	out->vcpus = di->max_vcpu_id == XEN_INVALID_MAX_VCPU_ID ?
			     0 : di->max_vcpu_id + 1;
}

/* list_all: the hypervisor's domains lvm does not manage, into (v). */
static int list_all(struct lvmd *l, struct lvm_info **v, size_t *n,
		    size_t *cap)
{
	xc_domaininfo_t di[256];
	uint32_t first = 0;
	int got;

	do {
		got = xc_domain_getinfolist(l->xch, first, 256, di);
		if (got < 0)
			return -errno;
		for (int i = 0; i < got; i++) {
			struct guest *g = lvmd_guest_by_domid(l, di[i].domain);

			if (g && memcmp(g->rec.uuid, di[i].handle, 16) == 0)
				continue;
			if (*n == *cap) {
				size_t nc = *cap ? *cap * 2 : 64;
				struct lvm_info *nv = realloc(*v, nc * sizeof(**v));

				if (!nv)
					return -ENOMEM;
				*v = nv;
				*cap = nc;
			}
			unmanaged(&di[i], &(*v)[(*n)++]);
		}
		if (got > 0)
			first = di[got - 1].domain + 1u;
	} while (got == 256);
	return 0;
}

/*
 * op_list: the guests (and with (all) the other domains) by domain id,
 * from domain (from) on, as many as fit in LVM_PROTO_LIST_BUDGET bytes;
 * "next" says where the following page starts.
 */
/*
 * page_add: (o) appended to the page's array (arr) if its text fits in
 * (budget) with the (*used) bytes before it (the first always does).
 * 1 if added, 0 if it did not fit, -ENOMEM; (o) is consumed either way.
 */
static int page_add(json_object *arr, json_object *o, size_t *used,
		    size_t budget)
{
	const char *s = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : NULL;

	if (!s) {
		json_object_put(o);
		return -ENOMEM;
	}
	if (*used && *used + strlen(s) + 1 > budget) {
		json_object_put(o);
		return 0;
	}
	*used += strlen(s) + 1;
	if (json_object_array_add(arr, o) < 0) {
		json_object_put(o);
		return -ENOMEM;
	}
	return 1;
}

/*
 * page_send: the reply (rep) with its page of items (arr) under (key) and,
 * if (more), the domain id the next page starts at (next); sent, or the
 * client told lvmd is out of memory. Consumes both.
 */
static void page_send(struct lvmd *l, struct client *c, json_object *rep,
		      const char *key, json_object *arr, bool more,
		      uint32_t next)
{
	if (!rep || !arr || (more && lvm_json_add_u64(rep, "next", next) < 0) ||
	    json_object_object_add(rep, key, arr) < 0) {
		lvmd_client_fail(l, c, ENOMEM, "lvmd: out of memory");
		json_object_put(arr);
		json_object_put(rep);
		return;
	}
	lvmd_client_send(l, c, rep);
}

static void op_list(struct lvmd *l, struct client *c, bool all,
		    uint32_t from)
{
	struct lvm_info *v = calloc(l->nguests + 1, sizeof(*v));
	size_t n = 0, cap = l->nguests + 1, used = 0, i;
	json_object *rep = NULL, *arr = NULL;
	int rc = 0;

	if (!v)
		goto nomem;
	for (struct guest *g = l->guests; g; g = g->next)
		if (g->rec.domid >= from && lvmd_guest_info(l, g, &v[n]) == 0)
			n++;
	if (all)
		rc = list_all(l, &v, &n, &cap);
	if (rc < 0) {
		lvmd_client_fail(l, c, -rc, "cannot list the domains: %s",
				 strerror(-rc));
		goto out;
	}
	qsort(v, n, sizeof(*v), cmp_domid);
	rep = lvm_proto_ok();
	arr = json_object_new_array();
	if (!rep || !arr)
		goto nomem;
	for (i = 0; i < n; i++) {
		if (v[i].domid < from)
			continue;
		rc = page_add(arr, lvm_proto_info_to_json(&v[i]), &used,
			      LVM_PROTO_LIST_BUDGET);
		if (rc < 0)
			goto nomem;
		if (rc == 0)
			break;
	}
	page_send(l, c, rep, "guests", arr, i < n, i < n ? v[i].domid : 0);
	rep = arr = NULL;
	goto out;
nomem:
	lvmd_client_fail(l, c, ENOMEM, "lvmd: out of memory");
out:
	json_object_put(arr);
	json_object_put(rep);
	for (i = 0; i < n; i++)
		lvm_info_clear(&v[i]);
	free(v);
}

static void op_info(struct lvmd *l, struct client *c, const char *t)
{
	struct guest *g = lvmd_guest_find(l, t);
	struct lvm_info info;
	xc_domaininfo_t di;
	unsigned long d;
	char *end;

	if (g) {
		if (lvmd_guest_info(l, g, &info) < 0) {
			lvmd_client_fail(l, c, ESRCH, "no guest '%s'",
					 LVM_ESCAPED(t, 100));
			return;
		}
		lvmd_client_send(l, c, lvmd_reply_info(&info));
		return;
	}
	d = strtoul(t, &end, 10);
	if (*t >= '0' && *t <= '9' && *end == '\0' && d < LVMD_MAX_DOMID &&
	    xc_domain_getinfolist(l->xch, (uint32_t)d, 1, &di) == 1 &&
	    di.domain == d) {
		unmanaged(&di, &info);
		lvmd_client_send(l, c, lvmd_reply_info(&info));
		return;
	}
	lvmd_client_fail(l, c, ESRCH, "no guest '%s'",
			 LVM_ESCAPED(t, 100));
}

static void op_console(struct lvmd *l, struct client *c, const char *t)
{
	struct guest *g = target(l, c, t);

	if (!g)
		return;
	lvmd_client_send(l, c, lvm_proto_ok());
	/* A guest that shut down will not write again. */
	lvmd_client_console(l, c, g, !g->rec.preserved && g->cons_page);
}

static void op_pool(struct lvmd *l, struct client *c)
{
	struct lvm_pool_info s[LVMD_POOL_SHAPES];
	json_object *rep = lvm_proto_ok();
	uint64_t other;
	unsigned n = lvmd_pools_stats(l, s, LVMD_POOL_SHAPES, &other);

	if (rep && lvm_proto_pools_to_json(rep, s, n, other) < 0) {
		json_object_put(rep);
		rep = NULL;
	}
	if (rep)
		lvmd_client_send(l, c, rep);
	else
		lvmd_client_fail(l, c, ENOMEM, "lvmd: out of memory");
}

/* rss_kib: lvmd's resident memory (procfs, no disk: never blocks). */
static uint64_t rss_kib(void)
{
	unsigned long long size = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (!f)
		return 0;
	if (fscanf(f, "%llu %llu", &size, &res) != 2)
		res = 0;
	fclose(f);
	return (uint64_t)res * (uint64_t)sysconf(_SC_PAGESIZE) / 1024u;
}

/* top_head: lvmd's own figures and its pools into (t) ((pools) holds
 * them). */
static void top_head(struct lvmd *l, struct lvm_top *t,
		     struct lvm_pool_info *pools)
{
	struct timespec ts;

	t->time_ns = lvm_now_ns();
	t->uptime_ns = t->time_ns - l->start_ns;
	for (int i = 0; i < LVM_OP_COUNT && t->nops < LVM_TOP_OPS; i++) {
		t->requests += l->requests[i];
		if (!l->requests[i])
			continue;
		snprintf(t->ops[t->nops].op, sizeof(t->ops[0].op), "%s",
			 lvm_op_name((enum lvm_op)i));
		t->ops[t->nops++].count = l->requests[i];
	}
	t->requests += l->requests_bad;
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0)
		t->cpu_ns = (uint64_t)ts.tv_sec * 1000000000u +
			    (uint64_t)ts.tv_nsec;
	t->rss_kib = rss_kib();
	t->nguests = l->nguests;
	t->pools = pools;
	t->npools = lvmd_pools_stats(l, pools, LVMD_POOL_SHAPES,
				     &t->other_misses);
	if (l->netpath) {
		bool yielding;

		lvmd_netpath_class(l->netpath, &yielding,
				   &t->data_path_starved);
		t->data_path = yielding ? LVM_DATA_PATH_YIELDING :
					  LVM_DATA_PATH_NORMAL;
	}
}

/* top_guest: (g)'s counters, its domain's figures from (di). */
static void top_guest(struct lvmd *l, struct guest *g,
		      const xc_domaininfo_t *di, struct lvm_top_guest *out)
{
	struct lvmd_netpath_stats st;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", g->rec.name);
	out->domid = g->rec.domid;
	out->state = lvmd_domain_state(di->flags);
	out->vcpus = di->nr_online_vcpus;
	out->memory_mb = (uint32_t)(di->tot_pages / 256);
	out->cpu_ns = di->cpu_time;
	out->console_bytes = g->cons_bytes;
	for (unsigned i = 0; i < g->vifs_on && i < LVM_VIFS_MAX; i++) {
		if (l->netpath &&
		    lvmd_netpath_stats(l->netpath, g->rec.domid, i, &st) == 0)
			out->vifs[i] = (struct lvm_top_vif){
				.rx_bytes = st.rx_bytes,
				.rx_packets = st.rx_packets,
				.tx_bytes = st.tx_bytes,
				.tx_packets = st.tx_packets,
				.connected = st.connected,
			};
		out->nvifs = i + 1;
	}
}

/*
 * op_top: lvmd's counters and pools (on the first page only, (from) 0),
 * then its guests from domain (from) on, by domain id, from one pass of
 * xc_domain_getinfolist over the domains (256 at a time), as many as fit
 * in a page; "next" says where the following page starts.
 */
static void op_top(struct lvmd *l, struct client *c, uint32_t from)
{
	struct lvm_pool_info pools[LVMD_POOL_SHAPES];
	struct lvm_top t = { 0 };
	xc_domaininfo_t di[256];
	json_object *rep = lvm_proto_ok(), *arr = json_object_new_array();
	size_t used = 0, budget = LVM_PROTO_LIST_BUDGET;
	uint32_t first = from, next = 0;
	int got;

	if (!rep || !arr)
		goto nomem;
	if (from == 0) {
		const char *s;

		top_head(l, &t, pools);
		if (lvm_proto_top_head_to_json(rep, &t) < 0)
			goto nomem;
		/* the head and the guests fit in one message */
		s = json_object_to_json_string_ext(rep, JSON_C_TO_STRING_PLAIN);
		if (!s)
			goto nomem;
		if (strlen(s) + 4096 + budget > LVM_PROTO_MAX)
			budget = strlen(s) + 4096 < LVM_PROTO_MAX ?
					 LVM_PROTO_MAX - 4096 - strlen(s) : 1024;
	}
	do {
		got = xc_domain_getinfolist(l->xch, first, 256, di);
		if (got < 0) {
			lvmd_client_fail(l, c, errno ? errno : EIO,
					 "cannot list the domains: %s",
					 strerror(errno ? errno : EIO));
			goto out;
		}
		for (int i = 0; i < got && !next; i++) {
			struct guest *g = lvmd_guest_by_domid(l, di[i].domain);
			struct lvm_top_guest tg;
			int rc;

			if (!g || memcmp(g->rec.uuid, di[i].handle, 16) != 0)
				continue;
			top_guest(l, g, &di[i], &tg);
			rc = page_add(arr, lvm_proto_top_guest_to_json(&tg),
				      &used, budget);
			if (rc < 0)
				goto nomem;
			if (rc == 0)
				next = di[i].domain;
		}
		if (got > 0)
			first = di[got - 1].domain + 1u;
	} while (got == 256 && !next);
	page_send(l, c, rep, "guests", arr, next != 0, next);
	rep = arr = NULL;
	goto out;
nomem:
	lvmd_client_fail(l, c, ENOMEM, "lvmd: out of memory");
out:
	json_object_put(arr);
	json_object_put(rep);
}

/*
 * pool_image_check() - whether (path) can be a pool's image: an absolute
 * path to an image lvm builds ahead (with a noxs note). 0, or -errno with
 * the reason in (err).
 */
static int pool_image_check(struct lvmd *l, const char *path, char *err,
			    size_t errlen)
{
	struct lvm_image *img = NULL;
	struct lvm_error e = { 0 };
	bool owned = false;
	int rc;

	if (!lvmd_pool_image_ok(path)) {
		snprintf(err, errlen, "pool image '%s': want an absolute "
			 "path shorter than %d bytes", LVM_ESCAPED(path, 200),
			 LVMD_POOL_IMAGE_MAX);
		return -EINVAL;
	}
	rc = lvmd_image_get(l, path, &img, &owned, &e);
	if (rc < 0) {
		if (e.msg[0])         /* names the image already */
			snprintf(err, errlen, "pool: %s", e.msg);
		else
			snprintf(err, errlen, "pool image %s: %s",
				 LVM_ESCAPED(path, 200),
				 strerror(-rc));
		return rc;
	}
	if (!img->noxs_vaddr) {
		snprintf(err, errlen, "pool image %s: no noxs note; only "
			 "noxs images are built ahead", LVM_ESCAPED(path, 200));
		rc = -EINVAL;
	}
	if (owned)
		lvm_image_free(img);
	return rc;
}

static void op_pool_set(struct lvmd *l, struct client *c,
			const struct lvm_req *r)
{
	const char *image = r->cfg.kernel;
	char err[512];
	int rc;

	if (image) {
		rc = pool_image_check(l, image, err, sizeof(err));
		if (rc < 0) {
			lvmd_client_fail(l, c, -rc, "%s", err);
			return;
		}
	}
	rc = lvmd_pools_set(l, r->cfg.memory_mb, r->cfg.vcpus, r->pool_target,
			    image);
	if (rc == -EINVAL)
		lvmd_client_fail(l, c, EINVAL,
				 "pool %ux%u: want %d..%u MiB, 1..%d vCPUs, a target of at most %d",
				 r->cfg.memory_mb, r->cfg.vcpus, LVM_MIN_MEMORY_MB,
				 LVM_MAX_MEMORY_MB, LVM_MAX_VCPUS,
				 LVMD_POOL_TARGET_MAX);
	else if (rc == -ENOSPC)
		lvmd_client_fail(l, c, ENOSPC, "lvmd keeps at most %d pools",
				 LVMD_POOL_SHAPES);
	else if (rc < 0)
		lvmd_client_fail(l, c, -rc, "pool %ux%u: %s", r->cfg.memory_mb,
				 r->cfg.vcpus, strerror(-rc));
	else {
		lvm_log_info("pool %u MiB x %u vCPUs: target %u%s%s",
			     r->cfg.memory_mb, r->cfg.vcpus, r->pool_target,
			     image ? ", built ahead for " : "", image ? image : "");
		lvmd_client_send(l, c, lvm_proto_ok());
	}
}

/*
 * parked() - whether (c)'s request (req), which names the image (path),
 * is parked until a loader thread has read it ((c) then reads no more
 * requests; lvmd_ops_resume() dispatches it again) or answered (it cannot
 * be): true. false: go on, the image is at hand (cached, or just read for
 * the requests resumed now), or (path) is none or not absolute (the
 * request's own checks refuse it).
 */
static bool parked(struct lvmd *l, struct client *c, json_object *req,
		   const char *path, uint64_t t_recv, uint64_t tsc_recv)
{
	int rc;

	if (!path || path[0] != '/' || lvmd_image_at_hand(l, path))
		return false;
	rc = lvmd_loader_park(l, c, path, req, t_recv, tsc_recv);
	if (rc == 0)
		lvmd_client_hold(c, W_IMAGE, NULL, NULL, NULL, 0);
	else if (rc == -EAGAIN)
		lvmd_client_fail(l, c, EAGAIN,
				 "image %s: lvmd is reading %d other images; try again",
				 LVM_ESCAPED(path, 200), LVMD_LOADS);
	else
		lvmd_client_fail(l, c, -rc, "image %s: cannot read it: %s",
				 LVM_ESCAPED(path, 200), strerror(-rc));
	return true;
}

static void run(struct lvmd *l, struct client *c, json_object *req,
		uint64_t t_recv, uint64_t tsc_recv, bool count);

void lvmd_ops_resume(struct lvmd *l)
{
	struct lvmd_load ld;

	while (lvmd_loader_take(l, &ld)) {
		unsigned n = 0;

		lvmd_image_hand(l, ld.path, ld.img, ld.rc, &ld.err);
		for (struct lvmd_waiter *w = ld.head; w; w = w->next) {
			if (!lvmd_client_resume(w->who))
				continue;            /* dropped meanwhile */
			run(l, w->who, w->req, w->t_recv, w->tsc_recv, false);
			n++;
		}
		lvm_log_debug("image %s read off the request path in %.1f ms "
			      "(%s), for %u requests", LVM_ESCAPED(ld.path, 200), ld.read_ns / 1e6,
			      ld.img ? "ok" : ld.err.msg, n);
		lvmd_image_hand_end(l);      /* cached or freed */
		ld.img = NULL;
		lvmd_load_free(&ld);
	}
}

/* run: (c)'s request (req), parsed; (count): a new one, not one resumed
 * after its image was read. */
static void run(struct lvmd *l, struct client *c, json_object *req,
		uint64_t t_recv, uint64_t tsc_recv, bool count)
{
	struct lvm_req r;
	char err[256];

	if (lvm_proto_parse_request(req, &r, err, sizeof(err)) < 0) {
		if (count)
			l->requests_bad++;
		lvmd_client_fail(l, c, EPROTO, "bad request: %s", err);
		return;
	}
	if (count && r.op < LVM_OP_COUNT)
		l->requests[r.op]++;
	switch (r.op) {
	case LVM_OP_CREATE:
		if (!parked(l, c, req, r.cfg.kernel, t_recv, tsc_recv))
			op_create(l, c, &r.cfg, t_recv, tsc_recv);
		break;
	case LVM_OP_DESTROY:
		op_destroy(l, c, r.target);
		break;
	case LVM_OP_SHUTDOWN:
	case LVM_OP_REBOOT:
		op_shutdown(l, c, r.target, r.timeout_ms,
			    r.op == LVM_OP_REBOOT);
		break;
	case LVM_OP_PAUSE:
	case LVM_OP_UNPAUSE:
		op_pause(l, c, r.target, r.op == LVM_OP_PAUSE);
		break;
	case LVM_OP_LIST:
		op_list(l, c, r.all, r.from);
		break;
	case LVM_OP_INFO:
		op_info(l, c, r.target);
		break;
	case LVM_OP_CONSOLE:
		op_console(l, c, r.target);
		break;
	case LVM_OP_POOL:
		op_pool(l, c);
		break;
	case LVM_OP_POOL_SET:
		if (!(r.cfg.kernel && lvmd_pool_image_ok(r.cfg.kernel) &&
		      parked(l, c, req, r.cfg.kernel, t_recv, tsc_recv)))
			op_pool_set(l, c, &r);
		break;
	case LVM_OP_TOP:
		op_top(l, c, r.from);
		break;
	case LVM_OP_COUNT:
		lvmd_client_fail(l, c, EPROTO, "bad request");
		break;
	}
}

void lvmd_dispatch(struct lvmd *l, struct client *c, json_object *req,
		   uint64_t t_recv, uint64_t tsc_recv)
{
	run(l, c, req, t_recv, tsc_recv, true);
}
