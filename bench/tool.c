/*
 * tool.c — the measuring tools' common command line and measurement loop
 * (tool.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/tool.h"

/* The tag options, -h, --destroy-prefix and at most this many options of
 * the tool's own. */
#define MAX_OWN_LONGOPTS 8

void lvm_tool_guest_name(const struct lvm_tool_guests *g, long i, char *buf,
			 size_t size)
{
	snprintf(buf, size, "%s-%ld", g->prefix, i + g->warm);
}

/* Option (opt) of table (o), if it is one: 0, -EINVAL, or -ENOENT. */
static int table_option(const struct lvm_tool_opt *o, int opt, const char *arg)
{
	for (; o != NULL && o->opt != 0; o++) {
		if (o->opt != opt)
			continue;
		if (o->str == NULL)
			return lvm_parse_count(arg, o->min, o->max, o->count);
		*o->str = arg;
		return (long)strlen(arg) >= o->min ? 0 : -EINVAL;
	}
	return -ENOENT;
}

/* One option of (t): 0, -EINVAL, or -ENOENT when not one. */
static int tool_option(struct lvm_tool *t, int opt, const char *arg)
{
	struct lvm_tool_guests *g = t->guests;
	int rc = table_option(t->opts, opt, arg);

	if (rc == -ENOENT && t->option != NULL)
		rc = t->option(t->ctx, opt, arg);
	if (rc == -ENOENT && g != NULL) {
		const struct lvm_tool_opt gopts[] = {
		    {.opt = 'k', .str = &g->kernel},
		    {.opt = 'p', .str = &g->prefix},
		    {.opt = LVM_TOOL_OPT_DESTROY, .str = &g->destroy, .min = 3},
		    {.opt = 'M', .count = &g->memory_mib, .min = g->min_mib,
		     .max = 1 << 20},
		    {.opt = 'n', .count = &g->n, .min = 1, .max = 1000000},
		    {.opt = 'w', .count = &g->warm, .max = 1000000},
		    {.opt = 't', .count = &g->timeout, .min = 1, .max = 86400},
		    {.opt = 0},
		};

		rc = table_option(gopts, opt, arg);
	}
	if (rc == -ENOENT)
		rc = lvm_sample_tag_option(&t->tag, opt, arg);
	return rc;
}

int lvm_tool_parse(struct lvm_tool *t, int argc, char **argv)
{
	static const struct option common[] = {
	    LVM_SAMPLE_TAG_LONGOPTS,
	    {"help", no_argument, NULL, 'h'},
	    {"destroy-prefix", required_argument, NULL, LVM_TOOL_OPT_DESTROY},
	};
	struct option lopts[sizeof(common) / sizeof(common[0]) +
			    MAX_OWN_LONGOPTS + 1];
	size_t n = sizeof(common) / sizeof(common[0]), k;
	int opt, rc;

	lvm_sample_tag_init(&t->tag);
	if (t->system != NULL)
		t->tag.system = t->system;
	if (t->mode != NULL)
		t->tag.mode = t->mode;
	memcpy(lopts, common, sizeof(common));
	if (t->guests == NULL)
		n--; /* no --destroy-prefix */
	for (k = 0; t->longopts != NULL && t->longopts[k].name != NULL &&
		    k < MAX_OWN_LONGOPTS;
	     k++)
		lopts[n++] = t->longopts[k];
	memset(&lopts[n], 0, sizeof(lopts[n]));
	while ((opt = getopt_long(argc, argv, t->shortopts, lopts, NULL)) !=
	       -1) {
		if (opt == 'h') {
			t->usage(stdout);
			return 0;
		}
		rc = tool_option(t, opt, optarg);
		if (rc == -ENOENT) {
			t->usage(stderr);
			return 1;
		}
		if (rc < 0) {
			fprintf(stderr, "%s: bad value '%s'\n", t->name,
				optarg);
			return 1;
		}
	}
	return -1;
}

/* Write round (i)'s rows, (ms) holding its (nclocks) durations. */
static int write_rows(const struct lvm_tool *t, long i,
		      const char *const *clocks, int nclocks, const double *ms)
{
	int c;

	for (c = 0; c < nclocks; c++) {
		if (lvm_sample_write(stdout, &t->tag, clocks[c], i, ms[c]) <
		    0) {
			fprintf(stderr, "%s: write failed\n", t->name);
			return -EIO;
		}
	}
	return 0;
}

int lvm_tool_series(const struct lvm_tool *t, long n, long warm,
		    const char *const *clocks, int nclocks, bool as_it_goes,
		    int (*round)(void *ctx, long i, double *ms))
{
	double *ms = calloc((size_t)n * (size_t)nclocks, sizeof(*ms));
	double one[LVM_TOOL_MAX_CLOCKS];
	long i;
	int c, rc = 0;

	if (ms == NULL || nclocks > LVM_TOOL_MAX_CLOCKS) {
		fprintf(stderr, "%s: out of memory\n", t->name);
		rc = -ENOMEM;
		goto out;
	}
	for (i = -warm; i < n; i++) {
		for (c = 0; c < nclocks; c++)
			one[c] = 0.0;
		rc = round(t->ctx, i, one);
		if (rc < 0)
			goto out;
		if (i < 0)
			continue;
		memcpy(&ms[i * nclocks], one, sizeof(one[0]) * nclocks);
		if (as_it_goes) {
			rc = write_rows(t, i, clocks, nclocks, one);
			if (rc < 0)
				goto out;
		}
	}
	for (i = 0; !as_it_goes && i < n; i++) {
		rc = write_rows(t, i, clocks, nclocks, &ms[i * nclocks]);
		if (rc < 0)
			goto out;
	}
out:
	if (fflush(stdout) != 0 && rc == 0)
		rc = -EIO;
	free(ms);
	return rc == 0 ? 0 : 1;
}

uint64_t lvm_tool_deadline(long seconds)
{
	return lvm_now_ns() + (uint64_t)seconds * 1000000000u;
}

void lvm_tool_pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}
