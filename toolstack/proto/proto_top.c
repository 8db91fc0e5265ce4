/*
 * proto_top.c — the "top" reply of the lvmd protocol (proto.h): lvmd's
 * counters and pools (the head, in every page) and its guests' counters
 * (a page of them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "proto_json.h"

static int vif_to_json(json_object *arr, const struct lvm_top_vif *v)
{
	json_object *o = json_object_new_object();
	int rc = 0;

	if (!o || json_object_array_add(arr, o) < 0) {
		json_object_put(o);
		return -ENOMEM;
	}
	rc |= lvm_json_add_u64(o, "rx_bytes", v->rx_bytes);
	rc |= lvm_json_add_u64(o, "rx_packets", v->rx_packets);
	rc |= lvm_json_add_u64(o, "tx_bytes", v->tx_bytes);
	rc |= lvm_json_add_u64(o, "tx_packets", v->tx_packets);
	rc |= lvm_json_add_bool(o, "connected", v->connected);
	return rc ? -ENOMEM : 0;
}

json_object *lvm_proto_top_guest_to_json(const struct lvm_top_guest *g)
{
	json_object *o = json_object_new_object(), *arr = NULL;
	int rc = 0;

	if (!o)
		return NULL;
	rc |= lvm_json_add_str(o, "name", g->name);
	rc |= lvm_json_add_u64(o, "domid", g->domid);
	rc |= lvm_json_add_str(o, "state", lvm_state_name(g->state));
	rc |= lvm_json_add_u64(o, "vcpus", g->vcpus);
	rc |= lvm_json_add_u64(o, "memory_mb", g->memory_mb);
	rc |= lvm_json_add_u64(o, "cpu_ns", g->cpu_ns);
	rc |= lvm_json_add_u64(o, "console_bytes", g->console_bytes);
	arr = json_object_new_array();
	if (!arr || json_object_object_add(o, "vifs", arr) < 0) {
		json_object_put(arr);
		rc = -ENOMEM;
	}
	for (unsigned i = 0; rc == 0 && i < g->nvifs && i < LVM_VIFS_MAX; i++)
		rc |= vif_to_json(arr, &g->vifs[i]);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int lvm_proto_top_head_to_json(json_object *rep, const struct lvm_top *t)
{
	json_object *ops = json_object_new_object();
	int rc = 0;

	if (!ops || json_object_object_add(rep, "ops", ops) < 0) {
		json_object_put(ops);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < t->nops && i < LVM_TOP_OPS; i++)
		rc |= lvm_json_add_u64(ops, t->ops[i].op, t->ops[i].count);
	rc |= lvm_json_add_u64(rep, "time_ns", t->time_ns);
	rc |= lvm_json_add_u64(rep, "uptime_ns", t->uptime_ns);
	rc |= lvm_json_add_u64(rep, "requests", t->requests);
	rc |= lvm_json_add_u64(rep, "cpu_ns", t->cpu_ns);
	rc |= lvm_json_add_u64(rep, "rss_kib", t->rss_kib);
	rc |= lvm_json_add_u64(rep, "nguests", t->nguests);
	if (t->data_path != LVM_DATA_PATH_NONE) {
		rc |= lvm_json_add_str(rep, "data_path",
				       t->data_path == LVM_DATA_PATH_YIELDING ?
					       "yielding" :
					       "normal");
		rc |= lvm_json_add_u64(rep, "data_path_starved",
				       t->data_path_starved);
	}
	if (rc)
		return -ENOMEM;
	return lvm_proto_pools_to_json(rep, t->pools, t->npools,
				       t->other_misses);
}

int lvm_proto_top_head_from_json(json_object *rep, struct lvm_top *t)
{
	json_object *ops;
	const char *dp = NULL;
	uint64_t v;
	int rc;

	if (!json_object_object_get_ex(rep, "ops", &ops) ||
	    !json_object_is_type(ops, json_type_object) ||
	    lvm_json_get_u64(rep, "time_ns", true, UINT64_MAX, &t->time_ns) < 0 ||
	    lvm_json_get_u64(rep, "uptime_ns", true, UINT64_MAX, &t->uptime_ns) < 0 ||
	    lvm_json_get_u64(rep, "requests", true, UINT64_MAX, &t->requests) < 0 ||
	    lvm_json_get_u64(rep, "cpu_ns", true, UINT64_MAX, &t->cpu_ns) < 0 ||
	    lvm_json_get_u64(rep, "rss_kib", true, UINT64_MAX, &t->rss_kib) < 0 ||
	    lvm_json_get_u64(rep, "nguests", true, UINT32_MAX, &v) < 0 ||
	    lvm_json_get_str(rep, "data_path", false, 16, &dp) < 0 ||
	    lvm_json_get_u64(rep, "data_path_starved", false, UINT64_MAX,
			     &t->data_path_starved) < 0)
		return -EPROTO;
	t->nguests = (uint32_t)v;
	/* Optional: an older lvmd does not say. */
	if (!dp)
		t->data_path = LVM_DATA_PATH_NONE;
	else if (!strcmp(dp, "yielding"))
		t->data_path = LVM_DATA_PATH_YIELDING;
	else if (!strcmp(dp, "normal"))
		t->data_path = LVM_DATA_PATH_NORMAL;
	else
		return -EPROTO;
	t->nops = 0;
	json_object_object_foreach(ops, key, val) {
		struct lvm_top_op *o = &t->ops[t->nops];

		if (t->nops == LVM_TOP_OPS || strlen(key) == 0 ||
		    strlen(key) >= sizeof(o->op) ||
		    lvm_json_get_u64(ops, key, true, UINT64_MAX, &o->count) < 0)
			return -EPROTO;
		(void)val;
		memcpy(o->op, key, strlen(key) + 1);
		t->nops++;
	}
	free(t->pools);
	t->pools = NULL;
	t->npools = 0;
	rc = lvm_proto_pools_from_json(rep, &t->pools, &t->npools,
				       &t->other_misses);
	return rc;
}

static int vif_from_json(json_object *o, struct lvm_top_vif *v)
{
	if (!json_object_is_type(o, json_type_object) ||
	    lvm_json_get_u64(o, "rx_bytes", true, UINT64_MAX, &v->rx_bytes) < 0 ||
	    lvm_json_get_u64(o, "rx_packets", true, UINT64_MAX, &v->rx_packets) < 0 ||
	    lvm_json_get_u64(o, "tx_bytes", true, UINT64_MAX, &v->tx_bytes) < 0 ||
	    lvm_json_get_u64(o, "tx_packets", true, UINT64_MAX, &v->tx_packets) < 0 ||
	    lvm_json_get_bool(o, "connected", &v->connected) < 0)
		return -EPROTO;
	return 0;
}

int lvm_proto_top_guest_from_json(json_object *o, struct lvm_top_guest *g)
{
	const char *name = NULL, *state = NULL;
	json_object *vifs;
	uint64_t domid, vcpus, mem;
	size_t n;

	memset(g, 0, sizeof(*g));
	if (!json_object_is_type(o, json_type_object) ||
	    lvm_json_get_str(o, "name", true, LVM_NAME_MAX, &name) < 0 ||
	    lvm_json_get_str(o, "state", true, 32, &state) < 0 ||
	    lvm_state_parse(state, &g->state) < 0 ||
	    lvm_json_get_u64(o, "domid", true, UINT32_MAX, &domid) < 0 ||
	    lvm_json_get_u64(o, "vcpus", true, UINT32_MAX, &vcpus) < 0 ||
	    lvm_json_get_u64(o, "memory_mb", true, UINT32_MAX, &mem) < 0 ||
	    lvm_json_get_u64(o, "cpu_ns", true, UINT64_MAX, &g->cpu_ns) < 0 ||
	    lvm_json_get_u64(o, "console_bytes", true, UINT64_MAX,
			     &g->console_bytes) < 0 ||
	    !json_object_object_get_ex(o, "vifs", &vifs) ||
	    !json_object_is_type(vifs, json_type_array))
		return -EPROTO;
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->domid = (uint32_t)domid;
	g->vcpus = (uint32_t)vcpus;
	g->memory_mb = (uint32_t)mem;
	n = json_object_array_length(vifs);
	if (n > LVM_VIFS_MAX)
		return -EPROTO;
	for (size_t i = 0; i < n; i++)
		if (vif_from_json(json_object_array_get_idx(vifs, i),
				  &g->vifs[i]) < 0)
			return -EPROTO;
	g->nvifs = (unsigned)n;
	return 0;
}

int lvm_proto_top_guests_from_json(json_object *rep, struct lvm_top *t,
				   size_t *cap)
{
	json_object *arr;
	size_t n;

	if (!json_object_object_get_ex(rep, "guests", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return -EPROTO;
	n = json_object_array_length(arr);
	if (t->nguests_listed + n > *cap) {
		size_t nc = *cap ? *cap : 16;
		struct lvm_top_guest *nv;

		while (nc < t->nguests_listed + n)
			nc *= 2;
		nv = realloc(t->guests, nc * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		t->guests = nv;
		*cap = nc;
	}
	for (size_t i = 0; i < n; i++) {
		if (lvm_proto_top_guest_from_json(json_object_array_get_idx(arr, i),
						  &t->guests[t->nguests_listed]) < 0)
			return -EPROTO;
		t->nguests_listed++;
	}
	return 0;
}
