/*
 * test_registry.c — unit tests for lvmd's on-disk guest records
 * (toolstack/lvmd/registry.c): write, read back, scan, and corrupt files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "toolstack/lvmd/registry.h"

struct fixture {
	char dir[64];
};

static int setup(void **state)
{
	return TEST_FIXTURE_NEW(state, struct fixture, "registry") ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	return test_fixture_free(f, f->dir);
}

/* sample: a record with every field set, noxs page included. */
static void sample(struct lvm_reg_entry *e, uint32_t domid, bool noxs)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "guest-%u", domid);
	e->domid = domid;
	for (int i = 0; i < 16; i++)
		e->uuid[i] = (uint8_t)(0xa0 + i);
	e->kernel = strdup("/lvm/build/guests/noop.xen");
	e->cmdline = strdup("a \"quoted\" line");
	e->memory_mb = 8;
	e->vcpus = 2;
	e->on_poweroff = LVM_ACTION_PRESERVE;
	e->on_crash = LVM_ACTION_DESTROY;
	e->on_reboot = LVM_ACTION_PRESERVE;
	e->store = LVM_STORE_NOXS;
	e->created_ns = 1795949427875475273;
	e->console_gfn = 26;
	e->console_mfn = 777242;
	e->console_port = 1;
	if (noxs) {
		e->noxs = true;
		e->noxs_gfn = 30;
		e->noxs_mfn = 777250;
		e->sysctl_port = 2;
		e->request_seq = 3;
		e->noxs_copy = calloc(1, sizeof(*e->noxs_copy));
		e->noxs_copy->magic = NOXS_MAGIC;
		e->noxs_copy->domid = domid;
		e->noxs_copy->tsc_khz = 2400000;
		e->noxs_copy->reserved[100] = 0xff;
	}
}

/* write(), wrapped: the (fail_write_at)th call from now fails (ENOSPC). */
ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
static int fail_write_at;

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	if (fail_write_at > 0 && --fail_write_at == 0) {
		errno = ENOSPC;
		return -1;
	}
	return __real_write(fd, buf, n);
}

static unsigned open_fds(void)
{
	unsigned n = 0;
	DIR *d = opendir("/proc/self/fd");

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* read_back: the record of (domid) in (dir) read into (back); returns
 * lvm_reg_read's result. */
static int read_back(const char *dir, uint32_t domid,
		     struct lvm_reg_entry *back)
{
	char path[128], err[128];

	snprintf(path, sizeof(path), "%s/%u.json", dir, domid);
	return lvm_reg_read(path, back, err, sizeof(err));
}

/* A failed write leaves no descriptor, no temp file, the old record. */
static void test_save_write_fails(void **state)
{
	struct fixture *f = *state;
	struct lvm_reg_entry e, back;
	unsigned fds;
	struct dirent *de;
	DIR *d;

	sample(&e, 9, true);
	assert_int_equal(lvm_reg_save(f->dir, &e), 0);
	fds = open_fds();
	e.memory_mb = 16;
	/* the record's bytes and its newline, in one write */
	fail_write_at = 1;
	assert_true(lvm_reg_save(f->dir, &e) < 0);
	assert_int_equal(fail_write_at, 0);
	assert_int_equal(open_fds(), fds);
	fail_write_at = 0;
	d = opendir(f->dir);
	assert_non_null(d);
	while ((de = readdir(d)))
		assert_false(strstr(de->d_name, ".tmp"));
	closedir(d);
	assert_int_equal(read_back(f->dir, 9, &back), 0);
	assert_int_equal(back.memory_mb, 8);
	lvm_reg_entry_free(&back);
	lvm_reg_entry_free(&e);
}

/*
 * A new guest's first record: read back whole, in one write; a failed
 * write leaves no file and no descriptor; a record already under that
 * number is replaced, and a failure then keeps it.
 */
static void test_save_new(void **state)
{
	struct fixture *f = *state;
	struct lvm_reg_entry e, back;
	char path[128];
	unsigned fds = open_fds();

	sample(&e, 11, true);
	fail_write_at = 1;
	assert_int_equal(lvm_reg_save_new(f->dir, &e), -ENOSPC);
	assert_int_equal(fail_write_at, 0);
	assert_int_equal(open_fds(), fds);
	snprintf(path, sizeof(path), "%s/11.json", f->dir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(lvm_reg_save_new(f->dir, &e), 0);
	assert_int_equal(read_back(f->dir, 11, &back), 0);
	assert_string_equal(back.name, "guest-11");
	assert_string_equal(back.cmdline, e.cmdline);
	assert_memory_equal(back.noxs_copy, e.noxs_copy, NOXS_PAGE_SIZE);
	lvm_reg_entry_free(&back);
	e.memory_mb = 16;
	assert_int_equal(lvm_reg_save_new(f->dir, &e), 0);
	assert_int_equal(read_back(f->dir, 11, &back), 0);
	assert_int_equal(back.memory_mb, 16);
	lvm_reg_entry_free(&back);
	e.memory_mb = 32;
	fail_write_at = 1;
	assert_true(lvm_reg_save_new(f->dir, &e) < 0);
	fail_write_at = 0;
	assert_int_equal(open_fds(), fds);
	assert_int_equal(read_back(f->dir, 11, &back), 0);
	assert_int_equal(back.memory_mb, 16);
	lvm_reg_entry_free(&back);
	lvm_reg_entry_free(&e);
}

/*
 * A pool shell's record file, made empty ahead: read as -ENODATA (nothing
 * to adopt), never moved aside as corrupt; the create that takes the shell
 * writes it in one write; a second one under that number is refused.
 */
static void test_shell_record(void **state)
{
	struct fixture *f = *state;
	struct lvm_reg_entry e, back;
	char path[128], err[128];
	unsigned fds = open_fds();
	int fd;

	sample(&e, 12, true);
	fd = lvm_reg_open_new(f->dir, 12);
	assert_true(fd >= 0);
	assert_int_equal(lvm_reg_open_new(f->dir, 12), -EEXIST);
	assert_int_equal(open_fds(), fds + 1);
	snprintf(path, sizeof(path), "%s/12.json", f->dir);
	assert_int_equal(lvm_reg_read(path, &back, err, sizeof(err)),
			 -ENODATA);
	assert_string_equal(err, "empty: a pool shell's record, never written");
	assert_null(back.kernel);
	fail_write_at = 2;
	assert_int_equal(lvm_reg_save_fd(fd, &e), 0);
	assert_int_equal(fail_write_at, 1);      /* one write */
	fail_write_at = 0;
	assert_int_equal(close(fd), 0);
	assert_int_equal(read_back(f->dir, 12, &back), 0);
	assert_string_equal(back.name, "guest-12");
	assert_memory_equal(back.noxs_copy, e.noxs_copy, NOXS_PAGE_SIZE);
	lvm_reg_entry_free(&back);
	/* a failed write leaves the file empty, for the caller to remove */
	assert_int_equal(lvm_reg_remove(f->dir, 12), 0);
	fd = lvm_reg_open_new(f->dir, 12);
	assert_true(fd >= 0);
	fail_write_at = 1;
	assert_int_equal(lvm_reg_save_fd(fd, &e), -ENOSPC);
	fail_write_at = 0;
	assert_int_equal(close(fd), 0);
	assert_int_equal(read_back(f->dir, 12, &back), -ENODATA);
	assert_int_equal(lvm_reg_remove(f->dir, 12), 0);
	assert_int_equal(open_fds(), fds);
	lvm_reg_entry_free(&e);
}

/* Every field comes back; a record without a noxs page has none. */
static void test_save_and_read(void **state)
{
	struct fixture *f = *state;
	struct lvm_reg_entry e, back;

	sample(&e, 7, true);
	assert_int_equal(lvm_reg_save(f->dir, &e), 0);
	assert_int_equal(read_back(f->dir, 7, &back), 0);
	assert_string_equal(back.name, "guest-7");
	assert_int_equal(back.domid, 7);
	assert_memory_equal(back.uuid, e.uuid, 16);
	assert_string_equal(back.kernel, e.kernel);
	assert_null(back.ramdisk);
	assert_string_equal(back.cmdline, e.cmdline);
	assert_int_equal(back.memory_mb, 8);
	assert_int_equal(back.vcpus, 2);
	assert_int_equal(back.on_poweroff, LVM_ACTION_PRESERVE);
	assert_int_equal(back.on_reboot, LVM_ACTION_PRESERVE);
	assert_int_equal(back.store, LVM_STORE_NOXS);
	assert_int_equal(back.created_ns, e.created_ns);
	assert_int_equal(back.console_mfn, 777242);
	assert_true(back.noxs);
	assert_int_equal(back.noxs_mfn, 777250);
	assert_int_equal(back.sysctl_port, 2);
	assert_int_equal(back.request_seq, 3);
	assert_non_null(back.noxs_copy);
	assert_memory_equal(back.noxs_copy, e.noxs_copy, NOXS_PAGE_SIZE);
	lvm_reg_entry_free(&back);
	lvm_reg_entry_free(&e);

	sample(&e, 9, false);
	assert_int_equal(lvm_reg_save(f->dir, &e), 0);
	assert_int_equal(read_back(f->dir, 9, &back), 0);
	assert_false(back.noxs);
	assert_null(back.noxs_copy);
	lvm_reg_entry_free(&back);
	lvm_reg_entry_free(&e);
}

/* A record's vifs (resolved) and their ports come back as they were; a
 * record without "vifs" (an older one) has none. */
static void test_vifs_saved(void **state)
{
	struct fixture *f = *state;
	struct lvm_reg_entry e, back;

	sample(&e, 11, true);
	e.nvifs = 2;
	for (unsigned i = 0; i < 2; i++) {
		e.vifs[i] = (struct lvm_vif){
			.mac = { 0, 0x16, 0x3e, 9, 8, (uint8_t)i },
			.has_mac = true, .bridge = "lvmbr0",
			.ip = { 198, 18, 3, (uint8_t)(i + 4) }, .prefix = 16,
			.has_ip = true, .mtu = (uint16_t)(1500 - i) };
		e.vif_port[i] = 5 + i;
	}
	assert_int_equal(lvm_reg_save(f->dir, &e), 0);
	assert_int_equal(read_back(f->dir, 11, &back), 0);
	assert_int_equal(back.nvifs, 2);
	assert_memory_equal(back.vifs, e.vifs, sizeof(e.vifs));
	assert_int_equal(back.vif_port[0], 5);
	assert_int_equal(back.vif_port[1], 6);
	lvm_reg_entry_free(&back);
	lvm_reg_entry_free(&e);
	sample(&e, 12, false);
	snprintf(e.app.name, sizeof(e.app.name), "daytime");
	snprintf(e.app.version, sizeof(e.app.version), "1.0");
	memset(e.app.build_id, 'a', 64);
	assert_int_equal(lvm_reg_save(f->dir, &e), 0);
	assert_int_equal(read_back(f->dir, 12, &back), 0);
	assert_int_equal(back.nvifs, 0);
	assert_memory_equal(&back.app, &e.app, sizeof(e.app));
	lvm_reg_entry_free(&back);
	lvm_reg_entry_free(&e);
}

static void test_overwrite_and_remove(void **state)
{
	struct fixture *f = *state;
	struct lvm_reg_entry e, back;
	char path[128];

	sample(&e, 5, true);
	assert_int_equal(lvm_reg_save(f->dir, &e), 0);
	e.request_seq = 4;
	e.preserved = true;
	e.created_paused = true;
	assert_int_equal(lvm_reg_save(f->dir, &e), 0);
	assert_int_equal(read_back(f->dir, 5, &back), 0);
	assert_int_equal(back.request_seq, 4);
	assert_true(back.preserved);
	assert_true(back.created_paused);
	lvm_reg_entry_free(&back);
	/* no temporary file is left behind */
	snprintf(path, sizeof(path), "%s/.5.json.tmp", f->dir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(lvm_reg_remove(f->dir, 5), 0);
	assert_int_equal(lvm_reg_remove(f->dir, 5), 0);
	assert_int_equal(read_back(f->dir, 5, &back), -ENOENT);
	lvm_reg_entry_free(&e);
}

/* write_file: (text) as (dir)/(name). */
static void write_file(const char *dir, const char *name, const char *text)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_corrupt_records(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "{\"version\":1,\"name\":\"a\"", "not a JSON object (truncated or corrupt)" },
		{ "[1]", "not a JSON object (truncated or corrupt)" },
		{ "{} x", "trailing bytes after the record" },
		{ "{\"version\":3}", "not a version 1 to 2 record" },
		{ "{\"version\":0}", "not a version 1 to 2 record" },
		{ "{\"version\":1,\"name\":\"a b\"}", "bad 'name'" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":0}", "bad 'domid'" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,\"uuid\":\"xyz\"}", "bad 'uuid'" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,"
		  "\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":7}",
		  "bad 'kernel', 'ramdisk' or 'cmdline'" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,"
		  "\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":\"/k\","
		  "\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"destroy\","
		  "\"on_crash\":\"destroy\",\"store\":\"auto\",\"created_ns\":1,"
		  "\"console\":{\"gfn\":1,\"mfn\":2,\"port\":3},"
		  "\"noxs\":{\"gfn\":1,\"mfn\":2,\"sysctl_port\":3,\"request_seq\":0,"
		  "\"page\":\"00zz\"}}", "'noxs.page' is not up to 4096 bytes in hex" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,"
		  "\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":\"/k\","
		  "\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"destroy\","
		  "\"on_crash\":\"destroy\",\"store\":\"auto\",\"created_ns\":1}",
		  "no 'console' object" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,"
		  "\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":\"/k\","
		  "\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"destroy\","
		  "\"on_crash\":\"destroy\",\"on_reboot\":\"rename-restart\"}",
		  "bad 'on_reboot'" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,"
		  "\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":\"/k\","
		  "\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"restart\","
		  "\"on_crash\":\"destroy\"}",
		  "bad 'on_poweroff' or 'on_crash'" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,"
		  "\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":\"/k\","
		  "\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"destroy\","
		  "\"on_crash\":\"destroy\",\"store\":\"auto\",\"created_ns\":1,"
		  "\"console\":{\"gfn\":1,\"mfn\":2,\"port\":3},\"vifs\":{}}",
		  "bad 'vifs': 'vifs' is not an array" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,"
		  "\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":\"/k\","
		  "\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"destroy\","
		  "\"on_crash\":\"destroy\",\"store\":\"auto\",\"created_ns\":1,"
		  "\"console\":{\"gfn\":1,\"mfn\":2,\"port\":3},\"vifs\":[{\"mac\":\"00:16:3e:00:00:01\",\"bridge\":\"lvmbr0\",\"ip\":\"198.18.0.2\",\"prefix\":16,\"mtu\":1500}]}",
		  "bad 'vifs': vif0 has no port" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,"
		  "\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":\"/k\","
		  "\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"destroy\","
		  "\"on_crash\":\"destroy\",\"store\":\"auto\",\"created_ns\":1,"
		  "\"console\":{\"gfn\":1,\"mfn\":2,\"port\":3},\"vifs\":[{\"mac\":\"00:16:3e:00:00:01\",\"bridge\":\"lvmbr0\",\"ip\":\"198.18.0.2\",\"prefix\":16,\"mtu\":1500,\"port\":-1}]}",
		  "bad 'vifs': vif0 has no port" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,"
		  "\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":\"/k\","
		  "\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"destroy\","
		  "\"on_crash\":\"destroy\",\"store\":\"auto\",\"created_ns\":1,"
		  "\"console\":{\"gfn\":1,\"mfn\":2,\"port\":3},\"vifs\":[{\"mac\":\"00:16:3e:00:00:01\",\"port\":1}]}",
		  "bad 'vifs': vif0: not resolved (mac, bridge, ip, prefix and mtu all needed)" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,"
		  "\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":\"/k\","
		  "\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"destroy\","
		  "\"on_crash\":\"destroy\",\"store\":\"auto\",\"created_ns\":1,"
		  "\"console\":{\"gfn\":1,\"mfn\":2,\"port\":3},\"vifs\":[{\"mac\":\"01:16:3e:00:00:01\",\"bridge\":\"lvmbr0\",\"ip\":\"198.18.0.2\",\"prefix\":16,\"mtu\":1500,\"port\":1}]}",
		  "bad 'vifs': vif0: mac 01:16:3e:00:00:01: a multicast address" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,"
		  "\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":\"/k\","
		  "\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"destroy\","
		  "\"on_crash\":\"destroy\",\"store\":\"auto\",\"created_ns\":1,"
		  "\"console\":{\"gfn\":1,\"mfn\":2,\"port\":3},\"vifs\":[{\"mac\":\"00:16:3e:00:00:01\",\"bridge\":\"lvmbr0\",\"ip\":\"198.18.0.2\",\"prefix\":16,\"mtu\":1500,\"port\":1},{\"mac\":\"00:16:3e:00:00:01\",\"bridge\":\"lvmbr0\",\"ip\":\"198.18.0.2\",\"prefix\":16,\"mtu\":1500,\"port\":2}]}",
		  "bad 'vifs': vif1: mac 00:16:3e:00:00:01 is vif0's too" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,"
		  "\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":\"/k\","
		  "\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"destroy\","
		  "\"on_crash\":\"destroy\",\"store\":\"auto\",\"created_ns\":1,"
		  "\"console\":{\"gfn\":1,\"mfn\":2,\"port\":3},\"vifs\":[{\"mac\":\"00:16:3e:00:00:01\",\"bridge\":\"lvmbr0\",\"ip\":\"198.18.0.2\",\"prefix\":33,\"mtu\":1500,\"port\":1}]}",
		  "bad 'vifs': vif0: 'prefix' or 'mtu' out of range" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,"
		  "\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":\"/k\","
		  "\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"destroy\","
		  "\"on_crash\":\"destroy\",\"store\":\"auto\",\"created_ns\":1,"
		  "\"console\":{\"gfn\":1,\"mfn\":2,\"port\":3},\"vifs\":[{\"mac\":\"00:16:3e:00:00:01\",\"bridge\":\"lvmbr0\",\"ip\":\"198.18.0.2\",\"prefix\":16,\"mtu\":9000,\"port\":1}]}",
		  "bad 'vifs': vif0: mtu 9000: want 576..1500" },
		{ "{\"version\":1,\"name\":\"a\",\"domid\":3,"
		  "\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":\"/k\","
		  "\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"destroy\","
		  "\"on_crash\":\"destroy\",\"store\":\"auto\",\"created_ns\":1,"
		  "\"console\":{\"gfn\":1,\"mfn\":2,\"port\":3},\"vifs\":[{},{},{},{},{},{},{},{},{}]}",
		  "bad 'vifs': 9 vifs: at most 8" },
	};
	struct fixture *f = *state;
	struct lvm_reg_entry back;
	char path[128], err[128];

	snprintf(path, sizeof(path), "%s/3.json", f->dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(f->dir, "3.json", bad[i].text);
		err[0] = '\0';
		if (lvm_reg_read(path, &back, err, sizeof(err)) != -EPROTO)
			fail_msg("accepted: %s", bad[i].text);
		assert_string_equal(err, bad[i].why);
		assert_null(back.kernel);
		assert_null(back.noxs_copy);
	}
}

/* page_len: the length of the "page" string in (dir)/(domid).json. */
static size_t page_len(const char *dir, uint32_t domid)
{
	char path[128], buf[16384];
	const char *p, *q;
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/%u.json", dir, domid);
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	p = strstr(buf, "\"page\":\"");
	assert_non_null(p);
	p += strlen("\"page\":\"");
	q = strchr(p, '"');
	assert_non_null(q);
	return (size_t)(q - p);
}

/* The page's copy ends at its last non-zero byte, and comes back whole:
 * trimmed, full, and all zeros. */
static void test_page_trimmed(void **state)
{
	struct fixture *f = *state;
	struct lvm_reg_entry e, back;
	uint8_t *b;

	sample(&e, 7, true);
	b = (uint8_t *)e.noxs_copy;
	assert_int_equal(lvm_reg_save(f->dir, &e), 0);
	assert_int_equal(page_len(f->dir, 7),
			 2 * (offsetof(struct noxs_page, reserved) + 101));
	b[NOXS_PAGE_SIZE - 1] = 1;
	assert_int_equal(lvm_reg_save(f->dir, &e), 0);
	assert_int_equal(page_len(f->dir, 7), 2 * NOXS_PAGE_SIZE);
	assert_int_equal(read_back(f->dir, 7, &back), 0);
	assert_memory_equal(back.noxs_copy, e.noxs_copy, NOXS_PAGE_SIZE);
	lvm_reg_entry_free(&back);
	memset(b, 0, NOXS_PAGE_SIZE);
	assert_int_equal(lvm_reg_save(f->dir, &e), 0);
	assert_int_equal(page_len(f->dir, 7), 2);
	assert_int_equal(read_back(f->dir, 7, &back), 0);
	assert_non_null(back.noxs_copy);
	assert_memory_equal(back.noxs_copy, e.noxs_copy, NOXS_PAGE_SIZE);
	lvm_reg_entry_free(&back);
	lvm_reg_entry_free(&e);
}

static void test_page_bad_hex(void **state)
{
	static const char head[] =
		"{\"version\":1,\"name\":\"a\",\"domid\":3,"
		"\"uuid\":\"6c766d00-766d-0100-dc2f-da58898cc5f4\",\"kernel\":\"/k\","
		"\"memory_mb\":4,\"vcpus\":1,\"on_poweroff\":\"destroy\","
		"\"on_crash\":\"destroy\",\"store\":\"auto\",\"created_ns\":1,"
		"\"console\":{\"gfn\":1,\"mfn\":2,\"port\":3},"
		"\"noxs\":{\"gfn\":1,\"mfn\":2,\"sysctl_port\":3,\"request_seq\":0,"
		"\"page\":\"";
	struct fixture *f = *state;
	struct lvm_reg_entry back;
	size_t n = strlen(head);
	char *text = malloc(n + 2 * NOXS_PAGE_SIZE + 8), path[128], err[128];

	assert_non_null(text);
	memcpy(text, head, n);
	memset(text + n, '0', 2 * NOXS_PAGE_SIZE);
	strcpy(text + n + 2 * NOXS_PAGE_SIZE, "\"}}");
	write_file(f->dir, "3.json", text);
	snprintf(path, sizeof(path), "%s/3.json", f->dir);
	assert_int_equal(lvm_reg_read(path, &back, err, sizeof(err)), 0);
	/* a record without on_reboot: restart, as before it existed */
	assert_int_equal(back.on_reboot, LVM_ACTION_RESTART);
	lvm_reg_entry_free(&back);
	text[n + 4000] = 'g'; /* one bad digit, right length */
	write_file(f->dir, "3.json", text);
	assert_int_equal(lvm_reg_read(path, &back, err, sizeof(err)), -EPROTO);
	assert_string_equal(err, "'noxs.page' is not up to 4096 bytes in hex");
	text[n + 4000] = '0';
	strcpy(text + n + 2 * NOXS_PAGE_SIZE, "00\"}}"); /* a byte too many */
	write_file(f->dir, "3.json", text);
	assert_int_equal(lvm_reg_read(path, &back, err, sizeof(err)), -EPROTO);
	assert_string_equal(err, "'noxs.page' is not up to 4096 bytes in hex");
	strcpy(text + n + 11, "\"}}");     /* half a byte */
	write_file(f->dir, "3.json", text);
	assert_int_equal(lvm_reg_read(path, &back, err, sizeof(err)), -EPROTO);
	assert_string_equal(err, "'noxs.page' is not up to 4096 bytes in hex");
	free(text);
}

struct seen {
	int good, bad;
	char last_err[128];
};

static void on_record(void *arg, const char *path, int rc,
		      struct lvm_reg_entry *e, const char *err)
{
	struct seen *s = arg;

	(void)path;
	if (rc == 0) {
		s->good++;
		lvm_reg_entry_free(e);
	} else {
		s->bad++;
		snprintf(s->last_err, sizeof(s->last_err), "%s", err);
	}
}

static void test_scan(void **state)
{
	struct fixture *f = *state;
	struct lvm_reg_entry e;
	struct seen s = { 0 };

	sample(&e, 11, true);
	assert_int_equal(lvm_reg_save(f->dir, &e), 0);
	lvm_reg_entry_free(&e);
	sample(&e, 12, false);
	assert_int_equal(lvm_reg_save(f->dir, &e), 0);
	lvm_reg_entry_free(&e);
	write_file(f->dir, "13.json", "{\"version\":1");
	write_file(f->dir, "notes.txt", "ignored");
	write_file(f->dir, ".14.json.tmp", "ignored");
	write_file(f->dir, "15.json.corrupt", "ignored");
	assert_int_equal(lvm_reg_scan(f->dir, on_record, &s), 0);
	assert_int_equal(s.good, 2);
	assert_int_equal(s.bad, 1);
	assert_string_equal(s.last_err, "not a JSON object (truncated or corrupt)");
	assert_int_equal(lvm_reg_scan("/nonexistent/registry", on_record, &s), 0);
}

static void test_uuid(void **state)
{
	uint8_t u[16], back[16];
	char s[37];

	(void)state;
	for (int i = 0; i < 16; i++)
		u[i] = (uint8_t)(i * 17);
	lvm_uuid_format(u, s);
	assert_string_equal(s, "00112233-4455-6677-8899-aabbccddeeff");
	assert_int_equal(lvm_uuid_parse(s, back), 0);
	assert_memory_equal(u, back, 16);
	assert_int_equal(lvm_uuid_parse("00112233-4455-6677-8899-aabbccddeef", back), -EINVAL);
	assert_int_equal(lvm_uuid_parse("0011223304455-6677-8899-aabbccddeeff", back), -EINVAL);
	assert_int_equal(lvm_uuid_parse("00112233-4455-6677-8899-aabbccddeefg", back), -EINVAL);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_save_and_read),
		T(test_save_write_fails),
		T(test_save_new),
		T(test_shell_record),
		T(test_vifs_saved),
		T(test_overwrite_and_remove),
		T(test_corrupt_records),
		T(test_page_trimmed),
		T(test_page_bad_hex),
		T(test_scan),
		cmocka_unit_test(test_uuid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
