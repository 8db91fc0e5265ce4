/*
 * test_jsonform.c — unit tests for toolstack/liblvm/json.c's object forms
 * (jsonform.h): what `lvm ... --json` prints reads exactly as the scripts
 * that parse it (bench/, tests/integration/) expect, one member a line.
 * (The text forms, lvm_info_json() and the others, are these objects
 * printed compact: json.c makes them from the same functions.)
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>

#include <lvm.h>

#include "toolstack/liblvm/jsonform.h"

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
				.encode_ns = 10, .decode_ns = 11,
				.has_ready = true, .ready_ns = 123456789,
				.tsc_khz = 2893202 };
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
		"  \"tsc_khz\":2893202,\n"
		"  \"pool_hit\":true,\n"
		"  \"client_ns\":9,\n"
		"  \"encode_ns\":10,\n"
		"  \"decode_ns\":11\n"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
