/*
 * test_jsonform.c — unit tests for toolstack/liblvm/json.c: lvm.h's JSON
 * forms as objects (jsonform.h, what the `lvm` command prints) and as
 * text (lvm_info_json() and the others) say the same thing. The command
 * used to print the text parsed again; printed pretty, an object form
 * must read exactly as that did, so no output of `lvm ... --json` moved;
 * and it reads as the scripts that parse it expect.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include <lvm.h>

#include "toolstack/liblvm/jsonform.h"

static const int flags[] = {
	JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE,
	JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
	JSON_C_TO_STRING_SPACED,
};

/* same() - (o) (consumed) and (text) (freed), parsed, print alike in
 * every form the command and the library use. */
static void same(json_object *o, char *text)
{
	json_object *back;

	assert_non_null(o);
	assert_non_null(text);
	back = json_tokener_parse(text);
	assert_non_null(back);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		assert_string_equal(json_object_to_json_string_ext(o, flags[i]),
				    json_object_to_json_string_ext(back, flags[i]));
	json_object_put(back);
	json_object_put(o);
	free(text);
}

/* A managed guest with everything set: strings that need escaping, a
 * path, vifs, an application, values past 32 and 63 bits. */
static void fill_info(struct lvm_info *i)
{
	memset(i, 0, sizeof(*i));
	strcpy(i->name, "web-1");
	i->domid = 4321;
	i->managed = true;
	strcpy(i->uuid, "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
	i->state = LVM_STATE_RUNNING;
	i->memory_mb = 64;
	i->vcpus = 2;
	i->created = 1796000000;
	i->uptime_ms = 5000000000ull;
	i->has_ready = true;
	i->ready_ns = 18446744073709551000ull;
	i->on_crash = LVM_ACTION_PRESERVE;
	i->noxs = true;
	i->kernel = "/srv/lvm/images/httpd.xen";
	i->cmdline = "quote=\" back=\\ tab=\t nl=\n é ctl=\x01";
	i->console_log = "/var/log/lvm/web-1.log";
	strcpy(i->app.name, "httpd");
	strcpy(i->app.version, "1.2.3");
	memset(i->app.build_id, 'a', 64);
	strcpy(i->warning, "vif 1: the application needs none");
	i->nvifs = 2;
	i->vifs[0] = (struct lvm_vif){ .mac = { 0, 0x16, 0x3e, 1, 2, 3 },
				       .has_mac = true, .ip = { 198, 18, 0, 9 },
				       .prefix = 24, .has_ip = true,
				       .mtu = 1500 };
	strcpy(i->vifs[0].bridge, "lvmbr0");
	i->vifs[1] = (struct lvm_vif){ .mac = { 0, 0x16, 0x3e, 4, 5, 6 },
				       .has_mac = true };
}

static void test_info(void **state)
{
	struct lvm_info i;

	(void)state;
	fill_info(&i);
	same(lvm_jsonform_info(&i), lvm_info_json(&i));
	memset(&i, 0, sizeof(i));    /* a domain lvm does not manage */
	i.domid = 7;
	i.state = LVM_STATE_PAUSED;
	same(lvm_jsonform_info(&i), lvm_info_json(&i));
}

static void test_timing(void **state)
{
	struct lvm_timing t = { .pool_hit = true, .queue_ns = 1,
				.total_ns = 4294967296ull, .client_ns = 9,
				.has_ready = true, .ready_ns = 123456789 };

	(void)state;
	same(lvm_jsonform_timing(&t), lvm_timing_json(&t));
}

/* printed() - (o) (consumed) as `lvm ... --json` prints it. */
static void printed(json_object *o, const char *want)
{
	assert_non_null(o);
	assert_string_equal(json_object_to_json_string_ext(
				    o, JSON_C_TO_STRING_PRETTY |
					       JSON_C_TO_STRING_NOSLASHESCAPE),
			    want);
	json_object_put(o);
}

/* What the command prints, one member a line, as the scripts that read
 * it (bench/, tests/integration/) expect. */
static void test_printed(void **state)
{
	struct lvm_timing t = { .pool_hit = true, .queue_ns = 1,
				.total_ns = 4294967296ull, .client_ns = 9,
				.has_ready = true, .ready_ns = 123456789 };
	struct lvm_info i = { .domid = 7, .state = LVM_STATE_PAUSED,
			      .memory_mb = 4, .vcpus = 1 };

	(void)state;
	printed(lvm_jsonform_timing(&t),
		"{\n"
		"  \"queue_ns\":1,\n"
		"  \"claim_ns\":0,\n"
		"  \"prepare_ns\":0,\n"
		"  \"load_ns\":0,\n"
		"  \"build_ns\":0,\n"
		"  \"devices_ns\":0,\n"
		"  \"unpause_ns\":0,\n"
		"  \"total_ns\":4294967296,\n"
		"  \"map_ns\":0,\n"
		"  \"bind_ns\":0,\n"
		"  \"log_ns\":0,\n"
		"  \"save_ns\":0,\n"
		"  \"ready_ns\":123456789,\n"
		"  \"pool_hit\":true,\n"
		"  \"client_ns\":9\n"
		"}");
	printed(lvm_jsonform_info(&i),
		"{\n"
		"  \"name\":\"\",\n"
		"  \"domid\":7,\n"
		"  \"managed\":false,\n"
		"  \"uuid\":\"\",\n"
		"  \"state\":\"paused\",\n"
		"  \"memory_mb\":4,\n"
		"  \"vcpus\":1\n"
		"}");
}

static void test_pools(void **state)
{
	struct lvm_pool_info v[2] = {
		{ .memory_mb = 4, .vcpus = 1, .target = 16, .ready = 3,
		  .preparing = 1, .hits = 1ull << 40, .misses = 2,
		  .image = "/srv/lvm/noop.xen", .error = "" },
		{ .memory_mb = 64, .vcpus = 2, .target = 1,
		  .error = "image /x: \"bad\"" },
	};

	(void)state;
	same(lvm_jsonform_pools(v, 2, 77), lvm_pool_json(v, 2, 77));
	same(lvm_jsonform_pools(NULL, 0, 0), lvm_pool_json(NULL, 0, 0));
}

static void test_top(void **state)
{
	struct lvm_pool_info pool = { .memory_mb = 4, .vcpus = 1,
				      .target = 2, .ready = 2 };
	struct lvm_top_guest g[2] = {
		{ .name = "a", .domid = 3, .state = LVM_STATE_RUNNING,
		  .vcpus = 1, .memory_mb = 4, .cpu_ns = 1ull << 50,
		  .console_bytes = 12, .nvifs = 1,
		  .vifs = { { .rx_bytes = 1, .tx_packets = 2,
			      .connected = true } } },
		{ .name = "b", .domid = 4, .state = LVM_STATE_PAUSED },
	};
	struct lvm_top t = { .time_ns = 1, .uptime_ns = 2, .requests = 3,
			     .nops = 2, .cpu_ns = 4, .rss_kib = 5,
			     .nguests = 2, .pools = &pool, .npools = 1,
			     .other_misses = 6, .guests = g,
			     .nguests_listed = 2 };

	(void)state;
	strcpy(t.ops[0].op, "create");
	t.ops[0].count = 10;
	strcpy(t.ops[1].op, "list");
	t.ops[1].count = 11;
	same(lvm_jsonform_top(&t), lvm_top_json(&t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_timing),
		cmocka_unit_test(test_printed),
		cmocka_unit_test(test_pools),
		cmocka_unit_test(test_top),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
