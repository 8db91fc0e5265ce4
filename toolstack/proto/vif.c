/*
 * vif.c — a vif's settings as text: the spec of a config's `vif` entry and
 * of `lvm create --vif` (lvm_vif_parse, lvm_vif_format), dom0's device
 * name of a vif (lvm_vif_devname), and the checks both sides apply to a
 * decoded vif (lvm_vif_check, lvm_vifs_check in proto.h): liblvm before a
 * request leaves, lvmd on every request and record it reads.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "proto.h"
#include "toolstack/common/errf.h"

/* The keys of xl's vif syntax that lvm does not take. */
static const char *const xl_only[] = {
	"accel", "backend", "devid", "forwarddev", "gatewaydev", "ip6",
	"model", "rate", "script", "trusted", "type", "untrusted", "vifname",
};

int lvm_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int lvm_mac_parse(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		const char *p = s + 3 * i;
		int hi = lvm_hexval(p[0]), lo = hi < 0 ? -1 : lvm_hexval(p[1]);

		if (hi < 0 || lo < 0 || p[2] != (i < 5 ? ':' : '\0'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int lvm_mac_check(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	if (mac[0] & 1)
		return -EINVAL;               /* multicast, broadcast */
	return memcmp(mac, zero, 6) == 0 ? -EINVAL : 0;
}

const char *lvm_mac_format(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

int lvm_ifname_check(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > LVM_IFNAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return -EINVAL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c == 0x7f || c == '/' || c == ':')
			return -EINVAL;
	}
	return 0;
}

/* octet: a decimal 0..(max) of 1..3 digits at (*p), which moves past it. */
static int octet(const char **p, unsigned max, unsigned *out)
{
	unsigned v = 0, n = 0;

	while (**p >= '0' && **p <= '9' && n < 3) {
		v = v * 10 + (unsigned)(**p - '0');
		(*p)++;
		n++;
	}
	if (n == 0 || v > max || (**p >= '0' && **p <= '9'))
		return -EINVAL;
	*out = v;
	return 0;
}

int lvm_ipv4_parse(const char *s, uint8_t ip[4], uint8_t *prefix)
{
	const char *p = s;
	unsigned v;

	for (int i = 0; i < 4; i++) {
		if (octet(&p, 255, &v) < 0 || *p != (i < 3 ? '.' : *p))
			return -EINVAL;
		ip[i] = (uint8_t)v;
		if (i < 3)
			p++;
	}
	*prefix = 0;
	if (*p == '/') {
		p++;
		if (octet(&p, 32, &v) < 0 || v == 0)
			return -EINVAL;
		*prefix = (uint8_t)v;
	}
	return *p ? -EINVAL : 0;
}

const char *lvm_ipv4_format(const uint8_t ip[4], char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
	return buf;
}

/* setting: KEY=VALUE (key (k), (klen) bytes; value (v), NUL-ended) into
 * (out); (seen) marks the keys given, once each. */
static int setting(const char *k, size_t klen, const char *v,
		   struct lvm_vif *out, unsigned *seen, char *err,
		   size_t errlen)
{
	static const char *const keys[] = { "mac", "bridge", "ip", "mtu" };
	unsigned i, mtu;
	const char *p = v;
	char key[40];

	for (i = 0; i < 4; i++)
		if (strlen(keys[i]) == klen && !strncmp(keys[i], k, klen))
			break;
	if (i == 4) {
		for (size_t j = 0; j < sizeof(xl_only) / sizeof(xl_only[0]); j++)
			if (strlen(xl_only[j]) == klen && !strncmp(xl_only[j], k, klen))
				return lvm_errf(err, errlen, EINVAL,
					        "'%s' is not supported (lvm takes mac, bridge, ip, mtu)",
					        xl_only[j]);
		snprintf(key, sizeof(key), "%.*s", (int)klen, k);
		return lvm_errf(err, errlen, EINVAL,
			        "unknown key '%s' (want mac, bridge, ip or mtu)",
			        LVM_ESCAPED(key, 32));
	}
	if (*seen & 1u << i)
		return lvm_errf(err, errlen, EINVAL, "'%s' is given twice", keys[i]);
	*seen |= 1u << i;
	switch (i) {
	case 0:
		if (lvm_mac_parse(v, out->mac) < 0)
			return lvm_errf(err, errlen, EINVAL,
				        "mac '%s': not six hex pairs like 00:16:3e:01:02:03",
				        LVM_ESCAPED(v, 40));
		if (lvm_mac_check(out->mac) < 0)
			return lvm_errf(err, errlen, EINVAL,
				        "mac '%s': %s", v, out->mac[0] & 1 ?
				        "a multicast address (the low bit of the first byte is set)" :
				        "all zero");
		out->has_mac = true;
		return 0;
	case 1:
		if (lvm_ifname_check(v) < 0)
			return lvm_errf(err, errlen, EINVAL,
				        "bridge '%s': not a network interface name (1..%d bytes, no '/', ':', blank or control byte, not . or ..)",
				        LVM_ESCAPED(v, 40), LVM_IFNAME_MAX);
		snprintf(out->bridge, sizeof(out->bridge), "%s", v);
		return 0;
	case 2:
		if (lvm_ipv4_parse(v, out->ip, &out->prefix) < 0)
			return lvm_errf(err, errlen, EINVAL,
				        "ip '%s': not an IPv4 address A.B.C.D, optionally /PREFIX (1..32)",
				        LVM_ESCAPED(v, 40));
		out->has_ip = true;
		return 0;
	default:
		for (mtu = 0; *p >= '0' && *p <= '9' && mtu < 100000; p++)
			mtu = mtu * 10 + (unsigned)(*p - '0');
		if (p == v || *p || mtu < LVM_VIF_MTU_MIN ||
		    mtu > LVM_VIF_MTU_MAX)
			return lvm_errf(err, errlen, EINVAL,
				        "mtu '%s': want a number from %d to %d",
				        LVM_ESCAPED(v, 40), LVM_VIF_MTU_MIN,
				        LVM_VIF_MTU_MAX);
		out->mtu = (uint16_t)mtu;
		return 0;
	}
}

int lvm_vif_parse(const char *spec, struct lvm_vif *out, char *err,
		  size_t errlen)
{
	char item[128];
	const char *p = spec, *end, *eq;
	unsigned seen = 0;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!spec)
		return lvm_errf(err, errlen, EINVAL, "no vif spec");
	if (!strcmp(spec, "") || !strcmp(spec, "default"))
		return 0;
	for (;;) {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		while (n && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 0)
			return lvm_errf(err, errlen, EINVAL,
				        "an empty setting (want KEY=VALUE, separated by ',')");
		if (n >= sizeof(item))
			return lvm_errf(err, errlen, EINVAL, "a setting longer than %zu bytes",
				        sizeof(item) - 1);
		memcpy(item, p, n);
		item[n] = '\0';
		eq = strchr(item, '=');
		if (!eq || eq == item)
			return lvm_errf(err, errlen, EINVAL, "'%s' is not KEY=VALUE",
				        LVM_ESCAPED(item, 40));
		rc = setting(item, (size_t)(eq - item), eq + 1, out, &seen, err,
			     errlen);
		if (rc < 0)
			return rc;
		if (!end)
			return 0;
		p = end + 1;
	}
}

const char *lvm_vif_format(const struct lvm_vif *v, char *buf, size_t len)
{
	char mac[18], ip[16];
	size_t off = 0;
	int n;

	if (!len)
		return buf;
	buf[0] = '\0';
#define PUT(...)                                                          \
	do {                                                              \
		n = snprintf(buf + off, len - off, "%s", off ? "," : ""); \
		if (n > 0 && (size_t)n < len - off)                       \
			off += (size_t)n;                                 \
		n = snprintf(buf + off, len - off, __VA_ARGS__);          \
		if (n > 0 && (size_t)n < len - off)                       \
			off += (size_t)n;                                 \
	} while (0)
	if (v->has_mac)
		PUT("mac=%s", lvm_mac_format(v->mac, mac));
	if (v->bridge[0])
		PUT("bridge=%s", v->bridge);
	if (v->has_ip && v->prefix)
		PUT("ip=%s/%u", lvm_ipv4_format(v->ip, ip), v->prefix);
	else if (v->has_ip)
		PUT("ip=%s", lvm_ipv4_format(v->ip, ip));
	if (v->mtu)
		PUT("mtu=%u", v->mtu);
#undef PUT
	return buf;
}

int lvm_vif_devname_of(uint32_t domid, unsigned id, bool xenstore,
		       char buf[LVM_IFNAME_MAX + 1])
{
	buf[0] = '\0';
	if (domid == 0 || domid >= 0x7ff0 || id >= LVM_VIFS_MAX)
		return -EINVAL;
	snprintf(buf, LVM_IFNAME_MAX + 1, "%s%u.%u", xenstore ? "vif" : "lvm",
		 domid, id);
	return 0;
}

int lvm_vif_devname(uint32_t domid, unsigned id, char buf[LVM_IFNAME_MAX + 1])
{
	return lvm_vif_devname_of(domid, id, false, buf);
}

int lvm_vif_check(const struct lvm_vif *v, bool resolved, char *err,
		  size_t errlen)
{
	char mac[18];

	if (v->has_mac && lvm_mac_check(v->mac) < 0)
		return lvm_errf(err, errlen, EINVAL, "mac %s: %s",
			        lvm_mac_format(v->mac, mac),
			        v->mac[0] & 1 ? "a multicast address" : "all zero");
	if (memchr(v->bridge, '\0', sizeof(v->bridge)) == NULL ||
	    (v->bridge[0] && lvm_ifname_check(v->bridge) < 0))
		return lvm_errf(err, errlen, EINVAL,
			        "bridge: not a network interface name");
	if (v->prefix > 32 || (v->prefix && !v->has_ip))
		return lvm_errf(err, errlen, EINVAL, "prefix /%u: want 1..32 with an address",
			        v->prefix);
	if (v->mtu && (v->mtu < LVM_VIF_MTU_MIN || v->mtu > LVM_VIF_MTU_MAX))
		return lvm_errf(err, errlen, EINVAL, "mtu %u: want %d..%d", v->mtu,
			        LVM_VIF_MTU_MIN, LVM_VIF_MTU_MAX);
	if (resolved && (!v->has_mac || !v->bridge[0] || !v->has_ip ||
			 !v->prefix || !v->mtu))
		return lvm_errf(err, errlen, EINVAL,
			        "not resolved (mac, bridge, ip, prefix and mtu all needed)");
	return 0;
}

int lvm_vifs_check(const struct lvm_vif *v, unsigned n, bool resolved,
		   char *err, size_t errlen)
{
	char line[200], mac[18];
	int rc;

	if (n > LVM_VIFS_MAX)
		return lvm_errf(err, errlen, EINVAL, "%u vifs: at most %d", n,
			        LVM_VIFS_MAX);
	for (unsigned i = 0; i < n; i++) {
		rc = lvm_vif_check(&v[i], resolved, line, sizeof(line));
		if (rc < 0)
			return lvm_errf(err, errlen, -rc, "vif%u: %s", i, line);
		for (unsigned j = 0; v[i].has_mac && j < i; j++)
			if (v[j].has_mac && !memcmp(v[i].mac, v[j].mac, 6))
				return lvm_errf(err, errlen, EINVAL,
					        "vif%u: mac %s is vif%u's too", i,
					        lvm_mac_format(v[i].mac, mac), j);
	}
	return 0;
}
