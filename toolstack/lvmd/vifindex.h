/*
 * vifindex.h — the guest table's index of its guests' vif MACs and
 * addresses (vifindex.c), so that a create's "is this MAC or address
 * another guest's?" costs a hash lookup, not a walk over every guest.
 * Internal to lvmd: table.c keeps it as guests come and go, vifaddr.c
 * asks it. Pure (no Xen, no I/O); unit-tested through test_vifaddr.c and
 * test_table.c.
 *
 * Each vif of a guest has up to two keys, its MAC and its IPv4 address, each a node allocated with the guest (a guest's vifs do not
 * change while it is in the table). A key may be held by two guests (two
 * adopted records that claim one address): the chains keep both, and a
 * lookup can pass over one of them.
 */
#ifndef LVMD_VIFINDEX_H
#define LVMD_VIFINDEX_H

#include <stdint.h>

struct guest;
struct lvmd;

#define LVMD_VIF_BUCKETS 1024        /* chains, a power of two */

struct lvmd_vifkey {
	uint64_t key;                /* a tag above bit 48, then the MAC or
					the address */
	struct guest *g;
	struct lvmd_vifkey *next;    /* its bucket's chain */
};

/* lvmd_vifkeys_new() - (g)'s nodes, one per key of its record's vifs;
 * 0, or -ENOMEM. A guest with no vif needs none (g->vkeys stays NULL). */
int lvmd_vifkeys_new(struct guest *g);
void lvmd_vifkeys_free(struct guest *g);

/* lvmd_vifkeys_link() / _unlink() - (g)'s keys into / out of (l)'s
 * index; table.c calls them as (g) enters and leaves the table. */
void lvmd_vifkeys_link(struct lvmd *l, struct guest *g);
void lvmd_vifkeys_unlink(struct lvmd *l, struct guest *g);

/* lvmd_guest_by_mac() / _by_ip() - a guest in the table, other than
 * (except), with a vif of that MAC (address); NULL if none. */
struct guest *lvmd_guest_by_mac(struct lvmd *l, const uint8_t mac[6],
				const struct guest *except);
struct guest *lvmd_guest_by_ip(struct lvmd *l, const uint8_t ip[4],
			       const struct guest *except);

#endif
