/*
 * test_closure.c — unit tests for the dependency closure walker
 * (unikernel/closure.c) on the small ELF tree tests/fixtures/module.mk
 * builds: interpreter, DT_NEEDED through the library directories and
 * through RUNPATH's $ORIGIN, a missing library, a file that is not ELF;
 * paths resolved inside a root fs (toolstack/common/rootpath.c) and the
 * walker reading from one (closure_sysroot).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unikernel/closure.h"
#include "toolstack/common/rootpath.h"

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

/* A root fs with links: relative, absolute, leading up and out, a loop. */
static char *rootfs(void)
{
	static char dir[] = "/tmp/test_rootpath.XXXXXX";
	char p[256];

	assert_non_null(mkdtemp(dir));
#define AT(rel) (snprintf(p, sizeof(p), "%s/%s", dir, rel), p)
	assert_int_equal(mkdir(AT("bin"), 0755), 0);
	assert_int_equal(mkdir(AT("lib"), 0755), 0);
	assert_int_equal(mkdir(AT("etc"), 0755), 0);
	fclose(fopen(AT("bin/busybox"), "w"));
	fclose(fopen(AT("etc/passwd"), "w"));
	assert_int_equal(symlink("busybox", AT("bin/echo")), 0);
	assert_int_equal(symlink("/bin/busybox", AT("bin/abs")), 0);
	assert_int_equal(symlink("../../../../../etc/passwd", AT("bin/up")), 0);
	assert_int_equal(symlink("/bin", AT("lib/bin")), 0);
	assert_int_equal(symlink("loop2", AT("bin/loop1")), 0);
	assert_int_equal(symlink("loop1", AT("bin/loop2")), 0);
	assert_int_equal(symlink("/usr/bin/env", AT("bin/host")), 0);
#undef AT
	return dir;
}

static void test_root_resolve(void **state)
{
	char *dir = rootfs(), out[256], cmd[300];

	(void)state;
	assert_int_equal(lvm_root_resolve(dir, "/bin/echo", out, sizeof(out)), 0);
	assert_string_equal(out, "/bin/busybox");
	assert_int_equal(lvm_root_resolve(dir, "/bin/abs", out, sizeof(out)), 0);
	assert_string_equal(out, "/bin/busybox");      /* inside, not the host's */
	assert_int_equal(lvm_root_resolve(dir, "/bin/up", out, sizeof(out)), 0);
	assert_string_equal(out, "/etc/passwd");       /* ".." stops at the root */
	assert_int_equal(lvm_root_resolve(dir, "/lib/bin/abs", out, sizeof(out)), 0);
	assert_string_equal(out, "/bin/busybox");
	assert_int_equal(lvm_root_resolve(dir, "/../../bin/./echo", out, sizeof(out)), 0);
	assert_string_equal(out, "/bin/busybox");
	assert_int_equal(lvm_root_resolve(dir, "/", out, sizeof(out)), 0);
	assert_string_equal(out, "/");
	assert_int_equal(lvm_root_resolve(dir, "/bin/loop1", out, sizeof(out)), -ELOOP);
	assert_int_equal(lvm_root_resolve(dir, "/bin/host", out, sizeof(out)), -ENOENT);
	assert_int_equal(lvm_root_resolve(dir, "/bin/busybox/x", out, sizeof(out)), -ENOTDIR);
	assert_int_equal(lvm_root_resolve(dir, "bin/echo", out, sizeof(out)), -EINVAL);
	assert_int_equal(lvm_root_resolve(dir, "/bin/echo", out, 5), -ENAMETOOLONG);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* The walker in a sysroot: an absolute link to a library is read inside. */
static void test_sysroot(void **state)
{
	struct closure c;
	char err[256] = "", host[512];

	(void)state;
	closure_sysroot(&c, TEST_ELFTREE);
	c.libdirs = tree_dirs;
	assert_int_equal(closure_add_elf(&c, "/opt/app/app", "the executable",
					 err, sizeof(err)), 0);
	assert_int_equal(c.n, 5);
	assert_int_equal(closure_host(&c, "/usr/lib/liba.so.1", host, sizeof(host)), 0);
	assert_string_equal(host, TEST_ELFTREE "/usr/lib/liba.so.1");
	assert_int_equal(closure_host(&c, "/no/such", host, sizeof(host)), -ENOENT);
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
		cmocka_unit_test(test_root_resolve),
		cmocka_unit_test(test_sysroot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
