/*
 * netdev.h — dom0's network devices for the vif backend (netdev.c): the
 * bridge the guests' TAP devices go on, and each vif's TAP device, made
 * through libnl (rtnl links, bridge ports, addresses) and /dev/net/tun;
 * no shell, no hand-written netlink. Every call is short (one or two
 * netlink round trips) and uses the socket it is given: lvmd's, on the
 * control thread, or the refill thread's own, for the TAPs of pool shells
 * (a libnl socket is never shared between threads). Internal to lvmd.
 */
#ifndef LVMD_NETDEV_H
#define LVMD_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lvmd_netdev;                  /* the libnl route socket */

/*
 * lvmd_netdev_open() - a connected libnl route socket in (*out).
 * Returns 0, or -errno with one line in (err).
 */
int lvmd_netdev_open(struct lvmd_netdev **out, char *err, size_t errlen);

/* lvmd_netdev_close() - close it. NULL-safe. */
void lvmd_netdev_close(struct lvmd_netdev *nd);

/*
 * lvmd_netdev_bridge() - make sure the bridge (name) exists. One that
 * exists is left as it is. A missing one is made when (create) is set,
 * given (addr)/(prefix) (IPv4, network order; (addr) NULL: none) and set
 * up; with (create) off that is an error.
 * Returns 0, or -errno with one line in (err): -ENODEV for a missing
 * bridge with (create) off, -ENOTDIR for (name) being a device that is no
 * bridge, else what the kernel said (a bridge half made is removed).
 */
int lvmd_netdev_bridge(struct lvmd_netdev *nd, const char *name, bool create,
		       const uint8_t *addr, uint8_t prefix, char *err,
		       size_t errlen);

/*
 * lvmd_netdev_tap() - a new TAP device (name) (IFF_TAP | IFF_NO_PI, not
 * persistent: it goes when its last descriptor closes), put on the
 * bridge (bridge) as lvmd_netdev_enslave() does. A device of that name
 * left behind (by an lvmd that crashed) is removed first.
 * Returns the TAP's descriptor (O_NONBLOCK, close-on-exec), or -errno
 * with one line in (err) and nothing left.
 */
int lvmd_netdev_tap(struct lvmd_netdev *nd, const char *name,
		    const char *bridge, uint16_t mtu, char *err, size_t errlen);

/*
 * lvmd_netdev_enslave() - the existing device (name) (e.g. the vifD.N the
 * kernel's netback made) given no IPv6 address of its own (addr_gen_mode
 * none: dom0 sends the guest no IPv6 traffic of the port's own; one
 * request, before the next, unless the kernel has no IPv6), then MTU
 * (mtu) (0: left as it is), put on the bridge (bridge) and set up, in
 * one request.
 * Returns 0, or -errno with one line in (err): -ENODEV when (name) or
 * (bridge) does not exist.
 */
int lvmd_netdev_enslave(struct lvmd_netdev *nd, const char *name,
			const char *bridge, uint16_t mtu, char *err,
			size_t errlen);

/*
 * lvmd_netdev_pin_mac() - the bridge (name) keeps its MAC from now on:
 * its current address set again by hand (addr_assign_type NET_ADDR_SET).
 * A Linux bridge whose address was never set takes its lowest port's,
 * so each TAP added or removed (random kernel MACs) may change it, while
 * a guest keeps the MAC it learnt by ARP at link up (lwIP: 5 minutes)
 * and, with dom0's permanent neighbour entries, no ARP from dom0 ever
 * tells it another. A bridge with no port (an all-zero address) gets a
 * random locally administered one.
 * Returns 1 when it was set now, 0 when it was set already, with the
 * MAC kept in (out); or -errno with one line in (err).
 */
int lvmd_netdev_pin_mac(struct lvmd_netdev *nd, const char *name,
			uint8_t out[6], char *err, size_t errlen);

/*
 * lvmd_netdev_bridge_index() - the interface index of the bridge (name),
 * one netlink look-up. Returns it (> 0), -ENODEV when there is none,
 * -ENOTDIR when (name) is no bridge, or another -errno.
 */
int lvmd_netdev_bridge_index(struct lvmd_netdev *nd, const char *name);

/*
 * lvmd_netdev_index() - the interface index of the device (name), by
 * one ioctl (no netlink message): what tells that a device found before
 * is still the one of that name (an index is not reused).
 * Returns it (> 0) or -errno (-ENODEV: no such device).
 */
int lvmd_netdev_index(struct lvmd_netdev *nd, const char *name);

/*
 * lvmd_netdev_mtu() - the existing device (name)'s MTU set to (mtu) (and
 * the device set up), in one request.
 * Returns 0, or -errno with one line in (err).
 */
int lvmd_netdev_mtu(struct lvmd_netdev *nd, const char *name, uint16_t mtu,
		    char *err, size_t errlen);

/*
 * lvmd_netdev_neigh() - with (add), a permanent neighbour entry (ARP)
 * for (ip) (IPv4, network order) at (mac) on the interface (ifindex),
 * replacing any entry for (ip) there (packets waiting for its resolution
 * go at once); without, the entry for (ip) removed (none is fine).
 * Returns 0 or -errno.
 */
int lvmd_netdev_neigh(struct lvmd_netdev *nd, int ifindex,
		      const uint8_t ip[4], const uint8_t mac[6], bool add);

/*
 * lvmd_netdev_remove() - remove the device (name) if there is one.
 * Returns 0 (also when there was none) or -errno.
 */
int lvmd_netdev_remove(struct lvmd_netdev *nd, const char *name);

#endif
