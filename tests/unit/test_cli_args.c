/*
 * test_cli_args.c — unit tests for the `lvm` command line
 * (toolstack/lvm/args.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "toolstack/lvm/cli.h"

/* parse: split (line) on spaces ("lvm" is prepended) and parse it. */
static int parse(const char *line, struct lvm_cli *c, char *err, size_t len)
{
	static char buf[512];
	char *argv[32];
	int argc = 0;

	snprintf(buf, sizeof(buf), "lvm %s", line);
	for (char *t = strtok(buf, " "); t && argc < 31; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	err[0] = '\0';
	return lvm_cli_parse(argc, argv, c, err, len);
}

static void test_create_all_options(void **state)
{
	struct lvm_cli c;
	char err[256];

	(void)state;
	unsetenv("LVM_SOCKET");
	assert_int_equal(parse("-s /tmp/s create g.cfg --name h1 -m 16 --vcpus=2 "
			       "--cmdline x=1 --timing --json -p --noxs", &c, err,
			       sizeof(err)), 0);
	assert_int_equal(c.verb, V_CREATE);
	assert_string_equal(c.sock, "/tmp/s");
	assert_string_equal(c.arg, "g.cfg");
	assert_string_equal(c.name, "h1");
	assert_true(c.has_memory);
	assert_int_equal(c.memory_mb, 16);
	assert_true(c.has_vcpus);
	assert_int_equal(c.vcpus, 2);
	assert_string_equal(c.cmdline, "x=1");
	assert_true(c.timing && c.json && c.paused);
	assert_true(c.has_store);
	assert_int_equal(c.store, LVM_STORE_NOXS);
}

/* --vif: repeatable, each spec parsed (lvm_vif_parse), in order. */
static void test_create_vifs(void **state)
{
	struct lvm_cli c;
	char err[256];

	(void)state;
	assert_int_equal(parse("create g.cfg --vif mac=00:16:3e:01:02:03,ip=198.18.0.9 "
			       "--vif= --vif=default --vif bridge=lvmbr0,mtu=600",
			       &c, err, sizeof(err)), 0);
	assert_int_equal(c.nvifs, 4);
	assert_true(c.vifs[0].has_mac && c.vifs[0].has_ip);
	assert_int_equal(c.vifs[0].mac[5], 3);
	assert_int_equal(c.vifs[0].ip[3], 9);
	assert_false(c.vifs[1].has_mac || c.vifs[1].has_ip || c.vifs[1].mtu);
	assert_false(c.vifs[2].has_mac || c.vifs[2].has_ip || c.vifs[2].mtu);
	assert_string_equal(c.vifs[3].bridge, "lvmbr0");
	assert_int_equal(c.vifs[3].mtu, 600);
	assert_int_equal(parse("create g.cfg --vif=mac=00:16:3e:1:2:3", &c, err,
			       sizeof(err)), -EINVAL);
	assert_string_equal(err, "create: --vif 'mac=00:16:3e:1:2:3': mac '00:16:3e:1:2:3': not six hex pairs like 00:16:3e:01:02:03");
	assert_int_equal(parse("create g.cfg --vif script=vif-bridge", &c, err,
			       sizeof(err)), -EINVAL);
	assert_string_equal(err, "create: --vif 'script=vif-bridge': 'script' is not supported (lvm takes mac, bridge, ip, mtu)");
	assert_int_equal(parse("create g.cfg --vif", &c, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "create: --vif wants a value");
	assert_int_equal(parse("create g.cfg --vif= --vif= --vif= --vif= --vif= "
			       "--vif= --vif= --vif= --vif=", &c, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "create: --vif: at most 8");
	assert_int_equal(parse("list --vif=", &c, err, sizeof(err)), -EINVAL);
}

static void test_create_defaults(void **state)
{
	struct lvm_cli c;
	char err[256];

	(void)state;
	setenv("LVM_SOCKET", "/env/sock", 1);
	assert_int_equal(parse("create hello.xen", &c, err, sizeof(err)), 0);
	assert_string_equal(c.sock, "/env/sock");
	assert_false(c.has_memory || c.has_vcpus || c.has_store || c.timing);
	assert_null(c.name);
	unsetenv("LVM_SOCKET");
}

static void test_verbs_and_targets(void **state)
{
	static const struct {
		const char *line;
		enum lvm_verb verb;
	} ok[] = {
		{ "destroy g", V_DESTROY }, { "shutdown -t 5 g", V_SHUTDOWN },
		{ "reboot g", V_REBOOT }, { "pause 7", V_PAUSE },
		{ "unpause 7", V_UNPAUSE }, { "list", V_LIST },
		{ "list --all --json", V_LIST }, { "info --json g", V_INFO },
		{ "console g", V_CONSOLE }, { "destroy -- -odd-name", V_DESTROY },
	};
	struct lvm_cli c;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (parse(ok[i].line, &c, err, sizeof(err)) != 0)
			fail_msg("'%s': %s", ok[i].line, err);
		assert_int_equal(c.verb, ok[i].verb);
	}
	assert_int_equal(parse("shutdown -t 5 g", &c, err, sizeof(err)), 0);
	assert_int_equal(c.timeout_s, 5);
	assert_string_equal(c.arg, "g");
	assert_int_equal(parse("destroy -- -odd-name", &c, err, sizeof(err)), 0);
	assert_string_equal(c.arg, "-odd-name");
}

static void test_help(void **state)
{
	struct lvm_cli c;
	char err[256];

	(void)state;
	assert_int_equal(parse("--help", &c, err, sizeof(err)), 0);
	assert_true(c.help);
	assert_int_equal(c.verb, V_NONE);
	assert_int_equal(parse("create --help", &c, err, sizeof(err)), 0);
	assert_true(c.help);
	assert_int_equal(c.verb, V_CREATE);
	assert_non_null(strstr(lvm_cli_usage(V_CREATE), "--timing"));
	assert_non_null(strstr(lvm_cli_usage(V_NONE), "console GUEST"));
}

static void test_errors(void **state)
{
	static const struct {
		const char *line, *err;
	} bad[] = {
		{ "", "no verb given (see lvm --help)" },
		{ "frob", "unknown verb 'frob' (see lvm --help)" },
		{ "--frob list", "unknown option '--frob' (see lvm --help)" },
		{ "create", "create: missing CONFIG or IMAGE (see lvm create --help)" },
		{ "destroy", "destroy: missing GUEST (see lvm destroy --help)" },
		{ "create a b", "create: one argument only ('b' is extra)" },
		{ "list x", "list: takes no argument ('x')" },
		{ "create a --memory", "create: --memory wants a value" },
		{ "create a --memory 4x", "create: --memory wants a number of MiB, not '4x'" },
		{ "create a --memory -4", "create: --memory wants a number of MiB, not '-4'" },
		{ "create a --memory 99999999999", "create: --memory wants a number of MiB, not '99999999999'" },
		{ "create a --vcpus two", "create: --vcpus wants a number, not 'two'" },
		{ "create a --all", "create: unknown option '--all' (see lvm create --help)" },
		{ "create a --timing=yes", "create: --timing takes no value" },
		{ "create a --noxs --xenstore", "create: --noxs and --xenstore exclude each other" },
		{ "shutdown -t 0 g", "shutdown: -t wants a number of seconds (1..4000000), not '0'" },
		{ "destroy -t 5 g", "destroy: unknown option '-t' (see lvm destroy --help)" },
		{ "-s", "-s wants a path" },
	};
	struct lvm_cli c;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i].line, &c, err, sizeof(err)) != -EINVAL)
			fail_msg("accepted: '%s'", bad[i].line);
		if (strcmp(err, bad[i].err))
			fail_msg("'%s': got \"%s\", want \"%s\"", bad[i].line, err,
				 bad[i].err);
	}
}

static void test_pool(void **state)
{
	struct lvm_cli c;
	char err[256];

	(void)state;
	assert_int_equal(parse("pool", &c, err, sizeof(err)), 0);
	assert_int_equal(c.verb, V_POOL);
	assert_false(c.pool_set);
	assert_int_equal(parse("pool --json", &c, err, sizeof(err)), 0);
	assert_true(c.json);
	assert_int_equal(parse("pool set 4x1 16", &c, err, sizeof(err)), 0);
	assert_true(c.pool_set);
	assert_int_equal(c.pool_memory_mb, 4);
	assert_int_equal(c.pool_vcpus, 1);
	assert_int_equal(c.pool_target, 16);
	assert_int_equal(parse("pool set 64:2 0", &c, err, sizeof(err)), 0);
	assert_int_equal(c.pool_memory_mb, 64);
	assert_int_equal(c.pool_vcpus, 2);
	assert_int_equal(c.pool_target, 0);
	assert_int_equal(parse("pool frob", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown subcommand"));
	assert_int_equal(parse("pool set 4x1", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse("pool set 4 16", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a shape"));
	assert_int_equal(parse("pool set 4x0 16", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse("pool set 4x1 many", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse("pool set 4x1 1 /no/such/image.xen", &c, err,
			       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "/no/such/image.xen"));
	assert_int_equal(parse("pool set 4x1 1 a b", &c, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "too many"));
	/* an image is resolved to an absolute path */
	assert_int_equal(parse("pool set 4x1 2 /tmp/../tmp", &c, err,
			       sizeof(err)), 0);
	assert_non_null(c.pool_image);
	assert_string_equal(c.pool_image, "/tmp");
	free(c.pool_image);
	/* the one-argument verbs still take one */
	assert_int_equal(parse("destroy a b", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "one argument only"));
}

static void test_top(void **state)
{
	struct lvm_cli c;
	char err[256];
	uint32_t ms;

	(void)state;
	assert_int_equal(parse("top", &c, err, sizeof(err)), 0);
	assert_int_equal(c.verb, V_TOP);
	assert_int_equal(c.delay_ms, 0);
	assert_int_equal(c.iterations, 0);
	assert_false(c.batch);
	assert_false(c.json);
	/* -n is top's iterations, as it is create's name */
	assert_int_equal(parse("top -d 1 -n 2 --batch", &c, err, sizeof(err)), 0);
	assert_int_equal(c.delay_ms, 1000);
	assert_int_equal(c.iterations, 2);
	assert_true(c.batch);
	assert_null(c.name);
	assert_int_equal(parse("top --delay=0.25 --iterations=3 -b --json", &c,
			       err, sizeof(err)), 0);
	assert_int_equal(c.delay_ms, 250);
	assert_int_equal(c.iterations, 3);
	assert_true(c.batch && c.json);
	assert_int_equal(parse("create k.xen -n web", &c, err, sizeof(err)), 0);
	assert_string_equal(c.name, "web");
	assert_int_equal(c.iterations, 0);
	/* what top refuses */
	assert_int_equal(parse("top -n 0", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "number of frames"));
	assert_int_equal(parse("top -d 0.05", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "0.1 to 86400"));
	assert_int_equal(parse("top -d x", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse("top guest", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "takes no argument"));
	assert_int_equal(parse("top --all", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse("create k.xen -d 1", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown option"));
	/* seconds */
	assert_int_equal(lvm_cli_seconds("2", &ms), 0);
	assert_int_equal(ms, 2000);
	assert_int_equal(lvm_cli_seconds("0.1", &ms), 0);
	assert_int_equal(ms, 100);
	assert_int_equal(lvm_cli_seconds("1.2345", &ms), 0);
	assert_int_equal(ms, 1234);
	assert_int_equal(lvm_cli_seconds(".5", &ms), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(lvm_cli_seconds("86400", &ms), 0);
	assert_int_equal(ms, 86400000);
	assert_int_equal(lvm_cli_seconds("86400.001", &ms), -EINVAL);
	assert_int_equal(lvm_cli_seconds("99999999999999999999", &ms), -EINVAL);
	assert_int_equal(lvm_cli_seconds("", &ms), -EINVAL);
	assert_int_equal(lvm_cli_seconds(".", &ms), -EINVAL);
	assert_int_equal(lvm_cli_seconds("1s", &ms), -EINVAL);
	assert_int_equal(lvm_cli_seconds("-1", &ms), -EINVAL);
	assert_int_equal(lvm_cli_seconds("0.09", &ms), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_all_options),
		cmocka_unit_test(test_create_vifs),
		cmocka_unit_test(test_create_defaults),
		cmocka_unit_test(test_verbs_and_targets),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_top),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
