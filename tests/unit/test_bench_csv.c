/*
 * test_bench_csv.c — unit tests for bench/csv.c: quoting on write, and
 * reading back plain, quoted and malformed rows.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bench/csv.h"

/* What writing (n) fields as one row produces. */
static char *write_row(const char *const *fields, size_t n, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = lvm_csv_write_row(f, fields, n);
	fclose(f);
	return buf;
}

#define CHECK_ROW(expected, ...)                                               \
	do {                                                                   \
		const char *const f_[] = {__VA_ARGS__};                        \
		int rc_;                                                       \
		char *got_ = write_row(f_, sizeof(f_) / sizeof(f_[0]), &rc_);  \
		assert_int_equal(rc_, 0);                                      \
		assert_string_equal(got_, (expected));                         \
		free(got_);                                                    \
	} while (0)

static void test_plain_fields_are_not_quoted(void **state)
{
	(void)state;
	CHECK_ROW("start,xl,command,returned,0,1,12.500\n", "start", "xl",
		  "command", "returned", "0", "1", "12.500");
	CHECK_ROW("only\n", "only");
	CHECK_ROW("a,,c\n", "a", "", "c");
}

static void test_special_fields_are_quoted(void **state)
{
	(void)state;
	CHECK_ROW("\"a,b\",c\n", "a,b", "c");
	CHECK_ROW("\"say \"\"hi\"\"\"\n", "say \"hi\"");
	CHECK_ROW("\"two\nlines\",x\n", "two\nlines", "x");
	CHECK_ROW("\"cr\r\"\n", "cr\r");
	CHECK_ROW("\" padded \"\n", " padded ");
	CHECK_ROW("\"\"\"\"\n", "\"");
}

static void test_null_field_is_empty(void **state)
{
	(void)state;
	CHECK_ROW("a,\n", "a", NULL);
}

static void test_no_field_is_refused(void **state)
{
	int rc;
	char *got = write_row(NULL, 0, &rc);

	(void)state;
	assert_int_equal(rc, -EINVAL);
	free(got);
}

static void test_needs_quotes(void **state)
{
	(void)state;
	assert_false(lvm_csv_needs_quotes("fork-exec"));
	assert_false(lvm_csv_needs_quotes(""));
	assert_false(lvm_csv_needs_quotes("a b"));
	assert_true(lvm_csv_needs_quotes("a,b"));
	assert_true(lvm_csv_needs_quotes("\""));
	assert_true(lvm_csv_needs_quotes("x\n"));
	assert_true(lvm_csv_needs_quotes(" x"));
}

/* A reader over the string (text). */
struct reader {
	FILE *f;
	struct lvm_csv_row row;
};

static int setup_reader(void **state, const char *text)
{
	struct reader *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return -1;
	r->f = fmemopen((void *)text, strlen(text), "r");
	lvm_csv_row_init(&r->row);
	*state = r;
	return r->f == NULL ? -1 : 0;
}

static void free_reader(struct reader *r)
{
	fclose(r->f);
	lvm_csv_row_free(&r->row);
	free(r);
}

static void expect_row(struct reader *r, size_t n, ...)
{
	va_list ap;
	size_t i;

	assert_int_equal(lvm_csv_read_row(r->f, &r->row), 0);
	assert_int_equal(r->row.nfields, n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_string_equal(r->row.fields[i], va_arg(ap, const char *));
	va_end(ap);
}

/* A row a read case wants: its first line, and its fields. */
struct row_want {
	size_t line;
	size_t n;
	const char *fields[4];
};

/*
 * A read case: the text, the rows it reads as (up to 3), then the end,
 * read twice; a failure names the case and the row.
 */
struct read_case {
	const char *name;
	const char *text;
	size_t nrows;
	struct row_want rows[3];
};

static void run_read_case(const struct read_case *c)
{
	void *state = NULL;
	struct reader *r;
	size_t i, j;
	int rc;

	if (setup_reader(&state, c->text) != 0)
		fail_msg("case \"%s\": no reader", c->name);
	r = state;
	for (i = 0; i <= c->nrows; i++) {
		const struct row_want *w = &c->rows[i];

		rc = lvm_csv_read_row(r->f, &r->row);
		if (rc != 0)
			fail_msg("case \"%s\", row %zu: read returned %d",
				 c->name, i, rc);
		if (i == c->nrows) {
			/* the end: no fields, and again no fields */
			if (r->row.nfields != 0 ||
			    lvm_csv_read_row(r->f, &r->row) != 0 ||
			    r->row.nfields != 0)
				fail_msg("case \"%s\": no end after %zu rows",
					 c->name, c->nrows);
			break;
		}
		if (r->row.nfields != w->n || r->row.line != w->line)
			fail_msg("case \"%s\", row %zu: %zu fields on line %zu, "
				 "want %zu on line %zu", c->name, i,
				 r->row.nfields, r->row.line, w->n, w->line);
		for (j = 0; j < w->n; j++)
			if (strcmp(r->row.fields[j], w->fields[j]) != 0)
				fail_msg("case \"%s\", row %zu, field %zu: "
					 "\"%s\", want \"%s\"", c->name, i, j,
					 r->row.fields[j], w->fields[j]);
	}
	free_reader(r);
}

static void test_read_cases(void **state)
{
	static const struct read_case cases[] = {
		{ "plain rows", "a,b,c\n1,2,3\n", 2,
		  { { 1, 3, { "a", "b", "c" } }, { 2, 3, { "1", "2", "3" } } } },
		{ "last row without newline", "x,y", 1,
		  { { 1, 2, { "x", "y" } } } },
		{ "crlf", "a,b\r\nc,d\r\n", 2,
		  { { 1, 2, { "a", "b" } }, { 2, 2, { "c", "d" } } } },
		{ "empty fields and lines", ",,\n\nz\n", 3,
		  { { 1, 3, { "", "", "" } }, { 2, 1, { "" } },
		    { 3, 1, { "z" } } } },
		{ "quoted fields",
		  "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"\"\n"
		  "next,row\n", 2,
		  { { 1, 4, { "a,b", "say \"hi\"", "two\nlines", "" } },
		    { 3, 2, { "next", "row" } } } },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_read_case(&cases[i]);
}

static void test_round_trip(void **state)
{
	const char *const in[] = {"plain", "a,b",  "q\"uote",
				  "l\nf",  " sp ", ""};
	struct reader *r;
	size_t i;
	int rc;
	char *text = write_row(in, 6, &rc);

	assert_int_equal(rc, 0);
	assert_int_equal(setup_reader(state, text), 0);
	r = *state;
	assert_int_equal(lvm_csv_read_row(r->f, &r->row), 0);
	assert_int_equal(r->row.nfields, 6);
	for (i = 0; i < 6; i++)
		assert_string_equal(r->row.fields[i], in[i]);
	free_reader(r);
	free(text);
}

static void test_read_many_fields_and_long_field(void **state)
{
	static char text[20000];
	struct reader *r;
	size_t i, n = 0;

	for (i = 0; i < 100; i++)
		n += (size_t)sprintf(text + n, "%zu,", i);
	for (i = 0; i < 9000; i++)
		text[n++] = 'x';
	text[n++] = '\n';
	text[n] = '\0';
	assert_int_equal(setup_reader(state, text), 0);
	r = *state;
	assert_int_equal(lvm_csv_read_row(r->f, &r->row), 0);
	assert_int_equal(r->row.nfields, 101);
	assert_string_equal(r->row.fields[0], "0");
	assert_string_equal(r->row.fields[99], "99");
	assert_int_equal(strlen(r->row.fields[100]), 9000);
	free_reader(r);
}

static void test_read_malformed(void **state)
{
	struct reader *r;

	/* A quote inside a bare field. */
	assert_int_equal(setup_reader(state, "ab\"c\n"), 0);
	r = *state;
	assert_int_equal(lvm_csv_read_row(r->f, &r->row), -EINVAL);
	assert_int_equal(r->row.line, 1);
	free_reader(r);
	/* Text after the closing quote, on the second row. */
	assert_int_equal(setup_reader(state, "ok\n\"a\"b,c\n"), 0);
	r = *state;
	expect_row(r, 1, "ok");
	assert_int_equal(lvm_csv_read_row(r->f, &r->row), -EINVAL);
	assert_int_equal(r->row.line, 2);
	free_reader(r);
	/* A quoted field left open. */
	assert_int_equal(setup_reader(state, "\"open\nstill open"), 0);
	r = *state;
	assert_int_equal(lvm_csv_read_row(r->f, &r->row), -EINVAL);
	free_reader(r);
}

static void test_read_nul_byte(void **state)
{
	static const char text[] = {'a', '\0', 'b', '\n'};
	struct lvm_csv_row row;
	FILE *f = fmemopen((void *)text, sizeof(text), "r");

	(void)state;
	assert_non_null(f);
	lvm_csv_row_init(&row);
	assert_int_equal(lvm_csv_read_row(f, &row), -EINVAL);
	lvm_csv_row_free(&row);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_fields_are_not_quoted),
	    cmocka_unit_test(test_special_fields_are_quoted),
	    cmocka_unit_test(test_null_field_is_empty),
	    cmocka_unit_test(test_no_field_is_refused),
	    cmocka_unit_test(test_needs_quotes),
	    cmocka_unit_test(test_read_cases),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_read_many_fields_and_long_field),
	    cmocka_unit_test(test_read_malformed),
	    cmocka_unit_test(test_read_nul_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
