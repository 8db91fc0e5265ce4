/*
 * test_cfgkeys.c — unit tests for the config key scanner
 * (toolstack/liblvm/cfgkeys.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "toolstack/liblvm/cfgkeys.h"

/* The keys a scan found, as "key@line" or "key+@line", space-separated. */
struct seen {
	char buf[512];
};

static int collect(void *arg, const char *key, size_t len, unsigned line,
		   bool append)
{
	struct seen *s = arg;
	size_t n = strlen(s->buf);

	snprintf(s->buf + n, sizeof(s->buf) - n, "%s%.*s%s@%u",
		 n ? " " : "", (int)len, key, append ? "+" : "", line);
	return 0;
}

static int scan(const char *text, struct seen *s, unsigned *line,
		const char **what)
{
	memset(s, 0, sizeof(*s));
	*line = 0;
	*what = NULL;
	return lvm_cfgkeys_scan(text, strlen(text), collect, s, line, what);
}

static void test_good_file(void **state)
{
	const char *text =
		"# a guest\n"
		"name = \"web-1\"   # trailing comment\n"
		"\n"
		"memory=16; vcpus = 2\n"
		"cmdline = \"a \\\"quoted\\\" # not a comment\"\n"
		"kernel = '/x/y.xen'\n"
		"vif = [ 'mac=00:16:3e:00:00:01',\n"
		"        # a comment inside\n"
		"        'bridge=br0', ]\n"
		"on_crash = \"preserve\";;\n"
		"extra += \"x\"\n"
		"nested = [ [1, 2], [] ]\n"
		"hex = 0x10\n"
		"last = 1";
	struct seen s;
	unsigned line;
	const char *what;

	(void)state;
	assert_int_equal(scan(text, &s, &line, &what), 0);
	assert_string_equal(s.buf, "name@2 memory@4 vcpus@4 cmdline@5 kernel@6 "
				   "vif@7 on_crash@10 extra+@11 nested@12 "
				   "hex@13 last@14");
}

static void test_empty_and_comments_only(void **state)
{
	struct seen s;
	unsigned line;
	const char *what;

	(void)state;
	assert_int_equal(scan("", &s, &line, &what), 0);
	assert_int_equal(scan("\n# x\n  \t\r\n;\n", &s, &line, &what), 0);
	assert_string_equal(s.buf, "");
}

static void test_syntax_errors(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
	} bad[] = {
		{ "name = \"unterminated\n", 1 },
		{ "a = 1\nname = 'x\n'", 2 },
		{ "a = 1\n\nb = [ 1,\n 2\n", 5 },
		{ "a = [ 1 2 ]", 1 },
		{ "memory 4", 1 },
		{ "= 4", 1 },
		{ "4 = 4", 1 },
		{ "a = ", 1 },
		{ "a = 1 2", 1 },
		{ "a = \"x\" y", 1 },
		{ "a = [[[[[[[[[[1]]]]]]]]]]", 1 },
		{ "a = \"x\\", 1 },
		{ "a = @", 1 },
		{ "a = 1\n\n\n  $", 4 },
	};
	struct seen s;
	unsigned line;
	const char *what;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = scan(bad[i].text, &s, &line, &what);

		if (rc != -EINVAL)
			fail_msg("accepted: %s", bad[i].text);
		if (line != bad[i].line)
			fail_msg("'%s': line %u, not %u", bad[i].text, line,
				 bad[i].line);
		assert_non_null(what);
	}
}

static int stop_at_second(void *arg, const char *key, size_t len,
			  unsigned line, bool append)
{
	int *n = arg;

	(void)key, (void)len, (void)line, (void)append;
	return ++*n == 2 ? -E2BIG : 0;
}

static void test_callback_stops_scan(void **state)
{
	const char *text = "a = 1\nb = 2\nc = 3\n";
	unsigned line = 0;
	const char *what = NULL;
	int n = 0;

	(void)state;
	assert_int_equal(lvm_cfgkeys_scan(text, strlen(text), stop_at_second,
					  &n, &line, &what), -E2BIG);
	assert_int_equal(n, 2);
}

static void test_nul_and_binary(void **state)
{
	const char text[] = "a = 1\n\0\xff = 2";
	struct seen s = { { 0 } };
	unsigned line = 0;
	const char *what = NULL;

	(void)state;
	assert_int_equal(lvm_cfgkeys_scan(text, sizeof(text) - 1, collect, &s,
					  &line, &what), -EINVAL);
	assert_int_equal(line, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_empty_and_comments_only),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_callback_stops_scan),
		cmocka_unit_test(test_nul_and_binary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
