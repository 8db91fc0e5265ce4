/*
 * test_closure.c — unit tests for the dependency closure walker
 * (unikernel/closure.c) on the small ELF tree tests/fixtures/module.mk
 * builds: interpreter, DT_NEEDED through the library directories and
 * through RUNPATH's $ORIGIN, a missing library, a file that is not ELF.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "unikernel/closure.h"

static const char *const tree_dirs[] = { "/lib", "/usr/lib", NULL };

static void tree(struct closure *c)
{
	closure_init(c, TEST_ELFTREE);
	c->libdirs = tree_dirs;
}

static void test_app(void **state)
{
	struct closure c;
	char err[256] = "";

	(void)state;
	tree(&c);
	assert_int_equal(closure_add_elf(&c, "/opt/app/app", "the executable",
					 err, sizeof(err)), 0);
	assert_int_equal(c.n, 5);
	assert_string_equal(c.paths[0], "/opt/app/app");
	assert_true(closure_has(&c, "/lib/ld-tree.so"));
	assert_true(closure_has(&c, "/usr/lib/liba.so.1"));
	assert_true(closure_has(&c, "/lib/libb.so.1"));     /* liba's need */
	assert_true(closure_has(&c, "/opt/app/lib/libc2.so")); /* $ORIGIN */
	/* Adding again adds nothing. */
	assert_int_equal(closure_add_elf(&c, "/usr/lib/liba.so.1", "x", err,
					 sizeof(err)), 0);
	assert_int_equal(c.n, 5);
	closure_free(&c);
}

static void test_missing_library(void **state)
{
	struct closure c;
	char err[256] = "";

	(void)state;
	tree(&c);
	assert_int_equal(closure_add_elf(&c, "/opt/app/broken", "the executable",
					 err, sizeof(err)), -ENOENT);
	assert_string_equal(err,
			    "libmissing.so.9 (needed by /opt/app/broken) is not found");
	closure_free(&c);
}

static void test_not_elf(void **state)
{
	struct closure c;
	char err[256] = "";

	(void)state;
	tree(&c);
	assert_int_equal(closure_add_elf(&c, "/opt/app/notelf", "the executable",
					 err, sizeof(err)), -ENOEXEC);
	assert_string_equal(err,
			    "the executable /opt/app/notelf is not an x86_64 ELF file");
	assert_int_equal(closure_add_elf(&c, "/opt/app/none", "the executable",
					 err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/opt/app/none: No such file"));
	assert_int_equal(closure_add_elf(&c, "relative", "the executable",
					 err, sizeof(err)), -EINVAL);
	assert_int_equal(c.n, 0);
	closure_free(&c);
}

static void test_data(void **state)
{
	struct closure c;

	(void)state;
	closure_init(&c, NULL);
	assert_int_equal(closure_add(&c, "/etc/x"), 0);
	assert_int_equal(closure_add(&c, "/etc/x"), 0);
	assert_int_equal(c.n, 1);
	closure_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_app),
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
