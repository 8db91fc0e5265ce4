/*
 * test_table.c — unit tests for lvmd's guest table (toolstack/lvmd/
 * table.c): lookups by domid through the bucket chains, with domids that
 * share a bucket, across inserts and unlinks; lookups by name and by a
 * decimal target, through the name chains.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "toolstack/lvmd/lvmd.h"
#include "toolstack/lvmd/guest.h"

static struct lvmd l;

static struct guest *mk(uint32_t domid, const char *name)
{
	struct lvm_reg_entry rec;
	struct guest *g;

	memset(&rec, 0, sizeof(rec));
	rec.domid = domid;
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	g = lvmd_guest_new(&rec, NULL);
	assert_non_null(g);
	lvmd_guest_insert(&l, g);
	return g;
}

static void test_chains(void **state)
{
	/* Three domids in one bucket, one in another. */
	struct guest *a = mk(5, "a"), *b = mk(5 + LVMD_DOMID_BUCKETS, "b");
	struct guest *c = mk(5 + 2 * LVMD_DOMID_BUCKETS, "c"), *d = mk(6, "d");

	(void)state;
	assert_int_equal(l.nguests, 4);
	assert_ptr_equal(lvmd_guest_by_domid(&l, 5), a);
	assert_ptr_equal(lvmd_guest_by_domid(&l, 5 + LVMD_DOMID_BUCKETS), b);
	assert_ptr_equal(lvmd_guest_by_domid(&l, 5 + 2 * LVMD_DOMID_BUCKETS), c);
	assert_ptr_equal(lvmd_guest_by_domid(&l, 6), d);
	assert_null(lvmd_guest_by_domid(&l, 7));
	assert_null(lvmd_guest_by_domid(&l, 5 + 3 * LVMD_DOMID_BUCKETS));
	/* Unlink the middle of a chain, then its head. */
	lvmd_guest_unlink(&l, b);
	assert_null(lvmd_guest_by_domid(&l, 5 + LVMD_DOMID_BUCKETS));
	assert_ptr_equal(lvmd_guest_by_domid(&l, 5), a);
	assert_ptr_equal(lvmd_guest_by_domid(&l, 5 + 2 * LVMD_DOMID_BUCKETS), c);
	lvmd_guest_unlink(&l, c);
	assert_null(lvmd_guest_by_domid(&l, 5 + 2 * LVMD_DOMID_BUCKETS));
	assert_ptr_equal(lvmd_guest_by_domid(&l, 5), a);
	/* Targets: a decimal domid or a name. */
	assert_ptr_equal(lvmd_guest_find(&l, "6"), d);
	assert_ptr_equal(lvmd_guest_find(&l, "a"), a);
	assert_null(lvmd_guest_find(&l, "1029"));
	assert_int_equal(l.nguests, 2);
	lvmd_guest_unlink(&l, a);
	lvmd_guest_unlink(&l, d);
	assert_null(lvmd_guest_by_domid(&l, 5));
	assert_null(l.guests);
	lvmd_guest_free(a);
	lvmd_guest_free(b);
	lvmd_guest_free(c);
	lvmd_guest_free(d);
}

/* Many guests, domids spread over the whole domid space. */
static void test_many(void **state)
{
	static struct guest *gs[3000];

	(void)state;
	for (unsigned i = 0; i < 3000; i++)
		gs[i] = mk(i * 7 % LVMD_MAX_DOMID, "g");
	for (unsigned i = 0; i < 3000; i++)
		assert_ptr_equal(lvmd_guest_by_domid(&l, i * 7 % LVMD_MAX_DOMID), gs[i]);
	for (unsigned i = 0; i < 3000; i += 2)
		lvmd_guest_unlink(&l, gs[i]);
	for (unsigned i = 0; i < 3000; i++)
		assert_ptr_equal(lvmd_guest_by_domid(&l, i * 7 % LVMD_MAX_DOMID),
				 i % 2 ? gs[i] : NULL);
	for (unsigned i = 1; i < 3000; i += 2)
		lvmd_guest_unlink(&l, gs[i]);
	assert_int_equal(l.nguests, 0);
	for (unsigned i = 0; i < 3000; i++)
		lvmd_guest_free(gs[i]);
}

/* Names through their chains: 3000 guests (more than the buckets, so
 * chains are shared), every one found by its name, none by another. */
static void test_names(void **state)
{
	static struct guest *gs[3000];
	char name[32];

	(void)state;
	for (unsigned i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "guest-%u", i);
		gs[i] = mk(i + 1, name);
	}
	for (unsigned i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "guest-%u", i);
		assert_ptr_equal(lvmd_guest_by_name(&l, name), gs[i]);
	}
	assert_null(lvmd_guest_by_name(&l, "guest-3000"));
	assert_null(lvmd_guest_by_name(&l, "guest-"));
	for (unsigned i = 0; i < 3000; i += 3)
		lvmd_guest_unlink(&l, gs[i]);
	for (unsigned i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "guest-%u", i);
		assert_ptr_equal(lvmd_guest_find(&l, name), i % 3 ? gs[i] : NULL);
	}
	for (unsigned i = 0; i < 3000; i++)
		if (i % 3)
			lvmd_guest_unlink(&l, gs[i]);
	assert_int_equal(l.nguests, 0);
	for (unsigned i = 0; i < LVMD_NAME_BUCKETS; i++)
		assert_null(l.by_name[i]);
	for (unsigned i = 0; i < 3000; i++)
		lvmd_guest_free(gs[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chains),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
