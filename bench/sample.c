/*
 * sample.c — tagged rows of the raw CSV (sample.h).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "bench/csv.h"
#include "bench/sample.h"

void lvm_sample_tag_init(struct lvm_sample_tag *t)
{
	t->experiment = "start";
	t->system = "?";
	t->mode = "?";
	t->running = 0;
}

/* A tag name: not empty, nothing CSV would have to quote. */
static int check_name(const char *s)
{
	return (*s == '\0' || lvm_csv_needs_quotes(s)) ? -EINVAL : 0;
}

int lvm_sample_tag_option(struct lvm_sample_tag *t, int opt, const char *arg)
{
	switch (opt) {
	case LVM_OPT_EXPERIMENT:
		t->experiment = arg;
		return check_name(arg);
	case LVM_OPT_SYSTEM:
		t->system = arg;
		return check_name(arg);
	case LVM_OPT_MODE:
		t->mode = arg;
		return check_name(arg);
	case LVM_OPT_RUNNING:
		return lvm_parse_count(arg, 0, INT_MAX, &t->running);
	default:
		return -ENOENT;
	}
}

int lvm_sample_write(FILE *f, const struct lvm_sample_tag *t, const char *clock,
		     long iteration, double ms)
{
	char running[24], iter[24], val[48];
	const char *row[7];

	snprintf(running, sizeof(running), "%ld", t->running);
	snprintf(iter, sizeof(iter), "%ld", iteration);
	snprintf(val, sizeof(val), "%.3f", ms);
	row[0] = t->experiment;
	row[1] = t->system;
	row[2] = t->mode;
	row[3] = clock;
	row[4] = running;
	row[5] = iter;
	row[6] = val;
	return lvm_csv_write_row(f, row, 7);
}

int lvm_parse_count(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}
