/*
 * test_topview.c — unit tests for `lvm top`'s view (toolstack/lvm/
 * topview.c): rates between two snapshots, what has no rate, the order of
 * the guests, a text frame and a JSON one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "toolstack/lvm/cli.h"

#define S 1000000000ull      /* one second in ns */

static struct lvm_top_guest G[2][3];
static struct lvm_pool_info P[1];

/* snap: snapshot (k) of a fake lvmd at (t) seconds of its life. */
static void snap(struct lvm_top *t, int k, uint64_t secs)
{
	memset(t, 0, sizeof(*t));
	t->time_ns = 1000 * S + secs * S;
	t->uptime_ns = secs * S;
	t->requests = 10 + secs * 4;        /* 4/s */
	t->nops = 1;
	strcpy(t->ops[0].op, "top");
	t->ops[0].count = t->requests;
	t->cpu_ns = secs * S / 50;          /* 2% */
	t->rss_kib = 2048;
	t->nguests = 3;
	t->pools = P;
	t->npools = 1;
	t->guests = G[k];
	t->nguests_listed = 3;
}

static void guests(int k, uint64_t secs)
{
	memset(G[k], 0, sizeof(G[k]));
	strcpy(G[k][0].name, "idle");
	G[k][0].domid = 2;
	G[k][0].cpu_ns = 5 * S;             /* not moving */
	G[k][0].console_bytes = 100;
	strcpy(G[k][1].name, "spin");
	G[k][1].domid = 3;
	G[k][1].vcpus = 1;
	G[k][1].cpu_ns = secs * S * 9 / 10; /* 90% */
	strcpy(G[k][2].name, "web");
	G[k][2].domid = 7;
	G[k][2].cpu_ns = secs * S / 10;     /* 10% */
	G[k][2].console_bytes = 10 * secs;  /* 10 B/s */
	G[k][2].nvifs = 2;
	G[k][2].vifs[0].rx_bytes = 1000 * secs;
	G[k][2].vifs[0].rx_packets = 10 * secs;
	G[k][2].vifs[1].tx_bytes = 500 * secs;
	G[k][2].vifs[1].tx_packets = 5 * secs;
}

static void test_first_frame_has_no_rates(void **state)
{
	struct lvm_top t;
	struct lvm_top_view v;

	(void)state;
	guests(0, 10);
	snap(&t, 0, 10);
	assert_int_equal(lvm_top_view(NULL, &t, &v), 0);
	assert_false(v.has_prev);
	for (int i = 0; i < 3; i++)
		assert_false(v.rates[i].known);
	/* by domain id when nothing is known */
	assert_int_equal(v.order[0], 0);
	assert_int_equal(v.order[2], 2);
	lvm_top_view_free(&v);
}

static void test_rates(void **state)
{
	struct lvm_top a, b;
	struct lvm_top_view v;

	(void)state;
	guests(0, 10);
	snap(&a, 0, 10);
	guests(1, 12);
	snap(&b, 1, 12);
	assert_int_equal(lvm_top_view(&a, &b, &v), 0);
	assert_true(v.has_prev);
	assert_float_equal(v.interval_s, 2.0, 1e-9);
	assert_float_equal(v.req_ps, 4.0, 1e-9);
	assert_float_equal(v.cpu_pct, 2.0, 1e-9);
	assert_true(v.rates[0].known);
	assert_float_equal(v.rates[0].cpu_pct, 0.0, 1e-9);
	assert_float_equal(v.rates[1].cpu_pct, 90.0, 1e-9);
	assert_float_equal(v.rates[2].cpu_pct, 10.0, 1e-9);
	assert_float_equal(v.rates[2].cons_bps, 10.0, 1e-9);
	assert_float_equal(v.rates[2].rx_bps, 1000.0, 1e-9);
	assert_float_equal(v.rates[2].rx_pps, 10.0, 1e-9);
	assert_float_equal(v.rates[2].tx_bps, 500.0, 1e-9);
	assert_float_equal(v.rates[2].tx_pps, 5.0, 1e-9);
	/* busiest first */
	assert_int_equal(v.order[0], 1);
	assert_int_equal(v.order[1], 2);
	assert_int_equal(v.order[2], 0);
	lvm_top_view_free(&v);
}

/* a guest new since the last frame, one of the same id but another name
 * (rebuilt), a counter that went back: no rate for them */
static void test_unknown_rates(void **state)
{
	struct lvm_top a, b;
	struct lvm_top_view v;

	(void)state;
	guests(0, 10);
	snap(&a, 0, 10);
	guests(1, 12);
	snap(&b, 1, 12);
	a.nguests_listed = 1;               /* only "idle" was there */
	assert_int_equal(lvm_top_view(&a, &b, &v), 0);
	assert_true(v.rates[0].known);
	assert_false(v.rates[1].known);
	assert_false(v.rates[2].known);
	lvm_top_view_free(&v);

	a.nguests_listed = 3;
	strcpy(G[0][1].name, "other");
	G[1][2].vifs[0].rx_bytes = 0;       /* went back */
	assert_int_equal(lvm_top_view(&a, &b, &v), 0);
	assert_true(v.rates[0].known);
	assert_true(v.rates[0].cpu_known);
	assert_false(v.rates[1].known);
	assert_false(v.rates[1].cpu_known);
	assert_true(v.rates[2].known);
	assert_false(v.rates[2].net_known);  /* only that rate is lost */
	assert_true(v.rates[2].cpu_known);
	assert_float_equal(v.rates[2].cpu_pct, 10.0, 1e-9);
	assert_true(v.rates[2].cons_known);
	lvm_top_view_free(&v);

	/* Xen's CPU time stepped back (a running vCPU read from a lagging
	 * pCPU): no CPU %, but the vifs' rates stand */
	guests(1, 12);
	G[1][2].cpu_ns = G[0][2].cpu_ns - 1000;
	assert_int_equal(lvm_top_view(&a, &b, &v), 0);
	assert_false(v.rates[2].cpu_known);
	assert_true(v.rates[2].net_known);
	assert_float_equal(v.rates[2].rx_pps, 10.0, 1e-9);
	assert_true(v.rates[2].cons_known);
	lvm_top_view_free(&v);

	/* lvmd restarted between the two: nothing is known */
	guests(0, 10);
	snap(&a, 0, 10);
	b.uptime_ns = 1 * S;
	assert_int_equal(lvm_top_view(&a, &b, &v), 0);
	assert_false(v.has_prev);
	assert_false(v.rates[1].known);
	lvm_top_view_free(&v);
}

/* frame: (a) then (b) as text, malloc'd. */
static char *frame(const struct lvm_top *a, const struct lvm_top *b,
		   unsigned rows)
{
	struct lvm_top_view v;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(lvm_top_view(a, b, &v), 0);
	lvm_top_print(f, b, &v, rows);
	fclose(f);
	lvm_top_view_free(&v);
	return buf;
}

static void test_text_frame(void **state)
{
	struct lvm_top a, b;
	char *s;

	(void)state;
	P[0] = (struct lvm_pool_info){ .memory_mb = 4, .vcpus = 1,
		.target = 8, .ready = 6, .preparing = 2, .hits = 40,
		.misses = 2 };
	guests(0, 10);
	snap(&a, 0, 10);
	guests(1, 12);
	snap(&b, 1, 12);

	s = frame(NULL, &a, 0);
	assert_non_null(strstr(s, "lvmd: up 0:00:10, 3 guests, 50 requests (-/s), CPU 0.20 s (-%), RSS 2048 KiB\n"));
	assert_non_null(strstr(s, "requests: top 50\n"));
	assert_non_null(strstr(s, "pool 4x1: ready 6/8, preparing 2, hits 40, misses 2\n"));
	assert_non_null(strstr(s, "NAME "));
	/* an lvmd without a data path says nothing of it */
	assert_null(strstr(s, "data path"));
	/* no rates yet: '-' */
	assert_non_null(strstr(s, "spin                     3 running          0     1      9.00      -         0         -         -         -       -       -\n"));
	free(s);

	s = frame(&a, &b, 0);
	assert_non_null(strstr(s, "(4.0/s), CPU 0.24 s (2.0%)"));
	assert_non_null(strstr(s, "spin                     3 running          0     1     10.80   90.0         0         0         -         -       -       -\n"));
	assert_non_null(strstr(s, "web                      7 running          0     0      1.20   10.0       120        10      1000       500      10       5\n"));
	/* busiest first */
	assert_true(strstr(s, "spin ") < strstr(s, "web "));
	assert_true(strstr(s, "web ") < strstr(s, "idle "));
	free(s);

	/* the data path's class, when lvmd says */
	b.data_path = LVM_DATA_PATH_YIELDING;
	s = frame(&a, &b, 0);
	assert_non_null(strstr(s, "pools: 1, misses without a pool 0\ndata path: yielding (SCHED_IDLE), starved into the normal class 0 time(s)\n"));
	free(s);
	b.data_path = LVM_DATA_PATH_NORMAL;
	b.data_path_starved = 3;
	s = frame(&a, &b, 0);
	assert_non_null(strstr(s, "data path: normal scheduling class, starved into the normal class 3 time(s)\n"));
	free(s);
	b.data_path = LVM_DATA_PATH_NONE;

	/* a terminal too short: the rest counted */
	s = frame(&a, &b, 1);
	assert_non_null(strstr(s, "spin "));
	assert_null(strstr(s, "web "));
	assert_non_null(strstr(s, "(2 more guests)\n"));
	free(s);
}

static void test_json_frame(void **state)
{
	struct lvm_top a, b;
	struct lvm_top_view v;
	json_object *o, *arr, *g, *x;

	(void)state;
	guests(0, 10);
	snap(&a, 0, 10);
	guests(1, 12);
	snap(&b, 1, 12);

	assert_int_equal(lvm_top_view(NULL, &a, &v), 0);
	o = lvm_top_view_json(&a, &v);
	assert_non_null(o);
	/* unknown rates are null, present */
	assert_true(json_object_object_get_ex(o, "requests_per_s", &x));
	assert_null(x);
	assert_true(json_object_object_get_ex(o, "guests", &arr));
	g = json_object_array_get_idx(arr, 1);
	assert_true(json_object_object_get_ex(g, "cpu_pct", &x));
	assert_null(x);
	json_object_put(o);
	lvm_top_view_free(&v);

	assert_int_equal(lvm_top_view(&a, &b, &v), 0);
	o = lvm_top_view_json(&b, &v);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "requests_per_s", &x));
	assert_float_equal(json_object_get_double(x), 4.0, 1e-9);
	assert_true(json_object_object_get_ex(o, "rss_kib", &x));
	assert_int_equal(json_object_get_int64(x), 2048);
	assert_true(json_object_object_get_ex(o, "guests", &arr));
	assert_int_equal(json_object_array_length(arr), 3);
	/* in domain id order, as lvmd sent them */
	g = json_object_array_get_idx(arr, 1);
	assert_true(json_object_object_get_ex(g, "name", &x));
	assert_string_equal(json_object_get_string(x), "spin");
	assert_true(json_object_object_get_ex(g, "cpu_pct", &x));
	assert_float_equal(json_object_get_double(x), 90.0, 1e-9);
	/* no vifs: no network rates */
	assert_true(json_object_object_get_ex(g, "net_rx_bps", &x));
	assert_null(x);
	g = json_object_array_get_idx(arr, 2);
	assert_true(json_object_object_get_ex(g, "net_tx_pps", &x));
	assert_float_equal(json_object_get_double(x), 5.0, 1e-9);
	assert_true(json_object_object_get_ex(g, "vifs", &x));
	assert_int_equal(json_object_array_length(x), 2);
	json_object_put(o);
	lvm_top_view_free(&v);
}

/* clip: (in) through lvm_top_clip() at (width), malloc'd. */
static char *clip(const char *in, unsigned width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	lvm_top_clip(f, in, strlen(in), width);
	fclose(f);
	return buf;
}

static void test_clip(void **state)
{
	struct lvm_top a, b;
	char *s, *c, *line;
	size_t nlines = 0, nin = 0;

	(void)state;
	/* each line cut to the width, newlines kept, short lines whole */
	s = clip("abcdefgh\nab\n\nabcdefghij", 4);
	assert_string_equal(s, "abcd\nab\n\nabcd");
	free(s);
	s = clip("abcd\nabcde\n", 4);
	assert_string_equal(s, "abcd\nabcd\n");
	free(s);
	/* width 0: as it is */
	s = clip("abcdefgh\nab\n", 0);
	assert_string_equal(s, "abcdefgh\nab\n");
	free(s);
	s = clip("", 3);
	assert_string_equal(s, "");
	free(s);

	/* a frame on an 80-column terminal: every line fits, none lost */
	P[0] = (struct lvm_pool_info){ .memory_mb = 4, .vcpus = 1,
		.target = 8, .ready = 6, .preparing = 2, .hits = 40,
		.misses = 2 };
	guests(0, 10);
	snap(&a, 0, 10);
	guests(1, 12);
	snap(&b, 1, 12);
	s = frame(&a, &b, 0);
	for (const char *p = s; *p; p++)
		nin += *p == '\n';
	c = clip(s, 80);
	for (char *save = NULL, *p = c; (line = strtok_r(p, "\n", &save)); p = NULL) {
		assert_true(strlen(line) <= 80);
		nlines++;
	}
	/* strtok_r skips the empty line between lvmd's lines and the table */
	assert_int_equal(nlines + 1, nin);
	assert_non_null(strstr(s, "NAME "));
	free(c);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_frame_has_no_rates),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_unknown_rates),
		cmocka_unit_test(test_text_frame),
		cmocka_unit_test(test_json_frame),
		cmocka_unit_test(test_clip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
