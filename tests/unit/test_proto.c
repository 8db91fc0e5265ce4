/*
 * test_proto.c — unit tests for the lvmd protocol (toolstack/proto/proto.c,
 * proto_info.c, proto_json.c): framing, requests, replies, info and timing
 * codecs, names. Everything decoded is treated as hostile input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "toolstack/proto/proto.h"

/* frame: header for (len) bytes + (body), in (buf); returns the size. */
static size_t frame(char *buf, uint32_t len, const char *body, size_t blen)
{
	buf[0] = (char)(len & 0xff);
	buf[1] = (char)(len >> 8 & 0xff);
	buf[2] = (char)(len >> 16 & 0xff);
	buf[3] = (char)(len >> 24 & 0xff);
	memcpy(buf + 4, body, blen);
	return 4 + blen;
}

static void test_encode_decode_roundtrip(void **state)
{
	json_object *o = json_object_new_object(), *back = NULL, *v;
	char *buf = NULL;
	size_t len = 0, used = 0;

	(void)state;
	json_object_object_add(o, "op", json_object_new_string("list"));
	assert_int_equal(lvm_proto_encode(o, &buf, &len), 0);
	assert_int_equal(len, 4 + strlen("{\"op\":\"list\"}"));
	assert_int_equal((unsigned char)buf[0], len - 4);
	assert_int_equal(buf[1] | buf[2] | buf[3], 0);
	assert_int_equal(lvm_proto_decode(buf, len, &used, &back), 1);
	assert_int_equal(used, len);
	assert_true(json_object_object_get_ex(back, "op", &v));
	assert_string_equal(json_object_get_string(v), "list");
	free(buf);
	json_object_put(o);
	json_object_put(back);
}

static void test_decode_needs_more(void **state)
{
	const char *body = "{\"op\":\"list\"}";
	char buf[64];
	size_t n = frame(buf, (uint32_t)strlen(body), body, strlen(body)), used = 0;
	json_object *o = NULL;

	(void)state;
	for (size_t cut = 0; cut < n; cut++)
		assert_int_equal(lvm_proto_decode(buf, cut, &used, &o), 0);
	assert_null(o);
}

static void test_decode_two_messages(void **state)
{
	char buf[64];
	size_t n = frame(buf, 2, "{}", 2), used = 0;
	json_object *o = NULL;

	(void)state;
	n += frame(buf + n, 7, "{\"a\":1}", 7);
	assert_int_equal(lvm_proto_decode(buf, n, &used, &o), 1);
	assert_int_equal(used, 6);
	json_object_put(o);
	assert_int_equal(lvm_proto_decode(buf + used, n - used, &used, &o), 1);
	assert_int_equal(used, 11);
	json_object_put(o);
}

/* Each frame is refused whole: a length out of range, header alone
 * (-EMSGSIZE), or a body that is not one JSON object (-EPROTO). */
static void test_decode_refused(void **state)
{
	static const struct {
		const char *name;
		const char *body;        /* NULL: the header alone */
		size_t blen;             /* 0: strlen(body) */
		uint32_t len;            /* the header's length, with no body */
	} bad[] = {
		{ .name = "over the maximum", .len = LVM_PROTO_MAX + 1 },
		{ .name = "length all ones", .len = 0xffffffffu },
		{ .name = "zero length", .len = 0 },
		{ .name = "array", .body = "[1,2]" },
		{ .name = "string", .body = "\"s\"" },
		{ .name = "number", .body = "42" },
		{ .name = "unclosed", .body = "{" },
		{ .name = "no value", .body = "{\"a\":}" },
		{ .name = "two objects", .body = "{} {}" },
		{ .name = "trailing bytes", .body = "{}x" },
		{ .name = "too deep", .body = "{\"a\":[[[[[[[[[[[[1]]]]]]]]]]]]}" },
		{ .name = "bare word", .body = "nul" },
		{ .name = "no colon", .body = "{\"a\" 1}" },
		{ .name = "NUL byte in a string", .body = "{\"a\":\"\0\"}", .blen = 9 },
	};
	char buf[256];
	size_t n, blen, used = 0;
	json_object *o = NULL;
	int rc, want;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i].body) {
			blen = bad[i].blen ? bad[i].blen : strlen(bad[i].body);
			n = frame(buf, (uint32_t)blen, bad[i].body, blen);
			want = -EPROTO;
		} else {
			n = frame(buf, bad[i].len, "", 0);
			want = -EMSGSIZE;
		}
		rc = lvm_proto_decode(buf, n, &used, &o);
		if (rc != want)
			fail_msg("case '%s': decode returned %d, expected %d",
				 bad[i].name, rc, want);
		if (o)
			fail_msg("case '%s': an object came out", bad[i].name);
	}
}

/* read_parse: lvm_proto_read() and lvm_proto_parse(), as liblvm reads a reply. */
static int read_parse(int fd, json_object **out)
{
	char *body;
	size_t n;
	int rc = lvm_proto_read(fd, &body, &n);

	if (rc < 0)
		return rc;
	rc = lvm_proto_parse(body, n, out);
	free(body);
	return rc;
}

static void test_write_read_socketpair(void **state)
{
	json_object *o = json_object_new_object(), *back = NULL;
	char *buf;
	size_t len;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	assert_int_equal(lvm_proto_encode(o, &buf, &len), 0);
	assert_int_equal(lvm_proto_write(sv[0], buf, len), 0);
	free(buf);
	/* Raw bytes after the message stay in the socket. */
	assert_int_equal(write(sv[0], "raw", 3), 3);
	assert_int_equal(read_parse(sv[1], &back), 0);
	assert_true(json_object_is_type(back, json_type_object));
	assert_true(json_object_get_boolean(json_object_object_get(back, "ok")));
	char raw[4] = { 0 };
	assert_int_equal(read(sv[1], raw, 3), 3);
	assert_string_equal(raw, "raw");
	json_object_put(back);
	json_object_put(o);
	/* A peer gone: -EPIPE, and no SIGPIPE. */
	close(sv[1]);
	assert_int_equal(lvm_proto_write(sv[0], "x", 1), -EPIPE);
	close(sv[0]);
}

static void test_read_truncated_oversize_and_bad(void **state)
{
	char buf[16];
	json_object *o = NULL;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	size_t n = frame(buf, 10, "{\"a\"", 4);
	assert_int_equal(write(sv[0], buf, n), (ssize_t)n);
	close(sv[0]);
	assert_int_equal(read_parse(sv[1], &o), -ECONNRESET);
	close(sv[1]);

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	n = frame(buf, LVM_PROTO_MAX + 1, "", 0);
	assert_int_equal(write(sv[0], buf, n), (ssize_t)n);
	assert_int_equal(read_parse(sv[1], &o), -EMSGSIZE);
	close(sv[0]);
	assert_int_equal(read_parse(sv[1], &o), -ECONNRESET);
	close(sv[1]);

	/* A whole frame whose text is not one object: read, then refused. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	n = frame(buf, 3, "[1]", 3);
	assert_int_equal(write(sv[0], buf, n), (ssize_t)n);
	assert_int_equal(read_parse(sv[1], &o), -EPROTO);
	close(sv[0]);
	close(sv[1]);
	assert_null(o);
}

static void test_request_create_roundtrip(void **state)
{
	struct lvm_req r = { .op = LVM_OP_CREATE }, back;
	json_object *o;
	char err[128];

	(void)state;
	r.cfg = (struct lvm_req_cfg){ .name = "h1", .kernel = "/k.xen",
				      .cmdline = "a b", .memory_mb = 8,
				      .vcpus = 2,
				      .on_crash = LVM_ACTION_PRESERVE,
				      .on_reboot = LVM_ACTION_DESTROY,
				      .store = LVM_STORE_NOXS, .paused = true };
	o = lvm_proto_request(&r);
	assert_non_null(o);
	assert_int_equal(lvm_proto_parse_request(o, &back, err, sizeof(err)), 0);
	assert_int_equal(back.op, LVM_OP_CREATE);
	assert_string_equal(back.cfg.name, "h1");
	assert_string_equal(back.cfg.kernel, "/k.xen");
	assert_null(back.cfg.ramdisk);
	assert_string_equal(back.cfg.cmdline, "a b");
	assert_int_equal(back.cfg.memory_mb, 8);
	assert_int_equal(back.cfg.vcpus, 2);
	assert_int_equal(back.cfg.on_poweroff, LVM_ACTION_DESTROY);
	assert_int_equal(back.cfg.on_crash, LVM_ACTION_PRESERVE);
	assert_int_equal(back.cfg.on_reboot, LVM_ACTION_DESTROY);
	assert_int_equal(back.cfg.store, LVM_STORE_NOXS);
	assert_true(back.cfg.paused);
	assert_false(back.cfg.wait_ready);
	json_object_put(o);
}

/* A create request's vifs: through the wire and back, unchanged. */
static void test_request_create_vifs_roundtrip(void **state)
{
	struct lvm_req r = { .op = LVM_OP_CREATE }, back;
	json_object *o;
	char err[128];

	(void)state;
	r.cfg = (struct lvm_req_cfg){ .name = "h1", .kernel = "/k.xen",
				      .memory_mb = 8, .vcpus = 1, .nvifs = 3 };
	r.cfg.vifs[0] = (struct lvm_vif){ .mac = { 0, 0x16, 0x3e, 1, 2, 3 },
					  .has_mac = true, .bridge = "lvmbr0",
					  .ip = { 198, 18, 0, 7 }, .prefix = 16,
					  .has_ip = true, .mtu = 1400 };
	/* vif1: all defaults */
	r.cfg.vifs[2] = (struct lvm_vif){ .ip = { 10, 0, 0, 5 }, .has_ip = true };
	o = lvm_proto_request(&r);
	assert_non_null(o);
	assert_int_equal(lvm_proto_parse_request(o, &back, err, sizeof(err)), 0);
	assert_int_equal(back.cfg.nvifs, 3);
	assert_memory_equal(back.cfg.vifs, r.cfg.vifs, sizeof(r.cfg.vifs));
	json_object_put(o);
	/* none: no "vifs" at all */
	r.cfg.nvifs = 0;
	o = lvm_proto_request(&r);
	assert_non_null(o);
	assert_false(json_object_object_get_ex(o, "vifs", NULL));
	assert_int_equal(lvm_proto_parse_request(o, &back, err, sizeof(err)), 0);
	assert_int_equal(back.cfg.nvifs, 0);
	json_object_put(o);
}

/* parse: the request in (text) decoded; returns parse_request's result.
 * (r)'s strings live until the next call. */
static int parse(const char *text, struct lvm_req *r)
{
	static json_object *last;
	char err[128] = "";
	int rc;

	json_object_put(last);
	last = json_tokener_parse(text);
	assert_non_null(last);
	rc = lvm_proto_parse_request(last, r, err, sizeof(err));
	if (rc < 0)
		assert_true(err[0] != '\0' && !strchr(err, '\n'));
	return rc;
}

static void test_request_simple_ops(void **state)
{
	struct lvm_req r;

	(void)state;
	assert_int_equal(parse("{\"op\":\"shutdown\",\"target\":\"7\",\"timeout_ms\":500,\"x\":[]}", &r), 0);
	assert_int_equal(r.op, LVM_OP_SHUTDOWN);
	assert_string_equal(r.target, "7");
	assert_int_equal(r.timeout_ms, 500);
	assert_int_equal(parse("{\"op\":\"reboot\",\"target\":\"a\"}", &r), 0);
	assert_int_equal(r.timeout_ms, 0);
	assert_int_equal(parse("{\"op\":\"list\",\"all\":true}", &r), 0);
	assert_true(r.all);
	assert_int_equal(parse("{\"op\":\"list\"}", &r), 0);
	assert_false(r.all);
	assert_int_equal(r.from, 0);
	assert_int_equal(parse("{\"op\":\"list\",\"from\":42}", &r), 0);
	assert_int_equal(r.from, 42);
	assert_int_equal(parse("{\"op\":\"list\",\"from\":\"42\"}", &r), -EPROTO);
	assert_int_equal(parse("{\"op\":\"console\",\"target\":\"g\"}", &r), 0);
	assert_int_equal(r.op, LVM_OP_CONSOLE);
	assert_int_equal(parse("{\"op\":\"pool\"}", &r), 0);
	assert_int_equal(r.op, LVM_OP_POOL);
	/* a create without on_reboot (an older client): restart */
	assert_int_equal(parse("{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1}", &r), 0);
	assert_int_equal(r.cfg.on_reboot, LVM_ACTION_RESTART);
	assert_int_equal(r.cfg.on_poweroff, LVM_ACTION_DESTROY);
}

static void test_request_pool_set_roundtrip(void **state)
{
	struct lvm_req r = { .op = LVM_OP_POOL_SET, .pool_target = 16 }, back;
	json_object *o;
	char err[128];

	(void)state;
	r.cfg.memory_mb = 64;
	r.cfg.vcpus = 2;
	o = lvm_proto_request(&r);
	assert_non_null(o);
	assert_int_equal(lvm_proto_parse_request(o, &back, err, sizeof(err)), 0);
	assert_int_equal(back.op, LVM_OP_POOL_SET);
	assert_int_equal(back.cfg.memory_mb, 64);
	assert_int_equal(back.cfg.vcpus, 2);
	assert_int_equal(back.pool_target, 16);
	json_object_put(o);
}

static void test_reply_ok_and_error(void **state)
{
	json_object *o = lvm_proto_ok();
	const char *msg = NULL;
	int e = -1;

	(void)state;
	assert_int_equal(lvm_proto_parse_reply(o, &e, &msg), 0);
	assert_int_equal(e, 0);
	json_object_put(o);
	o = lvm_proto_error(EEXIST, "name 'a' is taken\nsecond line");
	assert_int_equal(lvm_proto_parse_reply(o, &e, &msg), 0);
	assert_int_equal(e, EEXIST);
	assert_string_equal(msg, "name 'a' is taken\\nsecond line");
	json_object_put(o);
}

/* A failure with a missing or silly errno still fails. */
static void test_reply_failure_without_errno(void **state)
{
	const char *msg;
	int e;
	json_object *o = json_tokener_parse("{\"ok\":false,\"errno\":0}");

	(void)state;
	assert_int_equal(lvm_proto_parse_reply(o, &e, &msg), 0);
	assert_int_equal(e, EIO);
	assert_string_equal(msg, "");
	json_object_put(o);
	o = json_tokener_parse("{\"ok\":false,\"errno\":-3,\"error\":7}");
	assert_int_equal(lvm_proto_parse_reply(o, &e, &msg), 0);
	assert_int_equal(e, EIO);
	json_object_put(o);
}

static void test_info_roundtrip(void **state)
{
	struct lvm_info in = { .name = "web-1", .domid = 12, .managed = true,
			       .uuid = "6c766d00-0000-0000-0000-000000000001",
			       .state = LVM_STATE_PAUSED, .memory_mb = 16,
			       .vcpus = 2, .created = 1700000000,
			       .uptime_ms = 1234, .has_ready = true,
			       .ready_ns = 4200000,
			       .on_crash = LVM_ACTION_PRESERVE,
			       .on_reboot = LVM_ACTION_PRESERVE, .noxs = true,
			       .kernel = "/k.xen", .console_log = "/run/x" };
	struct lvm_info out;
	json_object *o = lvm_proto_info_to_json(&in);

	(void)state;
	assert_non_null(o);
	assert_int_equal(lvm_proto_info_from_json(o, &out), 0);
	assert_string_equal(out.name, "web-1");
	assert_int_equal(out.domid, 12);
	assert_true(out.managed);
	assert_string_equal(out.uuid, in.uuid);
	assert_int_equal(out.state, LVM_STATE_PAUSED);
	assert_int_equal(out.memory_mb, 16);
	assert_int_equal(out.created, 1700000000);
	assert_true(out.has_ready);
	assert_int_equal(out.ready_ns, 4200000);
	assert_int_equal(out.on_poweroff, LVM_ACTION_DESTROY);
	assert_int_equal(out.on_crash, LVM_ACTION_PRESERVE);
	assert_int_equal(out.on_reboot, LVM_ACTION_PRESERVE);
	assert_string_equal(out.kernel, "/k.xen");
	assert_null(out.cmdline);
	assert_string_equal(out.console_log, "/run/x");
	lvm_info_clear(&out);
	json_object_put(o);
}

/* A managed guest's resolved vifs in its info, with dom0's device name. */
static void test_info_vifs_roundtrip(void **state)
{
	struct lvm_info in = { .name = "n", .domid = 12, .managed = true,
			       .state = LVM_STATE_RUNNING, .kernel = "/k",
			       .nvifs = 2 };
	struct lvm_info out;
	json_object *o, *a, *v, *dev;

	(void)state;
	for (unsigned i = 0; i < 2; i++)
		in.vifs[i] = (struct lvm_vif){
			.mac = { 0, 0x16, 0x3e, 0, 0, (uint8_t)(i + 1) },
			.has_mac = true, .bridge = "lvmbr0",
			.ip = { 198, 18, 0, (uint8_t)(i + 2) }, .prefix = 16,
			.has_ip = true, .mtu = 1500 };
	o = lvm_proto_info_to_json(&in);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "vifs", &a));
	v = json_object_array_get_idx(a, 1);
	assert_true(json_object_object_get_ex(v, "dev", &dev));
	assert_string_equal(json_object_get_string(dev), "lvm12.1");
	assert_int_equal(lvm_proto_info_from_json(o, &out), 0);
	assert_int_equal(out.nvifs, 2);
	assert_memory_equal(out.vifs, in.vifs, sizeof(in.vifs));
	lvm_info_clear(&out);
	json_object_put(o);
	/* a XenStore-mode guest's vif is the kernel netback's vifD.N */
	in.xenstore = true;
	o = lvm_proto_info_to_json(&in);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "vifs", &a));
	v = json_object_array_get_idx(a, 0);
	assert_true(json_object_object_get_ex(v, "dev", &dev));
	assert_string_equal(json_object_get_string(dev), "vif12.0");
	json_object_put(o);
	in.xenstore = false;
	/* a vif not resolved is refused in an info */
	in.vifs[1].mtu = 0;
	o = lvm_proto_info_to_json(&in);
	assert_int_equal(lvm_proto_info_from_json(o, &out), -EPROTO);
	json_object_put(o);
}

#define BUILD_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* An info with the application and a create's warning. */
static void test_info_app_roundtrip(void **state)
{
	struct lvm_info in = { .name = "n", .domid = 12, .managed = true,
			       .state = LVM_STATE_RUNNING, .kernel = "/k",
			       .app = { "daytime", "1.0", BUILD_ID },
			       .warning = "a warning" };
	struct lvm_info out;
	json_object *o;

	(void)state;
	o = lvm_proto_info_to_json(&in);
	assert_non_null(o);
	assert_int_equal(lvm_proto_info_from_json(o, &out), 0);
	assert_string_equal(out.app.name, "daytime");
	assert_string_equal(out.app.version, "1.0");
	assert_string_equal(out.app.build_id, BUILD_ID);
	assert_string_equal(out.warning, "a warning");
	lvm_info_clear(&out);
	/* each field checked */
	static const char *const bad[][3] = {
		{ "Daytime", "1.0", BUILD_ID },
		{ "daytime", "1 0", BUILD_ID },
		{ "daytime", "1.0", "0123" },
		{ "daytime", "1.0", "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef" },
		{ "", "1.0", BUILD_ID },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_object_object_add(o, "app_name", json_object_new_string(bad[i][0]));
		json_object_object_add(o, "app_version", json_object_new_string(bad[i][1]));
		json_object_object_add(o, "app_build_id", json_object_new_string(bad[i][2]));
		if (lvm_proto_info_from_json(o, &out) != -EPROTO)
			fail_msg("bad app %zu accepted", i);
	}
	json_object_put(o);
	/* no application: no "app_name" */
	in.app.name[0] = '\0';
	o = lvm_proto_info_to_json(&in);
	assert_false(json_object_object_get_ex(o, "app_name", NULL));
	json_object_put(o);
}

static void test_timing_roundtrip(void **state)
{
	struct lvm_timing t = { .queue_ns = 1, .prepare_ns = 2, .load_ns = 3,
				.build_ns = 4, .devices_ns = 5,
				.unpause_ns = 6, .total_ns = 21,
				.client_ns = 99, .map_ns = 11, .bind_ns = 12,
				.log_ns = 13, .save_ns = 14 }, back;
	json_object *o = lvm_proto_timing_to_json(&t);

	(void)state;
	assert_int_equal(lvm_proto_timing_from_json(o, &back), 0);
	assert_int_equal(back.devices_ns, 5);
	assert_int_equal(back.total_ns, 21);
	assert_int_equal(back.map_ns, 11);
	assert_int_equal(back.bind_ns, 12);
	assert_int_equal(back.log_ns, 13);
	assert_int_equal(back.save_ns, 14);
	assert_int_equal(back.client_ns, 0);
	assert_false(back.has_ready);
	json_object_put(o);
	t.has_ready = true;
	t.ready_ns = 77;
	o = lvm_proto_timing_to_json(&t);
	assert_int_equal(lvm_proto_timing_from_json(o, &back), 0);
	assert_true(back.has_ready);
	assert_int_equal(back.ready_ns, 77);
	json_object_put(o);
	t.claim_ns = 12;
	t.pool_hit = true;
	o = lvm_proto_timing_to_json(&t);
	assert_int_equal(lvm_proto_timing_from_json(o, &back), 0);
	assert_int_equal(back.claim_ns, 12);
	assert_true(back.pool_hit);
	json_object_put(o);
}

static void test_pools_roundtrip(void **state)
{
	struct lvm_pool_info v[2], *back = NULL;
	json_object *rep, *arr, *p0;
	uint64_t other = 0;
	size_t n = 9;

	(void)state;
	memset(v, 0, sizeof(v));
	v[0] = (struct lvm_pool_info){ .memory_mb = 64, .vcpus = 1,
		.target = 4, .ready = 3, .preparing = 1, .hits = 1ull << 40,
		.misses = 7 };
	strcpy(v[0].image, "/img/noop.xen");
	strcpy(v[0].error, "image /img/noop.xen: cannot open: No such file "
	       "or directory");
	v[1] = (struct lvm_pool_info){ .memory_mb = 8, .vcpus = 2,
		.target = 1, .ready = UINT32_MAX };
	rep = lvm_proto_ok();
	assert_int_equal(lvm_proto_pools_to_json(rep, v, 2, 99), 0);
	/* "image" and "error" only when there is one */
	assert_true(json_object_object_get_ex(rep, "pools", &arr));
	p0 = json_object_array_get_idx(arr, 1);
	assert_false(json_object_object_get_ex(p0, "image", NULL));
	assert_false(json_object_object_get_ex(p0, "error", NULL));

	assert_int_equal(lvm_proto_pools_from_json(rep, &back, &n, &other), 0);
	assert_int_equal(n, 2);
	assert_int_equal(other, 99);
	assert_memory_equal(&back[0], &v[0], sizeof(v[0]));
	assert_memory_equal(&back[1], &v[1], sizeof(v[1]));
	free(back);
	json_object_put(rep);

	/* no pools: an empty array, still a malloc'd one */
	rep = lvm_proto_ok();
	assert_int_equal(lvm_proto_pools_to_json(rep, NULL, 0, 0), 0);
	assert_int_equal(lvm_proto_pools_from_json(rep, &back, &n, &other), 0);
	assert_int_equal(n, 0);
	assert_non_null(back);
	free(back);
	json_object_put(rep);
}

/* a top request pages with "from" */
static void test_request_top(void **state)
{
	struct lvm_req r = { .op = LVM_OP_TOP, .from = 77 }, back;
	json_object *o;

	(void)state;
	o = lvm_proto_request(&r);
	assert_non_null(o);
	assert_int_equal(lvm_proto_parse_request(o, &back, NULL, 0), 0);
	assert_int_equal(back.op, LVM_OP_TOP);
	assert_int_equal(back.from, 77);
	json_object_put(o);
	assert_int_equal(parse("{\"op\":\"top\"}", &back), 0);
	assert_int_equal(back.from, 0);
	assert_int_equal(parse("{\"op\":\"top\",\"from\":-1}", &back), -EPROTO);
	assert_int_equal(parse("{\"op\":\"top\",\"from\":4294967296}", &back), -EPROTO);
}

/* a top snapshot through JSON text and back, exactly */
static void test_top_roundtrip(void **state)
{
	struct lvm_pool_info pools[1] = { { .memory_mb = 4, .vcpus = 1,
		.target = 8, .ready = 7, .preparing = 1, .hits = 100,
		.misses = 3 } };
	struct lvm_top_guest g[2];
	struct lvm_top t = { .time_ns = 123456789012ull, .uptime_ns = 99,
		.requests = 1ull << 40, .nops = 2, .cpu_ns = UINT64_MAX,
		.rss_kib = 4096, .nguests = 2, .pools = pools, .npools = 1,
		.other_misses = 5, .guests = g, .nguests_listed = 2,
		.data_path = LVM_DATA_PATH_YIELDING,
		.data_path_starved = 7 };
	struct lvm_top back = { 0 };
	json_object *rep, *arr, *re;
	size_t cap = 0;
	const char *txt;

	(void)state;
	memset(g, 0, sizeof(g));
	strcpy(t.ops[0].op, "create");
	t.ops[0].count = 3;
	strcpy(t.ops[1].op, "top");
	t.ops[1].count = (1ull << 40) - 3;
	strcpy(g[0].name, "spin");
	g[0].domid = 3;
	g[0].state = LVM_STATE_RUNNING;
	g[0].vcpus = 2;
	g[0].memory_mb = 4;
	g[0].cpu_ns = 1ull << 50;
	g[0].console_bytes = 17;
	strcpy(g[1].name, "web");
	g[1].domid = 9;
	g[1].state = LVM_STATE_PAUSED;
	g[1].nvifs = 2;
	g[1].vifs[0] = (struct lvm_top_vif){ 1, 2, 3, 4, true };
	g[1].vifs[1] = (struct lvm_top_vif){ UINT64_MAX, 0, 5, 6, false };

	rep = lvm_proto_ok();
	arr = json_object_new_array();
	assert_int_equal(lvm_proto_top_head_to_json(rep, &t), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(json_object_array_add(arr,
			lvm_proto_top_guest_to_json(&g[i])), 0);
	json_object_object_add(rep, "guests", arr);
	/* as the wire carries it */
	txt = json_object_to_json_string_ext(rep, JSON_C_TO_STRING_PLAIN);
	re = json_tokener_parse(txt);
	assert_non_null(re);
	assert_int_equal(lvm_proto_top_head_from_json(re, &back), 0);
	assert_int_equal(lvm_proto_top_guests_from_json(re, &back, &cap), 0);
	assert_int_equal(back.time_ns, t.time_ns);
	assert_int_equal(back.uptime_ns, 99);
	assert_int_equal(back.requests, t.requests);
	assert_int_equal(back.cpu_ns, UINT64_MAX);
	assert_int_equal(back.rss_kib, 4096);
	assert_int_equal(back.nguests, 2);
	assert_int_equal(back.nops, 2);
	assert_memory_equal(back.ops, t.ops, sizeof(t.ops[0]) * 2);
	assert_int_equal(back.npools, 1);
	assert_memory_equal(back.pools, pools, sizeof(pools[0]));
	assert_int_equal(back.other_misses, 5);
	assert_int_equal(back.data_path, LVM_DATA_PATH_YIELDING);
	assert_int_equal(back.data_path_starved, 7);
	assert_int_equal(back.nguests_listed, 2);
	assert_memory_equal(back.guests, g, sizeof(g));
	/* a second page appends */
	assert_int_equal(lvm_proto_top_guests_from_json(re, &back, &cap), 0);
	assert_int_equal(back.nguests_listed, 4);
	assert_memory_equal(&back.guests[2], g, sizeof(g));
	free(back.pools);
	free(back.guests);
	json_object_put(re);
	json_object_put(rep);
}

/* what a top reply must not be */
static void test_top_refused(void **state)
{
	static const char *const bad_guests[] = {
		/* missing counters */
		"{\"name\":\"a\",\"domid\":1,\"state\":\"running\",\"vcpus\":1,\"memory_mb\":4,\"cpu_ns\":1,\"vifs\":[]}",
		/* negative CPU time */
		"{\"name\":\"a\",\"domid\":1,\"state\":\"running\",\"vcpus\":1,\"memory_mb\":4,\"cpu_ns\":-1,\"console_bytes\":0,\"vifs\":[]}",
		/* an unknown state */
		"{\"name\":\"a\",\"domid\":1,\"state\":\"dancing\",\"vcpus\":1,\"memory_mb\":4,\"cpu_ns\":1,\"console_bytes\":0,\"vifs\":[]}",
		/* a name too long */
		"{\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"domid\":1,\"state\":\"running\",\"vcpus\":1,\"memory_mb\":4,\"cpu_ns\":1,\"console_bytes\":0,\"vifs\":[]}",
		/* a domid past 32 bits */
		"{\"name\":\"a\",\"domid\":4294967296,\"state\":\"running\",\"vcpus\":1,\"memory_mb\":4,\"cpu_ns\":1,\"console_bytes\":0,\"vifs\":[]}",
		/* nine vifs */
		"{\"name\":\"a\",\"domid\":1,\"state\":\"running\",\"vcpus\":1,\"memory_mb\":4,\"cpu_ns\":1,\"console_bytes\":0,\"vifs\":[{\"rx_bytes\":1,\"rx_packets\":1,\"tx_bytes\":1,\"tx_packets\":1,\"connected\":true},{\"rx_bytes\":1,\"rx_packets\":1,\"tx_bytes\":1,\"tx_packets\":1,\"connected\":true},{\"rx_bytes\":1,\"rx_packets\":1,\"tx_bytes\":1,\"tx_packets\":1,\"connected\":true},{\"rx_bytes\":1,\"rx_packets\":1,\"tx_bytes\":1,\"tx_packets\":1,\"connected\":true},{\"rx_bytes\":1,\"rx_packets\":1,\"tx_bytes\":1,\"tx_packets\":1,\"connected\":true},{\"rx_bytes\":1,\"rx_packets\":1,\"tx_bytes\":1,\"tx_packets\":1,\"connected\":true},{\"rx_bytes\":1,\"rx_packets\":1,\"tx_bytes\":1,\"tx_packets\":1,\"connected\":true},{\"rx_bytes\":1,\"rx_packets\":1,\"tx_bytes\":1,\"tx_packets\":1,\"connected\":true},{\"rx_bytes\":1,\"rx_packets\":1,\"tx_bytes\":1,\"tx_packets\":1,\"connected\":true}]}",
		/* a vif without its packets */
		"{\"name\":\"a\",\"domid\":1,\"state\":\"running\",\"vcpus\":1,\"memory_mb\":4,\"cpu_ns\":1,\"console_bytes\":0,\"vifs\":[{\"rx_bytes\":1,\"tx_bytes\":1}]}",
		/* not an object */
		"[1]",
	};
	static const char *const bad_heads[] = {
		/* no ops */
		"{\"time_ns\":1,\"uptime_ns\":1,\"requests\":1,\"cpu_ns\":1,\"rss_kib\":1,\"nguests\":0,\"pools\":[]}",
		/* an op's count not a number */
		"{\"time_ns\":1,\"uptime_ns\":1,\"requests\":1,\"ops\":{\"list\":\"x\"},\"cpu_ns\":1,\"rss_kib\":1,\"nguests\":0,\"pools\":[]}",
		/* an op's name too long */
		"{\"time_ns\":1,\"uptime_ns\":1,\"requests\":1,\"ops\":{\"aaaaaaaaaaaaaaaa\":1},\"cpu_ns\":1,\"rss_kib\":1,\"nguests\":0,\"pools\":[]}",
		/* no pools */
		"{\"time_ns\":1,\"uptime_ns\":1,\"requests\":1,\"ops\":{},\"cpu_ns\":1,\"rss_kib\":1,\"nguests\":0}",
		/* no clock */
		"{\"uptime_ns\":1,\"requests\":1,\"ops\":{},\"cpu_ns\":1,\"rss_kib\":1,\"nguests\":0,\"pools\":[]}",
		/* a data path class that is none of lvmd's */
		"{\"time_ns\":1,\"uptime_ns\":1,\"requests\":1,\"ops\":{},\"cpu_ns\":1,\"rss_kib\":1,\"nguests\":0,\"pools\":[],\"data_path\":\"sleepy\"}",
		/* ... or not a string */
		"{\"time_ns\":1,\"uptime_ns\":1,\"requests\":1,\"ops\":{},\"cpu_ns\":1,\"rss_kib\":1,\"nguests\":0,\"pools\":[],\"data_path\":2}",
	};
	struct lvm_top_guest g;
	struct lvm_top t = { 0 };
	json_object *o;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_guests) / sizeof(bad_guests[0]); i++) {
		o = json_tokener_parse(bad_guests[i]);
		assert_non_null(o);
		assert_int_equal(lvm_proto_top_guest_from_json(o, &g), -EPROTO);
		json_object_put(o);
	}
	for (size_t i = 0; i < sizeof(bad_heads) / sizeof(bad_heads[0]); i++) {
		o = json_tokener_parse(bad_heads[i]);
		assert_non_null(o);
		assert_int_equal(lvm_proto_top_head_from_json(o, &t), -EPROTO);
		json_object_put(o);
		free(t.pools);
		t.pools = NULL;
	}
	/* an lvmd that says nothing of its data path: none, none starved */
	o = json_tokener_parse("{\"time_ns\":1,\"uptime_ns\":1,\"requests\":1,\"ops\":{},\"cpu_ns\":1,\"rss_kib\":1,\"nguests\":0,\"pools\":[]}");
	assert_non_null(o);
	t.data_path = LVM_DATA_PATH_NORMAL;
	t.data_path_starved = 9;
	assert_int_equal(lvm_proto_top_head_from_json(o, &t), 0);
	assert_int_equal(t.data_path, LVM_DATA_PATH_NONE);
	assert_int_equal(t.data_path_starved, 0);
	json_object_put(o);
	free(t.pools);
	t.pools = NULL;
	/* seventeen kinds of requests do not fit */
	o = json_tokener_parse("{\"time_ns\":1,\"uptime_ns\":1,\"requests\":1,\"cpu_ns\":1,\"rss_kib\":1,\"nguests\":0,\"pools\":[],\"ops\":{"
		"\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1,\"g\":1,\"h\":1,\"i\":1,"
		"\"j\":1,\"k\":1,\"l\":1,\"m\":1,\"n\":1,\"o\":1,\"p\":1,\"q\":1}}");
	assert_non_null(o);
	assert_int_equal(lvm_proto_top_head_from_json(o, &t), -EPROTO);
	json_object_put(o);
	free(t.pools);
}

/* an error line longer than a pool keeps is refused, not cut */
static void test_pools_error_too_long(void **state)
{
	char big[LVM_POOL_ERROR_MAX + 256];
	struct lvm_pool_info *v = (void *)1;
	json_object *o;
	uint64_t other;
	size_t n;

	(void)state;
	snprintf(big, sizeof(big), "{\"ok\":true,\"pools\":[{\"memory_mb\":4,"
		 "\"vcpus\":1,\"target\":1,\"ready\":1,\"preparing\":0,"
		 "\"hits\":0,\"misses\":0,\"error\":\"%0*d\"}]}",
		 LVM_POOL_ERROR_MAX, 0);
	o = json_tokener_parse(big);
	assert_non_null(o);
	assert_int_equal(lvm_proto_pools_from_json(o, &v, &n, &other),
			 -EPROTO);
	assert_null(v);
	json_object_put(o);
}

/* refused: what (kind)'s decoder returns for (text); a refused pools
 * reply leaves no array behind. */
enum decoder { REQUEST, REPLY, INFO, POOLS };

static const char *const decoder_name[] = {
	[REQUEST] = "request", [REPLY] = "reply", [INFO] = "info",
	[POOLS] = "pools",
};

static int refused(enum decoder kind, const char *text)
{
	json_object *o = json_tokener_parse(text);
	struct lvm_pool_info *v = (void *)1;
	struct lvm_info info;
	struct lvm_req r;
	const char *msg;
	uint64_t other;
	size_t n;
	int rc = 0, e;

	assert_non_null(o);
	switch (kind) {
	case REQUEST:
		rc = parse(text, &r);
		break;
	case REPLY:
		rc = lvm_proto_parse_reply(o, &e, &msg);
		break;
	case INFO:
		rc = lvm_proto_info_from_json(o, &info);
		break;
	case POOLS:
		rc = lvm_proto_pools_from_json(o, &v, &n, &other);
		if (rc < 0 && v)
			fail_msg("pools refused but returned: %s", text);
		break;
	}
	json_object_put(o);
	return rc;
}

/* Each well-formed JSON object a decoder must refuse (-EPROTO). */
static void test_json_refused(void **state)
{
	static const struct {
		enum decoder kind;
		const char *text;
	} bad[] = {
		{ REQUEST, "{}" },
		{ REQUEST, "{\"op\":1}" },
		{ REQUEST, "{\"op\":\"frobnicate\"}" },
		{ REQUEST, "{\"op\":\"destroy\"}" },
		{ REQUEST, "{\"op\":\"destroy\",\"target\":\"\"}" },
		{ REQUEST, "{\"op\":\"destroy\",\"target\":5}" },
		{ REQUEST, "{\"op\":\"create\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"memory_mb\":4,\"vcpus\":1}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":\"4\",\"vcpus\":1}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":-4,\"vcpus\":1}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4294967296,\"vcpus\":1}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4.5,\"vcpus\":1}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"on_crash\":\"restart\"}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"restart\"}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"on_reboot\":\"rename-restart\"}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"on_reboot\":2}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"store\":7}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"paused\":1}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\\u0000b\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":{}}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[1]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"mac\":\"01:16:3e:01:02:03\"}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"mac\":\"00:00:00:00:00:00\"}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"mac\":\"00:16:3e:01:02\"}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"mac\":\"00:16:3e:01:02:03\"},{\"mac\":\"00:16:3e:01:02:03\"}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"ip\":\"198.18.0.7\",\"prefix\":33}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"prefix\":16}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"ip\":\"198.18.0.7/16\"}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"ip\":\"198.18.0.256\"}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"mtu\":575}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"mtu\":1501}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"mtu\":-1}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"bridge\":\"abcdefghijklmnop\"}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"bridge\":\"a/b\"}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"bridge\":\"\"}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{\"bridge\":\"a\\nb\"}]}" },
		{ REQUEST, "{\"op\":\"create\",\"name\":\"a\",\"kernel\":\"/k\",\"memory_mb\":4,\"vcpus\":1,\"vifs\":[{},{},{},{},{},{},{},{},{}]}" },
		{ REQUEST, "{\"op\":\"shutdown\",\"target\":\"a\",\"timeout_ms\":-1}" },
		{ REQUEST, "{\"op\":\"list\",\"all\":\"yes\"}" },
		{ REQUEST, "{\"op\":\"pool_set\",\"memory_mb\":4,\"vcpus\":1}" },
		{ REQUEST, "{\"op\":\"pool_set\",\"memory_mb\":4,\"target\":1}" },
		{ REQUEST, "{\"op\":\"pool_set\",\"memory_mb\":4,\"vcpus\":1,\"target\":-1}" },
		{ REQUEST, "{\"op\":\"pool_set\",\"memory_mb\":\"4\",\"vcpus\":1,\"target\":1}" },
		{ REPLY, "{}" },
		{ REPLY, "{\"ok\":1}" },
		{ REPLY, "{\"ok\":\"true\"}" },
		{ INFO, "{\"state\":\"running\"}" },
		{ INFO, "{\"domid\":1,\"state\":\"sleeping\"}" },
		{ INFO, "{\"domid\":1,\"state\":\"running\",\"name\":\"0123456789012345678901234567890123456789012345678901234567890123456789\"}" },
		{ INFO, "{\"domid\":1,\"state\":\"running\",\"uuid\":\"0123456789012345678901234567890123456789\"}" },
		{ INFO, "{\"domid\":1,\"state\":\"running\",\"managed\":true}" },
		{ INFO, "{\"domid\":1,\"state\":\"running\",\"managed\":true,\"created\":1,\"kernel\":3}" },
		{ INFO, "[]" },
		{ POOLS, "{\"ok\":true}" },
		{ POOLS, "{\"ok\":true,\"pools\":{}}" },
		{ POOLS, "{\"ok\":true,\"pools\":[1]}" },
		{ POOLS, "{\"ok\":true,\"pools\":[{\"memory_mb\":1}]}" },
		{ POOLS, "{\"ok\":true,\"pools\":[],\"other_misses\":-1}" },
		{ POOLS, "{\"ok\":true,\"pools\":[{\"memory_mb\":4294967296,"
		  "\"vcpus\":1,\"target\":1,\"ready\":1,\"preparing\":0,"
		  "\"hits\":0,\"misses\":0}]}" },
		{ POOLS, "{\"ok\":true,\"pools\":[{\"memory_mb\":4,\"vcpus\":1,"
		  "\"target\":1,\"ready\":1,\"preparing\":0,\"hits\":0,"
		  "\"misses\":0,\"error\":7}]}" },
	};
	int rc;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rc = refused(bad[i].kind, bad[i].text);
		if (rc != -EPROTO)
			fail_msg("case %zu, %s %s: returned %d, not -EPROTO", i,
				 decoder_name[bad[i].kind], bad[i].text, rc);
	}
}

static void test_name_check(void **state)
{
	char long_name[LVM_NAME_MAX + 2];

	(void)state;
	assert_int_equal(lvm_name_check("noop"), 0);
	assert_int_equal(lvm_name_check("a.b_c-D9"), 0);
	assert_int_equal(lvm_name_check("1a"), 0);
	assert_int_equal(lvm_name_check(""), -EINVAL);
	assert_int_equal(lvm_name_check(NULL), -EINVAL);
	assert_int_equal(lvm_name_check("."), -EINVAL);
	assert_int_equal(lvm_name_check(".."), -EINVAL);
	assert_int_equal(lvm_name_check("42"), -EINVAL);
	assert_int_equal(lvm_name_check("a b"), -EINVAL);
	assert_int_equal(lvm_name_check("a/b"), -EINVAL);
	assert_int_equal(lvm_name_check("caf\xc3\xa9"), -EINVAL);
	memset(long_name, 'x', sizeof(long_name));
	long_name[LVM_NAME_MAX] = '\0';
	assert_int_equal(lvm_name_check(long_name), 0);
	long_name[LVM_NAME_MAX] = 'x';
	long_name[LVM_NAME_MAX + 1] = '\0';
	assert_int_equal(lvm_name_check(long_name), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_decode_roundtrip),
		cmocka_unit_test(test_decode_needs_more),
		cmocka_unit_test(test_decode_two_messages),
		cmocka_unit_test(test_decode_refused),
		cmocka_unit_test(test_write_read_socketpair),
		cmocka_unit_test(test_read_truncated_oversize_and_bad),
		cmocka_unit_test(test_request_create_roundtrip),
		cmocka_unit_test(test_request_create_vifs_roundtrip),
		cmocka_unit_test(test_info_vifs_roundtrip),
		cmocka_unit_test(test_request_simple_ops),
		cmocka_unit_test(test_request_pool_set_roundtrip),
		cmocka_unit_test(test_reply_ok_and_error),
		cmocka_unit_test(test_reply_failure_without_errno),
		cmocka_unit_test(test_info_roundtrip),
		cmocka_unit_test(test_info_app_roundtrip),
		cmocka_unit_test(test_timing_roundtrip),
		cmocka_unit_test(test_pools_roundtrip),
		cmocka_unit_test(test_pools_error_too_long),
		cmocka_unit_test(test_request_top),
		cmocka_unit_test(test_top_roundtrip),
		cmocka_unit_test(test_top_refused),
		cmocka_unit_test(test_json_refused),
		cmocka_unit_test(test_name_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
