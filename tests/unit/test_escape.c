/*
 * test_escape.c — unit tests for lvm_escape() (toolstack/proto/escape.c):
 * what an error line echoes stays on that line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <lvm.h>

#define ELL "\xe2\x80\xa6"

static const char *esc(const char *s, size_t max)
{
	static char buf[LVM_ESCAPE_LEN(256)];

	return lvm_escape(s, max, buf, sizeof(buf));
}

static void test_plain(void **state)
{
	(void)state;
	assert_string_equal(esc("web-1.a_b", 80), "web-1.a_b");
	assert_string_equal(esc("", 80), "");
	assert_string_equal(esc(NULL, 80), "");
	assert_string_equal(esc("/a b/\\c", 80), "/a b/\\c");
	assert_string_equal(esc("caf\xc3\xa9", 80), "caf\xc3\xa9");
}

static void test_controls(void **state)
{
	(void)state;
	assert_string_equal(esc("a\nb", 80), "a\\nb");
	assert_string_equal(esc("\t\r", 80), "\\t\\r");
	assert_string_equal(esc("\x1b[31m", 80), "\\x1b[31m");
	assert_string_equal(esc("\x7f\x01", 80), "\\x7f\\x01");
}

static void test_cut(void **state)
{
	char in[300];

	(void)state;
	memset(in, 'x', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	assert_int_equal(strlen(esc(in, 40)), 40 + 3);
	assert_memory_equal(esc(in, 40) + 40, ELL, 4);
	assert_string_equal(esc("abcd", 4), "abcd");     /* exactly max: whole */
	assert_string_equal(esc("abcde", 4), "abcd" ELL);
	/* never half of a UTF-8 character: é is 2 bytes at 3..4 */
	assert_string_equal(esc("abc\xc3\xa9z", 4), "abc" ELL);
	/* controls count as one byte of (max), and are escaped whole */
	assert_string_equal(esc("\n\n\n\n\n", 2), "\\n\\n" ELL);
}

/* Every byte, every place: never a control byte out, always terminated,
 * never past (len). */
static void test_all_bytes_small_buffers(void **state)
{
	char in[4], out[16];

	(void)state;
	for (int c = 1; c < 256; c++) {
		in[0] = 'a';
		in[1] = (char)c;
		in[2] = 'b';
		in[3] = '\0';
		for (size_t len = 1; len <= sizeof(out); len++) {
			memset(out, '#', sizeof(out));
			lvm_escape(in, 80, out, len);
			assert_true(strlen(out) < len);
			for (size_t i = 0; out[i]; i++)
				assert_true((unsigned char)out[i] >= 0x20 &&
					    out[i] != 0x7f);
			for (size_t i = len; i < sizeof(out); i++)
				assert_int_equal(out[i], '#');
		}
	}
}

/* A buffer too small for the whole: cut at an escape's edge, with "…". */
static void test_small_buffer(void **state)
{
	char out[8];

	(void)state;
	lvm_escape("a\nbcdefgh", 80, out, sizeof(out));
	assert_string_equal(out, "a\\nb" ELL);
	lvm_escape("\x1b\x1b", 80, out, sizeof(out));
	assert_string_equal(out, "\\x1b" ELL);
	lvm_escape("abcdef", 80, out, 3);
	assert_string_equal(out, "ab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_all_bytes_small_buffers),
		cmocka_unit_test(test_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
