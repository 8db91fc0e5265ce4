/*
 * test_fmt.c — unit tests for guests/libos/fmt.c, built hosted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <libos/fmt.h>

/*
 * lo_snprintf() called through a volatile pointer, which carries no format
 * attribute: for formats the compiler warns about on purpose (flags printf
 * ignores, conversions it does not know, NULL for %s).
 */
static int (*volatile fmt_unchecked)(char *, size_t, const char *, ...) =
	lo_snprintf;

/* Format with (fn) into a large buffer; check the text and the length. */
#define CHECK_WITH(fn, expected, ...) do { \
	char buf_[256]; \
	int n_ = fn(buf_, sizeof(buf_), __VA_ARGS__); \
	assert_string_equal(buf_, (expected)); \
	assert_int_equal(n_, (int)strlen(expected)); \
} while (0)
#define CHECK(expected, ...) CHECK_WITH(lo_snprintf, expected, __VA_ARGS__)
#define CHECK_UNCHECKED(expected, ...) \
	CHECK_WITH(fmt_unchecked, expected, __VA_ARGS__)

static void test_plain_text(void **state)
{
	(void)state;
	CHECK("hello, world", "hello, world");
	CHECK("", "%s", "");
}

static void test_string(void **state)
{
	(void)state;
	CHECK("a-bc-d", "a-%s-d", "bc");
}

static void test_string_null(void **state)
{
	(void)state;
	CHECK_UNCHECKED("(null)", "%s", (const char *)NULL);
}

/*
 * Table cases: one conversion with one argument of a given type, formatted
 * through fmt_unchecked (the format is not a literal here); a failure names
 * the case.
 */
static void check_case(const char *name, const char *fmt, const char *expected,
		       const char *got, int n)
{
	if (strcmp(got, expected) != 0 || n != (int)strlen(expected))
		fail_msg("case \"%s\" (format \"%s\"): got \"%s\" (%d), want \"%s\" (%d)",
			 name, fmt, got, n, expected, (int)strlen(expected));
}

#define RUN_CASES(cases) do { \
	size_t i_; \
	for (i_ = 0; i_ < sizeof(cases) / sizeof((cases)[0]); i_++) { \
		char buf_[256]; \
		int n_ = fmt_unchecked(buf_, sizeof(buf_), (cases)[i_].fmt, \
				       (cases)[i_].arg); \
		check_case((cases)[i_].name, (cases)[i_].fmt, \
			   (cases)[i_].expected, buf_, n_); \
	} \
} while (0)

struct str_case { const char *name, *expected, *fmt, *arg; };
struct int_case { const char *name, *expected, *fmt; int arg; };
struct uint_case { const char *name, *expected, *fmt; unsigned arg; };

static void test_string_cases(void **state)
{
	static const struct str_case cases[] = {
		{ "width right", "[   ab]", "[%5s]", "ab" },
		{ "width left", "[ab   ]", "[%-5s]", "ab" },
		{ "width too small", "[abcdef]", "[%3s]", "abcdef" },
		{ "precision", "[abc]", "[%.3s]", "abcdef" },
		{ "width and precision", "[  abc]", "[%5.3s]", "abcdef" },
	};
	/* Precision limits reading: the array need not be NUL-terminated. */
	const char unterminated[3] = { 'x', 'y', 'z' };
	(void)state;

	RUN_CASES(cases);
	CHECK("[ab]", "[%.*s]", 2, "abcdef");
	CHECK("[xyz]", "[%.3s]", unterminated);
}

static void test_char(void **state)
{
	static const struct int_case cases[] = {
		{ "plain", "xAy", "x%cy", 'A' },
		{ "width right", "[  A]", "[%3c]", 'A' },
		{ "width left", "[A  ]", "[%-3c]", 'A' },
	};
	(void)state;
	RUN_CASES(cases);
}

static void test_percent(void **state)
{
	(void)state;
	CHECK("100%", "100%%");
	CHECK("%%", "%%%%");
}

static void test_int_cases(void **state)
{
	static const struct int_case cases[] = {
		{ "zero", "0", "%d", 0 },
		{ "positive", "42", "%d", 42 },
		{ "%i", "42", "%i", 42 },
		{ "negative", "-42", "%d", -42 },
		{ "INT32_MAX", "2147483647", "%d", INT32_MAX },
		{ "INT32_MIN", "-2147483648", "%d", INT32_MIN },
		{ "width right", "[   42]", "[%5d]", 42 },
		{ "width right negative", "[  -42]", "[%5d]", -42 },
		{ "width too small", "[123456]", "[%3d]", 123456 },
		{ "width left", "[42   ]", "[%-5d]", 42 },
		{ "width left negative", "[-42  ]", "[%-5d]", -42 },
		{ "zero pad", "[00042]", "[%05d]", 42 },
		{ "zero pad negative", "[-0042]", "[%05d]", -42 },
		{ "precision", "[042]", "[%.3d]", 42 },
		{ "precision negative", "[-042]", "[%.3d]", -42 },
		{ "width and precision", "[  042]", "[%5.3d]", 42 },
		/* Zero with precision 0 has no digits at all. */
		{ "zero, precision 0", "[]", "[%.0d]", 0 },
	};
	(void)state;
	RUN_CASES(cases);
}

static void test_unsigned_cases(void **state)
{
	static const struct uint_case cases[] = {
		{ "UINT32_MAX", "4294967295", "%u", UINT32_MAX },
		{ "hex", "deadbeef", "%x", 0xdeadbeefu },
		{ "hex upper", "DEADBEEF", "%X", 0xdeadbeefu },
		{ "hex zero", "0", "%x", 0u },
		/* %x takes an unsigned int: a negative int shows its bit pattern. */
		{ "hex of -1", "ffffffff", "%x", (unsigned)-1 },
		{ "hex width left", "[ff  ]", "[%-4x]", 0xffu },
		{ "hex zero pad", "[000000ff]", "[%08x]", 0xffu },
		{ "zero pad zero", "[00000]", "[%05u]", 0u },
		{ "hex precision", "[00ff]", "[%.4x]", 0xffu },
		{ "zero, width, precision 0", "[   ]", "[%3.0u]", 0u },
	};
	(void)state;
	RUN_CASES(cases);
}

static void test_int64_limits(void **state)
{
	(void)state;
	CHECK("9223372036854775807", "%lld", (long long)INT64_MAX);
	CHECK("-9223372036854775808", "%lld", (long long)INT64_MIN);
	CHECK("-9223372036854775808", "%ld", (long)INT64_MIN);
	CHECK("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	CHECK("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
}

static void test_size_t(void **state)
{
	(void)state;
	CHECK("18446744073709551615", "%zu", SIZE_MAX);
	CHECK("ff", "%zx", (size_t)255);
	CHECK("-5", "%zd", (ptrdiff_t)-5);
}

static void test_short_and_char_lengths(void **state)
{
	(void)state;
	/*
	 * The argument arrives promoted to int; h and hh convert it back to
	 * the short or char type, dropping the high bits.
	 */
	CHECK_UNCHECKED("1", "%hu", 65537);
	CHECK_UNCHECKED("-1", "%hd", 65535);
	CHECK_UNCHECKED("44", "%hhd", 300);
	CHECK_UNCHECKED("-1", "%hhd", 255);
	CHECK_UNCHECKED("ff", "%hhx", 0x1ff);
}

static void test_hex(void **state)
{
	(void)state;
	CHECK("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
	CHECK("123456789abcdef0", "%lx", 0x123456789abcdef0ul);
}

static void test_pointer(void **state)
{
	(void)state;
	CHECK("0x0", "%p", (void *)NULL);
	CHECK("0xffff800000000000", "%p", (void *)(uintptr_t)0xffff800000000000ull);
	CHECK("[      0x1000]", "[%12p]", (void *)0x1000);
	CHECK_UNCHECKED("[0x0000001000]", "[%012p]", (void *)0x1000);
}

static void test_zero_pad_wide(void **state)
{
	(void)state;
	CHECK("[-9223372036854775808]", "[%05lld]", (long long)INT64_MIN);
}

static void test_zero_pad_ignored(void **state)
{
	(void)state;
	/* '-' wins over '0'. */
	CHECK_UNCHECKED("[42   ]", "[%-05d]", 42);
	/* A precision turns zero padding off for numbers. */
	CHECK_UNCHECKED("[  042]", "[%05.3d]", 42);
	/* Strings are padded with spaces. */
	CHECK_UNCHECKED("[   ab]", "[%05s]", "ab");
}

static void test_star_width(void **state)
{
	(void)state;
	CHECK("[   42]", "[%*d]", 5, 42);
	CHECK("[42   ]", "[%*d]", -5, 42);
	CHECK("[42]", "[%*d]", 0, 42);
}

static void test_precision_numbers(void **state)
{
	(void)state;
	/* A negative '*' precision counts as none. */
	CHECK("[42]", "[%.*d]", -1, 42);
}

static void test_truncation(void **state)
{
	char buf[6];
	int n;
	(void)state;

	n = lo_snprintf(buf, sizeof(buf), "hello world");
	assert_int_equal(n, 11);
	assert_string_equal(buf, "hello");
}

static void test_truncation_in_conversion(void **state)
{
	char buf[4];
	int n;
	(void)state;

	n = lo_snprintf(buf, sizeof(buf), "%d", -123456);
	assert_int_equal(n, 7);
	assert_string_equal(buf, "-12");

	n = lo_snprintf(buf, sizeof(buf), "%8s|", "ab");
	assert_int_equal(n, 9);
	assert_string_equal(buf, "   ");
}

static void test_exact_fit(void **state)
{
	char buf[6];
	int n;
	(void)state;

	n = lo_snprintf(buf, sizeof(buf), "%s", "12345");
	assert_int_equal(n, 5);
	assert_string_equal(buf, "12345");

	n = lo_snprintf(buf, 5, "%s", "12345");
	assert_int_equal(n, 5);
	assert_string_equal(buf, "1234");
}

static void test_size_one(void **state)
{
	char buf[2] = { 'x', 'y' };
	int n;
	(void)state;

	n = lo_snprintf(buf, 1, "abc");
	assert_int_equal(n, 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'y');
}

static void test_size_zero(void **state)
{
	char buf[4] = { 'x', 'x', 'x', 'x' };
	int n;
	(void)state;

	n = lo_snprintf(buf, 0, "%d-%s", 1234, "abc");
	assert_int_equal(n, 8);
	assert_memory_equal(buf, "xxxx", 4);
}

static void test_size_zero_null_buffer(void **state)
{
	(void)state;
	assert_int_equal(lo_snprintf(NULL, 0, "%s %d", "answer", 42), 9);
}

/* An unknown conversion is printed as written. */
static void test_unknown_conversion(void **state)
{
	(void)state;
	CHECK_UNCHECKED("a%qb", "a%qb");
	CHECK_UNCHECKED("[%-5.2q]", "[%-5.2q]");
}

/* A '%' at the end (after flags or not) is printed as written. */
static void test_trailing_percent(void **state)
{
	(void)state;
	CHECK_UNCHECKED("50%", "50%");
	CHECK_UNCHECKED("50%-3", "50%-3");
}

static void test_several_arguments(void **state)
{
	(void)state;
	CHECK("x=1 y=-2 s=ok c=! p=0x10 %",
	      "x=%d y=%ld s=%s c=%c p=%p %%", 1, -2L, "ok", '!', (void *)16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_string_null),
		cmocka_unit_test(test_string_cases),
		cmocka_unit_test(test_char),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_int_cases),
		cmocka_unit_test(test_unsigned_cases),
		cmocka_unit_test(test_int64_limits),
		cmocka_unit_test(test_size_t),
		cmocka_unit_test(test_short_and_char_lengths),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_pointer),
		cmocka_unit_test(test_zero_pad_wide),
		cmocka_unit_test(test_zero_pad_ignored),
		cmocka_unit_test(test_star_width),
		cmocka_unit_test(test_precision_numbers),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_truncation_in_conversion),
		cmocka_unit_test(test_exact_fit),
		cmocka_unit_test(test_size_one),
		cmocka_unit_test(test_size_zero),
		cmocka_unit_test(test_size_zero_null_buffer),
		cmocka_unit_test(test_unknown_conversion),
		cmocka_unit_test(test_trailing_percent),
		cmocka_unit_test(test_several_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
