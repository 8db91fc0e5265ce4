/*
 * json.c — lvm.h's JSON forms of a guest's info, a creation's timing and
 * lvmd's pools, a top snapshot:
 * the protocol's own codec (toolstack/proto/), as objects (jsonform.h)
 * and as text, for callers that print or store them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <lvm.h>

#include "toolstack/liblvm/jsonform.h"
#include "toolstack/proto/proto.h"

/* text() - (o) as compact JSON text, malloc'd; consumes (o). */
static char *text(json_object *o)
{
	char *s = NULL;

	if (o)
		s = strdup(json_object_to_json_string_ext(
			o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (!s)
		errno = ENOMEM;
	return s;
}

json_object *lvm_jsonform_info(const struct lvm_info *info)
{
	return lvm_proto_info_to_json(info);
}

json_object *lvm_jsonform_timing(const struct lvm_timing *t)
{
	const struct {
		const char *key;
		uint64_t v;
	} own[] = { /* the caller's, not lvmd's: not in the protocol */
		{ "client_ns", t->client_ns },
		{ "encode_ns", t->encode_ns },
		{ "decode_ns", t->decode_ns },
	};
	json_object *o = lvm_proto_timing_to_json(t);

	for (size_t i = 0; o && i < sizeof(own) / sizeof(own[0]); i++) {
		json_object *v = json_object_new_uint64(own[i].v);

		if (!v || json_object_object_add(o, own[i].key, v) < 0) {
			json_object_put(v);
			json_object_put(o);
			o = NULL;
		}
	}
	return o;
}

json_object *lvm_jsonform_pools(const struct lvm_pool_info *v, size_t n,
				uint64_t other_misses)
{
	json_object *o = json_object_new_object();

	if (o && lvm_proto_pools_to_json(o, v, n, other_misses) < 0) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

json_object *lvm_jsonform_top(const struct lvm_top *t)
{
	json_object *o = json_object_new_object(), *arr = NULL;

	if (o && lvm_proto_top_head_to_json(o, t) < 0)
		goto nomem;
	arr = o ? json_object_new_array() : NULL;
	if (!arr || json_object_object_add(o, "guests", arr) < 0) {
		json_object_put(arr);
		goto nomem;
	}
	for (size_t i = 0; i < t->nguests_listed; i++) {
		json_object *g = lvm_proto_top_guest_to_json(&t->guests[i]);

		if (!g || json_object_array_add(arr, g) < 0) {
			json_object_put(g);
			goto nomem;
		}
	}
	return o;
nomem:
	json_object_put(o);
	errno = ENOMEM;
	return NULL;
}

char *lvm_info_json(const struct lvm_info *info)
{
	return text(lvm_jsonform_info(info));
}

char *lvm_timing_json(const struct lvm_timing *t)
{
	return text(lvm_jsonform_timing(t));
}

char *lvm_pool_json(const struct lvm_pool_info *v, size_t n,
		    uint64_t other_misses)
{
	return text(lvm_jsonform_pools(v, n, other_misses));
}

char *lvm_top_json(const struct lvm_top *t)
{
	return text(lvm_jsonform_top(t));
}
