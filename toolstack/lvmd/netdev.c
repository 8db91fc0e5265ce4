/*
 * netdev.c — dom0's network devices through libnl and /dev/net/tun: the
 * vifs' bridge made if missing, a vif's TAP device made, put on its
 * bridge and set up, an existing device (the kernel netback's vifD.N)
 * put on a bridge, a stale device removed (see netdev.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_tun.h>
#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/neighbour.h>

#include "netdev.h"
#include "toolstack/common/errf.h"

struct lvmd_netdev {
	struct nl_sock *sk;
};

/* sys_err: the errno closest to libnl's error (nlerr, negative or not). */
static int sys_err(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_EXIST: return EEXIST;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV: return ENODEV;
	case NLE_PERM: return EPERM;
	case NLE_BUSY: return EBUSY;
	case NLE_NOMEM: return ENOMEM;
	case NLE_INVAL: return EINVAL;
	case NLE_RANGE: return ERANGE;
	case NLE_OPNOTSUPP: return EOPNOTSUPP;
	case NLE_NOACCESS: return EACCES;
	default: return EIO;
	}
}

/* nl_fail: one line "(what) (name): libnl's reason" in (err); -errno. */
static int nl_fail(char *err, size_t errlen, int nlerr, const char *what,
		   const char *name)
{
	return lvm_errf(err, errlen, sys_err(nlerr), "%s %s: %s", what, name,
			nl_geterror(nlerr < 0 ? -nlerr : nlerr));
}

int lvmd_netdev_open(struct lvmd_netdev **out, char *err, size_t errlen)
{
	struct lvmd_netdev *nd = calloc(1, sizeof(*nd));
	int rc;

	if (!nd)
		return lvm_errf(err, errlen, ENOMEM, "netlink: out of memory");
	nd->sk = nl_socket_alloc();
	if (!nd->sk) {
		free(nd);
		return lvm_errf(err, errlen, ENOMEM, "netlink: out of memory");
	}
	rc = nl_connect(nd->sk, NETLINK_ROUTE);
	if (rc < 0) {
		rc = nl_fail(err, errlen, rc, "netlink", "route socket");
		nl_socket_free(nd->sk);
		free(nd);
		return rc;
	}
	*out = nd;
	return 0;
}

void lvmd_netdev_close(struct lvmd_netdev *nd)
{
	if (!nd)
		return;
	nl_socket_free(nd->sk);
	free(nd);
}

/* link_change: (name)'s MTU (0: unchanged), master (0: unchanged) and
 * flags IFF_UP, in one request. 0 or libnl's error. */
static int link_change(struct nl_sock *sk, struct rtnl_link *orig,
		       uint16_t mtu, int master)
{
	struct rtnl_link *c = rtnl_link_alloc();
	int rc;

	if (!c)
		return -NLE_NOMEM;
	if (mtu)
		rtnl_link_set_mtu(c, mtu);
	if (master)
		rtnl_link_set_master(c, master);
	rtnl_link_set_flags(c, IFF_UP);
	rc = rtnl_link_change(sk, orig, c, 0);
	rtnl_link_put(c);
	return rc;
}

/* no_ipv6: (orig) given no IPv6 address of its own (addr_gen_mode
 * none), in a request of its own before link_change() sets it up: the
 * kernel applies a request's flags before its address family settings,
 * and a device set up with the default mode has its link-local address
 * at once. A kernel without IPv6 has nothing to quiet. 0 or libnl's
 * error. */
static int no_ipv6(struct nl_sock *sk, struct rtnl_link *orig)
{
	struct rtnl_link *c = rtnl_link_alloc();
	int rc;

	if (!c)
		return -NLE_NOMEM;
	rc = rtnl_link_inet6_set_addr_gen_mode(c, IN6_ADDR_GEN_MODE_NONE);
	if (rc == 0)
		rc = rtnl_link_change(sk, orig, c, 0);
	rtnl_link_put(c);
	return rc == -NLE_AF_NOSUPPORT || rc == -NLE_OPNOTSUPP ? 0 : rc;
}

/* add_addr: (addr)/(prefix) on (ifindex). 0 or libnl's error. */
static int add_addr(struct nl_sock *sk, int ifindex, const uint8_t *addr,
		    uint8_t prefix)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(AF_INET, addr, 4);
	int rc = -NLE_NOMEM;

	if (a && local) {
		nl_addr_set_prefixlen(local, prefix);
		rtnl_addr_set_ifindex(a, ifindex);
		rc = rtnl_addr_set_local(a, local);
		if (rc == 0)
			rc = rtnl_addr_add(sk, a, 0);
	}
	nl_addr_put(local);
	rtnl_addr_put(a);
	return rc;
}

/* make_bridge: the bridge (name), with its address, set up. */
static int make_bridge(struct nl_sock *sk, const char *name,
		       const uint8_t *addr, uint8_t prefix, char *err,
		       size_t errlen)
{
	struct rtnl_link *link = NULL;
	const char *what = "cannot create bridge";
	int rc;

	rc = rtnl_link_bridge_add(sk, name);
	if (rc < 0)
		return nl_fail(err, errlen, rc, what, name);
	rc = rtnl_link_get_kernel(sk, 0, name, &link);
	if (rc == 0 && addr) {
		what = "cannot give an address to bridge";
		rc = add_addr(sk, rtnl_link_get_ifindex(link), addr, prefix);
	}
	if (rc == 0) {
		what = "cannot set up bridge";
		rc = link_change(sk, link, 0, 0);
	}
	if (rc < 0) {
		rc = nl_fail(err, errlen, rc, what, name);
		if (link)
			rtnl_link_delete(sk, link);
	}
	if (link)
		rtnl_link_put(link);
	return rc;
}

int lvmd_netdev_bridge(struct lvmd_netdev *nd, const char *name, bool create,
		       const uint8_t *addr, uint8_t prefix, char *err,
		       size_t errlen)
{
	struct rtnl_link *link = NULL;
	int rc;

	rc = rtnl_link_get_kernel(nd->sk, 0, name, &link);
	if (rc == 0) {
		rc = rtnl_link_is_bridge(link) ? 0 :
			lvm_errf(err, errlen, ENOTDIR,
				 "bridge %s: a device of that name is not a bridge",
				 name);
		rtnl_link_put(link);
		return rc;
	}
	if (sys_err(rc) != ENODEV)
		return nl_fail(err, errlen, rc, "cannot look up bridge", name);
	if (!create)
		return lvm_errf(err, errlen, ENODEV,
				"bridge %s does not exist (bridge_create is off in lvmd.conf)",
				name);
	return make_bridge(nd->sk, name, addr, prefix, err, errlen);
}

/* addr_type: (name)'s addr_assign_type (3, NET_ADDR_SET: set by hand,
 * which a bridge keeps whatever ports come and go), or -1 unknown. */
static int addr_type(const char *name)
{
	char path[128], v[8];
	FILE *f;
	int t = -1;

	snprintf(path, sizeof(path), "/sys/class/net/%s/addr_assign_type",
		 name);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(v, sizeof(v), f) && v[0] >= '0' && v[0] <= '9')
		t = (int)strtol(v, NULL, 10);
	fclose(f);
	return t;
}

/* set_mac: (link)'s address set to (mac), one request. 0 or libnl's. */
static int set_mac(struct nl_sock *sk, struct rtnl_link *link,
		   struct nl_addr *mac)
{
	struct rtnl_link *c = rtnl_link_alloc();
	int rc;

	if (!c)
		return -NLE_NOMEM;
	rtnl_link_set_addr(c, mac);
	rc = rtnl_link_change(sk, link, c, 0);
	rtnl_link_put(c);
	return rc;
}

int lvmd_netdev_pin_mac(struct lvmd_netdev *nd, const char *name,
			uint8_t out[6], char *err, size_t errlen)
{
	struct rtnl_link *link = NULL;
	struct nl_addr *mac, *other = NULL;
	uint8_t b[6];
	bool zero;
	int rc, t;

	rc = rtnl_link_get_kernel(nd->sk, 0, name, &link);
	if (rc < 0)
		return nl_fail(err, errlen, rc, "cannot look up bridge", name);
	mac = rtnl_link_get_addr(link);
	if (!mac || nl_addr_get_len(mac) != 6) {
		rtnl_link_put(link);
		return lvm_errf(err, errlen, EINVAL, "bridge %s has no MAC",
				name);
	}
	memcpy(b, nl_addr_get_binary_addr(mac), 6);
	memcpy(out, b, 6);
	zero = !(b[0] | b[1] | b[2] | b[3] | b[4] | b[5]);
	if (!zero && addr_type(name) == 3) {
		rtnl_link_put(link);
		return 0;
	}
	if (zero) {
		/* A bridge left with no port has no address (all zero), and
		 * no guest learnt one: give it a random local unicast one. */
		if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
			rtnl_link_put(link);
			return lvm_errf(err, errlen, EIO,
					"bridge %s: no random MAC", name);
		}
		b[0] = (uint8_t)((b[0] & 0xfe) | 0x02);
		memcpy(out, b, 6);
		mac = other = nl_addr_build(AF_LLC, b, 6);
		if (!mac) {
			rtnl_link_put(link);
			return lvm_errf(err, errlen, ENOMEM, "out of memory");
		}
	}
	/* Its own address given back: the kernel marks it set. */
	rc = set_mac(nd->sk, link, mac);
	t = rc == 0 ? addr_type(name) : 3;
	if (t >= 0 && t != 3) {
		/* A kernel that skips an address equal to the device's: set
		 * another for an instant, then its own again. */
		struct nl_addr *flip;

		b[5] ^= 1;
		flip = nl_addr_build(AF_LLC, b, 6);
		rc = flip ? set_mac(nd->sk, link, flip) : -NLE_NOMEM;
		if (rc == 0)
			rc = set_mac(nd->sk, link, mac);
		nl_addr_put(flip);
	}
	nl_addr_put(other);
	rtnl_link_put(link);
	if (rc < 0)
		return nl_fail(err, errlen, rc, "cannot fix the MAC of bridge",
			       name);
	return 1;
}

int lvmd_netdev_bridge_index(struct lvmd_netdev *nd, const char *name)
{
	struct rtnl_link *link = NULL;
	int rc;

	rc = rtnl_link_get_kernel(nd->sk, 0, name, &link);
	if (rc < 0)
		return -sys_err(rc);
	rc = rtnl_link_is_bridge(link) ? rtnl_link_get_ifindex(link) : -ENOTDIR;
	rtnl_link_put(link);
	return rc;
}

int lvmd_netdev_index(struct lvmd_netdev *nd, const char *name)
{
	struct ifreq ifr;

	/* An interface ioctl on the route socket: no netlink round trip. */
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(nl_socket_get_fd(nd->sk), SIOCGIFINDEX, &ifr) < 0)
		return -errno;
	return ifr.ifr_ifindex;
}

int lvmd_netdev_mtu(struct lvmd_netdev *nd, const char *name, uint16_t mtu,
		    char *err, size_t errlen)
{
	struct rtnl_link *any = rtnl_link_alloc(), *c = rtnl_link_alloc();
	int rc = -NLE_NOMEM;

	/* No index: the kernel finds the device by the name the change
	 * carries, so no look-up first. */
	if (any && c) {
		rtnl_link_set_name(c, name);
		rtnl_link_set_mtu(c, mtu);
		rtnl_link_set_flags(c, IFF_UP);
		rc = rtnl_link_change(nd->sk, any, c, 0);
	}
	if (c)
		rtnl_link_put(c);
	if (any)
		rtnl_link_put(any);
	if (rc < 0)
		return lvm_errf(err, errlen, sys_err(rc),
				"%s: cannot set its MTU to %u: %s", name, mtu,
				nl_geterror(-rc));
	return 0;
}

int lvmd_netdev_neigh(struct lvmd_netdev *nd, int ifindex,
		      const uint8_t ip[4], const uint8_t mac[6], bool add)
{
	struct rtnl_neigh *n = rtnl_neigh_alloc();
	struct nl_addr *dst = nl_addr_build(AF_INET, ip, 4);
	struct nl_addr *ll = nl_addr_build(AF_LLC, mac, 6);
	int rc = -NLE_NOMEM;

	if (n && dst && ll) {
		rtnl_neigh_set_ifindex(n, ifindex);
		rtnl_neigh_set_family(n, AF_INET);
		rc = rtnl_neigh_set_dst(n, dst);
	}
	if (rc == 0 && add) {
		rtnl_neigh_set_lladdr(n, ll);
		rtnl_neigh_set_state(n, NUD_PERMANENT);
		rc = rtnl_neigh_add(nd->sk, n, NLM_F_CREATE | NLM_F_REPLACE);
	} else if (rc == 0) {
		rc = rtnl_neigh_delete(nd->sk, n, 0);
		if (rc < 0 && sys_err(rc) == ENODEV)
			rc = 0;          /* none there: nothing to remove */
	}
	nl_addr_put(ll);
	nl_addr_put(dst);
	rtnl_neigh_put(n);
	return rc < 0 ? -sys_err(rc) : 0;
}

int lvmd_netdev_remove(struct lvmd_netdev *nd, const char *name)
{
	struct rtnl_link *link = NULL;
	int rc;

	rc = rtnl_link_get_kernel(nd->sk, 0, name, &link);
	if (rc < 0)
		return sys_err(rc) == ENODEV ? 0 : -sys_err(rc);
	rc = rtnl_link_delete(nd->sk, link);
	rtnl_link_put(link);
	if (rc < 0 && sys_err(rc) != ENODEV)
		return -sys_err(rc);
	return 0;
}

/* open_tap: /dev/net/tun attached to a new TAP (name). */
static int open_tap(const char *name, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd, e;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return lvm_errf(err, errlen, errno, "cannot open /dev/net/tun: %s",
				strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		e = errno;
		close(fd);
		return lvm_errf(err, errlen, e, "cannot make TAP %s: %s", name,
				strerror(e));
	}
	return fd;
}

int lvmd_netdev_enslave(struct lvmd_netdev *nd, const char *name,
			const char *bridge, uint16_t mtu, char *err,
			size_t errlen)
{
	struct rtnl_link *dev = NULL, *br = NULL;
	int rc;

	rc = rtnl_link_get_kernel(nd->sk, 0, bridge, &br);
	if (rc < 0) {
		rc = nl_fail(err, errlen, rc, "cannot look up bridge", bridge);
		goto out;
	}
	/* A guest's port carries no IPv6 address of dom0's: else the kernel
	 * sends the guest its duplicate address checks, multicast listener
	 * reports and router solicitations, which wake an idle guest and
	 * crowd out the frames kept for it while it boots (a client's first
	 * SYN). */
	rc = rtnl_link_get_kernel(nd->sk, 0, name, &dev);
	if (rc == 0)
		rc = no_ipv6(nd->sk, dev);
	if (rc == 0)
		rc = link_change(nd->sk, dev, mtu, rtnl_link_get_ifindex(br));
	if (rc < 0)
		rc = lvm_errf(err, errlen, sys_err(rc),
			      "%s: cannot put it on bridge %s: %s", name,
			      bridge, nl_geterror(rc < 0 ? -rc : rc));
out:
	if (dev)
		rtnl_link_put(dev);
	if (br)
		rtnl_link_put(br);
	return rc;
}

int lvmd_netdev_tap(struct lvmd_netdev *nd, const char *name,
		    const char *bridge, uint16_t mtu, char *err, size_t errlen)
{
	int fd, rc;

	rc = lvmd_netdev_remove(nd, name);
	if (rc < 0)
		return lvm_errf(err, errlen, -rc,
				"cannot remove the stale device %s: %s", name,
				strerror(-rc));
	fd = open_tap(name, err, errlen);
	if (fd < 0)
		return fd;
	rc = lvmd_netdev_enslave(nd, name, bridge, mtu, err, errlen);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}
