/*
 * jsonform.h — lvm.h's JSON forms (lvm_info_json() and the others) as
 * json-c objects, before they become text: json.c prints them, and the
 * `lvm` command, which links liblvm's objects, adds to them and prints
 * them pretty without parsing that text again (a third of its work for
 * `lvm create --json`). Not part of liblvm.so's interface (liblvm.map).
 * Each returns a new object, or NULL on ENOMEM.
 */
#ifndef LVM_LIBLVM_JSONFORM_H
#define LVM_LIBLVM_JSONFORM_H

#include <json-c/json.h>

#include <lvm.h>

json_object *lvm_jsonform_info(const struct lvm_info *info);
json_object *lvm_jsonform_timing(const struct lvm_timing *t);
json_object *lvm_jsonform_pools(const struct lvm_pool_info *v, size_t n,
				uint64_t other_misses);
json_object *lvm_jsonform_top(const struct lvm_top *t);

#endif
