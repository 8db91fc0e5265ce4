/*
 * test_manifest.c — unit tests for the application manifest parser
 * (unikernel/manifest.c): every key, every refusal, with its line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "unikernel/manifest.h"

static char err[512];

static int parse(const char *text, struct app_manifest *m)
{
	err[0] = '\0';
	return app_manifest_parse(text, strlen(text), "app.cfg", m, err,
				  sizeof(err));
}

/* refused: (text) is refused with -EINVAL and a line holding (want). */
static void refused(const char *text, const char *want)
{
	struct app_manifest m;

	assert_int_equal(parse(text, &m), -EINVAL);
	if (!strstr(err, want))
		fail_msg("for <<%s>> got \"%s\", want \"%s\"", text, err, want);
	assert_null(strchr(err, '\n'));
}

static void test_full(void **state)
{
	struct app_manifest m;

	(void)state;
	assert_int_equal(parse("# a comment\n"
			       "name = \"daytime\"\n"
			       "version = \"1.0-rc1\"\n"
			       "sources = [ \"main.c\", \"sub/x.S\" ]\n"
			       "modules = [ \"tcp\" ]\n"
			       "memory = 6\n"
			       "cmdline = \"port=13 verbose\"\n"
			       "devices = [ \"vif\" ]\n",
			       &m), 0);
	assert_string_equal(m.name, "daytime");
	assert_string_equal(m.version, "1.0-rc1");
	assert_int_equal(m.nsources, 2);
	assert_string_equal(m.sources[1], "sub/x.S");
	assert_int_equal(m.sources_line, 4);
	assert_int_equal(m.nmodules, 1);
	assert_string_equal(m.modules[0], "tcp");
	assert_int_equal(m.modules_line, 5);
	assert_int_equal(m.memory_mb, 6);
	assert_string_equal(m.cmdline, "port=13 verbose");
	assert_int_equal(m.devices, APP_DEV_VIF);
	app_manifest_free(&m);
}

static void test_defaults(void **state)
{
	struct app_manifest m;

	(void)state;
	assert_int_equal(parse("name='a'\nsources=['m.c']\n", &m), 0);
	assert_string_equal(m.version, "0");
	assert_int_equal(m.memory_mb, 0);
	assert_int_equal(m.nmodules, 0);
	assert_int_equal(m.devices, 0);
	assert_string_equal(m.cmdline, "");
	app_manifest_free(&m);
}

static void test_keys(void **state)
{
	(void)state;
	refused("name='a'\nsources=['m.c']\ncolour='red'\n",
		"app.cfg:3: unknown key 'colour'");
	refused("name='a'\nname='b'\nsources=['m.c']\n",
		"app.cfg:2: 'name' is set twice (first on line 1)");
	refused("name='a'\nsources=['m.c']\nmodules+=['x']\n",
		"app.cfg:3: 'modules +=' is not supported");
	refused("sources=['m.c']\n", "app.cfg: 'name' is missing");
	refused("name='a'\n", "app.cfg: 'sources' is missing");
	refused("name='a'\nsources=['m.c'\n", "app.cfg:");
}

static void test_values(void **state)
{
	(void)state;
	refused("name='A'\nsources=['m.c']\n", "app.cfg:1: 'name' must be");
	refused("name='a b'\nsources=['m.c']\n", "app.cfg:1: 'name' must be");
	refused("name=['a']\nsources=['m.c']\n", "app.cfg:1: 'name' must be a string");
	refused("name='a'\nversion='1 0'\nsources=['m.c']\n",
		"app.cfg:2: 'version' must be");
	refused("name='a'\nsources='m.c'\n",
		"app.cfg:2: 'sources' must be a list");
	refused("name='a'\nsources=[]\n", "app.cfg:2: 'sources' is empty");
	refused("name='a'\nsources=['/etc/m.c']\n", "is not relative");
	refused("name='a'\nsources=['../m.c']\n", "leaves the application's directory");
	refused("name='a'\nsources=['x/../../m.c']\n", "leaves the application's directory");
	refused("name='a'\nsources=['m.cc']\n", "is neither C (.c) nor assembly");
	refused("name='a'\nsources=['m.c','m.c']\n", "is listed twice");
	refused("name='a'\nsources=['m.c']\nmemory=0\n",
		"app.cfg:3: 'memory' must be a number of MiB");
	refused("name='a'\nsources=['m.c']\nmemory='four'\n",
		"app.cfg:3: 'memory' must be");
	refused("name='a'\nsources=['m.c']\ndevices=['vbd']\n",
		"app.cfg:3: unknown device \"vbd\"");
	refused("name='a'\nsources=['m.c']\nmodules='tcp'\n",
		"app.cfg:3: 'modules' must be a list");
}

static void test_nul(void **state)
{
	struct app_manifest m;
	static const char text[] = "name='a'\0\nsources=['m.c']\n";

	(void)state;
	assert_int_equal(app_manifest_parse(text, sizeof(text) - 1, "app.cfg",
					    &m, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "NUL"));
}

static void test_dotdot_names_allowed(void **state)
{
	struct app_manifest m;

	(void)state;
	/* "..x" is a name, not a way up. */
	assert_int_equal(parse("name='a'\nsources=['..x.c', 'd/x..y.c']\n", &m), 0);
	app_manifest_free(&m);
}

static int parse_linux(const char *text, struct app_manifest *m)
{
	err[0] = '\0';
	return app_manifest_parse_linux(text, strlen(text), "app.cfg", m, err,
					sizeof(err));
}

static void refused_linux(const char *text, const char *want)
{
	struct app_manifest m;

	assert_int_equal(parse_linux(text, &m), -EINVAL);
	if (!strstr(err, want))
		fail_msg("for <<%s>> got \"%s\", want \"%s\"", text, err, want);
	assert_null(strchr(err, '\n'));
}

/* A --linux manifest: its own keys, the root directory among them. */
static void test_linux(void **state)
{
	struct app_manifest m;

	(void)state;
	assert_int_equal(parse_linux("name = 'lighttpd'\n"
				     "executable = '/usr/sbin/lighttpd'\n"
				     "package = 'lighttpd'\n"
				     "args = [ '-D', '-f', '/etc/lighttpd/lvm.conf' ]\n"
				     "env = [ 'LANG=C' ]\n"
				     "files = [ '/etc/debian_version' ]\n"
				     "root = 'root'\n"
				     "modules = [ 'xen-netfront' ]\n"
				     "devices = [ 'vif' ]\n",
				     &m), 0);
	assert_true(m.linux_vm);
	assert_string_equal(m.executable, "/usr/sbin/lighttpd");
	assert_string_equal(m.package, "lighttpd");
	assert_int_equal(m.nargs, 3);
	assert_string_equal(m.args[2], "/etc/lighttpd/lvm.conf");
	assert_int_equal(m.nfiles, 1);
	assert_string_equal(m.root, "root");
	assert_int_equal(m.root_line, 7);
	assert_int_equal(m.nmodules, 1);
	assert_int_equal(m.devices, APP_DEV_VIF);
	app_manifest_free(&m);
	/* no root: NULL */
	assert_int_equal(parse_linux("name='a'\nexecutable='/bin/ls'\n", &m), 0);
	assert_null(m.root);
	app_manifest_free(&m);

	refused_linux("name='a'\nexecutable='/bin/ls'\nroot='/etc'\n",
		      "app.cfg:3: 'root' must be a directory under the application's");
	refused_linux("name='a'\nexecutable='/bin/ls'\nroot='../x'\n",
		      "app.cfg:3: 'root' must be a directory under the application's");
	refused_linux("name='a'\nexecutable='/bin/ls'\nroot='a/../../x'\n",
		      "app.cfg:3: 'root' must be");
	refused_linux("name='a'\nexecutable='/bin/ls'\nroot=''\n", "app.cfg:3: 'root' must be");
	refused_linux("name='a'\nexecutable='/bin/ls'\nroot=['r']\n",
		      "app.cfg:3: 'root' must be a string");
	refused_linux("name='a'\nexecutable='/bin/ls'\nsources=['m.c']\n",
		      "app.cfg:3: unknown key 'sources' in a --linux manifest");
	refused_linux("name='a'\nexecutable='bin/ls'\n",
		      "app.cfg:2: 'executable' must be an absolute path");
	refused_linux("name='a'\n", "app.cfg: 'executable' is missing");
	/* a unikernel's manifest has no root */
	refused("name='a'\nsources=['m.c']\nroot='r'\n", "app.cfg:3: unknown key 'root'");
}

/* conffiles: absent (every one), a list, or [ ] (none); only with a
 * package. */
static void test_conffiles(void **state)
{
	struct app_manifest m;

	(void)state;
	assert_int_equal(parse_linux("name='a'\nexecutable='/bin/ls'\npackage='p'\n", &m), 0);
	assert_int_equal(m.conffiles_line, 0);
	assert_int_equal(m.nconffiles, 0);
	app_manifest_free(&m);
	assert_int_equal(parse_linux("name='a'\nexecutable='/bin/ls'\npackage='p'\n"
				     "conffiles=[]\n", &m), 0);
	assert_int_equal(m.conffiles_line, 4);
	assert_int_equal(m.nconffiles, 0);
	app_manifest_free(&m);
	assert_int_equal(parse_linux("name='a'\nexecutable='/bin/ls'\npackage='p'\n"
				     "conffiles=['/etc/a.conf', '/etc/b']\n", &m), 0);
	assert_int_equal(m.nconffiles, 2);
	assert_string_equal(m.conffiles[1], "/etc/b");
	app_manifest_free(&m);
	refused_linux("name='a'\nexecutable='/bin/ls'\nconffiles=[]\n",
		      "app.cfg:3: 'conffiles' names a package's files, and there is no 'package'");
	refused_linux("name='a'\nexecutable='/bin/ls'\npackage='p'\nconffiles=['etc/a']\n",
		      "app.cfg:4: conffile \"etc/a\" is not an absolute path");
	refused_linux("name='a'\nexecutable='/bin/ls'\npackage='p'\nconffiles='/etc/a'\n",
		      "app.cfg:4: 'conffiles' must be a list of strings");
	refused("name='a'\nsources=['m.c']\nconffiles=[]\n", "app.cfg:3: unknown key 'conffiles'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_dotdot_names_allowed),
		cmocka_unit_test(test_conffiles),
		cmocka_unit_test(test_linux),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
