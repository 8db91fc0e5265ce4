/*
 * test_xs_compat.c — the XenStore tree of a stock guest, against a
 * recording stub of libxenstore (-Wl,--wrap).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "toolstack/engine/xs_compat.h"

#define MAX_OPS 512

/* What the engine's last failing call said (errors are values: the
 * engine never logs, and log.c is not even linked into this test). */
static struct lvm_error E;

struct op {
	char kind;                   /* 'w' write, 'm' mkdir, 'r' rm */
	char path[128];
	char value[64];
	unsigned int owner, other_id, other_perm;
};

static struct {
	struct op ops[MAX_OPS];
	int n;
	int tx_fail_eagain;          /* transaction_end fails EAGAIN this often */
	int tx_ends, tx_aborts;
	bool introduce_fails;
	int introduced;
	unsigned long mfn;
	unsigned int port;
	int fail_write_at;           /* -1: never */
	bool release_enoent;
} st;

static struct xs_handle *const XS = (struct xs_handle *)0x1;

static struct op *find(char kind, const char *path)
{
	for (int i = 0; i < st.n; i++)
		if (st.ops[i].kind == kind && !strcmp(st.ops[i].path, path))
			return &st.ops[i];
	return NULL;
}

static struct op *last_op(const char *path)
{
	for (int i = st.n - 1; i >= 0; i--)
		if (!strcmp(st.ops[i].path, path))
			return &st.ops[i];
	return NULL;
}

static bool record(char kind, const char *path, const void *v, unsigned len)
{
	struct op *o;

	if (st.fail_write_at >= 0 && st.n == st.fail_write_at) {
		errno = EACCES;
		return false;
	}
	assert_true(st.n < MAX_OPS);
	o = &st.ops[st.n++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	snprintf(o->path, sizeof(o->path), "%s", path);
	if (v)
		snprintf(o->value, sizeof(o->value), "%.*s", (int)len,
			 (const char *)v);
	return true;
}

bool __wrap_xs_write(struct xs_handle *h, xs_transaction_t t,
		     const char *path, const void *data, unsigned int len)
{
	(void)h;
	(void)t;
	return record('w', path, data, len);
}

bool __wrap_xs_mkdir(struct xs_handle *h, xs_transaction_t t,
		     const char *path)
{
	(void)h;
	(void)t;
	return record('m', path, NULL, 0);
}

bool __wrap_xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
	(void)h;
	(void)t;
	return record('r', path, NULL, 0);
}

bool __wrap_xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
			       const char *path, struct xs_permissions *p,
			       unsigned int num)
{
	struct op *o = last_op(path);

	(void)h;
	(void)t;
	assert_int_equal(num, 2);
	assert_non_null(o);
	o->owner = p[0].id;
	o->other_id = p[1].id;
	o->other_perm = p[1].perms;
	return true;
}

xs_transaction_t __wrap_xs_transaction_start(struct xs_handle *h)
{
	(void)h;
	return 7;
}

bool __wrap_xs_transaction_end(struct xs_handle *h, xs_transaction_t t,
			       bool abort)
{
	(void)h;
	assert_int_equal(t, 7);
	if (abort) {
		st.tx_aborts++;
		return true;
	}
	st.tx_ends++;
	if (st.tx_fail_eagain > 0) {
		st.tx_fail_eagain--;
		errno = EAGAIN;
		return false;
	}
	return true;
}

bool __wrap_xs_introduce_domain(struct xs_handle *h, unsigned int domid,
				unsigned long mfn, unsigned int port)
{
	(void)h;
	(void)domid;
	if (st.introduce_fails) {
		errno = EPERM;
		return false;
	}
	st.introduced++;
	st.mfn = mfn;
	st.port = port;
	return true;
}

bool __wrap_xs_release_domain(struct xs_handle *h, unsigned int domid)
{
	(void)h;
	(void)domid;
	if (st.release_enoent) {
		errno = ENOENT;
		return false;
	}
	return true;
}

static const uint8_t UUID[16] = { 0x6c, 0x76, 0x6d, 0, 1, 2, 3, 4,
				  5, 6, 7, 8, 9, 10, 11, 12 };
#define UUID_STR "6c766d00-0102-0304-0506-0708090a0b0c"

static struct lvm_xs_dom dom(void)
{
	return (struct lvm_xs_dom){ .domid = 5, .name = "lin", .uuid = UUID,
				    .memory_mb = 128, .vcpus = 2,
				    .store_mfn = 0x1234, .store_port = 3 };
}

static int setup(void **state)
{
	(void)state;
	memset(&st, 0, sizeof(st));
	st.fail_write_at = -1;
	lvm_error_clear(&E);
	return 0;
}

/* owned: the (kind) op on (path), which must exist and belong to (owner). */
static struct op *owned(char kind, const char *path, unsigned int owner)
{
	struct op *o = find(kind, path);

	if (!o)
		fail_msg("no '%c' of %s", kind, path);
	if (o->owner != owner)
		fail_msg("%s belongs to %u, expected %u", path, o->owner, owner);
	return o;
}

static void test_tree_written(void **state)
{
	struct lvm_xs_dom d = dom();
	struct op *o;

	(void)state;
	assert_int_equal(lvm_xs_introduce(XS, &d, &E), 0);
	o = owned('w', "/local/domain/5/name", 0);
	assert_string_equal(o->value, "lin");
	assert_int_equal(o->other_id, 5);
	assert_int_equal(o->other_perm, XS_PERM_READ);
	assert_string_equal(find('w', "/local/domain/5/vm")->value,
			    "/vm/" UUID_STR);
	assert_string_equal(find('w', "/local/domain/5/memory/target")->value,
			    "131072");
	assert_non_null(find('w', "/local/domain/5/cpu/1/availability"));
	assert_null(find('w', "/local/domain/5/cpu/2/availability"));
	assert_string_equal(find('w', "/vm/" UUID_STR "/name")->value, "lin");
	/* No console keys: lvmd serves the console itself. */
	assert_null(find('w', "/local/domain/5/console/ring-ref"));
	/* The guest owns its control and device nodes. */
	owned('w', "/local/domain/5/control/shutdown", 5);
	owned('m', "/local/domain/5/device", 5);
	assert_int_equal(st.introduced, 1);
	assert_int_equal(st.mfn, 0x1234);
	assert_int_equal(st.port, 3);
}

static void test_bad_description(void **state)
{
	struct lvm_xs_dom d = dom();

	(void)state;
	d.name = "";
	assert_int_equal(lvm_xs_introduce(XS, &d, &E), -EINVAL);
	d = dom();
	d.domid = 0;
	assert_int_equal(lvm_xs_introduce(XS, &d, &E), -EINVAL);
	d = dom();
	d.store_mfn = 0;
	assert_int_equal(lvm_xs_introduce(XS, &d, &E), -EINVAL);
	assert_int_equal(lvm_xs_introduce(NULL, &d, &E), -EINVAL);
	assert_int_equal(st.n, 0);
	assert_int_equal(st.introduced, 0);
}

/* Each fault while writing the tree or introducing the domain: what the
 * engine returns and says, how the transaction ended, and whether the tree
 * was removed again. */
static void test_introduce_faults(void **state)
{
	static const struct {
		const char *name;
		int tx_fail_eagain;      /* transaction_end fails EAGAIN this often */
		int fail_write_at;       /* 0: never */
		bool introduce_fails;
		int rc, tx_ends, tx_aborts, introduced;
		bool removed;            /* the tree's rm calls were recorded */
		const char *msg;         /* "": no error */
	} c[] = {
		{ "transaction retried", .tx_fail_eagain = 2,
		  .rc = 0, .tx_ends = 3, .tx_aborts = 0, .introduced = 1,
		  .removed = false, .msg = "" },
		{ "transaction gives up", .tx_fail_eagain = 1000,
		  .rc = -EAGAIN, .tx_ends = 8 /* XS_TRIES */, .tx_aborts = 0,
		  .introduced = 0,
		  .removed = true,
		  .msg = "xenstore: writing the tree of domain 5: "
			 "Resource temporarily unavailable" },
		/* the stub fails every record from the third on, the rm
		 * calls of the clean-up too */
		{ "write fails, transaction aborted", .fail_write_at = 3,
		  .rc = -EACCES, .tx_ends = 0, .tx_aborts = 1, .introduced = 0,
		  .removed = false,
		  .msg = "xenstore: writing the tree of domain 5: "
			 "Permission denied" },
		{ "introduce fails, tree removed", .introduce_fails = true,
		  .rc = -EPERM, .tx_ends = 1, .tx_aborts = 0, .introduced = 0,
		  .removed = true,
		  .msg = "xenstore: introducing domain 5: "
			 "Operation not permitted" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct lvm_xs_dom d = dom();
		int rc;

		setup(state);
		st.tx_fail_eagain = c[i].tx_fail_eagain;
		if (c[i].fail_write_at)
			st.fail_write_at = c[i].fail_write_at;
		st.introduce_fails = c[i].introduce_fails;
		rc = lvm_xs_introduce(XS, &d, &E);
		if (rc != c[i].rc)
			fail_msg("case '%s': returned %d, expected %d",
				 c[i].name, rc, c[i].rc);
		if (st.tx_ends != c[i].tx_ends || st.tx_aborts != c[i].tx_aborts)
			fail_msg("case '%s': %d transaction ends, %d aborts; "
				 "expected %d, %d", c[i].name, st.tx_ends,
				 st.tx_aborts, c[i].tx_ends, c[i].tx_aborts);
		if (st.introduced != c[i].introduced)
			fail_msg("case '%s': introduced %d times, expected %d",
				 c[i].name, st.introduced, c[i].introduced);
		if ((find('r', "/local/domain/5") != NULL) != c[i].removed ||
		    (find('r', "/vm/" UUID_STR) != NULL) != c[i].removed)
			fail_msg("case '%s': tree %sremoved", c[i].name,
				 c[i].removed ? "not " : "");
		if (E.code != -c[i].rc || strcmp(E.msg, c[i].msg) != 0)
			fail_msg("case '%s': error %d \"%s\", expected %d \"%s\"",
				 c[i].name, E.code, E.msg, -c[i].rc, c[i].msg);
	}
}

static void test_request(void **state)
{
	(void)state;
	assert_int_equal(lvm_xs_request(XS, 5, "poweroff", &E), 0);
	assert_string_equal(find('w', "/local/domain/5/control/shutdown")->value,
			    "poweroff");
	assert_int_equal(lvm_xs_request(XS, 5, "halt", &E), -EINVAL);
	assert_string_equal(E.msg, "xenstore: unknown request: Invalid "
			    "argument");
	assert_int_equal(lvm_xs_request(XS, 5, NULL, &E), -EINVAL);
	assert_int_equal(st.n, 1);
}

static void test_forget_unknown_domain(void **state)
{
	(void)state;
	st.release_enoent = true;
	assert_int_equal(lvm_xs_forget(XS, 9, UUID), 0);
	assert_non_null(find('r', "/local/domain/9"));
	assert_non_null(find('r', "/vm/" UUID_STR));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_tree_written, setup),
		cmocka_unit_test_setup(test_bad_description, setup),
		cmocka_unit_test(test_introduce_faults),
		cmocka_unit_test_setup(test_request, setup),
		cmocka_unit_test_setup(test_forget_unknown_domain, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
