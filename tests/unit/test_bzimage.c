/*
 * test_bzimage.c — recognising a Linux bzImage (toolstack/engine/bzimage.c)
 * against headers this test writes, and the box's real kernel when
 * `make deps` has fetched it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "toolstack/engine/bzimage.h"

#define SIZE 0x4000u

static uint8_t img[SIZE];

static void put(uint32_t off, uint32_t v, int n)
{
	for (int i = 0; i < n; i++)
		img[off + i] = (uint8_t)(v >> (8 * i));
}

/* A valid header: 4 setup sectors (from 0), payload right after them. */
static int setup(void **state)
{
	(void)state;
	memset(img, 0, sizeof(img));
	put(0x1fe, 0xaa55, 2);
	put(0x202, 0x53726448, 4);
	put(0x206, 0x020f, 2);
	put(0x248, 0x100, 4);
	put(0x24c, 0x1000, 4);
	return 0;
}

static void test_good(void **state)
{
	(void)state;
	assert_int_equal(lvm_bzimage_check(img, SIZE), 0);
}

/* Header fields changed on the valid image, and what the check says. */
static const struct {
	const char *what;
	struct {
		uint32_t off, v;
		int n;               /* bytes; 0: no change */
	} put[2];
	int want;
} cases[] = {
	{"bad boot signature", {{0x1fe, 0xaa56, 2}}, -ENOEXEC},
	{"bad header signature", {{0x202, 0x53726449, 4}}, -ENOEXEC},
	{"boot protocol older than 2.08", {{0x206, 0x0207, 2}}, -ENOEXEC},
	/* setup is (4 + 1) * 512 = 0xa00; 0xa00 + 0x100 + len must fit. */
	{"payload ending at the end", {{0x24c, SIZE - 0xa00 - 0x100, 4}}, 0},
	{"payload one byte past the end",
	 {{0x24c, SIZE - 0xa00 - 0x100 + 1, 4}}, -ENOEXEC},
	{"payload offset and length wrapping",
	 {{0x24c, 0xffffffffu, 4}, {0x248, 0xffffffffu, 4}}, -ENOEXEC},
	{"empty payload", {{0x24c, 0, 4}}, -ENOEXEC},
	{"setup past the end", {{0x1f1, 0xff, 1}}, -ENOEXEC}, /* (255 + 1) * 512 > SIZE */
};

static void test_bad_headers(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(state);
		for (size_t j = 0; j < 2; j++)
			put(cases[i].put[j].off, cases[i].put[j].v,
			    cases[i].put[j].n);
		if (lvm_bzimage_check(img, SIZE) != cases[i].want)
			fail_msg("%s: lvm_bzimage_check is %d, want %d",
				 cases[i].what, lvm_bzimage_check(img, SIZE),
				 cases[i].want);
	}
}

static void test_short(void **state)
{
	(void)state;
	assert_int_equal(lvm_bzimage_check(img, 0x24f), -ENOEXEC);
	assert_int_equal(lvm_bzimage_check(NULL, SIZE), -ENOEXEC);
}

static void test_real_kernel(void **state)
{
	FILE *f = fopen(TEST_GUESTS_DIR "/linux.vmlinuz", "rb");
	uint8_t *buf;
	long n;

	(void)state;
	if (f == NULL) {
		/* Not fetched on this machine: say so, and count no pass. */
		skip();
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_int_equal(lvm_bzimage_check(buf, (size_t)n), 0);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good, setup),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test_setup(test_short, setup),
		cmocka_unit_test(test_real_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
