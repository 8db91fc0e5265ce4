/*
 * test_cons_ring.c — unit tests for dom0's side of the console ring
 * (toolstack/lvmd/cons_ring.c), against a fake page the test plays the
 * guest on: wrap-around, full rings, and indices a hostile guest wrote.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "toolstack/lvmd/cons_ring.h"

#define OUT sizeof(((struct xencons_interface *)0)->out)
#define IN sizeof(((struct xencons_interface *)0)->in)

struct fixture {
	struct xencons_interface page;
	struct lvm_cons_ring st;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* guest_write: what a guest does to print (s). */
static void guest_write(struct xencons_interface *p, const char *s)
{
	for (; *s; s++)
		p->out[p->out_prod++ % OUT] = *s;
}

static void test_read_simple(void **state)
{
	struct fixture *f = *state;
	char buf[64];

	guest_write(&f->page, "hello\n");
	assert_int_equal(lvm_cons_ring_read(&f->page, &f->st, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "hello\n", 6);
	assert_int_equal(f->page.out_cons, 6);
	assert_int_equal(f->st.out_cons, 6);
	assert_int_equal(lvm_cons_ring_read(&f->page, &f->st, buf, sizeof(buf)), 0);
}

static void test_read_wraps(void **state)
{
	struct fixture *f = *state;
	char buf[64];

	f->page.out_prod = f->page.out_cons = f->st.out_cons = OUT - 3;
	guest_write(&f->page, "abcdef");
	assert_int_equal(lvm_cons_ring_read(&f->page, &f->st, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "abcdef", 6);
	assert_int_equal(f->st.out_cons, OUT + 3);
}

static void test_read_index_wraps_32bit(void **state)
{
	struct fixture *f = *state;
	char buf[64];

	f->page.out_prod = f->page.out_cons = f->st.out_cons = UINT32_MAX - 1;
	guest_write(&f->page, "xyz");
	assert_int_equal(f->page.out_prod, 1);
	assert_int_equal(lvm_cons_ring_read(&f->page, &f->st, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "xyz", 3);
	assert_int_equal(f->st.out_cons, 1);
}

static void test_read_in_pieces(void **state)
{
	struct fixture *f = *state;
	char buf[4];

	guest_write(&f->page, "123456");
	assert_int_equal(lvm_cons_ring_read(&f->page, &f->st, buf, 4), 4);
	assert_memory_equal(buf, "1234", 4);
	assert_int_equal(lvm_cons_ring_read(&f->page, &f->st, buf, 4), 2);
	assert_memory_equal(buf, "56", 2);
}

static void test_read_full_ring(void **state)
{
	struct fixture *f = *state;
	char buf[OUT];

	memset(f->page.out, 'q', OUT);
	f->page.out_prod = OUT;
	assert_int_equal(lvm_cons_ring_read(&f->page, &f->st, buf, sizeof(buf)), OUT);
}

static void test_read_corrupt_prod(void **state)
{
	static const XENCONS_RING_IDX bad[] = { OUT + 1, UINT32_MAX, 1u << 31 };
	struct fixture *f = *state;
	char buf[64];

	for (size_t i = 0; i < 3; i++) {
		f->st.out_cons = 0;
		f->page.out_cons = 0;
		f->page.out_prod = bad[i];
		assert_int_equal(lvm_cons_ring_read(&f->page, &f->st, buf, sizeof(buf)),
				 -EPROTO);
		assert_int_equal(f->st.out_cons, 0);
		assert_int_equal(f->page.out_cons, 0);
	}
}

static void test_scribbled_cons_ignored(void **state)
{
	struct fixture *f = *state;
	char buf[64];

	/* dom0 trusts its own copy of out_cons, not the page's. */
	guest_write(&f->page, "ok");
	f->page.out_cons = 12345;
	assert_int_equal(lvm_cons_ring_read(&f->page, &f->st, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "ok", 2);
}

static void test_write_and_full(void **state)
{
	struct fixture *f = *state;
	char big[IN + 10];

	assert_int_equal(lvm_cons_ring_write(&f->page, &f->st, "ls\n", 3), 3);
	assert_memory_equal(f->page.in, "ls\n", 3);
	assert_int_equal(f->page.in_prod, 3);
	memset(big, 'z', sizeof(big));
	assert_int_equal(lvm_cons_ring_write(&f->page, &f->st, big, sizeof(big)),
			 IN - 3);
	assert_int_equal(lvm_cons_ring_write(&f->page, &f->st, "x", 1), 0);
	f->page.in_cons = 5; /* the guest read five bytes */
	assert_int_equal(lvm_cons_ring_write(&f->page, &f->st, big, sizeof(big)), 5);
	assert_int_equal(f->page.in[IN % IN], 'z');
}

static void test_write_corrupt_cons(void **state)
{
	struct fixture *f = *state;

	f->st.in_prod = 10;
	f->page.in_prod = 10;
	f->page.in_cons = 11; /* ahead of what dom0 produced */
	assert_int_equal(lvm_cons_ring_write(&f->page, &f->st, "a", 1), -EPROTO);
	f->page.in_cons = (XENCONS_RING_IDX)(10u - (unsigned)IN - 1u); /* further behind than a ring */
	assert_int_equal(lvm_cons_ring_write(&f->page, &f->st, "a", 1), -EPROTO);
	assert_int_equal(f->page.in_prod, 10);
}

static void test_adopt(void **state)
{
	struct fixture *f = *state;

	f->page.out_cons = 77;
	f->page.in_prod = 9;
	lvm_cons_ring_adopt(&f->st, &f->page);
	assert_int_equal(f->st.out_cons, 77);
	assert_int_equal(f->st.in_prod, 9);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_read_simple),
		T(test_read_wraps),
		T(test_read_index_wraps_32bit),
		T(test_read_in_pieces),
		T(test_read_full_ring),
		T(test_read_corrupt_prod),
		T(test_scribbled_cons_ignored),
		T(test_write_and_full),
		T(test_write_corrupt_cons),
		T(test_adopt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
