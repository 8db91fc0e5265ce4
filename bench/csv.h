/*
 * csv.h — the benchmark harness's CSV: writing fields and rows with
 * RFC 4180 quoting, and reading rows back, quoted fields included.
 *
 * A field is quoted when it contains a comma, a double quote, CR or LF, or
 * starts or ends with a space; a double quote inside is doubled. Rows end
 * with LF; a reader also accepts CRLF.
 *
 * Errors: 0 or -errno. Nothing here exits or prints.
 */
#ifndef LVM_BENCH_CSV_H
#define LVM_BENCH_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* lvm_csv_needs_quotes() - whether (s) must be quoted to survive a round
 * trip. */
bool lvm_csv_needs_quotes(const char *s);

/*
 * lvm_csv_write_field() - write (s) as one field to (f), quoted if needed,
 * with no separator. Returns 0, or -EIO if (f) failed.
 */
int lvm_csv_write_field(FILE *f, const char *s);

/*
 * lvm_csv_write_row() - write the (n) fields (fields) separated by commas
 * and ended by LF. (n) must be at least 1; a NULL field is written empty.
 * Returns 0, -EINVAL if (n) is 0, or -EIO if (f) failed.
 */
int lvm_csv_write_row(FILE *f, const char *const *fields, size_t n);

/* One row read back; its memory is reused from row to row. */
struct lvm_csv_row {
	size_t nfields;	  /* 0 only at the end of the input */
	char **fields;	  /* nfields NUL-terminated strings, into buf */
	size_t line;	  /* the line the row began on, from 1 */
	char *buf;	  /* private */
	size_t buf_cap;	  /* private */
	size_t *offs;	  /* private */
	size_t offs_cap;  /* private */
	size_t next_line; /* private */
};

/* lvm_csv_row_init() - make (row) empty; call before the first read. */
void lvm_csv_row_init(struct lvm_csv_row *row);

/* lvm_csv_row_free() - release (row)'s memory; (row) may then be re-inited. */
void lvm_csv_row_free(struct lvm_csv_row *row);

/*
 * lvm_csv_read_row() - read the next row of (f) into (row), replacing the
 * previous one. At the end of the input, returns 0 with row->nfields 0.
 * An empty line is a row of one empty field.
 * Returns 0; -EINVAL for malformed input (a quote inside an unquoted
 * field, text after a closing quote, a quoted field left open at the end
 * of the input, a NUL byte), with row->line the row's first line;
 * -ENOMEM; -EIO if (f) failed.
 */
int lvm_csv_read_row(FILE *f, struct lvm_csv_row *row);

#endif
