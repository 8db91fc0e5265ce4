/*
 * test_console_ring.c — unit tests for guests/libos/console_ring.c, built
 * hosted. Each test gets a fresh, zeroed xencons_interface; the backend's
 * side is played by writing out_cons directly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <xen/errno.h>

#include <libos/console_ring.h>

#define RING_SIZE sizeof(((struct xencons_interface *)0)->out)

static int setup(void **state)
{
	struct xencons_interface *intf = test_calloc(1, sizeof(*intf));

	if (intf == NULL)
		return -1;
	*state = intf;
	return 0;
}

static int teardown(void **state)
{
	test_free(*state);
	return 0;
}

/* Start with both output indices at (idx): an empty ring there. */
static void set_empty_at(struct xencons_interface *intf, XENCONS_RING_IDX idx)
{
	intf->out_cons = idx;
	intf->out_prod = idx;
}

static void test_write_empty_ring(void **state)
{
	struct xencons_interface *intf = *state;

	assert_int_equal(console_ring_write(intf, "hello", 5), 5);
	assert_memory_equal(intf->out, "hello", 5);
	assert_int_equal(intf->out_prod, 5);
	assert_int_equal(intf->out_cons, 0);
}

static void test_write_appends(void **state)
{
	struct xencons_interface *intf = *state;

	assert_int_equal(console_ring_write(intf, "ab", 2), 2);
	assert_int_equal(console_ring_write(intf, "cd", 2), 2);
	assert_memory_equal(intf->out, "abcd", 4);
	assert_int_equal(intf->out_prod, 4);
}

static void test_write_zero_bytes(void **state)
{
	struct xencons_interface *intf = *state;

	set_empty_at(intf, 7);
	assert_int_equal(console_ring_write(intf, "x", 0), 0);
	assert_int_equal(intf->out_prod, 7);
	assert_int_equal(intf->out[7], 0);
}

static void test_write_partial_when_nearly_full(void **state)
{
	struct xencons_interface *intf = *state;

	intf->out_cons = 0;
	intf->out_prod = RING_SIZE - 3;
	assert_int_equal(console_ring_write(intf, "abcdef", 6), 3);
	assert_memory_equal(&intf->out[RING_SIZE - 3], "abc", 3);
	assert_int_equal(intf->out_prod, RING_SIZE);
	/* The bytes that did not fit went nowhere, not over unread ones. */
	assert_int_equal(intf->out[0], 0);
}

static void test_write_full_ring(void **state)
{
	struct xencons_interface *intf = *state;

	intf->out_cons = 100;
	intf->out_prod = 100 + RING_SIZE;
	assert_int_equal(console_ring_write(intf, "abc", 3), 0);
	assert_int_equal(intf->out_prod, 100 + RING_SIZE);
	assert_int_equal(intf->out[100], 0);
}

static void test_write_more_than_ring(void **state)
{
	struct xencons_interface *intf = *state;
	char big[RING_SIZE + 10];

	memset(big, 'z', sizeof(big));
	assert_int_equal(console_ring_write(intf, big, sizeof(big)), RING_SIZE);
	assert_memory_equal(intf->out, big, RING_SIZE);
	assert_int_equal(intf->out_prod, RING_SIZE);
}

static void test_write_after_consume(void **state)
{
	struct xencons_interface *intf = *state;
	char big[RING_SIZE];

	memset(big, 'a', sizeof(big));
	assert_int_equal(console_ring_write(intf, big, sizeof(big)), RING_SIZE);
	assert_int_equal(console_ring_write(intf, "b", 1), 0);
	intf->out_cons = 1;	/* the backend read one byte */
	assert_int_equal(console_ring_write(intf, "bc", 2), 1);
	assert_int_equal(intf->out[0], 'b');
	assert_int_equal(intf->out_prod, RING_SIZE + 1);
}

static void test_write_wraps_around(void **state)
{
	struct xencons_interface *intf = *state;

	set_empty_at(intf, RING_SIZE - 4);
	assert_int_equal(console_ring_write(intf, "01234567", 8), 8);
	assert_memory_equal(&intf->out[RING_SIZE - 4], "0123", 4);
	assert_memory_equal(intf->out, "4567", 4);
	assert_int_equal(intf->out_prod, RING_SIZE + 4);
}

static void test_write_index_overflow(void **state)
{
	struct xencons_interface *intf = *state;

	/* The free-running 32-bit indices wrap past UINT32_MAX. */
	set_empty_at(intf, UINT32_MAX - 3);
	assert_int_equal(console_ring_write(intf, "01234567", 8), 8);
	assert_int_equal(intf->out_prod, 4);
	assert_memory_equal(&intf->out[RING_SIZE - 4], "0123", 4);
	assert_memory_equal(intf->out, "4567", 4);
	assert_int_equal(console_ring_pending(intf), 8);
}

static void test_write_leaves_input_ring_alone(void **state)
{
	struct xencons_interface *intf = *state;
	char big[RING_SIZE + 1];

	memset(big, 'q', sizeof(big));
	set_empty_at(intf, 5);
	console_ring_write(intf, big, sizeof(big));
	for (size_t i = 0; i < sizeof(intf->in); i++)
		assert_int_equal(intf->in[i], 0);
	assert_int_equal(intf->in_cons, 0);
	assert_int_equal(intf->in_prod, 0);
	assert_int_equal(intf->out_cons, 5);
}

static void test_corrupt_cons_ahead_of_prod(void **state)
{
	struct xencons_interface *intf = *state;

	/* The backend claims to have read a byte that was never written. */
	intf->out_prod = 10;
	intf->out_cons = 11;
	assert_int_equal(console_ring_write(intf, "abc", 3), -XEN_EIO);
	assert_int_equal(intf->out_prod, 10);
	assert_int_equal(intf->out_cons, 11);
	assert_int_equal(intf->out[10], 0);
}

static void test_corrupt_more_than_ring_in_flight(void **state)
{
	struct xencons_interface *intf = *state;

	intf->out_cons = 0;
	intf->out_prod = RING_SIZE + 1;
	assert_int_equal(console_ring_write(intf, "abc", 3), -XEN_EIO);
	assert_int_equal(intf->out_prod, RING_SIZE + 1);
	assert_int_equal(intf->out[1], 0);
}

static void test_corrupt_far_apart(void **state)
{
	struct xencons_interface *intf = *state;

	intf->out_cons = 0x80000000u;
	intf->out_prod = 0;
	assert_int_equal(console_ring_write(intf, "abc", 3), -XEN_EIO);
	assert_int_equal(intf->out_prod, 0);
}

static void test_pending_counts_unread(void **state)
{
	struct xencons_interface *intf = *state;

	assert_int_equal(console_ring_pending(intf), 0);
	console_ring_write(intf, "hello", 5);
	assert_int_equal(console_ring_pending(intf), 5);
	intf->out_cons = 3;
	assert_int_equal(console_ring_pending(intf), 2);
	intf->out_cons = 5;
	assert_int_equal(console_ring_pending(intf), 0);
}

static void test_pending_full_and_corrupt(void **state)
{
	struct xencons_interface *intf = *state;

	intf->out_prod = RING_SIZE;
	assert_int_equal(console_ring_pending(intf), RING_SIZE);
	intf->out_prod = RING_SIZE + 1;
	assert_int_equal(console_ring_pending(intf), -XEN_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_write_empty_ring),
		T(test_write_appends),
		T(test_write_zero_bytes),
		T(test_write_partial_when_nearly_full),
		T(test_write_full_ring),
		T(test_write_more_than_ring),
		T(test_write_after_consume),
		T(test_write_wraps_around),
		T(test_write_index_overflow),
		T(test_write_leaves_input_ring_alone),
		T(test_corrupt_cons_ahead_of_prod),
		T(test_corrupt_more_than_ring_in_flight),
		T(test_corrupt_far_apart),
		T(test_pending_counts_unread),
		T(test_pending_full_and_corrupt),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
