/*
 * vifaddr.c — the vifs' addresses and MACs (see vifaddr.h): a bitmap over
 * the bridge's subnet, with the lowest word that may have a free bit kept
 * so that taking the lowest free address does not rescan the full words
 * below it; and a request's vifs resolved against it and the guest table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "guest.h"
#include "lvmd.h"
#include "toolstack/common/errf.h"
#include "toolstack/engine/log.h"
#include "vifaddr.h"

#define MAC_TRIES 32                 /* random MACs drawn before giving up */

struct lvmd_addrs {
	uint32_t net;                /* the subnet's network address */
	uint32_t size;               /* addresses in the subnet */
	uint32_t bridge;             /* the bridge's own, as an index */
	uint32_t held;
	uint32_t hint;               /* no word below this has a free bit */
	uint64_t *bits;              /* size bits: 1 held (or never handed) */
};

static uint32_t u32_of(const uint8_t ip[4])
{
	return (uint32_t)ip[0] << 24 | (uint32_t)ip[1] << 16 |
	       (uint32_t)ip[2] << 8 | ip[3];
}

static void ip_of(uint32_t a, uint8_t ip[4])
{
	ip[0] = (uint8_t)(a >> 24);
	ip[1] = (uint8_t)(a >> 16);
	ip[2] = (uint8_t)(a >> 8);
	ip[3] = (uint8_t)a;
}

static bool bit(const struct lvmd_addrs *a, uint32_t i)
{
	return a->bits[i / 64] >> (i % 64) & 1;
}

static void set_bit(struct lvmd_addrs *a, uint32_t i)
{
	a->bits[i / 64] |= 1ull << (i % 64);
}

int lvmd_addrs_new(const uint8_t bridge[4], uint8_t prefix,
		   struct lvmd_addrs **out)
{
	struct lvmd_addrs *a;
	uint32_t words, b = u32_of(bridge);

	if (prefix < 8 || prefix > 30)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->size = 1u << (32 - prefix);
	a->net = b & ~(a->size - 1);
	a->bridge = b - a->net;
	if (a->bridge == 0 || a->bridge == a->size - 1) {
		free(a);
		return -EINVAL;
	}
	words = (a->size + 63) / 64;
	a->bits = calloc(words, sizeof(uint64_t));
	if (!a->bits) {
		free(a);
		return -ENOMEM;
	}
	/* never handed out: network, broadcast, the bridge */
	set_bit(a, 0);
	set_bit(a, a->size - 1);
	set_bit(a, a->bridge);
	*out = a;
	return 0;
}

void lvmd_addrs_free(struct lvmd_addrs *a)
{
	if (!a)
		return;
	free(a->bits);
	free(a);
}

bool lvmd_addrs_inside(const struct lvmd_addrs *a, const uint8_t ip[4])
{
	return (u32_of(ip) & ~(a->size - 1)) == a->net;
}

int lvmd_addrs_take(struct lvmd_addrs *a, uint8_t ip[4])
{
	uint32_t words = (a->size + 63) / 64;

	for (uint32_t w = a->hint; w < words; w++) {
		uint64_t free_bits = ~a->bits[w];
		uint32_t i;

		if (!free_bits)
			continue;
		a->hint = w;
		i = w * 64 + (uint32_t)__builtin_ctzll(free_bits);
		if (i >= a->size)
			break;
		set_bit(a, i);
		a->held++;
		ip_of(a->net + i, ip);
		return 0;
	}
	a->hint = words;
	return -ENOSPC;
}

int lvmd_addrs_reserve(struct lvmd_addrs *a, const uint8_t ip[4])
{
	uint32_t i = u32_of(ip) - a->net;

	if (!lvmd_addrs_inside(a, ip) || i == 0 || i == a->size - 1)
		return -EDOM;
	if (bit(a, i))
		return -EADDRINUSE;
	set_bit(a, i);
	a->held++;
	return 0;
}

void lvmd_addrs_release(struct lvmd_addrs *a, const uint8_t ip[4])
{
	uint32_t i = u32_of(ip) - a->net;

	if (!lvmd_addrs_inside(a, ip) || i == 0 || i == a->size - 1 ||
	    i == a->bridge || !bit(a, i))
		return;
	a->bits[i / 64] &= ~(1ull << (i % 64));
	a->held--;
	if (i / 64 < a->hint)
		a->hint = i / 64;
}

uint32_t lvmd_addrs_held(const struct lvmd_addrs *a)
{
	return a->held;
}

/* ---- lvmd's vifs ---- */

/* addrs: the allocator, made at its first use from lvmd's settings. */
static struct lvmd_addrs *addrs(struct lvmd *l)
{
	if (!l->addrs && lvmd_addrs_new(l->net.addr, l->net.prefix,
					&l->addrs) < 0)
		return NULL;
	return l->addrs;
}

/* holder: the guest in the table with a vif of MAC (mac) or, with (mac)
 * NULL, of address (ip), other than (except); NULL if none. */
static const struct guest *holder(struct lvmd *l, const uint8_t *mac,
				  const uint8_t *ip, const struct guest *except)
{
	return mac ? lvmd_guest_by_mac(l, mac, except)
		   : lvmd_guest_by_ip(l, ip, except);
}

/* mac_taken: (mac) is another guest's, or one of the (n) vifs (v)'s. */
static bool mac_taken(struct lvmd *l, const uint8_t mac[6],
		      const struct lvm_vif *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (v[i].has_mac && !memcmp(v[i].mac, mac, 6))
			return true;
	return holder(l, mac, NULL, NULL) != NULL;
}

/* random_mac: 00:16:3e and three random bytes, none in use: not another
 * guest's, not one of the request's (c) given, not one of (out)'s first
 * (n) drawn. */
static int random_mac(struct lvmd *l, uint8_t mac[6],
		      const struct lvm_req_cfg *c, const struct lvm_vif *out,
		      unsigned n)
{
	for (int t = 0; t < MAC_TRIES; t++) {
		ssize_t r;

		mac[0] = 0x00;
		mac[1] = 0x16;
		mac[2] = 0x3e;
		r = getrandom(mac + 3, 3, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r != 3)
			return r < 0 ? -errno : -EIO;
		if (!mac_taken(l, mac, out, n) &&
		    !mac_taken(l, mac, c->vifs, c->nvifs))
			return 0;
	}
	return -EADDRINUSE;
}

/* subnet_str: "198.18.0.0/16" into (buf). */
static const char *subnet_str(const struct lvmd *l, char buf[20])
{
	uint32_t mask = 0xffffffffu << (32 - l->net.prefix);
	uint8_t net[4];
	char s[16];

	ip_of(u32_of(l->net.addr) & mask, net);
	snprintf(buf, 20, "%s/%u", lvm_ipv4_format(net, s), l->net.prefix);
	return buf;
}

/* address: vif (i)'s address into (v): the one given, held, or the
 * lowest free. 0 or -errno with the line in (err). */
static int address(struct lvmd *l, struct lvmd_addrs *a, unsigned i,
		   struct lvm_vif *v, const struct lvm_vif *out,
		   char *err, size_t errlen)
{
	char ip[16], sub[20];
	const struct guest *g;
	int rc;

	if (!v->has_ip) {
		if (lvmd_addrs_take(a, v->ip) < 0)
			return lvm_errf(err, errlen, ENOSPC,
				        "vif%u: no free address left in %s's subnet %s",
				        i, l->net.bridge, subnet_str(l, sub));
		v->has_ip = true;
		v->prefix = l->net.prefix;
		return 0;
	}
	lvm_ipv4_format(v->ip, ip);
	if (!lvmd_addrs_inside(a, v->ip))
		return lvm_errf(err, errlen, EINVAL,
			        "vif%u: address %s is outside %s's subnet %s", i,
			        ip, l->net.bridge, subnet_str(l, sub));
	if (v->prefix && v->prefix != l->net.prefix)
		return lvm_errf(err, errlen, EINVAL,
			        "vif%u: prefix /%u differs from %s's subnet %s", i,
			        v->prefix, l->net.bridge, subnet_str(l, sub));
	v->prefix = l->net.prefix;
	if (!memcmp(v->ip, l->net.addr, 4))
		return lvm_errf(err, errlen, EADDRINUSE,
			        "vif%u: address %s is %s's own (the guests' gateway)",
			        i, ip, l->net.bridge);
	rc = lvmd_addrs_reserve(a, v->ip);
	if (rc == -EDOM)
		return lvm_errf(err, errlen, EINVAL,
			        "vif%u: address %s is the %s address of %s's subnet %s",
			        i, ip, u32_of(v->ip) & (0xffffffffu >> l->net.prefix) ?
			        "broadcast" : "network",
			        l->net.bridge, subnet_str(l, sub));
	if (rc == 0)
		return 0;
	for (unsigned j = 0; j < i; j++)
		if (!memcmp(out[j].ip, v->ip, 4))
			return lvm_errf(err, errlen, EADDRINUSE,
				        "vif%u: address %s is vif%u's too", i, ip, j);
	g = holder(l, NULL, v->ip, NULL);
	return lvm_errf(err, errlen, EADDRINUSE,
		        "vif%u: address %s is already used by guest %s", i, ip,
		        g ? g->rec.name : "?");
}

/* resolve_one: vif (i) of the request (c) into (out)[i]. */
static int resolve_one(struct lvmd *l, struct lvmd_addrs *a, unsigned i,
		       const struct lvm_req_cfg *c, struct lvm_vif *out,
		       char *err, size_t errlen)
{
	struct lvm_vif *v = &out[i];
	const struct guest *g;
	char mac[18];
	int rc;

	*v = c->vifs[i];
	if (v->bridge[0] && strcmp(v->bridge, l->net.bridge))
		return lvm_errf(err, errlen, EINVAL,
			        "vif%u: bridge %s: lvmd serves one bridge, %s (lvmd.conf `bridge`)",
			        i, v->bridge, l->net.bridge);
	snprintf(v->bridge, sizeof(v->bridge), "%s", l->net.bridge);
	if (!v->mtu)
		v->mtu = LVM_VIF_MTU_MAX;
	if (v->has_mac && (g = holder(l, v->mac, NULL, NULL)))
		return lvm_errf(err, errlen, EADDRINUSE,
			        "vif%u: MAC %s is already used by guest %s", i,
			        lvm_mac_format(v->mac, mac), g->rec.name);
	if (!v->has_mac) {
		rc = random_mac(l, v->mac, c, out, i);
		if (rc < 0)
			return lvm_errf(err, errlen, -rc,
				        "vif%u: no random MAC: %s", i,
				        strerror(-rc));
		v->has_mac = true;
	}
	return address(l, a, i, v, out, err, errlen);
}

int lvmd_vifs_resolve(struct lvmd *l, const struct lvm_req_cfg *c,
		      struct lvm_vif *out, unsigned *nout, char *err,
		      size_t errlen)
{
	struct lvmd_addrs *a;
	char line[256];
	unsigned i;
	int rc = 0;

	*nout = 0;
	if (!c->nvifs)
		return 0;
	/* what the protocol checked, again: this may come from a record */
	if (lvm_vifs_check(c->vifs, c->nvifs, false, line, sizeof(line)) < 0)
		return lvm_errf(err, errlen, EINVAL, "%s", line);
	a = addrs(l);
	if (!a)
		return lvm_errf(err, errlen, ENOMEM,
			        "out of memory for the addresses of %s's subnet",
			        l->net.bridge);
	for (i = 0; i < c->nvifs; i++) {
		rc = resolve_one(l, a, i, c, out, err, errlen);
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		/* the addresses held so far: vifs [0, i) */
		lvmd_vifs_release(l, out, i);
		memset(out, 0, sizeof(*out) * c->nvifs);
		return rc;
	}
	*nout = c->nvifs;
	return 0;
}

void lvmd_vifs_release(struct lvmd *l, const struct lvm_vif *vifs,
		       unsigned n)
{
	if (!l->addrs)
		return;
	for (unsigned i = 0; i < n && i < LVM_VIFS_MAX; i++)
		if (vifs[i].has_ip && !holder(l, NULL, vifs[i].ip, NULL))
			lvmd_addrs_release(l->addrs, vifs[i].ip);
}

void lvmd_vifs_reserve(struct lvmd *l, const struct guest *g)
{
	const struct lvm_reg_entry *r = &g->rec;
	struct lvmd_addrs *a;
	const struct guest *o;
	char ip[16], mac[18];

	if (!r->nvifs)
		return;
	a = addrs(l);
	for (unsigned i = 0; i < r->nvifs && i < LVM_VIFS_MAX; i++) {
		const struct lvm_vif *v = &r->vifs[i];

		if ((o = holder(l, v->mac, NULL, g)))
			lvm_log_warn(0, "%s (d%u): vif%u's MAC %s is also %s's",
				     r->name, r->domid, i,
				     lvm_mac_format(v->mac, mac), o->rec.name);
		lvm_ipv4_format(v->ip, ip);
		if (!a || !lvmd_addrs_inside(a, v->ip)) {
			lvm_log_warn(0, "%s (d%u): vif%u's address %s is outside %s's subnet; kept, but not held",
				     r->name, r->domid, i, ip, l->net.bridge);
			continue;
		}
		if (lvmd_addrs_reserve(a, v->ip) < 0 &&
		    (o = holder(l, NULL, v->ip, g)))
			lvm_log_warn(0, "%s (d%u): vif%u's address %s is also %s's",
				     r->name, r->domid, i, ip, o->rec.name);
	}
}

void lvmd_vifaddr_free(struct lvmd *l)
{
	lvmd_addrs_free(l->addrs);
	l->addrs = NULL;
}
