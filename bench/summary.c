/*
 * summary.c — raw samples to per-series statistics (summary.h).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bench/csv.h"
#include "bench/sample.h"
#include "bench/stats.h"
#include "bench/summary.h"

enum col { C_EXPERIMENT, C_SYSTEM, C_MODE, C_CLOCK, C_RUNNING, C_MS, NCOLS };
static const char *const col_names[NCOLS] = {
    "experiment", "system", "mode", "clock", "running_guests", "ms",
};

struct series {
	char *key[4]; /* experiment, system, mode, clock */
	long running;
	double *v;
	size_t n, cap;
};

struct table {
	struct series *s;
	size_t n, cap;
};

static void table_free(struct table *t)
{
	size_t i, k;

	for (i = 0; i < t->n; i++) {
		for (k = 0; k < 4; k++)
			free(t->s[i].key[k]);
		free(t->s[i].v);
	}
	free(t->s);
}

/* The series for (key) and (running), added at the end if new. */
static struct series *table_get(struct table *t, char *const key[4],
				long running)
{
	struct series *s, *ns;
	size_t i, k;

	/* Samples of a series come in runs: look at the last one first. */
	for (i = t->n; i-- > 0;) {
		s = &t->s[i];
		if (s->running != running)
			continue;
		for (k = 0; k < 4 && strcmp(s->key[k], key[k]) == 0; k++)
			;
		if (k == 4)
			return s;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;

		ns = realloc(t->s, cap * sizeof(*ns));
		if (ns == NULL)
			return NULL;
		t->s = ns;
		t->cap = cap;
	}
	s = &t->s[t->n];
	memset(s, 0, sizeof(*s));
	s->running = running;
	for (k = 0; k < 4; k++) {
		s->key[k] = strdup(key[k]);
		if (s->key[k] == NULL) {
			while (k-- > 0)
				free(s->key[k]);
			return NULL;
		}
	}
	t->n++;
	return s;
}

static int series_add(struct series *s, double v)
{
	double *nv;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;

		nv = realloc(s->v, cap * sizeof(*nv));
		if (nv == NULL)
			return -ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	return 0;
}

static int fail(char *err, size_t errlen, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (errlen == 0)
		return -EINVAL;
	if (line > 0)
		n = snprintf(err, errlen, "line %zu: ", line);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* The next row of (in) into (row); a malformed one said in (err). Returns
 * lvm_csv_read_row()'s result. */
static int read_row(FILE *in, struct lvm_csv_row *row, char *err,
		    size_t errlen)
{
	int rc = lvm_csv_read_row(in, row);

	if (rc == -EINVAL)
		return fail(err, errlen, row->line, "malformed CSV");
	return rc;
}

/* (s) as a finite non-negative number. */
static int parse_ms(const char *s, double *out)
{
	char *end;
	double v;

	if (*s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < 0.0)
		return -EINVAL;
	*out = v;
	return 0;
}

static int write_table(FILE *out, struct table *t)
{
	struct lvm_stats st;
	size_t i;
	int rc;

	if (fputs(LVM_SUMMARY_HEADER "\n", out) < 0)
		return -EIO;
	for (i = 0; i < t->n; i++) {
		struct series *s = &t->s[i];

		rc = lvm_stats_compute(s->v, s->n, &st);
		if (rc < 0)
			return rc;
		if (lvm_csv_write_field(out, s->key[0]) < 0 ||
		    fputc(',', out) == EOF ||
		    lvm_csv_write_field(out, s->key[1]) < 0 ||
		    fputc(',', out) == EOF ||
		    lvm_csv_write_field(out, s->key[2]) < 0 ||
		    fputc(',', out) == EOF ||
		    lvm_csv_write_field(out, s->key[3]) < 0)
			return -EIO;
		if (fprintf(out, ",%ld,%zu,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\n",
			    s->running, st.n, st.min, st.p50, st.p90, st.p99,
			    st.max, st.mean) < 0)
			return -EIO;
	}
	return fflush(out) == EOF ? -EIO : 0;
}

int lvm_summary_run(FILE *in, FILE *out, char *err, size_t errlen)
{
	struct lvm_csv_row row;
	struct table t = {0};
	struct series *s;
	size_t idx[NCOLS], nhead, i;
	char *key[4];
	long running;
	double ms;
	int rc, k;

	lvm_csv_row_init(&row);
	if (errlen > 0)
		err[0] = '\0';

	rc = read_row(in, &row, err, errlen);
	if (rc < 0)
		goto out;
	if (row.nfields == 0) {
		rc = fail(err, errlen, 0, "empty input: no header row");
		goto out;
	}
	nhead = row.nfields;
	for (k = 0; k < NCOLS; k++) {
		for (i = 0; i < nhead; i++)
			if (strcmp(row.fields[i], col_names[k]) == 0)
				break;
		if (i == nhead) {
			rc = fail(err, errlen, row.line, "no column '%s'",
				  col_names[k]);
			goto out;
		}
		idx[k] = i;
	}

	for (;;) {
		rc = read_row(in, &row, err, errlen);
		if (rc < 0)
			goto out;
		if (row.nfields == 0)
			break;
		if (row.nfields != nhead) {
			rc = fail(err, errlen, row.line,
				  "%zu fields, the header has %zu", row.nfields,
				  nhead);
			goto out;
		}
		if (lvm_parse_count(row.fields[idx[C_RUNNING]], 0, LONG_MAX,
				    &running) < 0) {
			rc = fail(err, errlen, row.line,
				  "running_guests '%s' is not a count",
				  row.fields[idx[C_RUNNING]]);
			goto out;
		}
		if (parse_ms(row.fields[idx[C_MS]], &ms) < 0) {
			rc = fail(err, errlen, row.line,
				  "ms '%s' is not a duration",
				  row.fields[idx[C_MS]]);
			goto out;
		}
		for (k = 0; k < 4; k++)
			key[k] = row.fields[idx[k]];
		s = table_get(&t, key, running);
		if (s == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		rc = series_add(s, ms);
		if (rc < 0)
			goto out;
	}
	rc = write_table(out, &t);
out:
	table_free(&t);
	lvm_csv_row_free(&row);
	return rc;
}
