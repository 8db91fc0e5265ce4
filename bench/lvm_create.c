/*
 * lvm_create.c — lvm-bench-lvm: lvm's library, in-process, for the
 * harness's lvm driver (bench/drivers/lvm.sh). Creates the guest KERNEL
 * through liblvm's client API (lvm_create() to lvmd), reads its ready
 * mark, destroys it; (n) times after (warm) untimed rounds. Writes raw
 * CSV rows (sample.h): "returned" when lvm_create() returned, "running"
 * at the guest's ready mark (lvmclock.h: lvmd's ready figure put on the
 * caller's clock).
 *
 *   lvm-bench-lvm -k KERNEL [-M MIB] [-p PREFIX] [-n N] [-w W] [-X]
 *                 [-P TARGET [-I IMAGE]] [-e hit|miss|any] [-t SECONDS]
 *                 [-s SOCKET] [tag options]
 *   lvm-bench-lvm --pool MIB:VCPUS:TARGET [-I IMAGE] [-t SECONDS]
 *                 [-s SOCKET]
 *   lvm-bench-lvm --destroy-prefix PREFIX [-s SOCKET]
 *
 * -X creates in XenStore mode. -P sets lvmd's pool of the guests' shape
 * (MIB, 1 vCPU) to TARGET shells and, before every round, waits until
 * that many are ready (0: drained, every create cold); with -I, a pool
 * whose shells are built ahead for IMAGE (lvm_pool_set_image(); without
 * -I, a pool of the shape only). -e says what each
 * create must have been (pool_hit in lvmd's timing); one that was not is
 * an error, never a sample. -t bounds every wait (default 10 s).
 *
 * The second form sets a pool's target and waits until it holds that
 * many ready shells (for the command modes, between their samples). The
 * third destroys every guest lvmd manages whose name starts with PREFIX
 * (at least 3 characters): the harness's teardown and cleanup.
 *
 * Guests are named PREFIX-0, PREFIX-1, ... (warm-up included). The socket
 * is -s, else $LVM_SOCKET, else liblvm's default. Exit status 0, or 1
 * with one line on stderr; no guest of ours is left behind on any exit
 * path but a kill.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lvm.h>

#include "bench/lvmclock.h"
#include "bench/timer.h"
#include "bench/tool.h"

#define TOOL "lvm-bench-lvm"

struct opts {
	struct lvm_tool_guests g;
	long pool; /* -1: leave lvmd's pools alone */
	const char *pool_image; /* -I: shells built ahead for it */
	const char *sock;	/* -s, else $LVM_SOCKET */
	bool xenstore;
	enum lvm_bench_pool_expect expect;
	const char *fill;    /* --pool */
	long pv[3];	     /* --pool's MIB, VCPUS, TARGET */
	lvm_t *h;
};

/*
 * pool_fill: set the pool of (mib) MiB, 1 vCPU to (target) shells if
 * (set), then wait until it holds exactly (target) ready shells and
 * prepares none. Returns 0 or -errno, after one line on stderr.
 */
static int pool_fill(lvm_t *h, uint32_t mib, uint32_t vcpus, uint32_t target,
		     const char *image, bool set, long timeout)
{
	uint64_t deadline = lvm_tool_deadline(timeout);
	struct lvm_pool_info *p = NULL;
	uint64_t other;
	size_t n, i;
	int rc;

	if (set &&
	    (rc = lvm_pool_set_image(h, mib, vcpus, target, image)) < 0) {
		fprintf(stderr, TOOL ": pool %ux%u to %u: %s\n", mib, vcpus,
			target, lvm_last_error(h));
		return rc;
	}
	for (;;) {
		bool full = target == 0;

		rc = lvm_pool_list(h, &p, &n, &other);
		if (rc < 0) {
			fprintf(stderr, TOOL ": listing the pools: %s\n",
				lvm_last_error(h));
			return rc;
		}
		for (i = 0; i < n; i++)
			if (p[i].memory_mb == mib && p[i].vcpus == vcpus)
				full =
				    p[i].ready == target && p[i].preparing == 0;
		free(p);
		if (full)
			return 0;
		if (lvm_now_ns() > deadline) {
			fprintf(stderr,
				TOOL ": pool %ux%u not at %u ready shells "
				     "within %ld s\n",
				mib, vcpus, target, timeout);
			return -ETIMEDOUT;
		}
		lvm_tool_pause_ms(2);
	}
}

/*
 * ready_wait: wait until lvmd has seen guest (name)'s ready mark; its
 * figure (request received → ready) into (*ready_ns). Returns 0 or
 * -errno, after one line on stderr.
 */
static int ready_wait(lvm_t *h, const char *name, long timeout,
		      uint64_t *ready_ns)
{
	uint64_t deadline = lvm_tool_deadline(timeout);
	struct lvm_info info;
	int rc;

	for (;;) {
		rc = lvm_info(h, name, &info);
		if (rc < 0) {
			fprintf(stderr, TOOL ": %s: %s\n", name,
				lvm_last_error(h));
			return rc;
		}
		*ready_ns = info.ready_ns;
		rc = info.has_ready ? 0 : -EAGAIN;
		lvm_info_clear(&info);
		if (rc == 0)
			return 0;
		if (lvm_now_ns() > deadline) {
			fprintf(stderr,
				TOOL ": %s: no ready mark within %ld s\n", name,
				timeout);
			return -ETIMEDOUT;
		}
		lvm_tool_pause_ms(1);
	}
}

/*
 * One round: create (name), read its ready mark, destroy it. Stores the
 * two clocks in (*ms_ret) and (*ms_run). Returns 0 or -errno, after one
 * line on stderr.
 */
static int round_once(lvm_t *h, const struct opts *o, const char *name,
		      double *ms_ret, double *ms_run)
{
	struct lvm_config cfg;
	struct lvm_timing t;
	struct lvm_info info;
	uint64_t t0, ready_ns = 0;
	bool made = false;
	int rc;

	lvm_config_init(&cfg);
	cfg.memory_mb = (uint32_t)o->g.memory_mib;
	cfg.vcpus = 1;
	cfg.store = o->xenstore ? LVM_STORE_XENSTORE : LVM_STORE_AUTO;
	if (lvm_config_set_str(&cfg.name, name) < 0 ||
	    lvm_config_set_str(&cfg.kernel, o->g.kernel) < 0) {
		fprintf(stderr, TOOL ": out of memory\n");
		rc = -ENOMEM;
		goto out;
	}
	if (o->pool > 0) {
		rc = pool_fill(h, (uint32_t)o->g.memory_mib, 1, (uint32_t)o->pool,
			       o->pool_image, false, o->g.timeout);
		if (rc < 0)
			goto out;
	}

	t0 = lvm_bench_now();
	rc = lvm_create(h, &cfg, 0, &info, &t);
	*ms_ret = lvm_ms(t0, lvm_bench_now());
	if (rc < 0) {
		fprintf(stderr, TOOL ": creating %s: %s\n", name,
			lvm_last_error(h));
		goto out;
	}
	lvm_info_clear(&info);
	made = true;
	rc = lvm_bench_pool_check(o->expect, t.pool_hit);
	if (rc < 0) {
		fprintf(stderr,
			TOOL ": %s: a pool %s where a pool %s was wanted\n",
			name, t.pool_hit ? "hit" : "miss (a cold create)",
			o->expect == LVM_BENCH_POOL_HIT ? "hit" : "miss");
		goto out;
	}
	rc = ready_wait(h, name, o->g.timeout, &ready_ns);
	if (rc < 0)
		goto out;
	rc = lvm_bench_running_ms(*ms_ret, t.total_ns, ready_ns, ms_run);
	if (rc < 0)
		fprintf(stderr,
			TOOL ": %s: lvmd's total %.3f ms exceeds the "
			     "caller's %.3f ms\n",
			name, (double)t.total_ns / 1e6, *ms_ret);
out:
	if (made && lvm_destroy(h, name) < 0) {
		fprintf(stderr, TOOL ": destroying %s: %s\n", name,
			lvm_last_error(h));
		if (rc == 0)
			rc = -EIO;
	}
	lvm_config_clear(&cfg);
	return rc;
}

/* Destroy every guest named (prefix)*. Returns 0 or -EIO. */
static int destroy_prefix(lvm_t *h, const char *prefix)
{
	struct lvm_info *list = NULL;
	size_t n = 0, i, plen = strlen(prefix);
	int done = 0, rc = 0;

	if (lvm_list(h, false, &list, &n) < 0) {
		fprintf(stderr, TOOL ": listing guests: %s\n",
			lvm_last_error(h));
		return -EIO;
	}
	for (i = 0; i < n; i++) {
		if (strncmp(list[i].name, prefix, plen) != 0)
			continue;
		if (lvm_destroy(h, list[i].name) < 0) {
			fprintf(stderr, TOOL ": destroying %s: %s\n",
				list[i].name, lvm_last_error(h));
			rc = -EIO;
		} else {
			done++;
		}
	}
	lvm_list_free(list, n);
	fprintf(stderr, TOOL ": destroyed %d guest(s) named %s*\n", done,
		prefix);
	return rc;
}

/* "MIB:VCPUS:TARGET" into (v[3]). Returns 0 or -EINVAL. */
static int parse_pool(const char *s, long v[3])
{
	char buf[64], *f[3], *save = NULL;
	int i;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	for (i = 0; i < 3; i++) {
		f[i] = strtok_r(i ? NULL : buf, ":", &save);
		if (f[i] == NULL)
			return -EINVAL;
	}
	if (strtok_r(NULL, ":", &save) != NULL ||
	    lvm_parse_count(f[0], LVM_MIN_MEMORY_MB, 1 << 20, &v[0]) < 0 ||
	    lvm_parse_count(f[1], 1, LVM_MAX_VCPUS, &v[1]) < 0 ||
	    lvm_parse_count(f[2], 0, 100000, &v[2]) < 0)
		return -EINVAL;
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: " TOOL " -k KERNEL [-M MIB] [-p PREFIX] [-n N] [-w W] "
	      "[-X]\n"
	      "                     [-P TARGET [-I IMAGE]] [-e hit|miss|any] "
	      "[-t SECONDS] [-s SOCKET] [tag options]\n"
	      "       " TOOL " --pool MIB:VCPUS:TARGET [-I IMAGE] "
	      "[-t SECONDS] [-s SOCKET]\n"
	      "       " TOOL
	      " --destroy-prefix PREFIX [-s SOCKET]\n" LVM_SAMPLE_TAG_USAGE,
	      f);
}

/* -X, -I IMAGE, -e hit|miss|any, --pool MIB:VCPUS:TARGET. */
static int option(void *ctx, int opt, const char *arg)
{
	struct opts *o = ctx;

	switch (opt) {
	case 'X':
		o->xenstore = true;
		return 0;
	case 'I':
		o->pool_image = arg;
		return arg[0] == '/' ? 0 : -EINVAL;
	case 'e':
		return lvm_bench_pool_expect_parse(arg, &o->expect);
	case 'F':
		o->fill = arg;
		return parse_pool(arg, o->pv);
	default:
		return -ENOENT;
	}
}

/* Round (i) of the series. */
static int round_i(void *ctx, long i, double *ms)
{
	const struct opts *o = ctx;
	char name[LVM_NAME_MAX + 1];

	lvm_tool_guest_name(&o->g, i, name, sizeof(name));
	return round_once(o->h, o, name, &ms[0], &ms[1]);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
	    {"pool", required_argument, NULL, 'F'},
	    {NULL, 0, NULL, 0},
	};
	static const char *const clocks[] = {"returned", "running"};
	struct opts o = {
	    .g = {.prefix = TOOL, .memory_mib = 4,
		  .min_mib = LVM_MIN_MEMORY_MB, .n = 10, .warm = 1,
		  .timeout = 10},
	    .pool = -1,
	    .sock = getenv("LVM_SOCKET"),
	};
	const struct lvm_tool_opt opts[] = {
	    {.opt = 's', .str = &o.sock},
	    {.opt = 'P', .count = &o.pool, .max = 100000},
	    {.opt = 0},
	};
	struct lvm_tool tool = {
	    .name = TOOL,
	    .shortopts = "hXP:I:e:s:" LVM_TOOL_GUESTS_SHORTOPTS,
	    .longopts = lopts,
	    .usage = usage,
	    .opts = opts,
	    .option = option,
	    .ctx = &o,
	    .guests = &o.g,
	    .system = "lvm",
	    .mode = "library",
	};
	const char *sock;
	int rc, status = 1;

	rc = lvm_tool_parse(&tool, argc, argv);
	if (rc >= 0)
		return rc;
	lvm_bench_timer_init();
	if (optind != argc || (o.g.destroy && o.fill) ||
	    (!o.g.destroy && !o.fill && o.g.kernel == NULL)) {
		usage(stderr);
		return 1;
	}
	sock = o.sock && *o.sock ? o.sock : NULL;
	o.h = lvm_open(sock);
	if (o.h == NULL) {
		fprintf(stderr, TOOL ": cannot reach lvmd at %s: %s\n",
			sock ? sock : LVM_DEFAULT_SOCK, strerror(errno));
		return 1;
	}
	if (o.g.destroy != NULL) {
		status = destroy_prefix(o.h, o.g.destroy) == 0 ? 0 : 1;
		goto out;
	}
	if (o.fill != NULL) {
		rc = pool_fill(o.h, (uint32_t)o.pv[0], (uint32_t)o.pv[1],
			       (uint32_t)o.pv[2], o.pool_image, true,
			       o.g.timeout);
		status = rc == 0 ? 0 : 1;
		goto out;
	}
	if (o.pool >= 0 && pool_fill(o.h, (uint32_t)o.g.memory_mib, 1,
				     (uint32_t)o.pool, o.pool_image, true,
				     o.g.timeout) < 0)
		goto out;
	status = lvm_tool_series(&tool, o.g.n, o.g.warm, clocks, 2, true,
				 round_i);
out:
	if (fflush(stdout) != 0)
		status = 1;
	lvm_close(o.h);
	return status;
}
