/*
 * test_appnote.c — unit tests for the application note (unikernel/
 * appnote.c): written, read back, and every malformed descriptor refused.
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

#include "unikernel/appnote.h"
#include "unikernel/manifest.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void sample(struct app_note *n)
{
	memset(n, 0, sizeof(*n));
	strcpy(n->name, "daytime");
	strcpy(n->version, "1.0");
	strcpy(n->build_id, ID);
	n->memory_mb = 4;
	n->devices = APP_DEV_VIF;
	strcpy(n->cmdline, "a=b c");
}

static void test_round_trip(void **state)
{
	struct app_note n, back;
	char buf[APP_NOTE_DESC_MAX];
	const char *why = NULL;
	int len;

	(void)state;
	sample(&n);
	len = app_note_desc(&n, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(buf[len - 1], '\0');
	assert_int_equal(app_note_parse(buf, (size_t)len, &back, &why), 0);
	assert_string_equal(back.name, "daytime");
	assert_string_equal(back.version, "1.0");
	assert_string_equal(back.build_id, ID);
	assert_int_equal(back.memory_mb, 4);
	assert_int_equal(back.devices, APP_DEV_VIF);
	assert_string_equal(back.cmdline, "a=b c");
}

static void test_writer_refuses(void **state)
{
	struct app_note n;
	char buf[APP_NOTE_DESC_MAX];

	(void)state;
	sample(&n);
	n.build_id[5] = '\0';
	assert_int_equal(app_note_desc(&n, buf, sizeof(buf)), -EINVAL);
	sample(&n);
	n.name[0] = '\0';
	assert_int_equal(app_note_desc(&n, buf, sizeof(buf)), -EINVAL);
	sample(&n);
	assert_int_equal(app_note_desc(&n, buf, 20), -ENOSPC);
}

/* bad: the descriptor (d, len) is refused. */
static void bad(const char *d, size_t len)
{
	struct app_note n;
	const char *why = NULL;

	if (app_note_parse(d, len, &n, &why) != -EINVAL)
		fail_msg("accepted: %.*s", (int)len, d);
	assert_non_null(why);
}

#define BAD(lit) bad(lit, sizeof(lit) - 1)
#define TAIL "build_id=" ID "\0memory=4\0devices=\0cmdline=\0"

static void test_reader_refuses(void **state)
{
	struct app_note n;
	const char *why;
	static const char ok[] = "name=a\0version=1\0" TAIL;
	static const char extra[] = "name=a\0version=1\0" TAIL "later=x\0";

	(void)state;
	assert_int_equal(app_note_parse(ok, sizeof(ok) - 1, &n, &why), 0);
	assert_int_equal(app_note_parse(extra, sizeof(extra) - 1, &n, &why), 0);
	BAD("name=a\0version=1\0");                       /* keys missing */
	BAD("version=1\0name=a\0" TAIL);                  /* out of order */
	BAD("name=\0version=1\0" TAIL);                   /* empty name */
	BAD("name=a\0version=1\0build_id=12\0memory=4\0devices=\0cmdline=\0");
	BAD("name=a\0version=1\0build_id=" ID "\0memory=-4\0devices=\0cmdline=\0");
	BAD("name=a\0version=1\0build_id=" ID "\0memory=99999999\0devices=\0cmdline=\0");
	BAD("name=a\0version=1\0build_id=" ID "\0memory=4\0devices=vbd\0cmdline=\0");
	BAD("name=a\0version=1\0build_id=" ID "\0memory=4\0devices=\0cmdline=x");
	BAD("name=a\0versi");                             /* no NUL */
	BAD("name\0version=1\0" TAIL);                    /* no '=' */
	/* A build id with capitals or non-hex bytes. */
	BAD("name=a\0version=1\0build_id=0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\0memory=4\0devices=\0cmdline=\0");
}

static void test_too_long(void **state)
{
	char *big = calloc(1, APP_NOTE_DESC_MAX + 2);
	struct app_note n;
	const char *why;

	(void)state;
	assert_int_equal(app_note_parse(big, APP_NOTE_DESC_MAX + 1, &n, &why),
			 -EINVAL);
	free(big);
}

static void test_asm(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_int_equal(app_note_asm("ab\0", 3, f), 0);
	fclose(f);
	assert_non_null(strstr(text, ".section .note.lvm"));
	assert_non_null(strstr(text, ".long 8\n\t.long 3\n\t.long 1\n"));
	assert_non_null(strstr(text, ".asciz \"lvm-app\""));
	assert_non_null(strstr(text, ".byte 97,98,0"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_writer_refuses),
		cmocka_unit_test(test_reader_refuses),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_asm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
