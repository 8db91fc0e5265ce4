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
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xentoollog.h>

#include "bench/timer.h"
#include "bench/tool.h"
#include "bench/watch.h"

struct opts {
	struct lvm_tool_guests g;
	const char *console_dir;
	const char *text;
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
	b->max_memkb = (uint64_t)o->g.memory_mib * 1024;
	b->target_memkb = b->max_memkb;
	b->kernel = strdup(o->g.kernel);
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
	struct lvm_watch w = {.fd = -1, .ino = -1};
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

	t0 = lvm_bench_now();
	deadline = lvm_tool_deadline(o->g.timeout);
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
	*ms_ret = lvm_ms(t0, lvm_bench_now());
	if (o->console_dir != NULL) {
		for (;;) {
			lvm_watch_poll(&w);
			if (w.found)
				break;
			if (lvm_now_ns() > deadline) {
				fprintf(stderr,
					"lvm-bench-libxl: '%s' did not appear "
					"in %s within %ld s\n",
					o->text, log, o->g.timeout);
				rc = -ETIMEDOUT;
				goto out;
			}
			/* Asleep until the log's directory changes (inotify), or
			 * a tick where there is no watch to wait on. */
			if (lvm_watch_fd(&w) >= 0) {
				struct pollfd p = {.fd = lvm_watch_fd(&w),
						   .events = POLLIN};

				poll(&p, 1, 100);
			} else {
				nanosleep(&tick, NULL);
			}
		}
		*ms_run = lvm_ms(t0, lvm_bench_now());
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

/* -v: libxl's own messages from the debug level up. */
static int option(void *ctx, int opt, const char *arg)
{
	(void)arg;
	if (opt != 'v')
		return -ENOENT;
	((struct opts *)ctx)->level = XTL_DEBUG;
	return 0;
}

/* Round (i) of the series. */
static int round_i(void *ctx, long i, double *ms)
{
	const struct opts *o = ctx;
	char name[128];

	lvm_tool_guest_name(&o->g, i, name, sizeof(name));
	return round_once(o->ctx, o, name, &ms[0], &ms[1]);
}

int main(int argc, char **argv)
{
	static const char *const clocks[] = {"returned", "running"};
	struct opts o = {
	    .g = {.prefix = "lvm-bench-libxl", .memory_mib = 4, .min_mib = 4,
		  .n = 10, .warm = 1, .timeout = 60},
	    .level = XTL_ERROR,
	};
	const struct lvm_tool_opt opts[] = {
	    {.opt = 'd', .str = &o.console_dir},
	    {.opt = 'x', .str = &o.text},
	    {.opt = 0},
	};
	struct lvm_tool tool = {
	    .name = "lvm-bench-libxl",
	    .shortopts = "hvd:x:" LVM_TOOL_GUESTS_SHORTOPTS,
	    .usage = usage,
	    .opts = opts,
	    .option = option,
	    .ctx = &o,
	    .guests = &o.g,
	    .system = "xl",
	    .mode = "library",
	};
	xentoollog_logger_stdiostream *lg = NULL;
	int rc, status = 1;

	rc = lvm_tool_parse(&tool, argc, argv);
	if (rc >= 0)
		return rc;
	lvm_bench_timer_init();
	if (optind != argc ||
	    (o.g.destroy == NULL && (o.g.kernel == NULL ||
				     (o.console_dir == NULL) != (o.text == NULL)))) {
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
	if (o.g.destroy != NULL)
		status = destroy_prefix(o.ctx, o.g.destroy) == 0 ? 0 : 1;
	else
		status = lvm_tool_series(&tool, o.g.n, o.g.warm, clocks,
					 o.console_dir != NULL ? 2 : 1, false,
					 round_i);
out:
	libxl_ctx_free(o.ctx);
	xtl_logger_destroy((xentoollog_logger *)lg);
	return status;
}
