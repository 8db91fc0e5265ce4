/*
 * test_filecopy.c — unit tests for toolstack/common/filecopy.c: a copy
 * of the bytes (more than one buffer's worth), a hard link to what a
 * symbolic link names, and the refusals (an existing target, a missing
 * source).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"
#include "toolstack/common/filecopy.h"

struct fixture {
	char dir[64];
	char src[128], dst[128], lnk[128];
};

#define SRC_BYTES (3 * 65536 + 17)

static int setup(void **state)
{
	struct fixture *f = TEST_FIXTURE_NEW(state, struct fixture, "filecopy");
	FILE *fp;

	if (!f)
		return -1;
	snprintf(f->src, sizeof(f->src), "%s/src", f->dir);
	snprintf(f->dst, sizeof(f->dst), "%s/dst", f->dir);
	snprintf(f->lnk, sizeof(f->lnk), "%s/lnk", f->dir);
	fp = fopen(f->src, "w");
	if (!fp)
		return -1;
	for (int i = 0; i < SRC_BYTES; i++)
		fputc((i * 7 + i / 65536) & 0xff, fp);
	return fclose(fp) == 0 && symlink("src", f->lnk) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	return test_fixture_free(f, f->dir);
}

/* same_bytes: whether files (a) and (b) hold the same bytes. */
static int same_bytes(const char *a, const char *b)
{
	FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
	int ca, cb, same = fa && fb;

	while (same) {
		ca = fgetc(fa);
		cb = fgetc(fb);
		same = ca == cb;
		if (ca == EOF || cb == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

static void test_copy(void **state)
{
	struct fixture *f = *state;
	mode_t mask = umask(0);
	struct stat a, b;

	umask(mask);
	assert_int_equal(lvm_file_copy(f->src, f->dst), 0);
	assert_true(same_bytes(f->src, f->dst));
	assert_int_equal(stat(f->src, &a), 0);
	assert_int_equal(stat(f->dst, &b), 0);
	assert_int_equal(b.st_size, SRC_BYTES);
	assert_true(a.st_ino != b.st_ino);      /* a copy, not a link */
	assert_int_equal(b.st_mode & 0777, 0644 & ~mask);
	/* An existing target is refused and kept. */
	assert_int_equal(lvm_file_copy(f->lnk, f->dst), -EEXIST);
	assert_true(same_bytes(f->src, f->dst));
}

static void test_place_links(void **state)
{
	struct fixture *f = *state;
	struct stat a, b;

	/* Through the symbolic link, to the file it names. */
	assert_int_equal(lvm_file_place(f->lnk, f->dst), 0);
	assert_int_equal(lstat(f->src, &a), 0);
	assert_int_equal(lstat(f->dst, &b), 0);
	assert_true(S_ISREG(b.st_mode));
	assert_true(a.st_ino == b.st_ino);
	assert_int_equal(lvm_file_place(f->src, f->dst), -EEXIST);
}

static void test_refused(void **state)
{
	struct fixture *f = *state;
	char missing[160];

	snprintf(missing, sizeof(missing), "%s/none", f->dir);
	assert_int_equal(lvm_file_copy(missing, f->dst), -ENOENT);
	assert_int_equal(lvm_file_place(missing, f->dst), -ENOENT);
	assert_int_equal(access(f->dst, F_OK), -1);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_copy),
		T(test_place_links),
		T(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
