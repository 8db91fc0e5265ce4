/*
 * test_vifaddr.c — unit tests for the vifs' addresses and MACs
 * (toolstack/lvmd/vifaddr.c): the allocator's edges (a /30 exhausted, the
 * lowest free address reused after a release, the network, broadcast and
 * bridge addresses never handed out, a whole /16), and a create request's
 * vifs resolved against lvmd's settings and a guest table of fakes: the
 * defaults, every refusal by its line, nothing held after a refusal, an
 * address two adopted guests claim kept until both are gone; and the guest
 * table's index of vif MACs and addresses (vifindex.c) over 3,000 guests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "toolstack/lvmd/conf.h"
#include "toolstack/lvmd/guest.h"
#include "toolstack/lvmd/lvmd.h"
#include "toolstack/lvmd/vifaddr.h"

#define IP(a, b, c, d) ((uint8_t[4]){ (a), (b), (c), (d) })

/* new_addrs: an allocator over (bridge)/(prefix), which must work. */
static struct lvmd_addrs *new_addrs(const uint8_t bridge[4], uint8_t prefix)
{
	struct lvmd_addrs *a = NULL;

	assert_int_equal(lvmd_addrs_new(bridge, prefix, &a), 0);
	assert_non_null(a);
	return a;
}

static void assert_takes(struct lvmd_addrs *a, const uint8_t want[4])
{
	uint8_t ip[4];

	assert_int_equal(lvmd_addrs_take(a, ip), 0);
	assert_memory_equal(ip, want, 4);
}

static void test_slash30_exhausted(void **state)
{
	struct lvmd_addrs *a = new_addrs(IP(10, 0, 0, 1), 30);
	uint8_t ip[4];

	(void)state;
	/* .0 network, .1 the bridge, .3 broadcast: one address to hand */
	assert_takes(a, IP(10, 0, 0, 2));
	assert_int_equal(lvmd_addrs_take(a, ip), -ENOSPC);
	assert_int_equal(lvmd_addrs_held(a), 1);
	lvmd_addrs_release(a, IP(10, 0, 0, 2));
	assert_int_equal(lvmd_addrs_held(a), 0);
	assert_takes(a, IP(10, 0, 0, 2));
	assert_int_equal(lvmd_addrs_take(a, ip), -ENOSPC);
	lvmd_addrs_free(a);
}

static void test_lowest_free_reused(void **state)
{
	struct lvmd_addrs *a = new_addrs(IP(10, 0, 0, 1), 29);
	uint8_t ip[4];

	(void)state;
	for (uint8_t i = 2; i <= 6; i++)
		assert_takes(a, IP(10, 0, 0, i));
	assert_int_equal(lvmd_addrs_take(a, ip), -ENOSPC);
	lvmd_addrs_release(a, IP(10, 0, 0, 6));
	lvmd_addrs_release(a, IP(10, 0, 0, 4));
	lvmd_addrs_release(a, IP(10, 0, 0, 4)); /* twice: no effect */
	assert_int_equal(lvmd_addrs_held(a), 3);
	assert_takes(a, IP(10, 0, 0, 4));
	assert_takes(a, IP(10, 0, 0, 6));
	assert_int_equal(lvmd_addrs_take(a, ip), -ENOSPC);
	/* a reserved address is not handed out; released, it is */
	lvmd_addrs_release(a, IP(10, 0, 0, 5));
	assert_int_equal(lvmd_addrs_reserve(a, IP(10, 0, 0, 5)), 0);
	assert_int_equal(lvmd_addrs_reserve(a, IP(10, 0, 0, 5)), -EADDRINUSE);
	assert_int_equal(lvmd_addrs_take(a, ip), -ENOSPC);
	lvmd_addrs_free(a);
}

static void test_never_handed(void **state)
{
	struct lvmd_addrs *a = new_addrs(IP(10, 0, 0, 3), 29);
	uint8_t ip[4];

	(void)state;
	assert_takes(a, IP(10, 0, 0, 1));
	assert_takes(a, IP(10, 0, 0, 2));
	assert_takes(a, IP(10, 0, 0, 4));  /* .3 is the bridge's */
	assert_takes(a, IP(10, 0, 0, 5));
	assert_takes(a, IP(10, 0, 0, 6));
	assert_int_equal(lvmd_addrs_take(a, ip), -ENOSPC); /* not .7 */
	assert_int_equal(lvmd_addrs_reserve(a, IP(10, 0, 0, 3)), -EADDRINUSE);
	assert_int_equal(lvmd_addrs_reserve(a, IP(10, 0, 0, 0)), -EDOM);
	assert_int_equal(lvmd_addrs_reserve(a, IP(10, 0, 0, 7)), -EDOM);
	assert_int_equal(lvmd_addrs_reserve(a, IP(10, 0, 0, 8)), -EDOM);
	assert_int_equal(lvmd_addrs_reserve(a, IP(10, 0, 1, 1)), -EDOM);
	assert_false(lvmd_addrs_inside(a, IP(9, 255, 255, 255)));
	assert_true(lvmd_addrs_inside(a, IP(10, 0, 0, 7)));
	/* releasing what is never handed out changes nothing */
	lvmd_addrs_release(a, IP(10, 0, 0, 3));
	lvmd_addrs_release(a, IP(10, 0, 0, 0));
	lvmd_addrs_release(a, IP(10, 0, 0, 7));
	lvmd_addrs_release(a, IP(192, 168, 0, 1));
	assert_int_equal(lvmd_addrs_take(a, ip), -ENOSPC);
	assert_int_equal(lvmd_addrs_held(a), 5);
	lvmd_addrs_free(a);
}

static void test_bad_subnets(void **state)
{
	struct lvmd_addrs *a = NULL;

	(void)state;
	assert_int_equal(lvmd_addrs_new(IP(10, 0, 0, 1), 7, &a), -EINVAL);
	assert_int_equal(lvmd_addrs_new(IP(10, 0, 0, 1), 31, &a), -EINVAL);
	assert_int_equal(lvmd_addrs_new(IP(10, 0, 0, 0), 24, &a), -EINVAL);
	assert_int_equal(lvmd_addrs_new(IP(10, 0, 0, 255), 24, &a), -EINVAL);
	assert_null(a);
}

/* A /16: every host address but the bridge's once, then none. */
static void test_slash16_whole(void **state)
{
	struct lvmd_addrs *a = new_addrs(IP(198, 18, 0, 1), 16);
	uint8_t ip[4], last[4] = { 0 };
	uint32_t n = 0;

	(void)state;
	while (lvmd_addrs_take(a, ip) == 0) {
		assert_false(ip[2] == 0 && ip[3] <= 1);
		assert_false(ip[2] == 255 && ip[3] == 255);
		memcpy(last, ip, 4);
		n++;
	}
	assert_int_equal(n, 65536 - 3);
	assert_memory_equal(last, IP(198, 18, 255, 254), 4);
	lvmd_addrs_release(a, IP(198, 18, 128, 7));
	assert_takes(a, IP(198, 18, 128, 7));
	lvmd_addrs_free(a);
}

/* ---- lvmd's vifs ---- */

struct fixture {
	struct lvmd *l;
	struct guest guests[2];
	struct lvm_req_cfg req;
	struct lvm_vif out[LVM_VIFS_MAX];
	unsigned nout;
	char err[256];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || !(f->l = calloc(1, sizeof(*f->l))))
		return -1;
	lvmd_netconf_default(&f->l->net);
	f->req.name = "g";
	*state = f;
	return 0;
}

static void remove_guest(struct fixture *f, struct guest *g);

static int teardown(void **state)
{
	struct fixture *f = *state;

	while (f->l->guests)
		remove_guest(f, f->l->guests);
	lvmd_vifaddr_free(f->l);
	free(f->l);
	free(f);
	return 0;
}

/* add_guest: fake guest (i), named (name), with the (n) vifs (v), in the
 * table. */
static struct guest *add_guest(struct fixture *f, unsigned i,
			       const char *name, const struct lvm_vif *v,
			       unsigned n)
{
	struct guest *g = &f->guests[i];

	memset(g, 0, sizeof(*g));
	snprintf(g->rec.name, sizeof(g->rec.name), "%s", name);
	g->rec.domid = 10 + i;
	memcpy(g->rec.vifs, v, sizeof(*v) * n);
	g->rec.nvifs = n;
	assert_int_equal(lvmd_vifkeys_new(g), 0);
	lvmd_vifkeys_link(f->l, g);
	g->next = f->l->guests;
	f->l->guests = g;
	return g;
}

/* remove_guest: (g) out of the fake table, as table.c takes a guest out. */
static void remove_guest(struct fixture *f, struct guest *g)
{
	for (struct guest **p = &f->l->guests; *p; p = &(*p)->next)
		if (*p == g) {
			*p = g->next;
			break;
		}
	lvmd_vifkeys_unlink(f->l, g);
	lvmd_vifkeys_free(g);
}

static int resolve(struct fixture *f)
{
	f->err[0] = '\0';
	return lvmd_vifs_resolve(f->l, &f->req, f->out, &f->nout, f->err,
				 sizeof(f->err));
}

static uint32_t held(struct fixture *f)
{
	return f->l->addrs ? lvmd_addrs_held(f->l->addrs) : 0;
}

static void test_resolve_defaults(void **state)
{
	struct fixture *f = *state;

	f->req.nvifs = 2;
	f->req.vifs[1].mtu = 600;
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->nout, 2);
	for (unsigned i = 0; i < 2; i++) {
		const struct lvm_vif *v = &f->out[i];

		assert_true(v->has_mac && v->has_ip);
		assert_memory_equal(v->mac, ((uint8_t[]){ 0, 0x16, 0x3e }), 3);
		assert_string_equal(v->bridge, "lvmbr0");
		assert_memory_equal(v->ip, IP(198, 18, 0, (uint8_t)(2 + i)), 4);
		assert_int_equal(v->prefix, 16);
	}
	assert_int_equal(f->out[0].mtu, 1500);
	assert_int_equal(f->out[1].mtu, 600);
	assert_memory_not_equal(f->out[0].mac, f->out[1].mac, 6);
	assert_int_equal(held(f), 2);
	lvmd_vifs_release(f->l, f->out, f->nout);
	assert_int_equal(held(f), 0);
	/* no vifs: nothing, no allocator */
	f->req.nvifs = 0;
	assert_int_equal(resolve(f), 0);
	assert_int_equal(f->nout, 0);
}

static void test_resolve_given(void **state)
{
	struct fixture *f = *state;

	f->req.nvifs = 1;
	f->req.vifs[0] = (struct lvm_vif){ .mac = { 2, 0, 0, 0, 0, 9 },
					   .has_mac = true, .bridge = "lvmbr0",
					   .ip = { 198, 18, 7, 7 }, .prefix = 16,
					   .has_ip = true, .mtu = 1400 };
	assert_int_equal(resolve(f), 0);
	assert_memory_equal(&f->out[0], &f->req.vifs[0], sizeof(f->out[0]));
	assert_int_equal(held(f), 1);
}

/* Each refusal: its line, and nothing held afterwards (vif0, resolved
 * before the bad vif1, is given back). */
static void test_resolve_refused(void **state)
{
	static const struct {
		struct lvm_vif v;
		const char *err;
	} bad[] = {
		{ { .ip = { 10, 0, 0, 5 }, .has_ip = true },
		  "vif1: address 10.0.0.5 is outside lvmbr0's subnet 198.18.0.0/16" },
		{ { .bridge = "br9" },
		  "vif1: bridge br9: lvmd serves one bridge, lvmbr0 (lvmd.conf `bridge`)" },
		{ { .ip = { 198, 18, 0, 1 }, .has_ip = true },
		  "vif1: address 198.18.0.1 is lvmbr0's own (the guests' gateway)" },
		{ { .ip = { 198, 18, 0, 0 }, .has_ip = true },
		  "vif1: address 198.18.0.0 is the network address of lvmbr0's subnet 198.18.0.0/16" },
		{ { .ip = { 198, 18, 255, 255 }, .has_ip = true },
		  "vif1: address 198.18.255.255 is the broadcast address of lvmbr0's subnet 198.18.0.0/16" },
		{ { .ip = { 198, 18, 0, 9 }, .has_ip = true, .prefix = 24 },
		  "vif1: prefix /24 differs from lvmbr0's subnet 198.18.0.0/16" },
		{ { .ip = { 198, 18, 0, 2 }, .has_ip = true },
		  "vif1: address 198.18.0.2 is vif0's too" },
		{ { .ip = { 198, 18, 5, 5 }, .has_ip = true },
		  "vif1: address 198.18.5.5 is already used by guest other" },
		{ { .mac = { 0, 0x16, 0x3e, 5, 5, 5 }, .has_mac = true },
		  "vif1: MAC 00:16:3e:05:05:05 is already used by guest other" },
		{ { .mac = { 1, 0x16, 0x3e, 5, 5, 5 }, .has_mac = true },
		  "vif1: mac 01:16:3e:05:05:05: a multicast address" },
		{ { .mtu = 9000 }, "vif1: mtu 9000: want 576..1500" },
	};
	static const struct lvm_vif other = {
		.mac = { 0, 0x16, 0x3e, 5, 5, 5 }, .has_mac = true,
		.bridge = "lvmbr0", .ip = { 198, 18, 5, 5 }, .prefix = 16,
		.has_ip = true, .mtu = 1500 };
	struct fixture *f = *state;

	lvmd_vifs_reserve(f->l, add_guest(f, 0, "other", &other, 1));
	assert_int_equal(held(f), 1);
	f->req.nvifs = 2;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f->req.vifs[1] = bad[i].v;
		if (resolve(f) >= 0)
			fail_msg("case %zu taken: %s", i, bad[i].err);
		if (strcmp(f->err, bad[i].err))
			fail_msg("case %zu: \"%s\", expected \"%s\"", i, f->err,
				 bad[i].err);
		assert_int_equal(f->nout, 0);
		if (held(f) != 1)
			fail_msg("case %zu: %u addresses held, not 1", i, held(f));
	}
}

/* The subnet full: the line says so, and nothing is held. */
static void test_resolve_exhausted(void **state)
{
	struct fixture *f = *state;
	char err[128];

	assert_int_equal(lvmd_netconf_set(&f->l->net, LVMD_CONF_SUBNET,
					  "10.1.0.1/30", err, sizeof(err)), 0);
	f->req.nvifs = 2;
	assert_int_equal(resolve(f), -ENOSPC);
	assert_string_equal(f->err, "vif1: no free address left in lvmbr0's subnet 10.1.0.0/30");
	assert_int_equal(held(f), 0);
	f->req.nvifs = 1;
	assert_int_equal(resolve(f), 0);
	assert_memory_equal(f->out[0].ip, IP(10, 1, 0, 2), 4);
	assert_int_equal(f->out[0].prefix, 30);
}

/* Two adopted records that claim one address: it stays held until the
 * second is gone too. */
static void test_adopted_twins(void **state)
{
	static const struct lvm_vif v = {
		.mac = { 0, 0x16, 0x3e, 1, 1, 1 }, .has_mac = true,
		.bridge = "lvmbr0", .ip = { 198, 18, 0, 2 }, .prefix = 16,
		.has_ip = true, .mtu = 1500 };
	static const struct lvm_vif outside = {
		.mac = { 0, 0x16, 0x3e, 1, 1, 2 }, .has_mac = true,
		.bridge = "lvmbr0", .ip = { 10, 9, 9, 9 }, .prefix = 8,
		.has_ip = true, .mtu = 1500 };
	struct fixture *f = *state;
	struct guest *a, *b;

	a = add_guest(f, 0, "a", &v, 1);
	lvmd_vifs_reserve(f->l, a);
	b = add_guest(f, 1, "b", &v, 1);
	lvmd_vifs_reserve(f->l, b);
	assert_int_equal(held(f), 1);
	/* b leaves the table, then its vifs are released */
	remove_guest(f, b);
	lvmd_vifs_release(f->l, b->rec.vifs, b->rec.nvifs);
	assert_int_equal(held(f), 1);
	remove_guest(f, a);
	lvmd_vifs_release(f->l, a->rec.vifs, a->rec.nvifs);
	assert_int_equal(held(f), 0);
	/* an address outside the subnet: kept by the guest, never held */
	a = add_guest(f, 0, "a", &outside, 1);
	lvmd_vifs_reserve(f->l, a);
	assert_int_equal(held(f), 0);
}

/* The index over many guests: each found by its MAC and its address (and
 * not by the other's key of the same low bits), none once it is out of
 * the table, the rest still found; a guest passed over as (except). */
static void test_index_many(void **state)
{
	enum { N = 3000 };
	struct fixture *f = *state;
	struct guest *gs = calloc(N, sizeof(*gs));

	assert_non_null(gs);
	for (unsigned i = 0; i < N; i++) {
		struct guest *g = &gs[i];
		struct lvm_vif *v = &g->rec.vifs[0];

		*v = (struct lvm_vif){
			.mac = { 0, 0x16, 0x3e, 0, (uint8_t)(i >> 8), (uint8_t)i },
			.has_mac = true,
			.ip = { 198, 18, (uint8_t)(i >> 8), (uint8_t)i },
			.has_ip = i % 3 != 0 };
		g->rec.nvifs = 1;
		assert_int_equal(lvmd_vifkeys_new(g), 0);
		lvmd_vifkeys_link(f->l, g);
	}
	for (unsigned i = 0; i < N; i++) {
		const struct lvm_vif *v = &gs[i].rec.vifs[0];

		assert_ptr_equal(lvmd_guest_by_mac(f->l, v->mac, NULL), &gs[i]);
		assert_ptr_equal(lvmd_guest_by_ip(f->l, v->ip, NULL),
				 v->has_ip ? &gs[i] : NULL);
		assert_null(lvmd_guest_by_mac(f->l, v->mac, &gs[i]));
	}
	for (unsigned i = 0; i < N; i += 2)
		lvmd_vifkeys_unlink(f->l, &gs[i]);
	for (unsigned i = 0; i < N; i++) {
		const struct lvm_vif *v = &gs[i].rec.vifs[0];
		struct guest *want = i % 2 ? &gs[i] : NULL;

		assert_ptr_equal(lvmd_guest_by_mac(f->l, v->mac, NULL), want);
		assert_ptr_equal(lvmd_guest_by_ip(f->l, v->ip, NULL),
				 v->has_ip ? want : NULL);
	}
	for (unsigned i = 0; i < N; i++) {
		if (i % 2)
			lvmd_vifkeys_unlink(f->l, &gs[i]);
		lvmd_vifkeys_free(&gs[i]);
	}
	for (unsigned b = 0; b < LVMD_VIF_BUCKETS; b++)
		assert_null(f->l->by_vif[b]);
	/* a MAC and an address of the same 48 low bits: two keys */
	{
		struct guest *x = add_guest(f, 0, "x", &(struct lvm_vif){
			.mac = { 0, 0, 198, 18, 255, 7 }, .has_mac = true }, 1);

		assert_ptr_equal(lvmd_guest_by_mac(f->l, x->rec.vifs[0].mac,
						   NULL), x);
		assert_null(lvmd_guest_by_ip(f->l, IP(198, 18, 255, 7), NULL));
	}
	free(gs);
}

static void test_netconf(void **state)
{
	struct lvmd_netconf n;
	char err[256];

	(void)state;
	lvmd_netconf_default(&n);
	assert_string_equal(n.bridge, "lvmbr0");
	assert_memory_equal(n.addr, IP(198, 18, 0, 1), 4);
	assert_int_equal(n.prefix, 16);
	assert_true(n.create);
	assert_int_equal(lvmd_netconf_set(&n, LVMD_CONF_SUBNET, "10.0.0.0/24", err,
					  sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad subnet '10.0.0.0/24': the bridge's address is the subnet's network address");
	assert_int_equal(lvmd_netconf_set(&n, LVMD_CONF_SUBNET, "10.0.0.255/24",
					  err, sizeof(err)), -EINVAL);
	assert_int_equal(lvmd_netconf_set(&n, LVMD_CONF_SUBNET, "10.0.0.1/31", err,
					  sizeof(err)), -EINVAL);
	assert_int_equal(lvmd_netconf_set(&n, LVMD_CONF_SUBNET, "10.0.0.1", err,
					  sizeof(err)), -EINVAL);
	assert_int_equal(lvmd_netconf_set(&n, LVMD_CONF_BRIDGE, "a/b", err,
					  sizeof(err)), -EINVAL);
	assert_int_equal(lvmd_netconf_set(&n, LVMD_CONF_BRIDGE_CREATE, "maybe",
					  err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad bridge_create 'maybe': want yes or no");
	/* refusals changed nothing */
	assert_string_equal(n.bridge, "lvmbr0");
	assert_memory_equal(n.addr, IP(198, 18, 0, 1), 4);
	assert_true(n.create);
	assert_int_equal(lvmd_netconf_set(&n, LVMD_CONF_SUBNET, "10.0.0.254/24",
					  err, sizeof(err)), 0);
	assert_memory_equal(n.addr, IP(10, 0, 0, 254), 4);
	assert_int_equal(n.prefix, 24);
	assert_int_equal(lvmd_netconf_set(&n, LVMD_CONF_BRIDGE, "br-test", err,
					  sizeof(err)), 0);
	assert_string_equal(n.bridge, "br-test");
	assert_int_equal(lvmd_netconf_set(&n, LVMD_CONF_BRIDGE_CREATE, "no", err,
					  sizeof(err)), 0);
	assert_false(n.create);
	/* data_path_yield: on by default, yes or no, nothing else */
	assert_true(n.yield);
	assert_int_equal(lvmd_netconf_set(&n, LVMD_CONF_DATA_PATH_YIELD, "off",
					  err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad data_path_yield 'off': want yes or no");
	assert_true(n.yield);
	assert_int_equal(lvmd_netconf_set(&n, LVMD_CONF_DATA_PATH_YIELD, "no",
					  err, sizeof(err)), 0);
	assert_false(n.yield);
	assert_int_equal(lvmd_netconf_set(&n, LVMD_CONF_DATA_PATH_YIELD, "yes",
					  err, sizeof(err)), 0);
	assert_true(n.yield);
}

/* The setting's line: its keyword, and the value after it. */
static void test_yield_line(void **state)
{
	char line[] = "  data_path_yield   no  # a comment";
	char bad[] = "data_path_yieldno";
	const char *spec;

	(void)state;
	assert_int_equal(lvmd_conf_line(line, &spec), LVMD_CONF_DATA_PATH_YIELD);
	assert_string_equal(spec, "no");
	assert_int_equal(lvmd_conf_line(bad, &spec), -EINVAL);
}

/* Every yes-or-no setting says the same, with its own keyword. */
static void test_yesno(void **state)
{
	char err[200];
	bool b = true;

	(void)state;
	assert_int_equal(lvmd_conf_yesno(LVMD_CONF_SHARE_CODE, "nah", &b, err,
					 sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad share_code 'nah': want yes or no");
	assert_true(b);
	assert_int_equal(lvmd_conf_yesno(LVMD_CONF_XS_NAMES, "Yes", &b, err,
					 sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad xenstore_names 'Yes': want yes or no");
	assert_int_equal(lvmd_conf_yesno(LVMD_CONF_XS_NAMES, "no", &b, err,
					 sizeof(err)), 0);
	assert_false(b);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slash30_exhausted),
		cmocka_unit_test(test_lowest_free_reused),
		cmocka_unit_test(test_never_handed),
		cmocka_unit_test(test_bad_subnets),
		cmocka_unit_test(test_yield_line),
		cmocka_unit_test(test_yesno),
		cmocka_unit_test(test_slash16_whole),
		T(test_resolve_defaults),
		T(test_resolve_given),
		T(test_resolve_refused),
		T(test_resolve_exhausted),
		T(test_adopted_twins),
		T(test_index_many),
		cmocka_unit_test(test_netconf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
