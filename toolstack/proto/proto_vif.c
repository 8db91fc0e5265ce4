/*
 * proto_vif.c — a guest's vifs on the wire and in records: a JSON array of
 * objects, each field only when set, every field checked on the way in
 * (proto.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "proto.h"
#include "proto_json.h"
#include "toolstack/common/errf.h"

/* vif_to_json: one vif (v), vif (id) of (domid) (0: no device name), a
 * (xenstore) guest's or not. */
static json_object *vif_to_json(const struct lvm_vif *v, unsigned id,
				uint32_t domid, bool xenstore)
{
	json_object *o = json_object_new_object();
	char mac[18], ip[16], dev[LVM_IFNAME_MAX + 1];
	int rc = 0;

	if (!o)
		return NULL;
	if (v->has_mac)
		rc |= lvm_json_add_str(o, "mac", lvm_mac_format(v->mac, mac));
	if (v->bridge[0])
		rc |= lvm_json_add_str(o, "bridge", v->bridge);
	if (v->has_ip)
		rc |= lvm_json_add_str(o, "ip", lvm_ipv4_format(v->ip, ip));
	if (v->prefix)
		rc |= lvm_json_add_u64(o, "prefix", v->prefix);
	if (v->mtu)
		rc |= lvm_json_add_u64(o, "mtu", v->mtu);
	if (domid && lvm_vif_devname_of(domid, id, xenstore, dev) == 0)
		rc |= lvm_json_add_str(o, "dev", dev);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

json_object *lvm_proto_vifs_to_json(const struct lvm_vif *v, unsigned n,
				    uint32_t domid, bool xenstore)
{
	json_object *a = json_object_new_array(), *o;

	for (unsigned i = 0; a && i < n; i++) {
		o = vif_to_json(&v[i], i, domid, xenstore);
		if (!o || json_object_array_add(a, o) < 0) {
			json_object_put(o);
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

/* vif_from_json: one object (o) into (v) (zeroed first); 0 or -EPROTO
 * with the line in (err). */
static int vif_from_json(json_object *o, struct lvm_vif *v, char *err,
			 size_t errlen)
{
	const char *mac = NULL, *br = NULL, *ip = NULL;
	uint64_t prefix, mtu;
	uint8_t p;

	memset(v, 0, sizeof(*v));
	if (!json_object_is_type(o, json_type_object))
		return lvm_errf(err, errlen, EPROTO, "not an object");
	if (lvm_json_get_str(o, "mac", false, 17, &mac) < 0 ||
	    (mac && lvm_mac_parse(mac, v->mac) < 0))
		return lvm_errf(err, errlen, EPROTO, "'mac' is not six hex pairs");
	v->has_mac = mac != NULL;
	if (lvm_json_get_str(o, "bridge", false, LVM_IFNAME_MAX, &br) < 0 ||
	    (br && !br[0]))
		return lvm_errf(err, errlen, EPROTO, "'bridge' is not a string of 1..%d bytes",
			        LVM_IFNAME_MAX);
	if (br)
		snprintf(v->bridge, sizeof(v->bridge), "%s", br);
	if (lvm_json_get_str(o, "ip", false, 15, &ip) < 0 ||
	    (ip && (lvm_ipv4_parse(ip, v->ip, &p) < 0 || p)))
		return lvm_errf(err, errlen, EPROTO, "'ip' is not an address A.B.C.D");
	v->has_ip = ip != NULL;
	if (lvm_json_get_u64(o, "prefix", false, 32, &prefix) < 0 ||
	    lvm_json_get_u64(o, "mtu", false, 65535, &mtu) < 0)
		return lvm_errf(err, errlen, EPROTO, "'prefix' or 'mtu' out of range");
	v->prefix = (uint8_t)prefix;
	v->mtu = (uint16_t)mtu;
	return 0;
}

int lvm_proto_vifs_from_json(json_object *arr, struct lvm_vif *v,
			     unsigned *n, bool resolved, char *err,
			     size_t errlen)
{
	char line[200];
	size_t len;

	*n = 0;
	if (!arr)
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return lvm_errf(err, errlen, EPROTO, "'vifs' is not an array");
	len = json_object_array_length(arr);
	if (len > LVM_VIFS_MAX)
		return lvm_errf(err, errlen, EPROTO, "%zu vifs: at most %d", len,
			        LVM_VIFS_MAX);
	for (size_t i = 0; i < len; i++)
		if (vif_from_json(json_object_array_get_idx(arr, i), &v[i], line,
				  sizeof(line)) < 0)
			return lvm_errf(err, errlen, EPROTO, "vif%zu: %s", i, line);
	if (lvm_vifs_check(v, (unsigned)len, resolved, line, sizeof(line)) < 0)
		return lvm_errf(err, errlen, EPROTO, "%s", line);
	*n = (unsigned)len;
	return 0;
}
