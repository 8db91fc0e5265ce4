/*
 * fuzz_proto.c — libFuzzer target for what lvmd and liblvm parse off the
 * socket (toolstack/proto/proto.c, proto_info.c): framing, then the
 * request, reply, info, timing and pools decoders on whatever object
 * comes out.
 * Nothing may crash, leak or read out of bounds; a decoded request's
 * strings must be NUL-terminated and within their limits.
 *
 *   sources: tests/fuzz/fuzz_proto.c toolstack/proto/proto.c
 *            toolstack/proto/proto_info.c toolstack/proto/proto_json.c
 *   flags:   -Itoolstack/include, link -ljson-c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/proto/proto.h"

static void check_str(const char *s, size_t max)
{
	if (s && strlen(s) > max)
		abort();
}

/* decode_pools: a decoded pools reply has bounded strings and encodes
 * again. */
static void decode_pools(json_object *o)
{
	struct lvm_pool_info *v = NULL, *w = NULL;
	json_object *rep;
	uint64_t other, other2;
	size_t n, n2;

	if (lvm_proto_pools_from_json(o, &v, &n, &other) != 0) {
		if (v)
			abort();
		return;
	}
	rep = json_object_new_object();
	for (size_t i = 0; i < n; i++) {
		check_str(v[i].image, LVM_POOL_IMAGE_MAX - 1);
		check_str(v[i].error, LVM_POOL_ERROR_MAX - 1);
	}
	if (rep && lvm_proto_pools_to_json(rep, v, n, other) == 0) {
		if (lvm_proto_pools_from_json(rep, &w, &n2, &other2) != 0 ||
		    n2 != n || other2 != other ||
		    (n && memcmp(v, w, n * sizeof(*v)) != 0))
			abort();
	}
	json_object_put(rep);
	free(w);
	free(v);
}

/* decode_top: a top page's head and guests, then a round trip of them. */
static void decode_top(json_object *o)
{
	struct lvm_top t = { 0 }, u = { 0 };
	size_t cap = 0, cap2 = 0;
	json_object *rep, *arr;

	if (lvm_proto_top_head_from_json(o, &t) == 0 && t.nops > LVM_TOP_OPS)
		abort();
	if (lvm_proto_top_guests_from_json(o, &t, &cap) == 0) {
		if (t.nguests_listed > cap)
			abort();
		rep = json_object_new_object();
		arr = json_object_new_array();
		for (size_t i = 0; rep && arr && i < t.nguests_listed; i++) {
			check_str(t.guests[i].name, LVM_NAME_MAX);
			if (t.guests[i].nvifs > LVM_VIFS_MAX)
				abort();
			json_object_array_add(arr,
				lvm_proto_top_guest_to_json(&t.guests[i]));
		}
		if (rep && arr && json_object_object_add(rep, "guests", arr) == 0) {
			arr = NULL;
			if (lvm_proto_top_guests_from_json(rep, &u, &cap2) != 0 ||
			    u.nguests_listed != t.nguests_listed ||
			    (u.nguests_listed &&
			     memcmp(u.guests, t.guests,
				    u.nguests_listed * sizeof(*u.guests)) != 0))
				abort();
		}
		json_object_put(arr);
		json_object_put(rep);
	}
	free(u.guests);
	free(u.pools);
	free(t.guests);
	free(t.pools);
}

static void decode_all(json_object *o)
{
	struct lvm_req r;
	struct lvm_info info;
	struct lvm_timing t;
	json_object *v;
	const char *msg;
	char err[256];
	int e;

	if (lvm_proto_parse_request(o, &r, err, sizeof(err)) == 0) {
		if ((unsigned)r.op >= LVM_OP_COUNT)
			abort();
		check_str(r.target, 255);
		check_str(r.cfg.name, 4096);
		check_str(r.cfg.kernel, 4096);
		/* a decoded request encodes again */
		json_object_put(lvm_proto_request(&r));
	} else if (!memchr(err, '\0', sizeof(err))) {
		abort();
	}
	if (lvm_proto_parse_reply(o, &e, &msg) == 0 && (e < 0 || !msg))
		abort();
	if (lvm_proto_info_from_json(o, &info) == 0) {
		check_str(info.name, LVM_NAME_MAX);
		json_object_put(lvm_proto_info_to_json(&info));
		lvm_info_clear(&info);
	}
	if (json_object_object_get_ex(o, "info", &v) &&
	    lvm_proto_info_from_json(v, &info) == 0)
		lvm_info_clear(&info);
	if (lvm_proto_timing_from_json(o, &t) == 0)
		json_object_put(lvm_proto_timing_to_json(&t));
	decode_pools(o);
	decode_top(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0, used;
	json_object *o;
	int rc;

	/* Messages back to back, as a connection would carry them. */
	while (off < size) {
		o = NULL;
		rc = lvm_proto_decode(data + off, size - off, &used, &o);
		if (rc <= 0)
			break;
		if (used == 0 || used > size - off || !o)
			abort();
		decode_all(o);
		json_object_put(o);
		off += used;
	}
	return 0;
}
