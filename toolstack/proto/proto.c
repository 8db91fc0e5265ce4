/*
 * proto.c — framing, requests and replies of the lvmd protocol (proto.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto.h"
#include "proto_json.h"

static const char *const op_names[LVM_OP_COUNT] = {
	[LVM_OP_CREATE] = "create",
	[LVM_OP_DESTROY] = "destroy",
	[LVM_OP_SHUTDOWN] = "shutdown",
	[LVM_OP_REBOOT] = "reboot",
	[LVM_OP_PAUSE] = "pause",
	[LVM_OP_UNPAUSE] = "unpause",
	[LVM_OP_LIST] = "list",
	[LVM_OP_INFO] = "info",
	[LVM_OP_CONSOLE] = "console",
	[LVM_OP_POOL] = "pool",
	[LVM_OP_POOL_SET] = "pool_set",
	[LVM_OP_TOP] = "top",
};

const char *lvm_op_name(enum lvm_op op)
{
	if ((unsigned)op >= LVM_OP_COUNT)
		return NULL;
	return op_names[op];
}

int lvm_proto_encode(json_object *msg, char **buf, size_t *len)
{
	const char *s;
	size_t n;
	char *b;

	s = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s)
		return -ENOMEM;
	n = strlen(s);
	if (n == 0 || n > LVM_PROTO_MAX)
		return -EMSGSIZE;
	b = malloc(LVM_PROTO_HDR + n);
	if (!b)
		return -ENOMEM;
	b[0] = (char)(n & 0xff);
	b[1] = (char)((n >> 8) & 0xff);
	b[2] = (char)((n >> 16) & 0xff);
	b[3] = (char)((n >> 24) & 0xff);
	memcpy(b + LVM_PROTO_HDR, s, n);
	*buf = b;
	*len = LVM_PROTO_HDR + n;
	return 0;
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* lvm_proto_parse: exactly one JSON object in (n) bytes at (s), no NUL. */
int lvm_proto_parse(const char *s, size_t n, json_object **out)
{
	json_tokener *tok;
	json_object *obj;
	int rc = -EPROTO;

	if (memchr(s, '\0', n))
		return -EPROTO;
	tok = json_tokener_new_ex(LVM_PROTO_DEPTH);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, s, (int)n);
	if (!obj || json_tokener_get_error(tok) != json_tokener_success)
		goto out;
	if (json_tokener_get_parse_end(tok) != n ||
	    !json_object_is_type(obj, json_type_object))
		goto out;
	*out = obj;
	obj = NULL;
	rc = 0;
out:
	json_object_put(obj);
	json_tokener_free(tok);
	return rc;
}

int lvm_proto_decode(const void *buf, size_t len, size_t *used,
		     json_object **out)
{
	const unsigned char *p = buf;
	uint32_t n;
	int rc;

	if (len < LVM_PROTO_HDR)
		return 0;
	n = get_le32(p);
	if (n == 0 || n > LVM_PROTO_MAX)
		return -EMSGSIZE;
	if (len - LVM_PROTO_HDR < n)
		return 0;
	rc = lvm_proto_parse((const char *)p + LVM_PROTO_HDR, n, out);
	if (rc < 0)
		return rc;
	*used = LVM_PROTO_HDR + n;
	return 1;
}

int lvm_proto_write(int fd, const char *buf, size_t len)
{
	size_t off = 0;
	ssize_t r;

	while (off < len) {
		r = send(fd, buf + off, len - off, MSG_NOSIGNAL);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)r;
	}
	return 0;
}

/* read_full: (n) bytes into (buf); -ECONNRESET on an early end. */
static int read_full(int fd, void *buf, size_t n)
{
	size_t off = 0;
	ssize_t r;

	while (off < n) {
		r = read(fd, (char *)buf + off, n - off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -ECONNRESET;
		off += (size_t)r;
	}
	return 0;
}

int lvm_proto_read(int fd, char **body, size_t *len)
{
	unsigned char hdr[LVM_PROTO_HDR];
	uint32_t n;
	char *b;
	int rc;

	rc = read_full(fd, hdr, sizeof(hdr));
	if (rc < 0)
		return rc;
	n = get_le32(hdr);
	if (n == 0 || n > LVM_PROTO_MAX)
		return -EMSGSIZE;
	b = malloc(n);
	if (!b)
		return -ENOMEM;
	rc = read_full(fd, b, n);
	if (rc < 0) {
		free(b);
		return rc;
	}
	*body = b;
	*len = n;
	return 0;
}

/* ---- requests ---- */

json_object *lvm_proto_request(const struct lvm_req *r)
{
	const struct lvm_req_cfg *c = &r->cfg;
	const char *op = lvm_op_name(r->op);
	json_object *o;
	int rc = 0;

	if (!op) {
		errno = EINVAL;
		return NULL;
	}
	o = json_object_new_object();
	if (!o)
		goto nomem;
	rc |= lvm_json_add_str(o, "op", op);
	switch (r->op) {
	case LVM_OP_CREATE:
		rc |= lvm_json_add_str(o, "name", c->name);
		rc |= lvm_json_add_str(o, "kernel", c->kernel);
		rc |= lvm_json_add_str(o, "ramdisk", c->ramdisk);
		rc |= lvm_json_add_str(o, "cmdline", c->cmdline);
		rc |= lvm_json_add_u64(o, "memory_mb", c->memory_mb);
		rc |= lvm_json_add_u64(o, "vcpus", c->vcpus);
		rc |= lvm_json_add_str(o, "on_poweroff",
				       lvm_action_name(c->on_poweroff));
		rc |= lvm_json_add_str(o, "on_crash",
				       lvm_action_name(c->on_crash));
		rc |= lvm_json_add_str(o, "on_reboot",
				       lvm_action_name(c->on_reboot));
		rc |= lvm_json_add_str(o, "store", lvm_store_name(c->store));
		rc |= lvm_json_add_bool(o, "paused", c->paused);
		rc |= lvm_json_add_bool(o, "wait_ready", c->wait_ready);
		if (c->nvifs) {
			json_object *v = lvm_proto_vifs_to_json(c->vifs,
								c->nvifs, 0,
								false);

			if (!v || json_object_object_add(o, "vifs", v) < 0) {
				json_object_put(v);
				goto nomem;
			}
		}
		break;
	case LVM_OP_SHUTDOWN:
	case LVM_OP_REBOOT:
		rc |= lvm_json_add_u64(o, "timeout_ms", r->timeout_ms);
		/* fall through */
	case LVM_OP_DESTROY:
	case LVM_OP_PAUSE:
	case LVM_OP_UNPAUSE:
	case LVM_OP_INFO:
	case LVM_OP_CONSOLE:
		rc |= lvm_json_add_str(o, "target", r->target);
		break;
	case LVM_OP_LIST:
		rc |= lvm_json_add_bool(o, "all", r->all);
		if (r->from)
			rc |= lvm_json_add_u64(o, "from", r->from);
		break;
	case LVM_OP_TOP:
		if (r->from)
			rc |= lvm_json_add_u64(o, "from", r->from);
		break;
	case LVM_OP_POOL:
		break;
	case LVM_OP_POOL_SET:
		rc |= lvm_json_add_u64(o, "memory_mb", c->memory_mb);
		rc |= lvm_json_add_u64(o, "vcpus", c->vcpus);
		rc |= lvm_json_add_u64(o, "target", r->pool_target);
		if (c->kernel)
			rc |= lvm_json_add_str(o, "image", c->kernel);
		break;
	case LVM_OP_COUNT:
		break;
	}
	if (rc)
		goto nomem;
	return o;
nomem:
	json_object_put(o);
	errno = ENOMEM;
	return NULL;
}

#define BAD(...)                                                          \
	do {                                                              \
		snprintf(err, errlen, __VA_ARGS__);                       \
		return -EPROTO;                                           \
	} while (0)

/* get_enum: optional string field (key) parsed by (parse); default kept. */
static int get_enum(json_object *obj, const char *key,
		    int (*parse)(const char *, int *), int *out)
{
	const char *s = NULL;
	int rc;

	rc = lvm_json_get_str(obj, key, false, 0, &s);
	if (rc < 0 || !s)
		return rc;
	return parse(s, out) < 0 ? -EPROTO : 0;
}

static int parse_action(const char *s, int *out)
{
	enum lvm_action a;
	int rc = lvm_action_parse(s, &a);

	*out = (int)a;
	return rc;
}

static int parse_reboot_action(const char *s, int *out)
{
	enum lvm_action a;
	int rc = lvm_reboot_action_parse(s, &a);

	*out = (int)a;
	return rc;
}

static int parse_store(const char *s, int *out)
{
	enum lvm_store st;
	int rc = lvm_store_parse(s, &st);

	*out = (int)st;
	return rc;
}

static int parse_create(json_object *obj, struct lvm_req_cfg *c, char *err,
			size_t errlen)
{
	static const char *const strs[] = { "name", "kernel", "ramdisk",
					    "cmdline" };
	const char **dst[] = { &c->name, &c->kernel, &c->ramdisk,
			       &c->cmdline };
	json_object *vifs;
	char line[256];
	uint64_t v;
	int e;

	for (size_t i = 0; i < 4; i++)
		if (lvm_json_get_str(obj, strs[i], i < 2, 4096, dst[i]) < 0)
			BAD("create: '%s' must be a string of 1..4096 bytes",
			    strs[i]);
	if (lvm_json_get_u64(obj, "memory_mb", true, UINT32_MAX, &v) < 0)
		BAD("create: 'memory_mb' must be an integer in 0..2^32-1");
	c->memory_mb = (uint32_t)v;
	if (lvm_json_get_u64(obj, "vcpus", true, UINT32_MAX, &v) < 0)
		BAD("create: 'vcpus' must be an integer in 0..2^32-1");
	c->vcpus = (uint32_t)v;
	e = (int)c->on_poweroff;
	if (get_enum(obj, "on_poweroff", parse_action, &e) < 0)
		BAD("create: 'on_poweroff' must be \"destroy\" or \"preserve\"");
	c->on_poweroff = (enum lvm_action)e;
	e = (int)c->on_crash;
	if (get_enum(obj, "on_crash", parse_action, &e) < 0)
		BAD("create: 'on_crash' must be \"destroy\" or \"preserve\"");
	c->on_crash = (enum lvm_action)e;
	e = (int)LVM_ACTION_RESTART;
	if (get_enum(obj, "on_reboot", parse_reboot_action, &e) < 0)
		BAD("create: 'on_reboot' must be \"restart\", \"destroy\" or \"preserve\"");
	c->on_reboot = (enum lvm_action)e;
	e = (int)c->store;
	if (get_enum(obj, "store", parse_store, &e) < 0)
		BAD("create: 'store' must be \"auto\", \"noxs\" or \"xenstore\"");
	c->store = (enum lvm_store)e;
	if (lvm_json_get_bool(obj, "paused", &c->paused) < 0 ||
	    lvm_json_get_bool(obj, "wait_ready", &c->wait_ready) < 0)
		BAD("create: 'paused' and 'wait_ready' must be booleans");
	if (!json_object_object_get_ex(obj, "vifs", &vifs))
		vifs = NULL;
	if (lvm_proto_vifs_from_json(vifs, c->vifs, &c->nvifs, false, line,
				     sizeof(line)) < 0)
		BAD("create: %s", line);
	return 0;
}

int lvm_proto_parse_request(json_object *obj, struct lvm_req *r, char *err,
			    size_t errlen)
{
	const char *op = NULL;
	uint64_t v;
	int i;

	memset(r, 0, sizeof(*r));
	if (lvm_json_get_str(obj, "op", true, 32, &op) < 0)
		BAD("request without a string 'op'");
	for (i = 0; i < LVM_OP_COUNT; i++)
		if (strcmp(op, op_names[i]) == 0)
			break;
	if (i == LVM_OP_COUNT)
		BAD("unknown op '%.32s'", op);
	r->op = (enum lvm_op)i;
	switch (r->op) {
	case LVM_OP_CREATE:
		return parse_create(obj, &r->cfg, err, errlen);
	case LVM_OP_SHUTDOWN:
	case LVM_OP_REBOOT:
		if (lvm_json_get_u64(obj, "timeout_ms", false, UINT32_MAX,
				     &v) < 0)
			BAD("%s: 'timeout_ms' must be an integer in 0..2^32-1",
			    op);
		r->timeout_ms = (uint32_t)v;
		/* fall through */
	case LVM_OP_DESTROY:
	case LVM_OP_PAUSE:
	case LVM_OP_UNPAUSE:
	case LVM_OP_INFO:
	case LVM_OP_CONSOLE:
		if (lvm_json_get_str(obj, "target", true, 255, &r->target) < 0)
			BAD("%s: 'target' must be a string of 1..255 bytes", op);
		return 0;
	case LVM_OP_LIST:
		if (lvm_json_get_bool(obj, "all", &r->all) < 0)
			BAD("list: 'all' must be a boolean");
		if (lvm_json_get_u64(obj, "from", false, UINT32_MAX, &v) < 0)
			BAD("list: 'from' must be an integer in 0..2^32-1");
		r->from = (uint32_t)v;
		return 0;
	case LVM_OP_TOP:
		if (lvm_json_get_u64(obj, "from", false, UINT32_MAX, &v) < 0)
			BAD("top: 'from' must be an integer in 0..2^32-1");
		r->from = (uint32_t)v;
		return 0;
	case LVM_OP_POOL:
		return 0;
	case LVM_OP_POOL_SET:
		if (lvm_json_get_u64(obj, "memory_mb", true, UINT32_MAX, &v) < 0)
			BAD("pool_set: 'memory_mb' must be an integer in 0..2^32-1");
		r->cfg.memory_mb = (uint32_t)v;
		if (lvm_json_get_u64(obj, "vcpus", true, UINT32_MAX, &v) < 0)
			BAD("pool_set: 'vcpus' must be an integer in 0..2^32-1");
		r->cfg.vcpus = (uint32_t)v;
		if (lvm_json_get_u64(obj, "target", true, UINT32_MAX, &v) < 0)
			BAD("pool_set: 'target' must be an integer in 0..2^32-1");
		r->pool_target = (uint32_t)v;
		if (lvm_json_get_str(obj, "image", false, 4096,
				     &r->cfg.kernel) < 0)
			BAD("pool_set: 'image' must be a string of 1..4096 bytes");
		return 0;
	case LVM_OP_COUNT:
		break;
	}
	BAD("unknown op");
}

/* ---- replies ---- */

json_object *lvm_proto_ok(void)
{
	json_object *o = json_object_new_object();

	if (o && lvm_json_add_bool(o, "ok", true) < 0) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

json_object *lvm_proto_error(int errnum, const char *msg)
{
	json_object *o = json_object_new_object();
	char line[512];

	if (!o)
		return NULL;
	/* one line, whatever it echoes (a path, a name), cut to fit */
	lvm_escape(msg, sizeof(line), line, sizeof(line));
	if (lvm_json_add_bool(o, "ok", false) < 0 ||
	    lvm_json_add_u64(o, "errno", (uint64_t)(errnum > 0 ? errnum : EIO)) < 0 ||
	    lvm_json_add_str(o, "error", line) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int lvm_proto_parse_reply(json_object *obj, int *errnum, const char **msg)
{
	json_object *ok;
	uint64_t e = EIO;
	const char *s = NULL;

	if (!json_object_object_get_ex(obj, "ok", &ok) ||
	    !json_object_is_type(ok, json_type_boolean))
		return -EPROTO;
	if (json_object_get_boolean(ok)) {
		*errnum = 0;
		*msg = "";
		return 0;
	}
	if (lvm_json_get_u64(obj, "errno", false, 4095, &e) < 0 || e == 0)
		e = EIO;
	if (lvm_json_get_str(obj, "error", false, LVM_PROTO_MAX, &s) < 0 || !s)
		s = "";
	*errnum = (int)e;
	*msg = s;
	return 0;
}
