/*
 * proto_json.c — typed json-c accessors (see proto_json.h).
 */
#include <errno.h>
#include <string.h>

#include "proto_json.h"

static int add(json_object *o, const char *key, json_object *v)
{
	if (!v)
		return -ENOMEM;
	if (json_object_object_add(o, key, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

int lvm_json_add_str(json_object *o, const char *key, const char *s)
{
	return s ? add(o, key, json_object_new_string(s)) : 0;
}

int lvm_json_add_u64(json_object *o, const char *key, uint64_t v)
{
	return add(o, key, json_object_new_uint64(v));
}

int lvm_json_add_i64(json_object *o, const char *key, int64_t v)
{
	return add(o, key, json_object_new_int64(v));
}

int lvm_json_add_bool(json_object *o, const char *key, bool v)
{
	return add(o, key, json_object_new_boolean(v));
}

int lvm_json_get_str(json_object *o, const char *key, bool required,
		     size_t maxlen, const char **out)
{
	json_object *v;
	const char *s;
	int n;

	if (!json_object_object_get_ex(o, key, &v))
		return required ? -EPROTO : 0;
	if (!json_object_is_type(v, json_type_string))
		return -EPROTO;
	s = json_object_get_string(v);
	n = json_object_get_string_len(v);
	if (!s || n < 0 || strlen(s) != (size_t)n)
		return -EPROTO;
	if (maxlen && (size_t)n > maxlen)
		return -EPROTO;
	if (required && n == 0)
		return -EPROTO;
	*out = s;
	return 0;
}

/* get_int: the integer field (key) of (o) in (*v); -ENOENT if absent. */
static int get_int(json_object *o, const char *key, json_object **v)
{
	if (!json_object_object_get_ex(o, key, v))
		return -ENOENT;
	if (!json_object_is_type(*v, json_type_int))
		return -EPROTO;
	return 0;
}

int lvm_json_get_u64(json_object *o, const char *key, bool required,
		     uint64_t max, uint64_t *out)
{
	json_object *v;
	uint64_t u;
	int rc = get_int(o, key, &v);

	if (rc == -ENOENT) {
		*out = 0;
		return required ? -EPROTO : 0;
	}
	if (rc < 0)
		return rc;
	if (json_object_get_int64(v) < 0)
		return -EPROTO;
	u = json_object_get_uint64(v);
	if (u > max)
		return -EPROTO;
	*out = u;
	return 0;
}

int lvm_json_get_i64(json_object *o, const char *key, int64_t *out)
{
	json_object *v;
	int64_t i;
	int rc = get_int(o, key, &v);

	if (rc < 0)
		return -EPROTO;
	i = json_object_get_int64(v);
	/* A value above INT64_MAX reads as INT64_MAX: refuse it. */
	if (i == INT64_MAX && json_object_get_uint64(v) != (uint64_t)INT64_MAX)
		return -EPROTO;
	*out = i;
	return 0;
}

int lvm_json_get_bool(json_object *o, const char *key, bool *out)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v)) {
		*out = false;
		return 0;
	}
	if (!json_object_is_type(v, json_type_boolean))
		return -EPROTO;
	*out = json_object_get_boolean(v);
	return 0;
}

int lvm_json_get_opt_u64(json_object *o, const char *key, bool *has,
			 uint64_t *out)
{
	uint64_t v;

	if (!json_object_object_get_ex(o, key, NULL))
		return 0;
	if (lvm_json_get_u64(o, key, true, UINT64_MAX, &v) < 0)
		return -EPROTO;
	*has = true;
	*out = v;
	return 0;
}

int lvm_json_dup_str(json_object *o, const char *key, bool required,
		     char **dst)
{
	const char *s = NULL;

	if (lvm_json_get_str(o, key, required, 4096, &s) < 0)
		return -EPROTO;
	if (s && !(*dst = strdup(s)))
		return -ENOMEM;
	return 0;
}
