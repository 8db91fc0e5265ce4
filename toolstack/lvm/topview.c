/*
 * topview.c — `lvm top`'s view: rates between two snapshots of lvmd
 * (lvm_top()), and a frame as text or JSON (see cli.h). No I/O but the
 * stream it is given, so it is tested without lvmd.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "toolstack/liblvm/jsonform.h"

/* per_s: the rate of a counter from (was) to (now) over (s) seconds; -1
 * when it went back. */
static double per_s(uint64_t now, uint64_t was, double s)
{
	return now >= was && s > 0 ? (double)(now - was) / s : -1;
}

/* find: the guest of (t) with (g)'s domain id and name, or NULL (the
 * guests come by domain id). */
static const struct lvm_top_guest *find(const struct lvm_top *t,
					const struct lvm_top_guest *g)
{
	size_t lo = 0, hi = t->nguests_listed;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->guests[mid].domid < g->domid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->nguests_listed && t->guests[lo].domid == g->domid &&
	    strcmp(t->guests[lo].name, g->name) == 0)
		return &t->guests[lo];
	return NULL;
}

/* guest_rate: (g)'s rates from (p) over (s) seconds into (r); each one
 * whose counter went back stays unknown. */
static void guest_rate(const struct lvm_top_guest *g,
		       const struct lvm_top_guest *p, double s,
		       struct lvm_top_rate *r)
{
	double cpu = per_s(g->cpu_ns, p->cpu_ns, s);
	double cons = per_s(g->console_bytes, p->console_bytes, s);

	memset(r, 0, sizeof(*r));
	r->known = true;
	r->cpu_known = cpu >= 0;
	r->cpu_pct = r->cpu_known ? cpu / 1e7 : 0; /* ns/s -> % of a CPU */
	r->cons_known = cons >= 0;
	r->cons_bps = r->cons_known ? cons : 0;
	r->net_known = g->nvifs > 0;
	for (unsigned i = 0; i < g->nvifs && i < p->nvifs; i++) {
		const struct lvm_top_vif *a = &g->vifs[i], *b = &p->vifs[i];
		double rb = per_s(a->rx_bytes, b->rx_bytes, s),
		       tb = per_s(a->tx_bytes, b->tx_bytes, s),
		       rp = per_s(a->rx_packets, b->rx_packets, s),
		       tp = per_s(a->tx_packets, b->tx_packets, s);

		if (rb < 0 || tb < 0 || rp < 0 || tp < 0)
			r->net_known = false;
		r->rx_bps += rb;
		r->tx_bps += tb;
		r->rx_pps += rp;
		r->tx_pps += tp;
	}
	if (!r->net_known)
		r->rx_bps = r->tx_bps = r->rx_pps = r->tx_pps = 0;
}

/* by_cpu: the order of the view's guests, (arg) the snapshot and view. */
struct sort_ctx {
	const struct lvm_top *t;
	const struct lvm_top_view *v;
};

static int by_cpu(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *k = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const struct lvm_top_rate *rx = &k->v->rates[x], *ry = &k->v->rates[y];
	double cx = rx->cpu_known ? rx->cpu_pct : -1;
	double cy = ry->cpu_known ? ry->cpu_pct : -1;
	uint32_t dx = k->t->guests[x].domid, dy = k->t->guests[y].domid;

	if (cx != cy)
		return cx < cy ? 1 : -1;
	return (dx > dy) - (dx < dy);
}

int lvm_top_view(const struct lvm_top *prev, const struct lvm_top *cur,
		 struct lvm_top_view *v)
{
	size_t n = cur->nguests_listed;
	double s;

	memset(v, 0, sizeof(*v));
	v->rates = calloc(n ? n : 1, sizeof(*v->rates));
	v->order = calloc(n ? n : 1, sizeof(*v->order));
	if (!v->rates || !v->order) {
		lvm_top_view_free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		v->order[i] = i;
	/* the same lvmd, later: its uptime grew as its clock did */
	if (prev && cur->time_ns > prev->time_ns &&
	    cur->uptime_ns > prev->uptime_ns &&
	    cur->uptime_ns - prev->uptime_ns == cur->time_ns - prev->time_ns) {
		s = (double)(cur->time_ns - prev->time_ns) / 1e9;
		v->has_prev = true;
		v->interval_s = s;
		v->req_ps = per_s(cur->requests, prev->requests, s);
		v->cpu_pct = per_s(cur->cpu_ns, prev->cpu_ns, s) / 1e7;
		if (v->req_ps < 0 || v->cpu_pct < 0)
			v->has_prev = false;
		for (size_t i = 0; v->has_prev && i < n; i++) {
			const struct lvm_top_guest *p = find(prev, &cur->guests[i]);

			if (p)
				guest_rate(&cur->guests[i], p, s, &v->rates[i]);
		}
	}
	qsort_r(v->order, n, sizeof(*v->order), by_cpu,
		&(struct sort_ctx){ .t = cur, .v = v });
	return 0;
}

void lvm_top_view_free(struct lvm_top_view *v)
{
	free(v->rates);
	free(v->order);
	memset(v, 0, sizeof(*v));
}

/* rate: (x) as text ("-" when unknown) in (buf). */
static const char *rate(bool known, double x, const char *fmt, char *buf,
			size_t len)
{
	if (known)
		snprintf(buf, len, fmt, x);
	else
		snprintf(buf, len, "-");
	return buf;
}

void lvm_top_print(FILE *f, const struct lvm_top *cur,
		   const struct lvm_top_view *v, unsigned rows)
{
	char up[32], a[32], b[32], c[32], d[32], e[32], g6[32];
	size_t n = cur->nguests_listed;

	lvm_fmt_uptime(cur->uptime_ns / 1000000, up, sizeof(up));
	fprintf(f, "lvmd: up %s, %u guests, %llu requests (%s/s), CPU %.2f s (%s%%), RSS %llu KiB\n",
		up, cur->nguests, (unsigned long long)cur->requests,
		rate(v->has_prev, v->req_ps, "%.1f", a, sizeof(a)),
		(double)cur->cpu_ns / 1e9,
		rate(v->has_prev, v->cpu_pct, "%.1f", b, sizeof(b)),
		(unsigned long long)cur->rss_kib);
	fprintf(f, "requests:");
	for (unsigned i = 0; i < cur->nops; i++)
		fprintf(f, "%s %s %llu", i ? "," : "", cur->ops[i].op,
			(unsigned long long)cur->ops[i].count);
	fprintf(f, "%s\n", cur->nops ? "" : " none");
	for (size_t i = 0; i < cur->npools; i++) {
		const struct lvm_pool_info *p = &cur->pools[i];

		fprintf(f, "pool %ux%u: ready %u/%u, preparing %u, hits %llu, misses %llu%s%s%s%s\n",
			p->memory_mb, p->vcpus, p->ready, p->target,
			p->preparing, (unsigned long long)p->hits,
			(unsigned long long)p->misses,
			p->image[0] ? ", image " : "", p->image,
			p->error[0] ? ", refill failed: " : "", p->error);
	}
	fprintf(f, "pools: %zu, misses without a pool %llu\n", cur->npools,
		(unsigned long long)cur->other_misses);
	if (cur->data_path != LVM_DATA_PATH_NONE)
		fprintf(f, "data path: %s, starved into the normal class %llu time(s)\n",
			cur->data_path == LVM_DATA_PATH_YIELDING ?
				"yielding (SCHED_IDLE)" :
				"normal scheduling class",
			(unsigned long long)cur->data_path_starved);
	fprintf(f, "\n%-20s %5s %-9s %8s %5s %9s %6s %9s %9s %9s %9s %7s %7s\n",
		"NAME", "ID", "STATE", "MEM(MiB)", "VCPUS", "CPU(s)", "CPU%",
		"CONS(B)", "CONS(B/s)", "RX(B/s)", "TX(B/s)", "RXPK/s",
		"TXPK/s");
	for (size_t k = 0; k < n && (!rows || k < rows); k++) {
		const struct lvm_top_guest *g = &cur->guests[v->order[k]];
		const struct lvm_top_rate *r = &v->rates[v->order[k]];

		fprintf(f, "%-20s %5u %-9s %8u %5u %9.2f %6s %9llu %9s %9s %9s %7s %7s\n",
			g->name, g->domid, lvm_state_name(g->state),
			g->memory_mb, g->vcpus, (double)g->cpu_ns / 1e9,
			rate(r->cpu_known, r->cpu_pct, "%.1f", a, sizeof(a)),
			(unsigned long long)g->console_bytes,
			rate(r->cons_known, r->cons_bps, "%.0f", b, sizeof(b)),
			rate(r->net_known, r->rx_bps, "%.0f", c, sizeof(c)),
			rate(r->net_known, r->tx_bps, "%.0f", d, sizeof(d)),
			rate(r->net_known, r->rx_pps, "%.0f", e, sizeof(e)),
			rate(r->net_known, r->tx_pps, "%.0f", g6, sizeof(g6)));
	}
	if (rows && n > rows)
		fprintf(f, "(%zu more guests)\n", n - rows);
}

void lvm_top_clip(FILE *f, const char *text, size_t len, unsigned width)
{
	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t line = nl ? (size_t)(nl - text) : len;

		fwrite(text, 1, width && line > width ? width : line, f);
		if (nl)
			fputc('\n', f);
		line += nl != NULL;
		text += line;
		len -= line;
	}
}

/* add_rate: (key) = (x), or null when unknown. 0 or -ENOMEM. */
static int add_rate(json_object *o, const char *key, bool known, double x)
{
	json_object *d = NULL;

	if (known && !(d = json_object_new_double(x)))
		return -ENOMEM;
	if (json_object_object_add(o, key, d) < 0) {
		json_object_put(d);
		return -ENOMEM;
	}
	return 0;
}

json_object *lvm_top_view_json(const struct lvm_top *cur,
				const struct lvm_top_view *v)
{
	json_object *o = lvm_jsonform_top(cur), *arr;
	int rc = 0;

	if (!o || !json_object_object_get_ex(o, "guests", &arr) ||
	    json_object_array_length(arr) != cur->nguests_listed)
		goto nomem;
	rc |= add_rate(o, "interval_s", v->has_prev, v->interval_s);
	rc |= add_rate(o, "requests_per_s", v->has_prev, v->req_ps);
	/* lvmd's own, beside its cpu_ns */
	rc |= add_rate(o, "cpu_pct", v->has_prev, v->cpu_pct);
	for (size_t i = 0; i < cur->nguests_listed; i++) {
		json_object *g = json_object_array_get_idx(arr, i);
		const struct lvm_top_rate *r = &v->rates[i];
		bool net = r->net_known;

		rc |= add_rate(g, "cpu_pct", r->cpu_known, r->cpu_pct);
		rc |= add_rate(g, "console_bps", r->cons_known, r->cons_bps);
		rc |= add_rate(g, "net_rx_bps", net, r->rx_bps);
		rc |= add_rate(g, "net_tx_bps", net, r->tx_bps);
		rc |= add_rate(g, "net_rx_pps", net, r->rx_pps);
		rc |= add_rate(g, "net_tx_pps", net, r->tx_pps);
	}
	if (rc)
		goto nomem;
	return o;
nomem:
	json_object_put(o);
	return NULL;
}
