/*
 * test_oci.c — unit tests for lightvm-oci's bundle and state handling
 * (toolstack/oci/spec.c, state.c): what config.json makes of a guest
 * (image, command line, memory, vCPUs, name) and the state files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "toolstack/oci/oci.h"

static char tmp[256];
static char err[512];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/test_oci.XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static int parse(const char *json, struct oci_spec *s)
{
	err[0] = '\0';
	return oci_spec_parse("/b", json, s, err, sizeof(err));
}

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_parse_full(void **state)
{
	struct oci_spec s;

	(void)state;
	assert_int_equal(parse("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
			       "\"process\":{\"terminal\":true,\"args\":[\"/a.xen\",\"x\"],"
			       "\"env\":[\"PATH=/bin\"]},"
			       "\"annotations\":{\"org.lvm.image\":\"/i.xen\",\"k\":\"v\"},"
			       "\"linux\":{\"resources\":{\"memory\":{\"limit\":16777216},"
			       "\"cpu\":{\"quota\":150000,\"period\":100000,\"cpus\":\"0-1\"}}},"
			       "\"mounts\":[{\"destination\":\"/proc\"}]}", &s), 0);
	assert_string_equal(s.root, "/b/rootfs");
	assert_int_equal(s.nargs, 2);
	assert_string_equal(s.args[1], "x");
	assert_null(s.args[2]);
	assert_int_equal(s.nenv, 1);
	assert_true(s.terminal);
	assert_string_equal(s.image, "/i.xen");
	assert_non_null(strstr(s.annotations, "\"k\":\"v\""));
	assert_int_equal(s.memory_limit, 16777216);
	assert_int_equal(s.cpu_quota, 150000);
	assert_string_equal(s.cpus, "0-1");
	oci_spec_clear(&s);

	/* an absolute root, no env, runc's -1 for "no limit" */
	assert_int_equal(parse("{\"root\":{\"path\":\"/r\"},\"process\":{\"args\":[\"a\"]},"
			       "\"linux\":{\"resources\":{\"memory\":{\"limit\":-1}}}}", &s), 0);
	assert_string_equal(s.root, "/r");
	assert_int_equal(s.nenv, 0);
	assert_non_null(s.env);
	assert_int_equal(s.memory_limit, 0);
	assert_false(s.terminal);
	assert_null(s.image);
	oci_spec_clear(&s);
}

static void test_parse_errors(void **state)
{
	static const struct {
		const char *json, *msg;
	} bad[] = {
		{ "{bad", "not valid JSON" },
		{ "{\"root\": ", "not valid JSON (it ends early at byte 9)" },
		{ "{} {}", "text after the object" },
		{ "[1]", "not a JSON object" },
		{ "{\"process\":{\"args\":[\"a\"]}}", "no root.path" },
		{ "{\"root\":{\"path\":\"\"},\"process\":{\"args\":[\"a\"]}}", "no root.path" },
		{ "{\"root\":{\"path\":\"r\"}}", "no process.args" },
		{ "{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[]}}", "no process.args" },
		{ "{\"root\":{\"path\":\"r\"},\"process\":{\"args\":\"a\"}}", "process.args is not an array" },
		{ "{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[1]}}", "process.args[0] is not a string" },
		{ "{\"root\":{\"path\":7},\"process\":{\"args\":[\"a\"]}}", "root.path is not a string" },
		{ "{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"],\"terminal\":1}}", "process.terminal is not a boolean" },
		{ "{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},"
		  "\"linux\":{\"resources\":{\"memory\":{\"limit\":-5}}}}", "memory.limit is negative" },
		{ "{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},"
		  "\"linux\":{\"resources\":{\"memory\":{\"limit\":\"1G\"}}}}", "memory.limit is not a number" },
		{ "{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\"]},"
		  "\"annotations\":{\"org.lvm.image\":3}}", "annotations.org.lvm.image is not a string" },
	};
	struct oci_spec s;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i].json, &s), -EINVAL);
		if (!strstr(err, bad[i].msg))
			fail_msg("%s: '%s' lacks '%s'", bad[i].json, err, bad[i].msg);
		assert_null(strchr(err, '\n'));
		assert_null(s.root);
		assert_null(s.args);
	}
}

static void test_load(void **state)
{
	struct oci_spec s;

	(void)state;
	assert_int_equal(oci_spec_load(tmp, &s, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "config.json"));
	put("config.json", "{\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"a\"]}}");
	assert_int_equal(oci_spec_load(tmp, &s, err, sizeof(err)), 0);
	assert_string_equal(s.args[0], "a");
	oci_spec_clear(&s);
}

/* image: the spec of (json) in tmp, its image path relative to tmp. */
static int image(const char *json, const char **rel, size_t *skip)
{
	static char path[PATH_MAX];
	struct oci_spec s;
	int rc;

	assert_int_equal(oci_spec_parse(tmp, json, &s, err, sizeof(err)), 0);
	err[0] = '\0';
	rc = oci_spec_image(&s, path, sizeof(path), skip, err, sizeof(err));
	oci_spec_clear(&s);
	*rel = rc == 0 ? path + strlen(tmp) : NULL;
	return rc;
}

static void test_image(void **state)
{
	const char *rel;
	size_t skip;
	char link[PATH_MAX];

	(void)state;
	/* no root fs */
	assert_int_equal(image("{\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"a\"]}}",
			       &rel, &skip), -ENOENT);
	assert_non_null(strstr(err, "no root file system"));
	snprintf(link, sizeof(link), "%s/rootfs", tmp);
	assert_int_equal(mkdir(link, 0755), 0);
	/* a root fs with no image in it */
	assert_int_equal(image("{\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\"]}}",
			       &rel, &skip), -ENOENT);
	assert_non_null(strstr(err, "no lvm image in the bundle"));
	/* the default, args kept */
	put("rootfs/lvm.xen", "x");
	assert_int_equal(image("{\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"sh\"]}}",
			       &rel, &skip), 0);
	assert_string_equal(rel, "/rootfs/lvm.xen");
	assert_int_equal(skip, 0);
	/* args[0] ending in .xen: that image, args[0] used */
	put("rootfs/hello.xen", "x");
	assert_int_equal(image("{\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"/hello.xen\",\"stay\"]}}",
			       &rel, &skip), 0);
	assert_string_equal(rel, "/rootfs/hello.xen");
	assert_int_equal(skip, 1);
	assert_int_equal(image("{\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"/no.xen\"]}}",
			       &rel, &skip), -ENOENT);
	assert_non_null(strstr(err, "'/no.xen' of process.args[0]: not in the root file system"));
	/* the annotation wins */
	assert_int_equal(image("{\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"/lvm.xen\"]},"
			       "\"annotations\":{\"org.lvm.image\":\"hello.xen\"}}", &rel, &skip), 0);
	assert_string_equal(rel, "/rootfs/hello.xen");
	assert_int_equal(skip, 0);
	/* no way out: "..", a link leading out, a directory */
	assert_int_equal(image("{\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"a\"]},"
			       "\"annotations\":{\"org.lvm.image\":\"/../config.json\"}}", &rel, &skip),
			 -EINVAL);
	assert_non_null(strstr(err, "not a path inside the root file system"));
	put("secret.xen", "x");
	snprintf(link, sizeof(link), "%s/rootfs/out.xen", tmp);
	assert_int_equal(symlink("../secret.xen", link), 0);
	assert_int_equal(image("{\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"/out.xen\"]}}",
			       &rel, &skip), -EINVAL);
	assert_non_null(strstr(err, "leads out of the root file system"));
	snprintf(link, sizeof(link), "%s/rootfs/dir.xen", tmp);
	assert_int_equal(mkdir(link, 0755), 0);
	assert_int_equal(image("{\"root\":{\"path\":\"rootfs\"},\"process\":{\"args\":[\"/dir.xen\"]}}",
			       &rel, &skip), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
}

static int cmdline(const char *json, size_t skip, char *buf, size_t len)
{
	struct oci_spec s;
	int rc;

	assert_int_equal(parse(json, &s), 0);
	err[0] = '\0';
	rc = oci_spec_cmdline(&s, skip, buf, len, err, sizeof(err));
	oci_spec_clear(&s);
	return rc;
}

static void test_cmdline(void **state)
{
	char buf[OCI_CMDLINE_MAX + 1], json[4096];

	(void)state;
	assert_int_equal(cmdline("{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"/a.xen\",\"stay\",\"x=1\"],"
				 "\"env\":[\"PATH=/bin\",\"HOSTNAME=h\"]}}", 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "stay x=1 PATH=/bin HOSTNAME=h");
	assert_int_equal(cmdline("{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"sh\",\"-c\",\"echo \\\"hi\\\" a\\\\b\",\"\"]}}",
				 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "sh -c \"echo \\\"hi\\\" a\\\\b\" \"\"");
	assert_int_equal(cmdline("{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"/a.xen\"]}}",
				 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(cmdline("{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"a\\nb\"]}}",
				 0, buf, sizeof(buf)), -EINVAL);
	assert_string_equal(err, "process.args[0] has a control character");
	assert_string_equal(buf, "");
	/* 1023 bytes fit, 1024 do not */
	snprintf(json, sizeof(json), "{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"%01021d\",\"b\"]}}", 0);
	assert_int_equal(cmdline(json, 0, buf, sizeof(buf)), 0);
	assert_int_equal(strlen(buf), 1023);
	snprintf(json, sizeof(json), "{\"root\":{\"path\":\"r\"},\"process\":{\"args\":[\"%01022d\",\"b\"]}}", 0);
	assert_int_equal(cmdline(json, 0, buf, sizeof(buf)), -E2BIG);
	assert_non_null(strstr(err, "over 1023 bytes"));
}

static void test_memory_vcpus(void **state)
{
	struct oci_spec s = { 0 };
	uint32_t v;

	(void)state;
	assert_int_equal(oci_spec_memory_mb(&s, &v, err, sizeof(err)), 0);
	assert_int_equal(v, LVM_DEFAULT_MEMORY_MB);
	s.memory_limit = 6u << 20;
	assert_int_equal(oci_spec_memory_mb(&s, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 6);
	s.memory_limit = (5u << 20) + 1; /* rounded up */
	assert_int_equal(oci_spec_memory_mb(&s, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 6);
	s.memory_limit = (uint64_t)(LVM_MAX_MEMORY_MB + 1) << 20;
	assert_int_equal(oci_spec_memory_mb(&s, &v, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "memory limit of "));
	s.memory_limit = 1u << 19; /* half a MiB: rounded up to the least */
	assert_int_equal(oci_spec_memory_mb(&s, &v, err, sizeof(err)), 0);
	assert_int_equal(v, LVM_MIN_MEMORY_MB);

	assert_int_equal(oci_spec_vcpus(&s, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 1);
	s.cpu_quota = 150000;
	s.cpu_period = 100000;
	assert_int_equal(oci_spec_vcpus(&s, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 2);
	s.cpu_quota = 0;
	s.cpus = (char *)"0-3,5";
	assert_int_equal(oci_spec_vcpus(&s, &v, err, sizeof(err)), 0);
	assert_int_equal(v, 5);
	s.cpus = (char *)"3-1";
	assert_int_equal(oci_spec_vcpus(&s, &v, err, sizeof(err)), -EINVAL);
	s.cpus = (char *)"0-200";
	assert_int_equal(oci_spec_vcpus(&s, &v, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "201 vCPUs asked"));
}

static void test_ids_names(void **state)
{
	char name[LVM_NAME_MAX + 1], id[80];

	(void)state;
	assert_int_equal(oci_id_check("web-1"), 0);
	assert_int_equal(oci_id_check(""), -EINVAL);
	assert_int_equal(oci_id_check(".."), -EINVAL);
	assert_int_equal(oci_id_check("a/b"), -EINVAL);
	assert_int_equal(oci_id_check("a b"), -EINVAL);
	oci_guest_name("web-1", name);
	assert_string_equal(name, "oci-web-1");
	/* Docker's 64 hex digits: cut, with a hash, still a valid name */
	snprintf(id, sizeof(id), "%s", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	oci_guest_name(id, name);
	assert_int_equal(strlen(name), LVM_NAME_MAX);
	assert_int_equal(lvm_name_check(name), 0);
	assert_memory_equal(name, "oci-0123456789abcdef", 20);
	id[63] = 'e';
	{
		char other[LVM_NAME_MAX + 1];

		oci_guest_name(id, other);
		assert_string_not_equal(name, other);
	}
	oci_guest_name("a+b", name);
	assert_int_equal(lvm_name_check(name), 0);
	assert_memory_equal(name, "oci-ab-", 7);
}

static void test_state(void **state)
{
	struct oci_state st = { 0 }, back;
	char path[PATH_MAX + 32], *json;

	(void)state;
	assert_int_equal(oci_state_read(tmp, &back, err, sizeof(err)), -ENOENT);
	snprintf(st.id, sizeof(st.id), "c1");
	snprintf(st.guest, sizeof(st.guest), "oci-c1");
	snprintf(st.created, sizeof(st.created), "2026-01-01T00:00:00.000000000Z");
	st.domid = 7;
	st.pid = getpid();
	st.pid_start = oci_pid_start(getpid());
	assert_true(st.pid_start > 0);
	st.status = OCI_RUNNING;
	st.bundle = strdup("/b");
	st.rootfs = strdup("/b/rootfs");
	st.annotations = strdup("{\"k\":\"v\"}");
	assert_int_equal(oci_state_write(tmp, &st, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/state.json.tmp", tmp);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(oci_state_read(tmp, &back, err, sizeof(err)), 0);
	assert_string_equal(back.id, "c1");
	assert_string_equal(back.guest, "oci-c1");
	assert_int_equal(back.domid, 7);
	assert_int_equal(back.pid, getpid());
	assert_int_equal(back.pid_start, st.pid_start);
	assert_int_equal(back.status, OCI_RUNNING);
	assert_string_equal(back.rootfs, "/b/rootfs");
	assert_string_equal(back.annotations, "{\"k\":\"v\"}");
	assert_true(oci_standin_alive(&back));
	back.pid_start++; /* the pid reused by another process */
	assert_false(oci_standin_alive(&back));
	json = oci_state_json(&back, OCI_STOPPED);
	assert_non_null(strstr(json, "\"status\": \"stopped\""));
	assert_non_null(strstr(json, "\"pid\": 0"));
	assert_non_null(strstr(json, "\"k\": \"v\""));
	free(json);
	oci_state_clear(&back);
	oci_state_clear(&st);

	/* a state this program did not write */
	put("state.json", "{\"id\":\"c1\",\"status\":\"running\"}");
	assert_int_equal(oci_state_read(tmp, &back, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a state lightvm-oci wrote"));
	put("state.json", "{\"id\":\"c1\",\"lvm_guest\":\"../x\",\"status\":\"running\","
			  "\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\",\"pid\":1,"
			  "\"lvm_domid\":1,\"lvm_pid_start\":1}");
	assert_int_equal(oci_state_read(tmp, &back, err, sizeof(err)), -EINVAL);
	put("state.json", "{\"id\":\"c1\",\"lvm_guest\":\"oci-c1\",\"status\":\"stopped\","
			  "\"bundle\":\"/b\",\"rootfs\":\"/r\",\"created\":\"t\",\"pid\":1,"
			  "\"lvm_domid\":1,\"lvm_pid_start\":1}");
	assert_int_equal(oci_state_read(tmp, &back, err, sizeof(err)), -EINVAL);
	put("state.json", "not json");
	assert_int_equal(oci_state_read(tmp, &back, err, sizeof(err)), -EINVAL);
	assert_int_equal(oci_pid_start(0), 0);
	assert_int_equal(oci_pid_start(-1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_image, setup, teardown),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_memory_vcpus),
		cmocka_unit_test(test_ids_names),
		cmocka_unit_test_setup_teardown(test_state, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
