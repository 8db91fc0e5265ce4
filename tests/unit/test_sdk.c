/*
 * test_sdk.c — unit tests for the SDK's module table and the closure of
 * an application's modules (unikernel/sdk.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "unikernel/sdk.h"

static const char table[] =
	"# comment\n"
	"core  start console noxs/noxs\n"
	"\n"
	"console\n"
	"timer timer loop\n"
	"random random\n"
	"net   netfront noxs/vring < timer\n"
	"tcp   @lwip < net random\n";

static void test_parse(void **state)
{
	static struct sdk s;
	char err[200];
	const struct sdk_module *m;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(sdk_modules_parse(&s, table, strlen(table), err,
					   sizeof(err)), 0);
	assert_int_equal(s.nmods, 6);
	m = sdk_module(&s, "net");
	assert_non_null(m);
	assert_int_equal(m->nobjs, 2);
	assert_string_equal(m->objs[1], "noxs/vring");
	assert_int_equal(m->nrequires, 1);
	assert_string_equal(m->requires[0], "timer");
	assert_int_equal(sdk_module(&s, "console")->nobjs, 0);
	assert_null(sdk_module(&s, "vbd"));
	sdk_close(&s);
}

static void test_closure(void **state)
{
	static struct sdk s;
	char err[200], *want[] = { "tcp" }, *unknown[] = { "net", "vbd" };
	bool on[SDK_MODULES_MAX];
	unsigned bad = 99;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(sdk_modules_parse(&s, table, strlen(table), err,
					   sizeof(err)), 0);
	assert_int_equal(sdk_closure(&s, want, 1, on, &bad), 0);
	/* core, timer, random, net, tcp; not console (no objects, not named) */
	assert_true(on[0]);
	assert_false(on[1]);
	assert_true(on[2] && on[3] && on[4] && on[5]);
	assert_int_equal(sdk_closure(&s, NULL, 0, on, &bad), 0);
	assert_true(on[0]);
	assert_false(on[2] || on[3] || on[4] || on[5]);
	assert_int_equal(sdk_closure(&s, unknown, 2, on, &bad), -ENOENT);
	assert_int_equal(bad, 1);
	sdk_close(&s);
}

static void refused(const char *text, const char *want)
{
	static struct sdk s;
	char err[200] = "";

	memset(&s, 0, sizeof(s));
	assert_int_equal(sdk_modules_parse(&s, text, strlen(text), err,
					   sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		fail_msg("got \"%s\", want \"%s\"", err, want);
	sdk_close(&s);
}

static void test_bad_tables(void **state)
{
	(void)state;
	refused("timer timer\n", "no core module");
	refused("core start\nnet x < timer\n", "module net requires timer");
	refused("core start\ncore again\n", "2: module core twice");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_closure),
		cmocka_unit_test(test_bad_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
