/*
 * libxl_create.c — lvm-bench-libxl: the stock toolstack's library,
 * in-process, as the baseline for lvm's library. Creates a PV guest with
 * libxenlight (the library under `xl create`), unpauses it, optionally
 * waits for a text on its console, destroys it; (iterations) times after
 * (warmup) untimed rounds. Writes raw CSV rows (sample.h): "returned" when
 * libxl_domain_create_new() and libxl_domain_unpause() have returned,
 * "running" when the console text appeared (with -d and -x).
 *
 *   lvm-bench-libxl -k KERNEL [-M MIB] [-p PREFIX] [-n N] [-w W]
 *                   [-d CONSOLE_DIR -x TEXT [-t SECONDS]] [tag options]
 *   lvm-bench-libxl --destroy-prefix PREFIX
 *
 * -v logs libxl's own messages, with times, from the debug level up.
 *
 * The second form destroys every domain whose name starts with PREFIX (at
 * least 3 characters), in one process: the harness's fast teardown of its
 * guests, and its cleanup after an interrupted run.
 *
 * Guests are named PREFIX-0, PREFIX-1, ... (warm-up included); the console
 * log of guest NAME is CONSOLE_DIR/guest-NAME.log (xenconsoled --log=guest).
 * The domain is destroyed before the next round starts, untimed. Exit
 * status 0, or 1 with one line on stderr; no domain of ours is left behind
 * on any exit path but a kill.
 */
#define LIBXL_API_VERSION 0x041300

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xentoollog.h>

#include "bench/tool.h"
#include "bench/watch.h"

struct opts {
	const char *kernel;
	const char *prefix;
	const char *console_dir;
	const char *text;
	const char *destroy; /* --destroy-prefix */
	long memory_mib;
	long n, warm, timeout;
	xentoollog_level level;
	libxl_ctx *ctx;
};

/* Fill (dc) for a one-vCPU PV guest called (name). */
static int make_config(libxl_ctx *ctx, const struct opts *o, const char *name,
		       libxl_domain_config *dc)
{
	libxl_domain_build_info *b = &dc->b_info;
	int rc;

	libxl_domain_config_init(dc);
	dc->c_info.type = LIBXL_DOMAIN_TYPE_PV;
	dc->c_info.name = strdup(name);
	libxl_domain_build_info_init_type(b, LIBXL_DOMAIN_TYPE_PV);
	b->max_vcpus = 1;
	rc = libxl_cpu_bitmap_alloc(ctx, &b->avail_vcpus, 1);
	if (rc != 0)
		return -ENOMEM;
	libxl_bitmap_set(&b->avail_vcpus, 0);
	b->max_memkb = (uint64_t)o->memory_mib * 1024;
	b->target_memkb = b->max_memkb;
	b->kernel = strdup(o->kernel);
	dc->on_poweroff = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	dc->on_reboot = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	dc->on_crash = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
	if (dc->c_info.name == NULL || b->kernel == NULL)
		return -ENOMEM;
	return 0;
}

/*
 * One round: create (name), unpause, wait for the console text, destroy.
 * Stores the durations in (*ms_ret) and (*ms_run) (the latter 0 without a
 * console wait). Returns 0 or -errno, after one line on stderr.
 */
static int round_once(libxl_ctx *ctx, const struct opts *o, const char *name,
		      double *ms_ret, double *ms_run)
{
	struct timespec tick = {0, 1000000};
	libxl_domain_config dc;
	struct lvm_watch w = {.fd = -1};
	char *log = NULL;
	uint32_t domid = (uint32_t)INVALID_DOMID;
	uint64_t t0, deadline;
	int rc;

	*ms_ret = 0.0;
	*ms_run = 0.0;
	rc = make_config(ctx, o, name, &dc);
	if (rc < 0) {
		fprintf(stderr, "lvm-bench-libxl: out of memory\n");
		goto out;
	}
	if (o->console_dir != NULL) {
		if (asprintf(&log, "%s/guest-%s.log", o->console_dir, name) <
		    0) {
			log = NULL;
			rc = -ENOMEM;
			goto out;
		}
		rc = lvm_watch_init(&w, log, o->text);
		if (rc < 0)
			goto out;
	}

	t0 = lvm_now_ns();
	deadline = lvm_tool_deadline(o->timeout);
	if (libxl_domain_create_new(ctx, &dc, &domid, NULL, NULL) != 0) {
		fprintf(stderr, "lvm-bench-libxl: creating %s failed\n", name);
		rc = -EIO;
		goto out;
	}
	if (libxl_domain_unpause(ctx, domid, NULL) != 0) {
		fprintf(stderr, "lvm-bench-libxl: unpausing %s failed\n", name);
		rc = -EIO;
		goto out;
	}
	*ms_ret = lvm_ms(t0, lvm_now_ns());
	if (o->console_dir != NULL) {
		for (;;) {
			lvm_watch_poll(&w);
			if (w.found)
				break;
			if (lvm_now_ns() > deadline) {
				fprintf(stderr,
					"lvm-bench-libxl: '%s' did not appear "
					"in %s within %ld s\n",
					o->text, log, o->timeout);
				rc = -ETIMEDOUT;
				goto out;
			}
			nanosleep(&tick, NULL);
		}
		*ms_run = lvm_ms(t0, lvm_now_ns());
	}
	rc = 0;
out:
	if (domid != (uint32_t)INVALID_DOMID &&
	    libxl_domain_destroy(ctx, domid, NULL) != 0) {
		fprintf(stderr, "lvm-bench-libxl: destroying %s failed\n",
			name);
		if (rc == 0)
			rc = -EIO;
	}
	lvm_watch_free(&w);
	free(log);
	libxl_domain_config_dispose(&dc);
	return rc;
}

/* Destroy every domain named (prefix)*. Returns 0 or -EIO. */
static int destroy_prefix(libxl_ctx *ctx, const char *prefix)
{
	libxl_dominfo *info;
	size_t plen = strlen(prefix);
	int i, nb = 0, done = 0, rc = 0;
	char *name;

	info = libxl_list_domain(ctx, &nb);
	if (info == NULL) {
		fprintf(stderr, "lvm-bench-libxl: cannot list domains\n");
		return -EIO;
	}
	for (i = 0; i < nb; i++) {
		if (info[i].domid == 0)
			continue;
		name = libxl_domid_to_name(ctx, info[i].domid);
		if (name != NULL && strncmp(name, prefix, plen) == 0) {
			if (libxl_domain_destroy(ctx, info[i].domid, NULL) !=
			    0) {
				fprintf(stderr,
					"lvm-bench-libxl: destroying %s "
					"failed\n",
					name);
				rc = -EIO;
			} else {
				done++;
			}
		}
		free(name);
	}
	libxl_dominfo_list_free(info, nb);
	fprintf(stderr, "lvm-bench-libxl: destroyed %d domain(s) named %s*\n",
		done, prefix);
	return rc;
}

static void usage(FILE *f)
{
	fputs(
	    "usage: lvm-bench-libxl [-v] -k KERNEL [-M MIB] [-p PREFIX] [-n N] "
	    "[-w W]\n"
	    "                       [-d CONSOLE_DIR -x TEXT [-t SECONDS]] "
	    "[tag options]\n"
	    "       lvm-bench-libxl --destroy-prefix "
	    "PREFIX\n" LVM_SAMPLE_TAG_USAGE,
	    f);
}

static int option(void *ctx, int opt, const char *arg)
{
	struct opts *o = ctx;

	switch (opt) {
	case 'k':
		o->kernel = arg;
		return 0;
	case 'v':
		o->level = XTL_DEBUG;
		return 0;
	case 'D':
		o->destroy = arg;
		return strlen(arg) >= 3 ? 0 : -EINVAL;
	case 'M':
		return lvm_parse_count(arg, 4, 1 << 20, &o->memory_mib);
	case 'p':
		o->prefix = arg;
		return 0;
	case 'n':
		return lvm_parse_count(arg, 1, 1000000, &o->n);
	case 'w':
		return lvm_parse_count(arg, 0, 1000000, &o->warm);
	case 'd':
		o->console_dir = arg;
		return 0;
	case 'x':
		o->text = arg;
		return 0;
	case 't':
		return lvm_parse_count(arg, 1, 86400, &o->timeout);
	default:
		return -ENOENT;
	}
}

/* Round (i) of the series: guest PREFIX-(i + warm). */
static int round_i(void *ctx, long i, double *ms)
{
	const struct opts *o = ctx;
	char name[128];

	snprintf(name, sizeof(name), "%s-%ld", o->prefix, i + o->warm);
	return round_once(o->ctx, o, name, &ms[0], &ms[1]);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
	    {"destroy-prefix", required_argument, NULL, 'D'},
	    {NULL, 0, NULL, 0},
	};
	static const char *const clocks[] = {"returned", "running"};
	struct opts o = {
	    .prefix = "lvm-bench-libxl",
	    .memory_mib = 4,
	    .n = 10,
	    .warm = 1,
	    .timeout = 60,
	    .level = XTL_ERROR,
	};
	struct lvm_tool tool = {
	    .name = "lvm-bench-libxl",
	    .shortopts = "hvk:M:p:n:w:d:x:t:",
	    .longopts = lopts,
	    .usage = usage,
	    .option = option,
	    .ctx = &o,
	};
	xentoollog_logger_stdiostream *lg = NULL;
	int rc, status = 1;

	lvm_sample_tag_init(&tool.tag);
	tool.tag.system = "xl";
	tool.tag.mode = "library";
	rc = lvm_tool_parse(&tool, argc, argv);
	if (rc != 0)
		return rc > 0 ? 0 : 1;
	if (optind != argc ||
	    (o.destroy == NULL &&
	     (o.kernel == NULL || (o.console_dir == NULL) != (o.text == NULL)))) {
		usage(stderr);
		return 1;
	}
	lg = xtl_createlogger_stdiostream(stderr, o.level,
					  XTL_STDIOSTREAM_SHOW_DATE);
	if (lg == NULL) {
		fprintf(stderr, "lvm-bench-libxl: out of memory\n");
		goto out;
	}
	if (libxl_ctx_alloc(&o.ctx, LIBXL_VERSION, 0,
			    (xentoollog_logger *)lg) != 0) {
		fprintf(stderr, "lvm-bench-libxl: cannot open libxl (root, "
				"in dom0, with xenstored running?)\n");
		goto out;
	}
	if (o.destroy != NULL)
		status = destroy_prefix(o.ctx, o.destroy) == 0 ? 0 : 1;
	else
		status = lvm_tool_series(&tool, o.n, o.warm, clocks,
					 o.console_dir != NULL ? 2 : 1, false,
					 round_i) == 0
			     ? 0
			     : 1;
out:
	libxl_ctx_free(o.ctx);
	xtl_logger_destroy((xentoollog_logger *)lg);
	return status;
}
