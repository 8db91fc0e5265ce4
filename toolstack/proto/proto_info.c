/*
 * proto_info.c — guest info, timing and the shell pools on the wire, and
 * the words for the enums (proto.h), plus the name rule both sides apply
 * (lvm.h).
 */
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "proto_json.h"

static const char *const state_names[] = {
	[LVM_STATE_RUNNING] = "running",
	[LVM_STATE_PAUSED] = "paused",
	[LVM_STATE_SHUTDOWN] = "shutdown",
	[LVM_STATE_CRASHED] = "crashed",
	[LVM_STATE_DYING] = "dying",
	[LVM_STATE_GONE] = "gone",
	[LVM_STATE_REBOOTING] = "rebooting",
};
#define N_STATES (sizeof(state_names) / sizeof(state_names[0]))

static const char *const action_names[] = {
	[LVM_ACTION_DESTROY] = "destroy",
	[LVM_ACTION_PRESERVE] = "preserve",
	[LVM_ACTION_RESTART] = "restart",
};

static const char *const store_names[] = {
	[LVM_STORE_AUTO] = "auto",
	[LVM_STORE_NOXS] = "noxs",
	[LVM_STORE_XENSTORE] = "xenstore",
};

/* lookup: the index of (s) in (names), or -EINVAL. */
static int lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return (int)i;
	return -EINVAL;
}

const char *lvm_state_name(enum lvm_state s)
{
	return (unsigned)s < N_STATES ? state_names[s] : "?";
}

const char *lvm_action_name(enum lvm_action a)
{
	return (unsigned)a < 3 ? action_names[a] : "?";
}

const char *lvm_store_name(enum lvm_store s)
{
	return (unsigned)s < 3 ? store_names[s] : "?";
}

int lvm_state_parse(const char *s, enum lvm_state *out)
{
	int i = lookup(state_names, N_STATES, s);

	if (i < 0)
		return i;
	*out = (enum lvm_state)i;
	return 0;
}

int lvm_action_parse(const char *s, enum lvm_action *out)
{
	int i = lookup(action_names, 2, s);

	if (i < 0)
		return i;
	*out = (enum lvm_action)i;
	return 0;
}

int lvm_reboot_action_parse(const char *s, enum lvm_action *out)
{
	int i = lookup(action_names, 3, s);

	if (i < 0)
		return i;
	*out = (enum lvm_action)i;
	return 0;
}

int lvm_store_parse(const char *s, enum lvm_store *out)
{
	int i = lookup(store_names, 3, s);

	if (i < 0)
		return i;
	*out = (enum lvm_store)i;
	return 0;
}

int lvm_name_check(const char *name)
{
	size_t n, digits = 0;

	if (!name)
		return -EINVAL;
	n = strlen(name);
	if (n == 0 || n > LVM_NAME_MAX)
		return -EINVAL;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x80 && isdigit(c))
			digits++;
		else if (!(c < 0x80 && isalpha(c)) && c != '.' && c != '_' &&
			 c != '-')
			return -EINVAL;
	}
	return digits == n ? -EINVAL : 0;
}

void lvm_info_clear(struct lvm_info *info)
{
	if (!info)
		return;
	free(info->kernel);
	free(info->cmdline);
	free(info->console_log);
	memset(info, 0, sizeof(*info));
}

json_object *lvm_proto_info_to_json(const struct lvm_info *in)
{
	json_object *o = json_object_new_object();
	int rc = 0;

	if (!o)
		return NULL;
	rc |= lvm_json_add_str(o, "name", in->name);
	rc |= lvm_json_add_u64(o, "domid", in->domid);
	rc |= lvm_json_add_bool(o, "managed", in->managed);
	rc |= lvm_json_add_str(o, "uuid", in->uuid);
	rc |= lvm_json_add_str(o, "state", lvm_state_name(in->state));
	rc |= lvm_json_add_u64(o, "memory_mb", in->memory_mb);
	rc |= lvm_json_add_u64(o, "vcpus", in->vcpus);
	if (in->managed) {
		rc |= lvm_json_add_i64(o, "created", in->created);
		rc |= lvm_json_add_u64(o, "uptime_ms", in->uptime_ms);
		if (in->has_ready)
			rc |= lvm_json_add_u64(o, "ready_ns", in->ready_ns);
		rc |= lvm_json_add_str(o, "on_poweroff",
				       lvm_action_name(in->on_poweroff));
		rc |= lvm_json_add_str(o, "on_crash",
				       lvm_action_name(in->on_crash));
		rc |= lvm_json_add_str(o, "on_reboot",
				       lvm_action_name(in->on_reboot));
		rc |= lvm_json_add_bool(o, "noxs", in->noxs);
		rc |= lvm_json_add_bool(o, "xenstore", in->xenstore);
		rc |= lvm_json_add_str(o, "kernel", in->kernel);
		rc |= lvm_json_add_str(o, "cmdline", in->cmdline);
		rc |= lvm_json_add_str(o, "console_log", in->console_log);
		rc |= lvm_proto_app_to_json(o, &in->app);
		if (in->warning[0])
			rc |= lvm_json_add_str(o, "warning", in->warning);
		if (in->nvifs) {
			json_object *v = lvm_proto_vifs_to_json(in->vifs,
								in->nvifs,
								in->domid,
								in->xenstore);

			if (!v || json_object_object_add(o, "vifs", v) < 0) {
				json_object_put(v);
				rc = -ENOMEM;
			}
		}
	}
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int lvm_proto_app_to_json(json_object *o, const struct lvm_app *a)
{
	int rc = 0;

	if (!a->name[0])
		return 0;
	/* Flat keys: a nested "name" would read as the guest's own to the
	 * line-based readers of lvm's JSON in shell scripts. */
	rc |= lvm_json_add_str(o, "app_name", a->name);
	rc |= lvm_json_add_str(o, "app_version", a->version);
	rc |= lvm_json_add_str(o, "app_build_id", a->build_id);
	return rc ? -ENOMEM : 0;
}

/* app_str_ok: (s) is 1..(max) bytes, each allowed by (kind): 'n' a name
 * (a-z 0-9 _ -), 'v' a version (printable, no space), 'h' lower hex. */
static bool app_str_ok(const char *s, size_t min, size_t max, char kind)
{
	size_t n = strlen(s);

	if (n < min || n > max)
		return false;
	for (; *s; s++) {
		char c = *s;
		bool ok = kind == 'v' ? (c > ' ' && c <= '~') :
			  kind == 'h' ? ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) :
			  ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			   c == '_' || c == '-');

		if (!ok)
			return false;
	}
	return true;
}

int lvm_proto_app_from_json(json_object *o, struct lvm_app *a)
{
	const char *name = NULL, *version = NULL, *id = NULL;

	memset(a, 0, sizeof(*a));
	if (lvm_json_get_str(o, "app_name", false, 32, &name) < 0)
		return -EPROTO;
	if (!name)
		return 0;
	if (lvm_json_get_str(o, "app_version", true, 32, &version) < 0 ||
	    lvm_json_get_str(o, "app_build_id", true, 64, &id) < 0 ||
	    !app_str_ok(name, 1, 32, 'n') || !app_str_ok(version, 1, 32, 'v') ||
	    !app_str_ok(id, 64, 64, 'h'))
		return -EPROTO;
	memcpy(a->name, name, strlen(name) + 1);
	memcpy(a->version, version, strlen(version) + 1);
	memcpy(a->build_id, id, 65);
	return 0;
}

static int info_managed(json_object *o, struct lvm_info *in)
{
	json_object *vifs;
	char line[200];
	const char *s;
	int rc;

	if (lvm_json_get_i64(o, "created", &in->created) < 0 ||
	    lvm_json_get_u64(o, "uptime_ms", false, UINT64_MAX, &in->uptime_ms) < 0)
		return -EPROTO;
	if (lvm_json_get_opt_u64(o, "ready_ns", &in->has_ready, &in->ready_ns) < 0)
		return -EPROTO;
	s = "destroy";
	if (lvm_json_get_str(o, "on_poweroff", false, 16, &s) < 0 ||
	    lvm_action_parse(s, &in->on_poweroff) < 0)
		return -EPROTO;
	s = "destroy";
	if (lvm_json_get_str(o, "on_crash", false, 16, &s) < 0 ||
	    lvm_action_parse(s, &in->on_crash) < 0)
		return -EPROTO;
	s = "restart";
	if (lvm_json_get_str(o, "on_reboot", false, 16, &s) < 0 ||
	    lvm_reboot_action_parse(s, &in->on_reboot) < 0)
		return -EPROTO;
	if (lvm_json_get_bool(o, "noxs", &in->noxs) < 0 ||
	    lvm_json_get_bool(o, "xenstore", &in->xenstore) < 0)
		return -EPROTO;
	rc = lvm_json_dup_str(o, "kernel", false, &in->kernel);
	if (rc == 0)
		rc = lvm_json_dup_str(o, "cmdline", false, &in->cmdline);
	if (rc == 0)
		rc = lvm_json_dup_str(o, "console_log", false, &in->console_log);
	if (rc == 0 && lvm_proto_app_from_json(o, &in->app) < 0)
		rc = -EPROTO;
	if (rc == 0) {
		const char *w = NULL;

		if (lvm_json_get_str(o, "warning", false, sizeof(in->warning) - 1,
				     &w) < 0)
			rc = -EPROTO;
		else if (w)
			memcpy(in->warning, w, strlen(w) + 1);
	}
	if (rc == 0 && json_object_object_get_ex(o, "vifs", &vifs) &&
	    lvm_proto_vifs_from_json(vifs, in->vifs, &in->nvifs, true, line,
				     sizeof(line)) < 0)
		rc = -EPROTO;
	return rc;
}

int lvm_proto_info_from_json(json_object *o, struct lvm_info *in)
{
	const char *s = NULL;
	uint64_t v;
	int rc = -EPROTO;

	memset(in, 0, sizeof(*in));
	if (!json_object_is_type(o, json_type_object))
		goto out;
	if (lvm_json_get_str(o, "name", false, LVM_NAME_MAX, &s) < 0)
		goto out;
	if (s)
		strcpy(in->name, s);
	if (lvm_json_get_u64(o, "domid", true, UINT32_MAX, &v) < 0)
		goto out;
	in->domid = (uint32_t)v;
	if (lvm_json_get_bool(o, "managed", &in->managed) < 0)
		goto out;
	s = NULL;
	if (lvm_json_get_str(o, "uuid", false, 36, &s) < 0)
		goto out;
	if (s)
		strcpy(in->uuid, s);
	s = NULL;
	if (lvm_json_get_str(o, "state", true, 16, &s) < 0 ||
	    lvm_state_parse(s, &in->state) < 0)
		goto out;
	if (lvm_json_get_u64(o, "memory_mb", false, UINT32_MAX, &v) < 0)
		goto out;
	in->memory_mb = (uint32_t)v;
	if (lvm_json_get_u64(o, "vcpus", false, UINT32_MAX, &v) < 0)
		goto out;
	in->vcpus = (uint32_t)v;
	rc = in->managed ? info_managed(o, in) : 0;
out:
	if (rc < 0)
		lvm_info_clear(in);
	return rc;
}

static const struct {
	const char *key;
	size_t off;
} timing_fields[] = {
	{ "queue_ns", offsetof(struct lvm_timing, queue_ns) },
	{ "claim_ns", offsetof(struct lvm_timing, claim_ns) },
	{ "prepare_ns", offsetof(struct lvm_timing, prepare_ns) },
	{ "load_ns", offsetof(struct lvm_timing, load_ns) },
	{ "build_ns", offsetof(struct lvm_timing, build_ns) },
	{ "devices_ns", offsetof(struct lvm_timing, devices_ns) },
	{ "unpause_ns", offsetof(struct lvm_timing, unpause_ns) },
	{ "total_ns", offsetof(struct lvm_timing, total_ns) },
	{ "map_ns", offsetof(struct lvm_timing, map_ns) },
	{ "bind_ns", offsetof(struct lvm_timing, bind_ns) },
	{ "log_ns", offsetof(struct lvm_timing, log_ns) },
	{ "save_ns", offsetof(struct lvm_timing, save_ns) },
};
#define N_TIMING (sizeof(timing_fields) / sizeof(timing_fields[0]))

json_object *lvm_proto_timing_to_json(const struct lvm_timing *t)
{
	json_object *o = json_object_new_object();
	int rc = 0;

	if (!o)
		return NULL;
	for (size_t i = 0; i < N_TIMING; i++)
		rc |= lvm_json_add_u64(o, timing_fields[i].key,
				       *(const uint64_t *)((const char *)t +
							   timing_fields[i].off));
	if (t->has_ready)
		rc |= lvm_json_add_u64(o, "ready_ns", t->ready_ns);
	if (t->tsc_khz)
		rc |= lvm_json_add_u64(o, "tsc_khz", t->tsc_khz);
	rc |= json_object_object_add(o, "pool_hit",
				     json_object_new_boolean(t->pool_hit)) < 0;
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int lvm_proto_timing_from_json(json_object *o, struct lvm_timing *t)
{
	uint64_t v;

	memset(t, 0, sizeof(*t));
	if (!json_object_is_type(o, json_type_object))
		return -EPROTO;
	for (size_t i = 0; i < N_TIMING; i++) {
		if (lvm_json_get_u64(o, timing_fields[i].key, false, UINT64_MAX,
				     &v) < 0)
			return -EPROTO;
		*(uint64_t *)((char *)t + timing_fields[i].off) = v;
	}
	if (lvm_json_get_opt_u64(o, "ready_ns", &t->has_ready, &t->ready_ns) < 0)
		return -EPROTO;
	if (lvm_json_get_u64(o, "tsc_khz", false, UINT32_MAX, &t->tsc_khz) < 0)
		return -EPROTO;
	{
		json_object *h;

		if (json_object_object_get_ex(o, "pool_hit", &h)) {
			if (!json_object_is_type(h, json_type_boolean))
				return -EPROTO;
			t->pool_hit = json_object_get_boolean(h);
		}
	}
	return 0;
}

/* A pool's numbers on the wire: 32-bit ones and 64-bit counters. */
static const struct {
	const char *key;
	bool wide;
	size_t off;
} pool_fields[] = {
	{ "memory_mb", false, offsetof(struct lvm_pool_info, memory_mb) },
	{ "vcpus", false, offsetof(struct lvm_pool_info, vcpus) },
	{ "target", false, offsetof(struct lvm_pool_info, target) },
	{ "ready", false, offsetof(struct lvm_pool_info, ready) },
	{ "preparing", false, offsetof(struct lvm_pool_info, preparing) },
	{ "hits", true, offsetof(struct lvm_pool_info, hits) },
	{ "misses", true, offsetof(struct lvm_pool_info, misses) },
};
#define N_POOL (sizeof(pool_fields) / sizeof(pool_fields[0]))

/* pool_to_json: one pool as a new member of (arr); 0 or -ENOMEM. */
static int pool_to_json(json_object *arr, const struct lvm_pool_info *p)
{
	json_object *o = json_object_new_object();
	uint64_t v;
	int rc = 0;

	if (!o || json_object_array_add(arr, o) < 0) {
		json_object_put(o);
		return -ENOMEM;
	}
	for (size_t i = 0; i < N_POOL; i++) {
		const char *f = (const char *)p + pool_fields[i].off;

		v = pool_fields[i].wide ? *(const uint64_t *)f :
					  *(const uint32_t *)f;
		rc |= lvm_json_add_u64(o, pool_fields[i].key, v);
	}
	if (p->image[0])
		rc |= lvm_json_add_str(o, "image", p->image);
	if (p->error[0])
		rc |= lvm_json_add_str(o, "error", p->error);
	return rc ? -ENOMEM : 0;
}

int lvm_proto_pools_to_json(json_object *rep, const struct lvm_pool_info *v,
			    size_t n, uint64_t other_misses)
{
	json_object *arr = json_object_new_array();

	if (!arr || json_object_object_add(rep, "pools", arr) < 0) {
		json_object_put(arr);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (pool_to_json(arr, &v[i]) < 0)
			return -ENOMEM;
	return lvm_json_add_u64(rep, "other_misses", other_misses);
}

/* pool_from_json: one member of "pools" into (p). 0 or -EPROTO. */
static int pool_from_json(json_object *o, struct lvm_pool_info *p)
{
	const char *image = NULL, *error = NULL;
	uint64_t v;

	if (!json_object_is_type(o, json_type_object) ||
	    lvm_json_get_str(o, "image", false, LVM_POOL_IMAGE_MAX - 1,
			     &image) < 0 ||
	    lvm_json_get_str(o, "error", false, LVM_POOL_ERROR_MAX - 1,
			     &error) < 0)
		return -EPROTO;
	snprintf(p->image, sizeof(p->image), "%s", image ? image : "");
	snprintf(p->error, sizeof(p->error), "%s", error ? error : "");
	for (size_t i = 0; i < N_POOL; i++) {
		char *f = (char *)p + pool_fields[i].off;

		if (lvm_json_get_u64(o, pool_fields[i].key, true,
				     pool_fields[i].wide ? UINT64_MAX :
							   UINT32_MAX, &v) < 0)
			return -EPROTO;
		if (pool_fields[i].wide)
			*(uint64_t *)f = v;
		else
			*(uint32_t *)f = (uint32_t)v;
	}
	return 0;
}

int lvm_proto_pools_from_json(json_object *rep, struct lvm_pool_info **out,
			      size_t *n, uint64_t *other_misses)
{
	struct lvm_pool_info *v = NULL;
	json_object *arr;
	size_t k;
	int rc = -EPROTO;

	*out = NULL;
	*n = 0;
	if (!json_object_object_get_ex(rep, "pools", &arr) ||
	    !json_object_is_type(arr, json_type_array) ||
	    lvm_json_get_u64(rep, "other_misses", false, UINT64_MAX,
			     other_misses) < 0)
		return -EPROTO;
	k = json_object_array_length(arr);
	v = calloc(k ? k : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < k; i++)
		if (pool_from_json(json_object_array_get_idx(arr, i), &v[i]) < 0)
			goto out;
	*out = v;
	*n = k;
	v = NULL;
	rc = 0;
out:
	free(v);
	return rc;
}
