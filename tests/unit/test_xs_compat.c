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

static void test_tree_written(void **state)
{
	struct lvm_xs_dom d = dom();
	struct op *o;

	(void)state;
	assert_int_equal(lvm_xs_introduce(XS, &d, &E), 0);
	o = find('w', "/local/domain/5/name");
	assert_non_null(o);
	assert_string_equal(o->value, "lin");
	assert_int_equal(o->owner, 0);
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
	assert_int_equal(st.introduced, 1);
	assert_int_equal(st.mfn, 0x1234);
	assert_int_equal(st.port, 3);
}

static void test_guest_owns_control(void **state)
{
	struct lvm_xs_dom d = dom();
	struct op *o;

	(void)state;
	assert_int_equal(lvm_xs_introduce(XS, &d, &E), 0);
	o = find('w', "/local/domain/5/control/shutdown");
	assert_non_null(o);
	assert_int_equal(o->owner, 5);
	o = find('m', "/local/domain/5/device");
	assert_non_null(o);
	assert_int_equal(o->owner, 5);
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

static void test_transaction_retried(void **state)
{
	struct lvm_xs_dom d = dom();

	(void)state;
	st.tx_fail_eagain = 2;
	assert_int_equal(lvm_xs_introduce(XS, &d, &E), 0);
	assert_int_equal(st.tx_ends, 3);
	assert_int_equal(st.introduced, 1);
}

static void test_transaction_gives_up(void **state)
{
	struct lvm_xs_dom d = dom();

	(void)state;
	st.tx_fail_eagain = 1000;
	assert_int_equal(lvm_xs_introduce(XS, &d, &E), -EAGAIN);
	assert_int_equal(st.introduced, 0);
	assert_non_null(find('r', "/local/domain/5"));
}

static void test_write_failure_aborts_and_cleans(void **state)
{
	struct lvm_xs_dom d = dom();

	(void)state;
	st.fail_write_at = 3;
	assert_int_equal(lvm_xs_introduce(XS, &d, &E), -EACCES);
	assert_int_equal(E.code, EACCES);
	assert_string_equal(E.msg, "xenstore: writing the tree of domain 5: "
			    "Permission denied");
	assert_int_equal(st.tx_aborts, 1);
	assert_int_equal(st.introduced, 0);
}

static void test_introduce_failure_removes_tree(void **state)
{
	struct lvm_xs_dom d = dom();

	(void)state;
	st.introduce_fails = true;
	assert_int_equal(lvm_xs_introduce(XS, &d, &E), -EPERM);
	assert_non_null(find('r', "/local/domain/5"));
	assert_non_null(find('r', "/vm/" UUID_STR));
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
		cmocka_unit_test_setup(test_guest_owns_control, setup),
		cmocka_unit_test_setup(test_bad_description, setup),
		cmocka_unit_test_setup(test_transaction_retried, setup),
		cmocka_unit_test_setup(test_transaction_gives_up, setup),
		cmocka_unit_test_setup(test_write_failure_aborts_and_cleans,
				       setup),
		cmocka_unit_test_setup(test_introduce_failure_removes_tree,
				       setup),
		cmocka_unit_test_setup(test_request, setup),
		cmocka_unit_test_setup(test_forget_unknown_domain, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
