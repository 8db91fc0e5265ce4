/*
 * vifindex.c — the guest table's index of vif MACs and addresses (see
 * vifindex.h): chains in a fixed array of buckets, like the table's own
 * by name and by domid.
 */
#include <errno.h>
#include <stdlib.h>

#include "guest.h"
#include "lvmd.h"
#include "vifindex.h"

#define TAG_MAC (1ull << 48)
#define TAG_IP (2ull << 48)

static uint64_t mac_key(const uint8_t m[6])
{
	return TAG_MAC | (uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 |
	       (uint64_t)m[2] << 24 | (uint64_t)m[3] << 16 |
	       (uint64_t)m[4] << 8 | m[5];
}

static uint64_t ip_key(const uint8_t ip[4])
{
	return TAG_IP | (uint64_t)ip[0] << 24 | (uint64_t)ip[1] << 16 |
	       (uint64_t)ip[2] << 8 | ip[3];
}

static struct lvmd_vifkey **bucket(struct lvmd *l, uint64_t key)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ull; /* Fibonacci hashing */

	return &l->by_vif[h >> 54 & (LVMD_VIF_BUCKETS - 1)];
}

/* nkeys: how many keys (g)'s record has. */
static unsigned nkeys(const struct guest *g)
{
	unsigned n = 0;

	for (unsigned i = 0; i < g->rec.nvifs && i < LVM_VIFS_MAX; i++)
		n += g->rec.vifs[i].has_mac + g->rec.vifs[i].has_ip;
	return n;
}

int lvmd_vifkeys_new(struct guest *g)
{
	unsigned n = nkeys(g), k = 0;

	g->vkeys = NULL;
	g->nvkeys = 0;
	if (!n)
		return 0;
	g->vkeys = calloc(n, sizeof(*g->vkeys));
	if (!g->vkeys)
		return -ENOMEM;
	for (unsigned i = 0; i < g->rec.nvifs && i < LVM_VIFS_MAX; i++) {
		const struct lvm_vif *v = &g->rec.vifs[i];

		if (v->has_mac)
			g->vkeys[k++] = (struct lvmd_vifkey){
				.key = mac_key(v->mac), .g = g};
		if (v->has_ip)
			g->vkeys[k++] = (struct lvmd_vifkey){
				.key = ip_key(v->ip), .g = g};
	}
	g->nvkeys = k;
	return 0;
}

void lvmd_vifkeys_free(struct guest *g)
{
	free(g->vkeys);
	g->vkeys = NULL;
	g->nvkeys = 0;
}

void lvmd_vifkeys_link(struct lvmd *l, struct guest *g)
{
	for (unsigned i = 0; i < g->nvkeys; i++) {
		struct lvmd_vifkey **b = bucket(l, g->vkeys[i].key);

		g->vkeys[i].next = *b;
		*b = &g->vkeys[i];
	}
}

void lvmd_vifkeys_unlink(struct lvmd *l, struct guest *g)
{
	for (unsigned i = 0; i < g->nvkeys; i++) {
		for (struct lvmd_vifkey **p = bucket(l, g->vkeys[i].key); *p;
		     p = &(*p)->next)
			if (*p == &g->vkeys[i]) {
				*p = g->vkeys[i].next;
				break;
			}
		g->vkeys[i].next = NULL;
	}
}

static struct guest *find(struct lvmd *l, uint64_t key,
			  const struct guest *except)
{
	for (struct lvmd_vifkey *k = *bucket(l, key); k; k = k->next)
		if (k->key == key && k->g != except)
			return k->g;
	return NULL;
}

struct guest *lvmd_guest_by_mac(struct lvmd *l, const uint8_t mac[6],
				const struct guest *except)
{
	return find(l, mac_key(mac), except);
}

struct guest *lvmd_guest_by_ip(struct lvmd *l, const uint8_t ip[4],
			       const struct guest *except)
{
	return find(l, ip_key(ip), except);
}
