/*
 * csv.c — CSV writing and reading for the benchmark harness (csv.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench/csv.h"

bool lvm_csv_needs_quotes(const char *s)
{
	size_t len = strlen(s);

	if (len > 0 && (s[0] == ' ' || s[len - 1] == ' '))
		return true;
	return strpbrk(s, ",\"\r\n") != NULL;
}

int lvm_csv_write_field(FILE *f, const char *s)
{
	const char *p;

	if (s == NULL)
		s = "";
	if (!lvm_csv_needs_quotes(s))
		return fputs(s, f) < 0 ? -EIO : 0;
	if (fputc('"', f) == EOF)
		return -EIO;
	for (p = s; *p; p++) {
		if (*p == '"' && fputc('"', f) == EOF)
			return -EIO;
		if (fputc(*p, f) == EOF)
			return -EIO;
	}
	return fputc('"', f) == EOF ? -EIO : 0;
}

int lvm_csv_write_row(FILE *f, const char *const *fields, size_t n)
{
	size_t i;
	int rc;

	if (n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (i > 0 && fputc(',', f) == EOF)
			return -EIO;
		rc = lvm_csv_write_field(f, fields[i]);
		if (rc < 0)
			return rc;
	}
	return fputc('\n', f) == EOF ? -EIO : 0;
}

void lvm_csv_row_init(struct lvm_csv_row *row)
{
	memset(row, 0, sizeof(*row));
	row->next_line = 1;
}

void lvm_csv_row_free(struct lvm_csv_row *row)
{
	free(row->buf);
	free(row->offs);
	free(row->fields);
	lvm_csv_row_init(row);
}

/* Append byte (c) to the row's buffer. */
static int put_byte(struct lvm_csv_row *row, size_t *len, char c)
{
	char *nb;
	size_t cap;

	if (*len == row->buf_cap) {
		cap = row->buf_cap ? row->buf_cap * 2 : 256;
		nb = realloc(row->buf, cap);
		if (nb == NULL)
			return -ENOMEM;
		row->buf = nb;
		row->buf_cap = cap;
	}
	row->buf[(*len)++] = c;
	return 0;
}

/* End the current field: NUL-terminate it, start the next at (*len). */
static int end_field(struct lvm_csv_row *row, size_t *len, size_t *nf)
{
	size_t *no, cap;
	int rc;

	rc = put_byte(row, len, '\0');
	if (rc < 0)
		return rc;
	if (*nf + 1 >= row->offs_cap) {
		cap = row->offs_cap ? row->offs_cap * 2 : 16;
		no = realloc(row->offs, cap * sizeof(*no));
		if (no == NULL)
			return -ENOMEM;
		row->offs = no;
		row->offs_cap = cap;
	}
	row->offs[++*nf] = *len;
	return 0;
}

/* Turn the field offsets into pointers, once the buffer stops moving. */
static int publish(struct lvm_csv_row *row, size_t nf)
{
	char **nfp;
	size_t i;

	nfp = realloc(row->fields, (nf ? nf : 1) * sizeof(*nfp));
	if (nfp == NULL)
		return -ENOMEM;
	row->fields = nfp;
	for (i = 0; i < nf; i++)
		row->fields[i] = row->buf + row->offs[i];
	row->nfields = nf;
	return 0;
}

enum state { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED };

int lvm_csv_read_row(FILE *f, struct lvm_csv_row *row)
{
	enum state st = FIELD_START;
	size_t len = 0, nf = 0;
	int c, rc;

	row->nfields = 0;
	row->line = row->next_line;
	if (row->offs == NULL) {
		row->offs = malloc(16 * sizeof(*row->offs));
		if (row->offs == NULL)
			return -ENOMEM;
		row->offs_cap = 16;
	}
	row->offs[0] = 0;

	c = getc(f);
	if (c == EOF)
		return ferror(f) ? -EIO : 0;
	for (;; c = getc(f)) {
		if (c == EOF) {
			if (ferror(f))
				return -EIO;
			if (st == QUOTED)
				return -EINVAL;
			break;
		}
		if (c == '\0')
			return -EINVAL;
		if (c == '\n')
			row->next_line++;
		if (st == QUOTED) {
			if (c == '"')
				st = QUOTE_IN_QUOTED;
			else if ((rc = put_byte(row, &len, (char)c)) < 0)
				return rc;
			continue;
		}
		if (st == QUOTE_IN_QUOTED && c == '"') {
			/* A doubled quote inside a quoted field. */
			st = QUOTED;
			if ((rc = put_byte(row, &len, '"')) < 0)
				return rc;
			continue;
		}
		if (c == '\r') {
			int d = getc(f);

			if (d == '\n') {
				row->next_line++;
				break;
			}
			if (d != EOF)
				ungetc(d, f);
			if (st == QUOTE_IN_QUOTED)
				return -EINVAL;
			st = UNQUOTED;
			if ((rc = put_byte(row, &len, '\r')) < 0)
				return rc;
			continue;
		}
		if (c == '\n')
			break;
		if (c == ',') {
			if ((rc = end_field(row, &len, &nf)) < 0)
				return rc;
			st = FIELD_START;
			continue;
		}
		if (st == QUOTE_IN_QUOTED)
			return -EINVAL; /* text after the closing quote */
		if (c == '"') {
			if (st != FIELD_START)
				return -EINVAL; /* a quote inside a bare field */
			st = QUOTED;
			continue;
		}
		st = UNQUOTED;
		if ((rc = put_byte(row, &len, (char)c)) < 0)
			return rc;
	}
	if ((rc = end_field(row, &len, &nf)) < 0)
		return rc;
	return publish(row, nf);
}
