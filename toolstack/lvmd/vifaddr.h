/*
 * vifaddr.h — the vifs' addresses and MACs (vifaddr.c): an allocator over
 * the bridge's subnet (lvmd.conf `subnet`, netconf.h), and the resolving
 * of a create request's vifs into what the guest gets: a MAC (the one
 * given, else 00:16:3e and three random bytes), lvmd's bridge, an address
 * (the one given, else the lowest free one) with the subnet's prefix, an
 * MTU (1500 unless given). The guests' gateway is the bridge's own
 * address (l->net.addr). Internal to lvmd; a leaf: it reads the guest
 * table (l->guests) to name who holds a MAC or an address, and calls
 * nothing of lvmd's.
 *
 * Who holds what: an address is held from lvmd_vifs_resolve() (or
 * lvmd_vifs_reserve() for an adopted guest) until lvmd_vifs_release();
 * the guest table is the truth for MACs (a MAC is in use while a guest in
 * the table has it), so a MAC needs no release.
 */
#ifndef LVMD_VIFADDR_H
#define LVMD_VIFADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lvm.h>

struct lvmd;
struct guest;
struct lvm_req_cfg;
struct lvmd_addrs;

/* ---- the allocator: pure, one bit per address of the subnet ---- */
/*
 * lvmd_addrs_new() - an allocator over the subnet of (bridge)/(prefix)
 * (8..30) with every host address free but (bridge) itself; the network
 * and broadcast addresses are never handed out. Returns 0 with (*out)
 * set, -EINVAL (prefix, or (bridge) the network or broadcast address),
 * -ENOMEM.
 */
int lvmd_addrs_new(const uint8_t bridge[4], uint8_t prefix,
		   struct lvmd_addrs **out);
/* lvmd_addrs_free() - NULL-safe. */
void lvmd_addrs_free(struct lvmd_addrs *a);
/* lvmd_addrs_inside() - whether (ip) lies in the subnet. */
bool lvmd_addrs_inside(const struct lvmd_addrs *a, const uint8_t ip[4]);
/*
 * lvmd_addrs_take() - hold the lowest free address, into (ip).
 * Returns 0 or -ENOSPC (none left).
 */
int lvmd_addrs_take(struct lvmd_addrs *a, uint8_t ip[4]);
/*
 * lvmd_addrs_reserve() - hold (ip). Returns 0, -EDOM (outside the subnet,
 * or its network or broadcast address), -EADDRINUSE (held, or the
 * bridge's own).
 */
int lvmd_addrs_reserve(struct lvmd_addrs *a, const uint8_t ip[4]);
/* lvmd_addrs_release() - (ip) free again; nothing for an address outside,
 * the network, broadcast or bridge address. */
void lvmd_addrs_release(struct lvmd_addrs *a, const uint8_t ip[4]);
/* lvmd_addrs_held() - how many addresses are held (the bridge's not
 * counted). */
uint32_t lvmd_addrs_held(const struct lvmd_addrs *a);

/* ---- lvmd's vifs ---- */
/*
 * lvmd_vifs_resolve() - the request (c)'s vifs resolved into (out)
 * ((*nout) of them; LVM_VIFS_MAX room), their addresses held. Refused,
 * one line in (err) naming the vif ("vif0: ..."): a bridge other than
 * lvmd's (one bridge is served), an address outside the bridge's subnet,
 * its network, broadcast or own address, or in use, a prefix other than
 * the subnet's, a MAC another guest has. Returns 0, or -EINVAL,
 * -EADDRINUSE, -ENOSPC (no address left), -ENOMEM, the -errno of
 * getrandom(); nothing is then held.
 */
int lvmd_vifs_resolve(struct lvmd *l, const struct lvm_req_cfg *c,
		      struct lvm_vif *out, unsigned *nout, char *err,
		      size_t errlen);

/*
 * lvmd_vifs_release() - the addresses of the (n) resolved vifs (vifs) are
 * free again, but those a guest in the table still has (after an adopted
 * pair of records that claimed one address). For a guest leaving the
 * table (call it once it is out) and a create that failed.
 */
void lvmd_vifs_release(struct lvmd *l, const struct lvm_vif *vifs,
		       unsigned n);

/*
 * lvmd_vifs_reserve() - hold the addresses of (g), a guest adopted after
 * a restart (in the table already). An address outside the subnet (the
 * subnet changed) or held already, and a MAC another guest has, are
 * logged and left as they are: the guest keeps running with them.
 */
void lvmd_vifs_reserve(struct lvmd *l, const struct guest *g);

/* lvmd_vifaddr_free() - free the allocator (lvmd's end). NULL-safe. */
void lvmd_vifaddr_free(struct lvmd *l);

#endif
