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
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/sample.h"

/*
 * The options of the tools that create guests (lvm-bench-libxl, -lvm):
 *   -k KERNEL  -M MIB  -p PREFIX  -n N  -w W  -t SECONDS
 *   --destroy-prefix PREFIX (at least 3 characters)
 * Guests are named PREFIX-0, PREFIX-1, ... (warm-up included).
 */
struct lvm_tool_guests {
	const char *kernel, *prefix, *destroy;
	long memory_mib, min_mib; /* -M, and the least it may be */
	long n, warm, timeout;
};
#define LVM_TOOL_GUESTS_SHORTOPTS "k:M:p:n:w:t:"
#define LVM_TOOL_OPT_DESTROY 0x1100

/*
 * lvm_tool_guest_name() - guest (i)'s name (i from -warm on) into (buf) of
 * (size) bytes.
 */
void lvm_tool_guest_name(const struct lvm_tool_guests *g, long i, char *buf,
			 size_t size);

/*
 * An option with a value, stored without a word of the tool's own: a
 * string (str), at least (min) characters long, or a count (count) in
 * [(min), (max)] (lvm_parse_count()). A table of them ends with opt 0.
 */
struct lvm_tool_opt {
	int opt;
	const char **str;
	long *count;
	long min, max;
};

struct lvm_tool {
	const char *name;		  /* the prefix of every message */
	const char *shortopts;		  /* getopt's, 'h' included */
	const struct option *longopts;	  /* the tool's own, or NULL */
	void (*usage)(FILE *f);		  /* the whole usage text */
	const struct lvm_tool_opt *opts;  /* its stored options, or NULL */
	/* Any other option of its own, or NULL: 0, -EINVAL (a bad value) or
	 * -ENOENT (not one of its options). */
	int (*option)(void *ctx, int opt, const char *arg);
	void *ctx;			  /* given to option() and round() */
	struct lvm_tool_guests *guests;	  /* its guest options, or NULL */
	const char *system, *mode;	  /* the tag's defaults */
	struct lvm_sample_tag tag;	  /* lvm_tool_parse() fills it */
};

/*
 * lvm_tool_parse() - set (t->tag) to the default tag with (t)'s system and
 * mode, then parse (argc, argv): (t)'s stored options, its other own
 * options, its guest options (with t->guests), the tag options and -h /
 * --help. Leaves optind at the first operand.
 * Returns -1 to go on; 0 when the usage went to stdout (-h); 1 after the
 * usage or "NAME: bad value 'ARG'" on stderr: the exit status.
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
 * A round that fails has said why on stderr. Returns the exit status: 0,
 * or 1 after a failed round, no memory or a failed write (one line on
 * stderr); stdout is flushed either way.
 */
int lvm_tool_series(const struct lvm_tool *t, long n, long warm,
		    const char *const *clocks, int nclocks, bool as_it_goes,
		    int (*round)(void *ctx, long i, double *ms));

/* lvm_tool_deadline() - lvm_now_ns() (seconds) seconds from now. */
uint64_t lvm_tool_deadline(long seconds);

/* lvm_tool_pause_ms() - sleep (ms) milliseconds. */
void lvm_tool_pause_ms(long ms);

#endif
