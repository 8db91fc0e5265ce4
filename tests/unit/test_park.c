/*
 * test_park.c — unit tests for the image loader's bookkeeping
 * (toolstack/lvmd/park.c): requests for one image wait for one load, in
 * arrival order; loads start oldest first; the bound on loads; a client
 * gone takes its requests along, and a load nobody waits for any more is
 * never started; results (images and errors) are handed over whole.
 * Clients and images are made-up pointers: nothing is read here.
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

#include "toolstack/lvmd/park.h"

#define CLIENT(n) ((void *)(uintptr_t)(0x1000 + (n)))
#define IMAGE ((struct lvm_image *)(uintptr_t)0x2000)

struct fixture {
	struct lvmd_park p;
	struct lvmd_waiter w[LVMD_LOADS + 8];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	for (size_t i = 0; i < sizeof(f->w) / sizeof(f->w[0]); i++)
		f->w[i].who = CLIENT(i);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct lvmd_load ld;

	while (lvmd_park_take(&f->p, &ld, true))
		free(ld.path);
	free(f);
	return 0;
}

/* waiters: the clients' numbers of (ld)'s requests, in order, into (out). */
static unsigned waiters(const struct lvmd_load *ld, int *out)
{
	unsigned n = 0;

	for (const struct lvmd_waiter *w = ld->head; w; w = w->next)
		out[n++] = (int)((uintptr_t)w->who - 0x1000);
	return n;
}

/* Three requests for one image: one load, read once, the three resumed in
 * the order they came. */
static void test_one_load(void **state)
{
	struct fixture *f = *state;
	struct lvmd_load ld;
	unsigned loads;
	int i, who[8];

	for (i = 0; i < 3; i++)
		assert_int_equal(lvmd_park_add(&f->p, "/img/big", &f->w[i]), 0);
	assert_int_equal(lvmd_park_count(&f->p, &loads), 3);
	assert_int_equal(loads, 1);
	i = lvmd_park_next(&f->p);
	assert_true(i >= 0);
	assert_string_equal(f->p.load[i].path, "/img/big");
	assert_int_equal(lvmd_park_next(&f->p), -1);   /* read once */
	/* a fourth joins while it is read */
	assert_int_equal(lvmd_park_add(&f->p, "/img/big", &f->w[3]), 0);
	assert_false(lvmd_park_take(&f->p, &ld, false)); /* not read yet */
	lvmd_park_done(&f->p, i, IMAGE, 0, NULL, 5);
	/* a fifth joins before the result is taken */
	assert_int_equal(lvmd_park_add(&f->p, "/img/big", &f->w[4]), 0);
	assert_true(lvmd_park_take(&f->p, &ld, false));
	assert_ptr_equal(ld.img, IMAGE);
	assert_int_equal(ld.rc, 0);
	assert_int_equal(ld.read_ns, 5);
	assert_int_equal(waiters(&ld, who), 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(who[i], i);
	free(ld.path);
	assert_int_equal(lvmd_park_count(&f->p, &loads), 0);
	assert_int_equal(loads, 0);
	assert_false(lvmd_park_take(&f->p, &ld, true));
}

/* Loads start oldest first; two run at once, a third waits its turn. */
static void test_order(void **state)
{
	struct fixture *f = *state;
	int a, b, c;

	assert_int_equal(lvmd_park_add(&f->p, "/a", &f->w[0]), 0);
	assert_int_equal(lvmd_park_add(&f->p, "/b", &f->w[1]), 0);
	assert_int_equal(lvmd_park_add(&f->p, "/c", &f->w[2]), 0);
	a = lvmd_park_next(&f->p);
	b = lvmd_park_next(&f->p);
	assert_string_equal(f->p.load[a].path, "/a");
	assert_string_equal(f->p.load[b].path, "/b");
	lvmd_park_done(&f->p, a, IMAGE, 0, NULL, 0);
	/* a slot freed by a take is reused, and the order still holds */
	{
		struct lvmd_load ld;

		assert_true(lvmd_park_take(&f->p, &ld, false));
		assert_string_equal(ld.path, "/a");
		free(ld.path);
	}
	assert_int_equal(lvmd_park_add(&f->p, "/d", &f->w[3]), 0);
	c = lvmd_park_next(&f->p);
	assert_string_equal(f->p.load[c].path, "/c");
	c = lvmd_park_next(&f->p);
	assert_string_equal(f->p.load[c].path, "/d");
	assert_int_equal(lvmd_park_next(&f->p), -1);
}

/* At most LVMD_LOADS images under way; a request for one of them still
 * joins it. */
static void test_bound(void **state)
{
	struct fixture *f = *state;
	char path[32];
	unsigned loads;

	for (int i = 0; i < LVMD_LOADS; i++) {
		snprintf(path, sizeof(path), "/img/%d", i);
		assert_int_equal(lvmd_park_add(&f->p, path, &f->w[i]), 0);
	}
	assert_int_equal(lvmd_park_add(&f->p, "/img/more", &f->w[LVMD_LOADS]),
			 -EAGAIN);
	assert_int_equal(lvmd_park_add(&f->p, "/img/3", &f->w[LVMD_LOADS + 1]),
			 0);
	assert_int_equal(lvmd_park_count(&f->p, &loads), LVMD_LOADS + 1);
	assert_int_equal(loads, LVMD_LOADS);
}

/* A client gone: its requests come back; a queued load it alone waited for
 * is never read; others' requests stay, in order, and new ones append. */
static void test_forget_queued(void **state)
{
	struct fixture *f = *state;
	struct lvmd_waiter *gone;
	struct lvmd_load ld;
	unsigned loads;
	int i, who[8];

	assert_int_equal(lvmd_park_add(&f->p, "/alone", &f->w[0]), 0);
	assert_int_equal(lvmd_park_add(&f->p, "/shared", &f->w[1]), 0);
	assert_int_equal(lvmd_park_add(&f->p, "/shared", &f->w[2]), 0);
	assert_int_equal(lvmd_park_add(&f->p, "/shared", &f->w[3]), 0);
	f->w[4].who = CLIENT(2);         /* client 2 has a second one */
	assert_int_equal(lvmd_park_add(&f->p, "/shared", &f->w[4]), 0);

	gone = lvmd_park_forget(&f->p, CLIENT(0));
	assert_ptr_equal(gone, &f->w[0]);
	assert_null(gone->next);
	gone = lvmd_park_forget(&f->p, CLIENT(2));
	assert_ptr_equal(gone, &f->w[2]);
	assert_ptr_equal(gone->next, &f->w[4]);
	assert_null(gone->next->next);
	assert_null(lvmd_park_forget(&f->p, CLIENT(7)));
	assert_int_equal(lvmd_park_count(&f->p, &loads), 2);
	assert_int_equal(loads, 1);      /* /alone dropped */
	assert_int_equal(lvmd_park_add(&f->p, "/shared", &f->w[5]), 0);

	i = lvmd_park_next(&f->p);
	assert_string_equal(f->p.load[i].path, "/shared");
	assert_int_equal(lvmd_park_next(&f->p), -1);  /* /alone is not read */
	lvmd_park_done(&f->p, i, IMAGE, 0, NULL, 0);
	assert_true(lvmd_park_take(&f->p, &ld, false));
	assert_int_equal(waiters(&ld, who), 3);
	assert_int_equal(who[0], 1);
	assert_int_equal(who[1], 3);
	assert_int_equal(who[2], 5);
	free(ld.path);
}

/* A load being read when its only client goes runs to its end and is
 * taken with nobody to resume. */
static void test_forget_running(void **state)
{
	struct fixture *f = *state;
	struct lvmd_load ld;
	int i;

	assert_int_equal(lvmd_park_add(&f->p, "/big", &f->w[0]), 0);
	i = lvmd_park_next(&f->p);
	assert_true(i >= 0);
	assert_ptr_equal(lvmd_park_forget(&f->p, CLIENT(0)), &f->w[0]);
	assert_string_equal(f->p.load[i].path, "/big"); /* still read */
	/* and joined again by a new request before it ends */
	assert_int_equal(lvmd_park_add(&f->p, "/big", &f->w[1]), 0);
	assert_ptr_equal(lvmd_park_forget(&f->p, CLIENT(1)), &f->w[1]);
	lvmd_park_done(&f->p, i, IMAGE, 0, NULL, 0);
	assert_true(lvmd_park_take(&f->p, &ld, false));
	assert_null(ld.head);
	assert_ptr_equal(ld.img, IMAGE);  /* the caller caches or frees it */
	free(ld.path);
}

/* A failed read hands over its errno and its line. */
static void test_failure(void **state)
{
	struct fixture *f = *state;
	struct lvm_error e = { .code = ENOEXEC };
	struct lvmd_load ld;
	int i;

	snprintf(e.msg, sizeof(e.msg), "image /bad: not an x86_64 ELF");
	assert_int_equal(lvmd_park_add(&f->p, "/bad", &f->w[0]), 0);
	i = lvmd_park_next(&f->p);
	lvmd_park_done(&f->p, i, NULL, -ENOEXEC, &e, 0);
	assert_true(lvmd_park_take(&f->p, &ld, false));
	assert_null(ld.img);
	assert_int_equal(ld.rc, -ENOEXEC);
	assert_int_equal(ld.err.code, ENOEXEC);
	assert_string_equal(ld.err.msg, e.msg);
	free(ld.path);
	/* no image and no errno is still a failure */
	assert_int_equal(lvmd_park_add(&f->p, "/odd", &f->w[1]), 0);
	i = lvmd_park_next(&f->p);
	lvmd_park_done(&f->p, i, NULL, 0, NULL, 0);
	assert_true(lvmd_park_take(&f->p, &ld, false));
	assert_true(ld.rc < 0);
	free(ld.path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_one_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forget_queued, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_forget_running, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failure, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
