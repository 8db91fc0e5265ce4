/*
 * test_config.c — unit tests for config files and checks
 * (toolstack/liblvm/config.c over libxlutil and cfgkeys.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

#include <lvm.h>

struct fixture {
	char dir[64];
	char path[128];
	char err[512];
	struct lvm_config cfg;
};

static int setup(void **state)
{
	struct fixture *f = TEST_FIXTURE_NEW(state, struct fixture, "config");

	if (!f)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/guest.cfg", f->dir);
	lvm_config_init(&f->cfg);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	lvm_config_clear(&f->cfg);
	return test_fixture_free(f, f->dir);
}

/* parse: write (text) to the fixture's file and parse it. */
static int parse(struct fixture *f, const char *text)
{
	FILE *fp = fopen(f->path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	f->err[0] = '\0';
	return lvm_config_parse_file(f->path, &f->cfg, f->err, sizeof(f->err));
}

static void test_good_file(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f,
		"# hello\n"
		"name = \"web-1\"\n"
		"kernel = \"/lvm/build/guests/hello.xen\"\n"
		"ramdisk = '/r.img'\n"
		"extra = \"console=hvc0 x=1\"\n"
		"memory = 16\n"
		"vcpus = 2; on_poweroff = \"preserve\"\n"
		"on_crash = 'destroy'\n"), 0);
	assert_string_equal(f->cfg.name, "web-1");
	assert_string_equal(f->cfg.kernel, "/lvm/build/guests/hello.xen");
	assert_string_equal(f->cfg.ramdisk, "/r.img");
	assert_string_equal(f->cfg.cmdline, "console=hvc0 x=1");
	assert_int_equal(f->cfg.memory_mb, 16);
	assert_int_equal(f->cfg.vcpus, 2);
	assert_int_equal(f->cfg.on_poweroff, LVM_ACTION_PRESERVE);
	assert_int_equal(f->cfg.on_crash, LVM_ACTION_DESTROY);
	assert_int_equal(lvm_config_check(&f->cfg, f->err, sizeof(f->err)), 0);
}

static void test_defaults_kept(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "kernel = \"k\"\ncmdline = \"c\"\n"), 0);
	assert_null(f->cfg.name);
	assert_string_equal(f->cfg.cmdline, "c");
	assert_int_equal(f->cfg.memory_mb, LVM_DEFAULT_MEMORY_MB);
	assert_int_equal(f->cfg.vcpus, LVM_DEFAULT_VCPUS);
	assert_int_equal(f->cfg.on_poweroff, LVM_ACTION_DESTROY);
	assert_int_equal(f->cfg.on_reboot, LVM_ACTION_RESTART);
}

/* on_reboot takes xl's three words; the others stay refused for
 * on_poweroff and on_crash (test_rejected). */
static void test_on_reboot(void **state)
{
	static const struct {
		const char *text;
		enum lvm_action want;
	} ok[] = {
		{ "on_reboot = \"restart\"\n", LVM_ACTION_RESTART },
		{ "on_reboot = \"destroy\"\n", LVM_ACTION_DESTROY },
		{ "on_reboot = 'preserve'\n", LVM_ACTION_PRESERVE },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		lvm_config_clear(&f->cfg);
		if (parse(f, ok[i].text) != 0)
			fail_msg("'%s': %s", ok[i].text, f->err);
		assert_int_equal(f->cfg.on_reboot, ok[i].want);
	}
	assert_int_equal(lvm_config_set_str(&f->cfg.name, "g"), 0);
	assert_int_equal(lvm_config_set_str(&f->cfg.kernel, "/k"), 0);
	assert_int_equal(lvm_config_check(&f->cfg, f->err, sizeof(f->err)), 0);
	f->cfg.on_reboot = (enum lvm_action)3;
	assert_int_equal(lvm_config_check(&f->cfg, f->err, sizeof(f->err)),
			 -EINVAL);
	assert_string_equal(f->err, "bad on_reboot");
	assert_string_equal(lvm_action_name(LVM_ACTION_RESTART), "restart");
}

/* Each file is refused with -EINVAL and the line "PATH:(suffix)". */
static void test_rejected(void **state)
{
	static const struct {
		const char *name, *text, *suffix;
	} bad[] = {
		{ "unknown key", "name = \"a\"\n\nfoo = 1\n", "3: unknown key 'foo'" },
		{ "keys are case-sensitive", "Memory = 4\n", "1: unknown key 'Memory'" },
		{ "key twice", "memory = 4\nvcpus = 1\nmemory = 8\n",
		  "3: 'memory' is set twice (first on line 1)" },
		{ "extra and cmdline", "extra = \"a\"\ncmdline = \"b\"\n",
		  "2: 'cmdline' and 'extra' are the same setting; use one" },
		{ "memory 0", "memory = 0\n",
		  "1: memory: 0 is out of range (1..4194304 MiB)" },
		{ "memory too large", "memory = 4194305\n",
		  "1: memory: 4194305 is out of range (1..4194304 MiB)" },
		{ "memory a string", "memory = \"lots\"\n",
		  "1: memory: must be a whole number MiB" },
		{ "memory a list", "memory = [ 4 ]\n",
		  "1: memory: must be a whole number MiB" },
		{ "vcpus 0", "vcpus = 0\n", "1: vcpus: 0 is out of range (1..128)" },
		{ "vcpus too many", "vcpus = 129\n",
		  "1: vcpus: 129 is out of range (1..128)" },
		{ "vif a bad MAC", "name = \"a\"\nvif = [ '', 'mac=00:16:3e:1:2:3' ]\n",
		  "2: vif1: mac '00:16:3e:1:2:3': not six hex pairs like 00:16:3e:01:02:03" },
		{ "vif a multicast MAC", "vif = [ 'mac=01:16:3e:01:02:03' ]\n",
		  "1: vif0: mac '01:16:3e:01:02:03': a multicast address (the low bit of the first byte is set)" },
		{ "vif two with one MAC",
		  "vif = [ 'mac=00:16:3e:01:02:03',\n 'mac=00:16:3E:01:02:03' ]\n",
		  "1: vif1: mac 00:16:3e:01:02:03 is vif0's too" },
		{ "vif xl's script", "vif = [ 'bridge=br0,script=vif-bridge' ]\n",
		  "1: vif0: 'script' is not supported (lvm takes mac, bridge, ip, mtu)" },
		{ "vif an unknown key", "vif = [ 'colour=red' ]\n",
		  "1: vif0: unknown key 'colour' (want mac, bridge, ip or mtu)" },
		{ "vif a bad ip", "vif = [ 'ip=198.18.0.256' ]\n",
		  "1: vif0: ip '198.18.0.256': not an IPv4 address A.B.C.D, optionally /PREFIX (1..32)" },
		{ "vif a bridge too long", "vif = [ 'bridge=abcdefghijklmnop' ]\n",
		  "1: vif0: bridge 'abcdefghijklmnop': not a network interface name (1..15 bytes, no '/', ':', blank or control byte, not . or ..)" },
		{ "vif a bridge with '/'", "vif = [ 'bridge=a/b' ]\n",
		  "1: vif0: bridge 'a/b': not a network interface name (1..15 bytes, no '/', ':', blank or control byte, not . or ..)" },
		{ "vif mtu too small", "vif = [ 'mtu=575' ]\n",
		  "1: vif0: mtu '575': want a number from 576 to 1500" },
		{ "vif nine", "vif = [ '','','','','','','','','' ]\n",
		  "1: vif: 9 vifs, at most 8" },
		{ "vif a string", "vif = 'bridge=br0'\n",
		  "1: vif: must be a list of strings, e.g. [ 'mac=00:16:3e:01:02:03,bridge=lvmbr0', '' ]" },
		{ "vif '+='", "vif += [ '' ]\n", "1: '+=' does not apply to 'vif'" },
		{ "on_poweroff restart", "on_poweroff = \"restart\"\n",
		  "1: on_poweroff: 'restart' is not supported (use destroy or preserve)" },
		{ "on_crash restart", "on_crash = \"restart\"\n",
		  "1: on_crash: 'restart' is not supported (use destroy or preserve)" },
		{ "on_reboot unknown", "on_reboot = \"rename-restart\"\n",
		  "1: on_reboot: 'rename-restart' is not supported (use restart, destroy or preserve)" },
		{ "on_reboot a newline", "on_reboot = \"a\\nb\"\n",
		  "1: on_reboot: 'a\\nb' is not supported (use restart, destroy or preserve)" },
		{ "on_reboot a list", "on_reboot = [ \"restart\" ]\n",
		  "1: on_reboot: must be \"restart\", \"destroy\" or \"preserve\"" },
		{ "on_reboot twice", "on_reboot = \"destroy\"\non_reboot = \"restart\"\n",
		  "2: 'on_reboot' is set twice (first on line 1)" },
		{ "on_crash unknown", "on_crash = \"explode\"\n",
		  "1: on_crash: must be \"destroy\" or \"preserve\"" },
		{ "name with a space", "name = \"a b\"\n",
		  "1: name 'a b': must be 1..63 characters of A-Z a-z 0-9 . _ - and not a number" },
		{ "name a list", "name = [ \"a\" ]\n", "1: name: must be a string" },
		{ "newline in a string", "name = \"a\"\nkernel = \"k\n",
		  "2: syntax error: newline in a string" },
		{ "no '='", "name = \"a\"\nmemory 4\n",
		  "2: syntax error: expected '=' after the key" },
		{ "'+=' on a number", "memory += 4\n",
		  "1: '+=' does not apply to 'memory'" },
	};
	struct fixture *f = *state;
	char want[512];
	int rc;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "%s:%s", f->path, bad[i].suffix);
		rc = parse(f, bad[i].text);
		if (rc != -EINVAL)
			fail_msg("case '%s': parse returned %d, not -EINVAL",
				 bad[i].name, rc);
		if (strcmp(f->err, want) != 0)
			fail_msg("case '%s': error \"%s\", expected \"%s\"",
				 bad[i].name, f->err, want);
	}
}

static void test_vifs(void **state)
{
	struct fixture *f = *state;
	const struct lvm_vif *v = f->cfg.vifs;

	assert_int_equal(parse(f,
		"name = 'n'\nkernel = '/k'\n"
		"vif = [ 'mac=00:16:3E:01:02:03, bridge=lvmbr0 ,ip=198.18.0.7',\n"
		"        '', 'ip=198.18.1.2/16,mtu=576' ]\n"), 0);
	assert_int_equal(f->cfg.nvifs, 3);
	assert_true(v[0].has_mac);
	assert_memory_equal(v[0].mac, ((uint8_t[]){ 0, 0x16, 0x3e, 1, 2, 3 }), 6);
	assert_string_equal(v[0].bridge, "lvmbr0");
	assert_true(v[0].has_ip);
	assert_memory_equal(v[0].ip, ((uint8_t[]){ 198, 18, 0, 7 }), 4);
	assert_int_equal(v[0].prefix, 0);
	assert_int_equal(v[0].mtu, 0);
	assert_false(v[1].has_mac);
	assert_false(v[1].has_ip);
	assert_string_equal(v[1].bridge, "");
	assert_int_equal(v[2].prefix, 16);
	assert_int_equal(v[2].mtu, 576);
	assert_int_equal(lvm_config_check(&f->cfg, f->err, sizeof(f->err)), 0);
	/* a MAC twice, as `lvm create --vif` can append it */
	f->cfg.vifs[1] = f->cfg.vifs[0];
	assert_int_equal(lvm_config_check(&f->cfg, f->err, sizeof(f->err)), -EINVAL);
	assert_string_equal(f->err, "vif1: mac 00:16:3e:01:02:03 is vif0's too");
	f->cfg.nvifs = LVM_VIFS_MAX + 1;
	assert_int_equal(lvm_config_check(&f->cfg, f->err, sizeof(f->err)), -EINVAL);
	assert_string_equal(f->err, "9 vifs: at most 8");
}

/* Every refusal of lvm_vif_parse(), by its line. */
static void test_vif_parse_errors(void **state)
{
	static const struct {
		const char *spec, *err;
	} bad[] = {
		{ "mac=00:16:3e:01:02", "mac '00:16:3e:01:02': not six hex pairs like 00:16:3e:01:02:03" },
		{ "mac=00:16:3e:01:02:03:04", "mac '00:16:3e:01:02:03:04': not six hex pairs like 00:16:3e:01:02:03" },
		{ "mac=00-16-3e-01-02-03", "mac '00-16-3e-01-02-03': not six hex pairs like 00:16:3e:01:02:03" },
		{ "mac=0g:16:3e:01:02:03", "mac '0g:16:3e:01:02:03': not six hex pairs like 00:16:3e:01:02:03" },
		{ "mac=", "mac '': not six hex pairs like 00:16:3e:01:02:03" },
		{ "mac=ff:ff:ff:ff:ff:ff", "mac 'ff:ff:ff:ff:ff:ff': a multicast address (the low bit of the first byte is set)" },
		{ "mac=00:00:00:00:00:00", "mac '00:00:00:00:00:00': all zero" },
		{ "bridge=", "bridge '': not a network interface name (1..15 bytes, no '/', ':', blank or control byte, not . or ..)" },
		{ "bridge=..", "bridge '..': not a network interface name (1..15 bytes, no '/', ':', blank or control byte, not . or ..)" },
		{ "bridge=br:0", "bridge 'br:0': not a network interface name (1..15 bytes, no '/', ':', blank or control byte, not . or ..)" },
		{ "bridge=br\t0", "bridge 'br\\t0': not a network interface name (1..15 bytes, no '/', ':', blank or control byte, not . or ..)" },
		{ "ip=198.18.0", "ip '198.18.0': not an IPv4 address A.B.C.D, optionally /PREFIX (1..32)" },
		{ "ip=198.18.0.1.2", "ip '198.18.0.1.2': not an IPv4 address A.B.C.D, optionally /PREFIX (1..32)" },
		{ "ip=198.18.0.1/33", "ip '198.18.0.1/33': not an IPv4 address A.B.C.D, optionally /PREFIX (1..32)" },
		{ "ip=198.18.0.1/0", "ip '198.18.0.1/0': not an IPv4 address A.B.C.D, optionally /PREFIX (1..32)" },
		{ "ip=198.18.0.1/", "ip '198.18.0.1/': not an IPv4 address A.B.C.D, optionally /PREFIX (1..32)" },
		{ "ip=1980.18.0.1", "ip '1980.18.0.1': not an IPv4 address A.B.C.D, optionally /PREFIX (1..32)" },
		{ "ip=a.b.c.d", "ip 'a.b.c.d': not an IPv4 address A.B.C.D, optionally /PREFIX (1..32)" },
		{ "mtu=1501", "mtu '1501': want a number from 576 to 1500" },
		{ "mtu=15x", "mtu '15x': want a number from 576 to 1500" },
		{ "mtu=", "mtu '': want a number from 576 to 1500" },
		{ "mac=00:16:3e:01:02:03,mac=00:16:3e:01:02:04", "'mac' is given twice" },
		{ "type=vif", "'type' is not supported (lvm takes mac, bridge, ip, mtu)" },
		{ "model=e1000", "'model' is not supported (lvm takes mac, bridge, ip, mtu)" },
		{ "vifname=v0", "'vifname' is not supported (lvm takes mac, bridge, ip, mtu)" },
		{ "rate=10Mb/s", "'rate' is not supported (lvm takes mac, bridge, ip, mtu)" },
		{ "backend=0", "'backend' is not supported (lvm takes mac, bridge, ip, mtu)" },
		{ "frob=1", "unknown key 'frob' (want mac, bridge, ip or mtu)" },
		{ "bridge", "'bridge' is not KEY=VALUE" },
		{ "=x", "'=x' is not KEY=VALUE" },
		{ "bridge=b,,mtu=600", "an empty setting (want KEY=VALUE, separated by ',')" },
		{ "bridge=b,", "an empty setting (want KEY=VALUE, separated by ',')" },
	};
	struct lvm_vif v;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (lvm_vif_parse(bad[i].spec, &v, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' was taken", bad[i].spec);
		if (strcmp(err, bad[i].err) != 0)
			fail_msg("'%s': error \"%s\", expected \"%s\"",
				 bad[i].spec, err, bad[i].err);
	}
}

/* What lvm_vif_parse() takes, and lvm_vif_format() gives back. */
static void test_vif_parse_format(void **state)
{
	static const struct {
		const char *spec, *formatted;
	} good[] = {
		{ "", "" },
		{ "default", "" },
		{ "mac=00:16:3E:0a:0B:0c", "mac=00:16:3e:0a:0b:0c" },
		{ " ip=198.18.0.7/16 , mtu=1500 ", "ip=198.18.0.7/16,mtu=1500" },
		{ "mtu=576,bridge=lvmbr0,ip=10.0.0.5,mac=02:00:00:00:00:01",
		  "mac=02:00:00:00:00:01,bridge=lvmbr0,ip=10.0.0.5,mtu=576" },
		{ "bridge=abcdefghijklmno", "bridge=abcdefghijklmno" },
	};
	char err[256], buf[LVM_VIF_SPEC_LEN], dev[LVM_IFNAME_MAX + 1];
	struct lvm_vif v, back;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (lvm_vif_parse(good[i].spec, &v, err, sizeof(err)) != 0)
			fail_msg("'%s' refused: %s", good[i].spec, err);
		assert_string_equal(lvm_vif_format(&v, buf, sizeof(buf)),
				    good[i].formatted);
		assert_int_equal(lvm_vif_parse(buf, &back, err, sizeof(err)), 0);
		assert_memory_equal(&v, &back, sizeof(v));
	}
	assert_int_equal(lvm_vif_devname(7, 0, dev), 0);
	assert_string_equal(dev, "lvm7.0");
	assert_int_equal(lvm_vif_devname(32751, 7, dev), 0);
	assert_string_equal(dev, "lvm32751.7");
	assert_int_equal(lvm_vif_devname(0x7ff0, 0, dev), -EINVAL);
	assert_string_equal(dev, "");
	assert_int_equal(lvm_vif_devname(0, 0, dev), -EINVAL);
	assert_int_equal(lvm_vif_devname(1, LVM_VIFS_MAX, dev), -EINVAL);
	/* a XenStore-mode guest's vif is the kernel netback's vifD.N */
	assert_int_equal(lvm_vif_devname_of(7, 1, true, dev), 0);
	assert_string_equal(dev, "vif7.1");
	assert_int_equal(lvm_vif_devname_of(7, 1, false, dev), 0);
	assert_string_equal(dev, "lvm7.1");
	assert_int_equal(lvm_vif_devname_of(0, 0, true, dev), -EINVAL);
}

static void test_memory_smallest(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "memory = 4\n"), 0);
	assert_int_equal(f->cfg.memory_mb, 4);
}

static void test_name_too_long(void **state)
{
	char text[300];

	snprintf(text, sizeof(text), "name = \"%0200d\"\n", 1);
	assert_int_equal(parse(*state, text), -EINVAL);
}

static void test_missing_file(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(lvm_config_parse_file("/nonexistent/x.cfg", &f->cfg,
					       f->err, sizeof(f->err)), -ENOENT);
	assert_string_equal(f->err, "/nonexistent/x.cfg: No such file or directory");
	assert_int_equal(lvm_config_parse_file(f->dir, &f->cfg, f->err,
					       sizeof(f->err)), -EINVAL);
}

static void test_check(void **state)
{
	struct fixture *f = *state;
	struct lvm_config *c = &f->cfg;

	assert_int_equal(lvm_config_check(c, f->err, sizeof(f->err)), -EINVAL);
	assert_string_equal(f->err, "no name: set 'name' in the config or give --name");
	assert_int_equal(lvm_config_set_str(&c->name, "g"), 0);
	assert_int_equal(lvm_config_check(c, f->err, sizeof(f->err)), -EINVAL);
	assert_string_equal(f->err, "no kernel: set 'kernel' in the config");
	assert_int_equal(lvm_config_set_str(&c->kernel, "/k"), 0);
	assert_int_equal(lvm_config_check(c, f->err, sizeof(f->err)), 0);
	c->memory_mb = 0;
	assert_int_equal(lvm_config_check(c, f->err, sizeof(f->err)), -EINVAL);
	assert_string_equal(f->err, "memory: 0 MiB is out of range (1..4194304 MiB)");
	c->memory_mb = 4;
	c->vcpus = 0;
	assert_int_equal(lvm_config_check(c, f->err, sizeof(f->err)), -EINVAL);
	assert_string_equal(f->err, "vcpus: 0 is out of range (1..128)");
	c->vcpus = 1;
	assert_int_equal(lvm_config_set_str(&c->name, "12"), 0);
	assert_int_equal(lvm_config_check(c, f->err, sizeof(f->err)), -EINVAL);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_good_file),
		T(test_defaults_kept),
		T(test_on_reboot),
		T(test_rejected),
		T(test_vifs),
		T(test_vif_parse_errors),
		T(test_vif_parse_format),
		T(test_memory_smallest),
		T(test_name_too_long),
		T(test_missing_file),
		T(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
