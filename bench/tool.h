/*
 * tool.h — what the harness's measuring tools (lvm-bench-cmd, -spawn,
 * -libxl, -lvm) share: their command line's common part (the tag options
 * of sample.h, -h, a bad value or an unknown option said alike) and their
 * measurement loop (warm-up rounds, timed rounds, one row per clock per
 * round). Each tool keeps only its own options and its own round.
 */
#ifndef LVM_BENCH_TOOL_H
#define LVM_BENCH_TOOL_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/sample.h"

struct lvm_tool {
	const char *name;		  /* the prefix of every message */
	const char *shortopts;		  /* getopt's, 'h' included */
	const struct option *longopts;	  /* the tool's own, or NULL */
	void (*usage)(FILE *f);		  /* the whole usage text */
	/* One of the tool's own options: 0, -EINVAL (a bad value) or
	 * -ENOENT (not one of its options). */
	int (*option)(void *ctx, int opt, const char *arg);
	void *ctx;			  /* given to option() and round() */
	struct lvm_sample_tag tag;	  /* lvm_tool_parse() fills it */
};

/*
 * lvm_tool_parse() - parse (argc, argv) with (t)'s own options beside the
 * tag options and -h / --help; (t->tag) must be set (lvm_sample_tag_init()
 * and the tool's defaults) before. Leaves optind at the first operand.
 * Returns 0 to go on, 1 when the usage went to stdout (-h: exit 0), -1
 * after the usage or "NAME: bad value 'ARG'" on stderr (exit 1).
 */
int lvm_tool_parse(struct lvm_tool *t, int argc, char **argv);

/* A series' clocks: the row names of the durations one round measures. */
#define LVM_TOOL_MAX_CLOCKS 2

/*
 * lvm_tool_series() - the measurement loop: rounds (-warm) .. (n - 1),
 * each round(ctx, i, ms) filling ms[0..nclocks-1] (i < 0: warm-up, not
 * written); then, for rounds 0 .. n-1, one row per clock of (clocks) with
 * (t->tag) on stdout. With (as_it_goes) each round's rows are written
 * after it, else all at the end so writing does not disturb the rounds.
 * A round that fails has said why on stderr. Returns 0, -errno of the
 * failed round, -ENOMEM or -EIO (after one line on stderr); stdout is
 * flushed either way.
 */
int lvm_tool_series(const struct lvm_tool *t, long n, long warm,
		    const char *const *clocks, int nclocks, bool as_it_goes,
		    int (*round)(void *ctx, long i, double *ms));

/* lvm_tool_deadline() - lvm_now_ns() (seconds) seconds from now. */
uint64_t lvm_tool_deadline(long seconds);

/* lvm_tool_pause_ms() - sleep (ms) milliseconds. */
void lvm_tool_pause_ms(long ms);

#endif
