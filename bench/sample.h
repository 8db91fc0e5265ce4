/*
 * sample.h — one measured duration as the harness records it: a row of
 * the raw CSV, tagged with what was measured.
 *
 *   experiment,system,mode,clock,running_guests,iteration,ms
 *
 * experiment      "start" (start times, probes at a number of running
 *                 guests) or "fill" (creating the guests that stay up)
 * system, mode    what ran: "xl,command", "xl,library", "process,fork-exec",
 *                 "lvm,pool-command", ...
 * clock           which moment ended the duration: "returned" (the create
 *                 call or command returned), "running" (the application
 *                 is running: the guest's ready mark or its console line),
 *                 "exited" (it ran to the end and was reaped)
 * running_guests  how many guests (or containers) stayed up meanwhile
 * iteration       0, 1, ... within one series, warm-up excluded
 * ms              the duration in milliseconds
 *
 * The C tools of the harness write rows through this; bench/run writes
 * the header once.
 */
#ifndef LVM_BENCH_SAMPLE_H
#define LVM_BENCH_SAMPLE_H

#include <stdint.h>
#include <stdio.h>

#include "toolstack/common/clock.h" /* lvm_now_ns(), the one monotonic clock */

#define LVM_SAMPLE_HEADER                                                      \
	"experiment,system,mode,clock,running_guests,iteration,ms"

struct lvm_sample_tag {
	const char *experiment;
	const char *system;
	const char *mode;
	long running;
};

/* Option codes for getopt_long, and the long options that set a tag. */
enum {
	LVM_OPT_EXPERIMENT = 0x1000,
	LVM_OPT_SYSTEM,
	LVM_OPT_MODE,
	LVM_OPT_RUNNING,
};
/* clang-format off */
#define LVM_SAMPLE_TAG_LONGOPTS \
	{ "experiment", required_argument, NULL, LVM_OPT_EXPERIMENT }, \
	{ "system", required_argument, NULL, LVM_OPT_SYSTEM }, \
	{ "mode", required_argument, NULL, LVM_OPT_MODE }, \
	{ "running", required_argument, NULL, LVM_OPT_RUNNING }
/* clang-format on */
#define LVM_SAMPLE_TAG_USAGE                                                   \
	"  --experiment E --system S --mode M --running N   tag the rows\n"

/* lvm_sample_tag_init() - the default tag: "start", "?", "?", 0. */
void lvm_sample_tag_init(struct lvm_sample_tag *t);

/*
 * lvm_sample_tag_option() - apply option (opt), one of LVM_OPT_*, with its
 * argument (arg) to (t); (t) keeps pointing at (arg).
 * Returns 0; -EINVAL if (arg) is not valid for it (an empty name, a name
 * with a comma, quote or line break, a count that is not a non-negative
 * integer); -ENOENT if (opt) is not a tag option.
 */
int lvm_sample_tag_option(struct lvm_sample_tag *t, int opt, const char *arg);

/*
 * lvm_sample_write() - write one row: (t), (clock), (iteration), (ms) with
 * microsecond precision. Returns 0 or -EIO.
 */
int lvm_sample_write(FILE *f, const struct lvm_sample_tag *t, const char *clock,
		     long iteration, double ms);

/*
 * lvm_parse_count() - (s), decimal digits only (no sign, no spaces), as an
 * integer in [(min), (max)] into (*out). Returns 0 or -EINVAL.
 */
int lvm_parse_count(const char *s, long min, long max, long *out);

#endif
