/*
 * test_pool.c — unit tests for the bookkeeping of lvmd's shell pools
 * (toolstack/lvmd/pool.c): shapes, claims, refill accounting, target
 * changes, misses, stealing memory, the config syntax, and each shape's
 * last refill error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "toolstack/lvmd/pool.h"

/* Fake shells: distinct addresses. */
static int shells[64];

/* fill: run the refill protocol until no shape wants more; returns how
 * many shells were made. */
static unsigned fill(struct lvmd_pool *p)
{
	struct lvmd_pool_job job;
	unsigned n = 0;

	while (lvmd_pool_next(p, &job)) {
		assert_true(n < 64);
		assert_true(lvmd_pool_done(p, &job, &shells[n]));
		n++;
	}
	return n;
}

static const struct lvm_pool_info *stats(const struct lvmd_pool *p,
					 uint32_t m, uint32_t v)
{
	for (unsigned i = 0; i < p->nshapes; i++)
		if (p->shape[i].s.memory_mb == m && p->shape[i].s.vcpus == v)
			return &p->shape[i].s;
	fail_msg("no shape %ux%u", m, v);
	return NULL;
}

static void test_refill_and_claim(void **state)
{
	struct lvmd_pool p;
	void *a, *b;

	(void)state;
	lvmd_pool_init(&p);
	assert_int_equal(lvmd_pool_set(&p, 4, 1, 3, NULL), 0);
	assert_int_equal(fill(&p), 3);
	assert_int_equal(stats(&p, 4, 1)->ready, 3);
	assert_int_equal(stats(&p, 4, 1)->preparing, 0);
	a = lvmd_pool_claim(&p, 4, 1, NULL, NULL);
	b = lvmd_pool_claim(&p, 4, 1, NULL, NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	assert_int_equal(stats(&p, 4, 1)->hits, 2);
	assert_int_equal(stats(&p, 4, 1)->ready, 1);
	/* refill makes exactly what was claimed */
	assert_int_equal(fill(&p), 2);
	assert_int_equal(stats(&p, 4, 1)->ready, 3);
	lvmd_pool_fini(&p, NULL, NULL);
}

static void test_preparing_counts(void **state)
{
	struct lvmd_pool p;
	struct lvmd_pool_job job;

	(void)state;
	lvmd_pool_init(&p);
	lvmd_pool_set(&p, 8, 2, 2, NULL);
	assert_true(lvmd_pool_next(&p, &job));
	assert_int_equal(job.memory_mb, 8);
	assert_int_equal(job.vcpus, 2);
	assert_string_equal(job.image, "");
	assert_true(lvmd_pool_next(&p, &job));
	/* two in flight: the target is met */
	assert_false(lvmd_pool_next(&p, &job));
	assert_int_equal(stats(&p, 8, 2)->preparing, 2);
	/* one fails: preparing drops, the shape wants one again */
	assert_false(lvmd_pool_done(&p, &job, NULL));
	assert_int_equal(stats(&p, 8, 2)->preparing, 1);
	assert_true(lvmd_pool_next(&p, &job));
	lvmd_pool_fini(&p, NULL, NULL);
}

static void test_exact_shape_misses(void **state)
{
	struct lvmd_pool p;

	(void)state;
	lvmd_pool_init(&p);
	lvmd_pool_set(&p, 4, 1, 1, NULL);
	fill(&p);
	/* same memory, other vCPUs: a miss of no pool */
	assert_null(lvmd_pool_claim(&p, 4, 2, NULL, NULL));
	assert_int_equal(p.other_misses, 1);
	assert_null(lvmd_pool_claim(&p, 8, 1, NULL, NULL));
	assert_int_equal(p.other_misses, 2);
	assert_int_equal(stats(&p, 4, 1)->ready, 1);
	assert_non_null(lvmd_pool_claim(&p, 4, 1, NULL, NULL));
	/* drained faster than refilled: a miss of that pool */
	assert_null(lvmd_pool_claim(&p, 4, 1, NULL, NULL));
	assert_int_equal(stats(&p, 4, 1)->misses, 1);
	assert_int_equal(stats(&p, 4, 1)->hits, 1);
	lvmd_pool_miss(&p, 4, 1);
	lvmd_pool_miss(&p, 16, 1);
	assert_int_equal(stats(&p, 4, 1)->misses, 2);
	assert_int_equal(p.other_misses, 3);
	lvmd_pool_fini(&p, NULL, NULL);
}

static void discard_count(void *arg, void *shell)
{
	(void)shell;
	(*(unsigned *)arg)++;
}

static void test_target_changes(void **state)
{
	struct lvmd_pool p;
	unsigned n = 0;
	struct lvmd_pool_job job;

	(void)state;
	lvmd_pool_init(&p);
	lvmd_pool_set(&p, 4, 1, 4, NULL);
	fill(&p);
	/* lowered: the extra shells come back, then no more */
	lvmd_pool_set(&p, 4, 1, 1, NULL);
	while (lvmd_pool_excess(&p))
		n++;
	assert_int_equal(n, 3);
	assert_int_equal(stats(&p, 4, 1)->ready, 1);
	/* a shell finished after the target dropped is refused */
	lvmd_pool_set(&p, 4, 1, 2, NULL);
	assert_true(lvmd_pool_next(&p, &job));
	lvmd_pool_set(&p, 4, 1, 0, NULL);
	assert_false(lvmd_pool_done(&p, &job, &shells[10]));
	assert_non_null(lvmd_pool_excess(&p));
	assert_null(lvmd_pool_excess(&p));
	assert_false(lvmd_pool_next(&p, &job));
	/* raised again, with a second shape */
	lvmd_pool_set(&p, 4, 1, 2, NULL);
	lvmd_pool_set(&p, 16, 1, 1, NULL);
	assert_int_equal(p.nshapes, 2);
	assert_int_equal(fill(&p), 3);
	n = 0;
	lvmd_pool_fini(&p, discard_count, &n);
	assert_int_equal(n, 3);
}

static void test_set_limits(void **state)
{
	struct lvmd_pool p;

	(void)state;
	lvmd_pool_init(&p);
	assert_int_equal(lvmd_pool_set(&p, 0, 1, 1, NULL), -EINVAL);
	assert_int_equal(lvmd_pool_set(&p, 4, 0, 1, NULL), -EINVAL);
	assert_int_equal(lvmd_pool_set(&p, 4, 1, LVMD_POOL_TARGET_MAX + 1, NULL),
			 -EINVAL);
	for (uint32_t i = 0; i < LVMD_POOL_SHAPES; i++)
		assert_int_equal(lvmd_pool_set(&p, 4 + i, 1, 0, NULL), 0);
	assert_int_equal(lvmd_pool_set(&p, 1000, 1, 1, NULL), -ENOSPC);
	/* an existing shape can still change */
	assert_int_equal(lvmd_pool_set(&p, 4, 1, 2, NULL), 0);
	lvmd_pool_fini(&p, NULL, NULL);
}

static void test_steal(void **state)
{
	struct lvmd_pool p;
	uint32_t freed = 0;

	(void)state;
	lvmd_pool_init(&p);
	lvmd_pool_set(&p, 4, 1, 2, NULL);
	lvmd_pool_set(&p, 64, 1, 1, NULL);
	fill(&p);
	assert_int_equal(lvmd_pool_ready_mb(&p), 72);
	/* never the request's own shape; the largest first */
	assert_non_null(lvmd_pool_steal(&p, 32, 1, &freed));
	assert_int_equal(freed, 64);
	assert_non_null(lvmd_pool_steal(&p, 32, 1, &freed));
	assert_int_equal(freed, 4);
	assert_null(lvmd_pool_steal(&p, 4, 1, &freed));
	assert_int_equal(lvmd_pool_ready_mb(&p), 4);
	lvmd_pool_fini(&p, NULL, NULL);
}

static void test_parse(void **state)
{
	char img[LVMD_POOL_IMAGE_MAX], longer[LVMD_POOL_IMAGE_MAX + 16];
	uint32_t m, v, t;

	(void)state;
	assert_int_equal(lvmd_pool_parse("4:1:8", &m, &v, &t, img), 0);
	assert_int_equal(m, 4);
	assert_int_equal(v, 1);
	assert_int_equal(t, 8);
	assert_int_equal(lvmd_pool_parse("16 2\t0\n", &m, &v, &t, img), 0);
	assert_int_equal(m, 16);
	assert_int_equal(v, 2);
	assert_int_equal(t, 0);
	assert_int_equal(lvmd_pool_parse("4:1", &m, &v, &t, img), -EINVAL);
	assert_int_equal(lvmd_pool_parse("4:1:8:9", &m, &v, &t, img), -EINVAL);
	assert_int_equal(lvmd_pool_parse("0:1:8", &m, &v, &t, img), -EINVAL);
	assert_int_equal(lvmd_pool_parse("4:0:8", &m, &v, &t, img), -EINVAL);
	assert_int_equal(lvmd_pool_parse("4:1:-8", &m, &v, &t, img), -EINVAL);
	assert_int_equal(lvmd_pool_parse("4:1:99999", &m, &v, &t, img), -EINVAL);
	assert_int_equal(lvmd_pool_parse("99999999999:1:1", &m, &v, &t, img),
			 -EINVAL);
	assert_int_equal(lvmd_pool_parse("", &m, &v, &t, img), -EINVAL);
	/* with an image: absolute, after ':' or blanks, trailing blanks cut */
	assert_int_equal(lvmd_pool_parse("4:1:8", &m, &v, &t, img), 0);
	assert_string_equal(img, "");
	assert_int_equal(lvmd_pool_parse("4:1:8:/img/noop.xen", &m, &v, &t,
					 img), 0);
	assert_string_equal(img, "/img/noop.xen");
	assert_int_equal(t, 8);
	assert_int_equal(lvmd_pool_parse("4 1 2  /a b.xen \n", &m, &v, &t,
					 img), 0);
	assert_string_equal(img, "/a b.xen");
	assert_int_equal(lvmd_pool_parse("4:1:8:img", &m, &v, &t, img),
			 -EINVAL);
	longer[0] = '4'; longer[1] = ':'; longer[2] = '1'; longer[3] = ':';
	longer[4] = '1'; longer[5] = ':';
	memset(longer + 6, 'a', sizeof(longer) - 7);
	longer[6] = '/';
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(lvmd_pool_parse(longer, &m, &v, &t, img), -EINVAL);
}

static bool fits_tag(const void *shell, const void *arg)
{
	return shell != arg;         /* arg: the one shell that does not fit */
}

static void test_images(void **state)
{
	struct lvmd_pool p;
	struct lvmd_pool_job job, old;
	void *x;

	(void)state;
	lvmd_pool_init(&p);
	assert_int_equal(lvmd_pool_set(&p, 4, 1, 2, "rel/img"), -EINVAL);
	assert_int_equal(lvmd_pool_set(&p, 4, 1, 2, "/img/a"), 0);
	assert_true(lvmd_pool_next(&p, &job));
	assert_string_equal(job.image, "/img/a");
	assert_true(lvmd_pool_done(&p, &job, &shells[0]));
	assert_true(lvmd_pool_next(&p, &old));
	/* the image changes while a shell is being built for the old one */
	assert_int_equal(lvmd_pool_set(&p, 4, 1, 2, "/img/b"), 0);
	assert_string_equal(stats(&p, 4, 1)->image, "/img/b");
	assert_int_equal(stats(&p, 4, 1)->ready, 0);
	assert_false(lvmd_pool_done(&p, &old, &shells[1]));  /* refused */
	x = lvmd_pool_excess(&p);                  /* the retired one */
	assert_ptr_equal(x, &shells[0]);
	assert_null(lvmd_pool_excess(&p));
	assert_int_equal(fill(&p), 2);
	assert_string_equal(stats(&p, 4, 1)->image, "/img/b");
	/* the same image again: nothing retired */
	assert_int_equal(lvmd_pool_set(&p, 4, 1, 2, "/img/b"), 0);
	assert_int_equal(stats(&p, 4, 1)->ready, 2);
	/* a shell that does not fit (the file changed): a miss, and every
	 * ready shell retired */
	x = p.shape[0].ready[1];
	assert_null(lvmd_pool_claim(&p, 4, 1, fits_tag, x));
	assert_int_equal(stats(&p, 4, 1)->misses, 1);
	assert_int_equal(stats(&p, 4, 1)->ready, 0);
	assert_non_null(lvmd_pool_excess(&p));
	assert_non_null(lvmd_pool_excess(&p));
	assert_null(lvmd_pool_excess(&p));
	assert_int_equal(fill(&p), 2);
	assert_non_null(lvmd_pool_claim(&p, 4, 1, fits_tag, NULL));
	assert_int_equal(stats(&p, 4, 1)->hits, 1);
	/* back to no image: fini discards ready and retired shells */
	assert_int_equal(lvmd_pool_set(&p, 4, 1, 2, NULL), 0);
	assert_string_equal(stats(&p, 4, 1)->image, "");
	lvmd_pool_fini(&p, NULL, NULL);
}

static void test_refill_errors(void **state)
{
	struct lvmd_pool p;
	struct lvmd_pool_job job, old;

	(void)state;
	lvmd_pool_init(&p);
	assert_int_equal(lvmd_pool_set(&p, 4, 1, 2, "/img/a"), 0);
	assert_int_equal(lvmd_pool_set(&p, 8, 1, 1, NULL), 0);
	assert_string_equal(stats(&p, 4, 1)->error, "");

	/* The first failure is news; the same one again (another domain)
	 * is not, so it is logged once. */
	assert_true(lvmd_pool_next(&p, &job));
	assert_true(lvmd_pool_fail(&p, &job, "d12: xc_dom_build_image failed: "
				   "Invalid argument"));
	assert_false(lvmd_pool_done(&p, &job, NULL));
	assert_string_equal(stats(&p, 4, 1)->error,
			    "xc_dom_build_image failed: Invalid argument");
	assert_int_equal(stats(&p, 4, 1)->preparing, 0);
	assert_true(lvmd_pool_next(&p, &job));
	assert_false(lvmd_pool_fail(&p, &job, "d13: xc_dom_build_image failed: "
				    "Invalid argument"));
	assert_false(lvmd_pool_done(&p, &job, NULL));
	/* Another reason is news again; the other shape is untouched. */
	assert_true(lvmd_pool_next(&p, &job));
	assert_true(lvmd_pool_fail(&p, &job, "image /img/a: cannot open: "
				   "No such file or directory"));
	assert_false(lvmd_pool_done(&p, &job, NULL));
	assert_string_equal(stats(&p, 4, 1)->error, "image /img/a: cannot open: "
			    "No such file or directory");
	assert_string_equal(stats(&p, 8, 1)->error, "");

	/* A shell made clears it. */
	assert_true(lvmd_pool_next(&p, &job));
	assert_true(lvmd_pool_done(&p, &job, &shells[0]));
	assert_string_equal(stats(&p, 4, 1)->error, "");

	/* A job of the image before is not the shape's error any more, and
	 * a new image forgets the old image's error. */
	assert_true(lvmd_pool_next(&p, &old));
	assert_true(lvmd_pool_fail(&p, &old, "d1: x: Invalid argument"));
	assert_false(lvmd_pool_done(&p, &old, NULL));
	assert_int_equal(lvmd_pool_set(&p, 4, 1, 2, "/img/b"), 0);
	assert_string_equal(stats(&p, 4, 1)->error, "");
	assert_false(lvmd_pool_fail(&p, &old, "d2: y: Invalid argument"));
	assert_string_equal(stats(&p, 4, 1)->error, "");

	/* Only "dN: " goes; a long line is cut, still a string. */
	assert_true(lvmd_pool_next(&p, &job));
	{
		char big[2 * LVM_POOL_ERROR_MAX];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_true(lvmd_pool_fail(&p, &job, big));
		assert_int_equal(strlen(stats(&p, 4, 1)->error),
				 LVM_POOL_ERROR_MAX - 1);
		assert_true(lvmd_pool_fail(&p, &job, "d7 is not a prefix"));
		assert_string_equal(stats(&p, 4, 1)->error,
				    "d7 is not a prefix");
	}
	assert_false(lvmd_pool_done(&p, &job, NULL));
	lvmd_pool_fini(&p, NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refill_and_claim),
		cmocka_unit_test(test_preparing_counts),
		cmocka_unit_test(test_exact_shape_misses),
		cmocka_unit_test(test_target_changes),
		cmocka_unit_test(test_set_limits),
		cmocka_unit_test(test_steal),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_images),
		cmocka_unit_test(test_refill_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
