/*
 * test_images.c — unit tests for lvmd's image cache
 * (toolstack/lvmd/images.c): hits, a changed file, the byte cap, the slot
 * cap, eviction when a slot is empty, and an image the loader read
 * handed over to the requests that waited for it. The engine's
 * lvm_image_load() and lvm_image_free() are stubs here: an "image" is any
 * file, its blob as many bytes as the file is long (not read), so 40 MiB
 * images cost nothing but sparse files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "toolstack/lvmd/lvmd.h"
#include "toolstack/engine/engine.h"
#include "toolstack/engine/error.h"
#include "toolstack/engine/fileid.h"

#define MiB (1u << 20)

static unsigned loads, frees, live;

int lvm_image_load(const char *path, struct lvm_image **out,
		   struct lvm_error *err)
{
	struct lvm_image *img;
	struct stat st;

	if (stat(path, &st) < 0)
		return lvm_error_set(err, errno, "image %s: cannot open", path);
	img = calloc(1, sizeof(*img));
	assert_non_null(img);
	img->path = strdup(path);
	assert_non_null(img->path);
	lvm_file_id_of(&st, &img->file);
	img->blob_size = (size_t)st.st_size;
	loads++;
	live++;
	*out = img;
	return 0;
}

void lvm_image_free(struct lvm_image *img)
{
	if (!img)
		return;
	frees++;
	live--;
	free(img->path);
	free(img);
}

struct fixture {
	char dir[64];
	struct lvmd *l;
};

static int setup(void **state)
{
	struct fixture *f = TEST_FIXTURE_NEW(state, struct fixture, "images");

	if (!f)
		return -1;
	f->l = calloc(1, sizeof(*f->l));
	if (!f->l)
		return -1;
	loads = frees = live = 0;
	/* A cache that loops must fail the test, not hang the suite. */
	alarm(10);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	alarm(0);
	lvmd_images_free(f->l);
	assert_int_equal(live, 0);
	free(f->l);
	return test_fixture_free(f, f->dir);
}

/* mk: a sparse file of (size) bytes named (name) in the fixture's dir. */
static const char *mk(struct fixture *f, const char *name, size_t size,
		      char *path, size_t len)
{
	FILE *fp;

	snprintf(path, len, "%s/%s", f->dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(ftruncate(fileno(fp), (off_t)size), 0);
	fclose(fp);
	return path;
}

static unsigned cached(const struct lvmd *l, size_t *bytes)
{
	unsigned n = 0;

	*bytes = 0;
	for (int i = 0; i < LVMD_IMAGE_CACHE; i++)
		if (l->images[i].img) {
			n++;
			*bytes += l->images[i].img->blob_size;
		}
	return n;
}

static struct lvm_image *get(struct lvmd *l, const char *path, bool want_owned)
{
	struct lvm_image *img = NULL;
	bool owned = !want_owned;

	assert_int_equal(lvmd_image_get(l, path, &img, &owned, NULL), 0);
	assert_non_null(img);
	assert_int_equal(owned, want_owned);
	return img;
}

static void test_hit(void **state)
{
	struct fixture *f = *state;
	char p[128];
	struct lvm_image *a;

	mk(f, "a", MiB, p, sizeof(p));
	a = get(f->l, p, false);
	assert_ptr_equal(get(f->l, p, false), a);
	assert_int_equal(loads, 1);
}

/* The defect: two 40 MiB images pass the 64 MiB cap while seven slots are
 * empty; the first must go, and the loop must end. */
static void test_two_large(void **state)
{
	struct fixture *f = *state;
	char p[128];
	size_t bytes;

	get(f->l, mk(f, "big1", 40 * MiB, p, sizeof(p)), false);
	get(f->l, mk(f, "big2", 40 * MiB, p, sizeof(p)), false);
	assert_int_equal(cached(f->l, &bytes), 1);
	assert_int_equal(bytes, 40 * MiB);
	assert_int_equal(frees, 1);
	/* the one kept is the newest */
	get(f->l, p, false);
	assert_int_equal(loads, 2);
}

/* Seven different 10 MiB images, the cap passed with a slot still empty:
 * the least recently used go until the new one fits. */
static void test_seven_with_empty_slot(void **state)
{
	struct fixture *f = *state;
	char p[128], first[128], name[16];
	size_t bytes;

	mk(f, "i0", 10 * MiB, first, sizeof(first));
	for (int i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "i%d", i);
		get(f->l, mk(f, name, 10 * MiB, p, sizeof(p)), false);
		get(f->l, first, false);     /* i0 stays the most used */
	}
	assert_true(cached(f->l, &bytes) < LVMD_IMAGE_CACHE);
	assert_true(bytes <= LVMD_IMAGE_CACHE_BYTES);
	assert_int_equal(bytes, 60 * MiB);
	/* i0, used last every round, was never evicted */
	assert_int_equal(loads, 7);
	/* i1, the least recently used, was */
	snprintf(p, sizeof(p), "%s/i1", f->dir);
	get(f->l, p, false);
	assert_int_equal(loads, 8);
}

/* A file changed at the same path is loaded again, the old entry dropped. */
static void test_changed_file(void **state)
{
	struct fixture *f = *state;
	char p[128];
	struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };
	size_t bytes;

	mk(f, "c", MiB, p, sizeof(p));
	get(f->l, p, false);
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	get(f->l, p, false);
	assert_int_equal(loads, 2);
	assert_int_equal(cached(f->l, &bytes), 1);
	for (int i = 0; i < LVMD_IMAGE_CACHE; i++)
		if (f->l->images[i].img)
			assert_true(lvmd_image_unchanged(f->l->images[i].img, p));
}

/* In one turn of lvmd's loop a file is looked at once: changed after
 * that, it is the cached image still; in the next turn, read again. Out
 * of the loop (turn 0), every lookup looks. */
static void test_one_stat_a_turn(void **state)
{
	struct fixture *f = *state;
	char p[128], q[128];
	struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };
	struct lvm_image *a;

	mk(f, "t", MiB, p, sizeof(p));
	mk(f, "u", MiB, q, sizeof(q));
	f->l->turn = 7;
	a = get(f->l, p, false);
	assert_true(lvmd_image_at_hand(f->l, p));
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	assert_ptr_equal(get(f->l, p, false), a);
	assert_int_equal(loads, 1);
	/* another path in between: looked at, and the first one then too */
	get(f->l, q, false);
	assert_int_equal(loads, 2);
	f->l->turn = 8;
	assert_ptr_not_equal(get(f->l, p, false), a);
	assert_int_equal(loads, 3);
	/* a file gone in a later turn is not at hand */
	f->l->turn = 9;
	assert_int_equal(unlink(p), 0);
	assert_false(lvmd_image_at_hand(f->l, p));
	f->l->turn = 0;
	assert_true(lvmd_image_at_hand(f->l, q));
	assert_int_equal(unlink(q), 0);
	assert_false(lvmd_image_at_hand(f->l, q));
}

/* An image larger than the whole cap is handed over, not kept. */
static void test_byte_cap(void **state)
{
	struct fixture *f = *state;
	char p[128];
	struct lvm_image *img;
	size_t bytes;

	get(f->l, mk(f, "small", MiB, p, sizeof(p)), false);
	img = get(f->l, mk(f, "huge", LVMD_IMAGE_CACHE_BYTES + 1, p,
			   sizeof(p)), true);
	lvm_image_free(img);
	assert_int_equal(cached(f->l, &bytes), 1);
	assert_int_equal(bytes, MiB);
	/* exactly the cap fits, alone */
	get(f->l, mk(f, "cap", LVMD_IMAGE_CACHE_BYTES, p, sizeof(p)), false);
	assert_int_equal(cached(f->l, &bytes), 1);
	assert_int_equal(bytes, LVMD_IMAGE_CACHE_BYTES);
}

/* One more small image than there are slots: the least recently used goes. */
static void test_slot_cap(void **state)
{
	struct fixture *f = *state;
	char p[128], name[16];
	size_t bytes;

	for (int i = 0; i <= LVMD_IMAGE_CACHE; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		get(f->l, mk(f, name, 4096, p, sizeof(p)), false);
	}
	assert_int_equal(cached(f->l, &bytes), LVMD_IMAGE_CACHE);
	assert_int_equal(frees, 1);
	snprintf(p, sizeof(p), "%s/s1", f->dir);     /* still cached */
	get(f->l, p, false);
	assert_int_equal(loads, LVMD_IMAGE_CACHE + 1);
	snprintf(p, sizeof(p), "%s/s0", f->dir);     /* evicted */
	get(f->l, p, false);
	assert_int_equal(loads, LVMD_IMAGE_CACHE + 2);
}

/* A load finished off the control thread is handed over: used as it was
 * read (not read again, even when the file changed since), then cached;
 * one too big to cache is freed; a failed one answers with its error. */
static void test_hand(void **state)
{
	struct fixture *f = *state;
	struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };
	struct lvm_error e = { .code = ENOEXEC }, got = { 0 };
	struct lvm_image *img, *read, *out = NULL;
	char p[128], q[128];
	bool owned = true;
	size_t bytes;

	mk(f, "h", MiB, p, sizeof(p));
	assert_false(lvmd_image_at_hand(f->l, p));
	assert_int_equal(lvm_image_load(p, &read, NULL), 0);  /* "the loader" */
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);   /* changed since */
	lvmd_image_hand(f->l, p, read, 0, NULL);
	assert_true(lvmd_image_at_hand(f->l, p));
	img = get(f->l, p, false);
	assert_ptr_equal(img, read);
	assert_int_equal(loads, 1);
	lvmd_image_hand_end(f->l);
	assert_int_equal(cached(f->l, &bytes), 1);
	/* cached as read: the file changed since, so it is not at hand */
	assert_false(lvmd_image_at_hand(f->l, p));

	mk(f, "huge", LVMD_IMAGE_CACHE_BYTES + 1, q, sizeof(q));
	assert_int_equal(lvm_image_load(q, &read, NULL), 0);
	lvmd_image_hand(f->l, q, read, 0, NULL);
	assert_ptr_equal(get(f->l, q, false), read);   /* lvmd's, not owned */
	lvmd_image_hand_end(f->l);
	assert_int_equal(cached(f->l, &bytes), 1);
	assert_int_equal(live, 1);                     /* the huge one freed */

	snprintf(e.msg, sizeof(e.msg), "image %s: not an ELF", q);
	lvmd_image_hand(f->l, q, NULL, -ENOEXEC, &e);
	assert_int_equal(lvmd_image_get(f->l, q, &out, &owned, &got), -ENOEXEC);
	assert_false(owned);
	assert_string_equal(got.msg, e.msg);
	lvmd_image_hand_end(f->l);
	assert_int_equal(loads, 2);                    /* nothing read here */
	assert_false(lvmd_image_at_hand(f->l, q));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seven_with_empty_slot, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_changed_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_stat_a_turn, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_byte_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slot_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hand, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
