/*
 * proto_json.h — small typed accessors over json-c objects, for the
 * protocol (proto.c, proto_info.c) and lvmd's registry. Internal.
 *
 * The getters treat the object as untrusted: a field of the wrong type,
 * out of range, or a string with a NUL byte in it is -EPROTO.
 */
#ifndef LVM_PROTO_JSON_H
#define LVM_PROTO_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* lvm_json_add_*() - set (key) in (o); a NULL (s) adds nothing.
 * Return 0 or -ENOMEM. */
int lvm_json_add_str(json_object *o, const char *key, const char *s);
int lvm_json_add_u64(json_object *o, const char *key, uint64_t v);
int lvm_json_add_i64(json_object *o, const char *key, int64_t v);
int lvm_json_add_bool(json_object *o, const char *key, bool v);

/*
 * lvm_json_get_str() - (*out) = the string (key) of (o), at most (maxlen)
 * bytes (0: no limit but the message's). Absent: -EPROTO if (required),
 * else 0 with (*out) untouched. A required string must not be empty.
 */
int lvm_json_get_str(json_object *o, const char *key, bool required,
		     size_t maxlen, const char **out);

/*
 * lvm_json_get_u64() - (*out) = the integer (key) of (o), in 0..(max).
 * Absent: -EPROTO if (required), else 0 with (*out) = 0.
 */
int lvm_json_get_u64(json_object *o, const char *key, bool required,
		     uint64_t max, uint64_t *out);

/* lvm_json_get_i64() - (*out) = the integer (key); absent: -EPROTO. */
int lvm_json_get_i64(json_object *o, const char *key, int64_t *out);

/* lvm_json_get_bool() - (*out) = the boolean (key); absent: false, 0. */
int lvm_json_get_bool(json_object *o, const char *key, bool *out);

/*
 * lvm_json_get_opt_u64() - when (o) has (key): (*out) = its integer and
 * (*has) = true; absent: 0 with both untouched. -EPROTO when not an
 * unsigned integer.
 */
int lvm_json_get_opt_u64(json_object *o, const char *key, bool *has,
			 uint64_t *out);

/*
 * lvm_json_dup_str() - (*dst) = a copy of the string (key) of (o), at most
 * 4096 bytes. Absent: -EPROTO if (required), else 0 with (*dst) untouched.
 * -ENOMEM when the copy cannot be made.
 */
int lvm_json_dup_str(json_object *o, const char *key, bool required,
		     char **dst);

#endif
