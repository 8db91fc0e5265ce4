/*
 * main.c — lvmd: the dom0 daemon behind lvm. Options, startup, daemon
 * mode, shutdown. The work is in loop.c and what it calls (see lvmd.h).
 *
 *   lvmd [-f | -d] [-s SOCKET] [-S STATE_DIR] [-c CONFIG] [-P MEM:VCPUS:N]...
 *        [-L BYTES] [-R BURST:MS] [-B MIB] [-K N] [-v]
 *
 * Its own log: each call site at most LVMD_LOG_BURST lines in a row, then
 * one every LVMD_LOG_INTERVAL_MS (log.h; -R); in daemon mode
 * STATE_DIR/lvmd.log, moved to lvmd.log.1 (replacing it) once it passes
 * its cap (-L).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "client.h"
#include "conf.h"
#include "vifaddr.h"
#include "guest.h"
#include "lvmd.h"
#include "toolstack/engine/code.h"
#include "toolstack/engine/log.h"
#include "toolstack/engine/steps.h"
#include "toolstack/common/clock.h"
#include "toolstack/engine/uuid.h"

#define LVMD_CONF "/etc/lvm/lvmd.conf"
#define LVMD_STR_(x) #x
#define LVMD_STR(x) LVMD_STR_(x)
#define LVMD_LOG_BURST 100           /* lines of one call site in a row */
#define LVMD_LOG_INTERVAL_MS 100     /* then one every so often */
#define LVMD_LOG_CAP (4u << 20)      /* lvmd.log, before it moves to .1 */
#define LVMD_LOG_CAP_MIN 1024u

static const char usage[] =
	"usage: lvmd [-f | -d] [-s SOCKET] [-S STATE_DIR] [-c CONFIG]\n"
	"            [-P MEM:VCPUS:N]... [-L BYTES] [-R BURST:MS]\n"
	"            [-B MIB] [-K N] [-b BRIDGE] [-n A.B.C.D/P] [-N] [-x] [-v]\n"
	"\n"
	"The lvm daemon: creates guests for `lvm`, serves their consoles and\n"
	"lifecycle requests, reaps them. Runs as root in a Xen dom0.\n"
	"\n"
	"  -f            stay in the foreground, log to stderr (the default)\n"
	"  -d            run as a daemon; log to STATE_DIR/lvmd.log; returns\n"
	"                once the socket accepts requests\n"
	"  -s SOCKET     the socket (default STATE_DIR/lvmd.sock, that is\n"
	"                " LVM_DEFAULT_SOCK ")\n"
	"  -S STATE_DIR  registry, console logs, pid, log (default "
	LVM_DEFAULT_STATE_DIR ")\n"
	"  -c CONFIG     the configuration file (default " LVMD_CONF "; a\n"
	"                missing default is no error). Lines:\n"
	"                `pool MEM VCPUS N [IMAGE]` (keep N shells of MEM MiB\n"
	"                and VCPUS vCPUs ready; with IMAGE, an absolute path,\n"
	"                built ahead for that image),\n"
	"                `console_log_budget MIB`, `console_logs_kept N` (as\n"
	"                -B and -K), `bridge NAME`, `subnet A.B.C.D/P`,\n"
	"                `bridge_create yes|no` (as -b, -n, -N),\n"
	"                `xenstore_names yes|no` (no: as -x),\n"
	"                `share_code yes|no` (default yes: the guests of one\n"
	"                image of our library OS map one read-only copy of\n"
	"                its code),\n"
	"                `data_path_yield yes|no` (default yes: the vifs' data\n"
	"                path runs as SCHED_IDLE while dom0 has CPU to spare,\n"
	"                so that traffic does not delay a create), '#' comments\n"
	"  -P MEM:VCPUS:N[:IMAGE]  keep N pre-created shells of MEM MiB and\n"
	"                VCPUS vCPUs ready, built ahead for IMAGE if given\n"
	"                (repeatable; after the file's pools)\n"
	"  -L BYTES      lvmd.log's cap (daemon mode; default 4194304, at\n"
	"                least 1024): past it, the log moves to lvmd.log.1\n"
	"                (replacing it) and starts anew\n"
	"  -R BURST:MS   each line of lvmd's code is logged at most BURST\n"
	"                times in a row, then once every MS milliseconds; one\n"
	"                line counts those dropped (default 100:100; 0:0: no\n"
	"                limit)\n"
	"  -B MIB        all console logs together: past this, the logs of\n"
	"                gone guests are removed, oldest first (default "
	LVMD_STR(LVMD_LOG_BUDGET_MB) ")\n"
	"  -K N          logs of gone guests kept at most (default "
	LVMD_STR(LVMD_LOGS_KEPT) ")\n"
	"  -b BRIDGE     the bridge the guests' vifs go on (default lvmbr0)\n"
	"  -n A.B.C.D/P  the bridge's own address and its subnet's prefix\n"
	"                (8..30; default 198.18.0.1/16): the guests' gateway;\n"
	"                guests get the subnet's other addresses\n"
	"  -N            never create the bridge (bridge_create no): a vif\n"
	"                on a missing bridge is refused\n"
	"  -x            do not publish noxs guests' names in XenStore\n"
	"                (xenstore_names no; by default, when xenstored runs,\n"
	"                each is written there after its create, for xl list\n"
	"                and xentop)\n"
	"  -v            log debug messages too, among them one line per\n"
	"                create: its builder's steps and what its unpause\n"
	"                let the guest do (one more hypercall each)\n"
	"  -h            this text\n";

#define MAX_P 16
#define LOG_BUDGET_MAX_MB 65536
#define LOGS_KEPT_MAX 100000

struct opts {
	const char *sock, *state, *conf;
	const char *budget, *kept;   /* -B, -K */
	const char *bridge, *subnet; /* -b, -n */
	bool no_bridge_create;       /* -N */
	bool no_xs_names;            /* -x */
	const char *pools[MAX_P];
	unsigned npools;
	unsigned long long log_cap;
	unsigned log_burst, log_interval_ms;
	bool daemon, verbose;
};

static struct lvmd *the_lvmd;
static bool log_stamps;
static int startup_fd = -1; /* daemon mode: the terminal, until ready */
/* daemon mode: lvmd.log (stdout and stderr), its size and its cap */
static char log_path[PATH_MAX];
static unsigned long long log_bytes, log_cap;

/*
 * log_rotate: lvmd.log (and whatever else wrote to stderr, libxenctrl's
 * lines for one) passed its cap: move it to lvmd.log.1, replacing that,
 * and start it anew. Called under the log's lock (log.h).
 */
static void log_rotate(void)
{
	char old[PATH_MAX + 2];
	struct stat st;
	int fd;

	if (fstat(2, &st) == 0 && (unsigned long long)st.st_size <= log_cap) {
		log_bytes = (unsigned long long)st.st_size;
		return;
	}
	snprintf(old, sizeof(old), "%s.1", log_path);
	if (rename(log_path, old) < 0) {
		/* cannot move it: keep it from growing instead */
		if (ftruncate(2, 0) == 0)
			log_bytes = 0;
		return;
	}
	fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (ftruncate(2, 0) == 0)
			log_bytes = 0;
		return;
	}
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	log_bytes = 0;
}

static void on_log(void *arg, enum lvm_log_level level, int errnum,
		   const char *msg)
{
	char stamp[32] = "";
	time_t now;
	struct tm tm;
	int n;

	(void)arg;

	if (log_stamps) {
		now = time(NULL);
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S ", &tm);
	}
	if (log_path[0] && log_bytes > log_cap)
		log_rotate();
	if (errnum)
		n = fprintf(stderr, "%slvmd: %s: %s\n", stamp, msg,
			    strerror(errnum));
	else
		n = fprintf(stderr, "%slvmd: %s\n", stamp, msg);
	if (n > 0)
		log_bytes += (unsigned)n;
	/* While a daemon starts, its errors also reach whoever started it. */
	if (startup_fd >= 0 && level >= LVM_LOG_ERROR)
		dprintf(startup_fd, "lvmd: %s%s%s\n", msg, errnum ? ": " : "",
			errnum ? strerror(errnum) : "");
}

static void on_signal(int sig)
{
	(void)sig;
	if (the_lvmd)
		the_lvmd->stop = 1;
}

/* parse_rate: -R's "BURST:MS" into (o). 0 or -EINVAL. */
static int parse_rate(const char *arg, struct opts *o)
{
	unsigned long v[2];
	const char *p = arg;
	char *end;

	for (int i = 0; i < 2; i++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (errno || v[i] >= 1000000 || *end != (i ? '\0' : ':'))
			return -EINVAL;
		p = end + 1;
	}
	o->log_burst = (unsigned)v[0];
	o->log_interval_ms = (unsigned)v[1];
	return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	int c;

	char *end;

	*o = (struct opts){ .state = LVM_DEFAULT_STATE_DIR,
			    .log_cap = LVMD_LOG_CAP,
			    .log_burst = LVMD_LOG_BURST,
			    .log_interval_ms = LVMD_LOG_INTERVAL_MS };
	while ((c = getopt(argc, argv, "fds:S:c:P:L:R:B:K:b:n:Nxvh")) != -1) {
		switch (c) {
		case 'f': o->daemon = false; break;
		case 'd': o->daemon = true; break;
		case 's': o->sock = optarg; break;
		case 'S': o->state = optarg; break;
		case 'c': o->conf = optarg; break;
		case 'P':
			if (o->npools == MAX_P)
				return -EINVAL;
			o->pools[o->npools++] = optarg;
			break;
		case 'L':
			errno = 0;
			o->log_cap = strtoull(optarg, &end, 10);
			if (errno || *end || optarg[0] < '0' || optarg[0] > '9' ||
			    o->log_cap < LVMD_LOG_CAP_MIN) {
				fprintf(stderr, "lvmd: -L '%s': want a number of bytes, at least %u\n",
					LVM_ESCAPED(optarg, 40), LVMD_LOG_CAP_MIN);
				exit(2);
			}
			break;
		case 'R':
			if (parse_rate(optarg, o) < 0) {
				fprintf(stderr, "lvmd: -R '%s': want BURST:MS, two numbers below 1000000 (0:0: no limit)\n",
					LVM_ESCAPED(optarg, 40));
				exit(2);
			}
			break;
		case 'B': o->budget = optarg; break;
		case 'K': o->kept = optarg; break;
		case 'b': o->bridge = optarg; break;
		case 'n': o->subnet = optarg; break;
		case 'N': o->no_bridge_create = true; break;
		case 'x': o->no_xs_names = true; break;
		case 'v': o->verbose = true; break;
		case 'h':
			fputs(usage, stdout);
			lvmd_backends_usage(stdout);
			exit(0);
		default: return -EINVAL;
		}
	}
	if (optind != argc)
		return -EINVAL;
	return 0;
}

/* pool_add: one pool from "MEM:VCPUS:N[:IMAGE]" ((where) names it in
 * errors). */
static int pool_add(struct lvmd *l, const char *spec, const char *where)
{
	char image[LVMD_POOL_IMAGE_MAX];
	uint32_t m, v, t;
	int rc;

	if (lvmd_pool_parse(spec, &m, &v, &t, image) < 0) {
		lvm_log_err(0, "%s: bad pool '%s': want MEM VCPUS N [IMAGE] (MiB, vCPUs, shells, N at most %d; an absolute path)",
			    where, LVM_ESCAPED(spec, 200), LVMD_POOL_TARGET_MAX);
		return -EINVAL;
	}
	rc = lvmd_pools_set(l, m, v, t, image);
	if (rc < 0)
		return lvm_log_err(-rc, "%s: pool %u MiB x %u vCPUs", where, m, v);
	return 0;
}

/* number: (s), a decimal in [lo, hi], into (*out); else one error line
 * naming (what) at (where). */
static int number(const char *s, unsigned lo, unsigned hi, unsigned *out,
		  const char *what, const char *where)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < lo || v > hi) {
		lvm_log_err(0, "%s: bad %s '%s': want a number from %u to %u",
			    where, what, LVM_ESCAPED(s, 40), lo, hi);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

/* log_budget: the console logs' budget (MiB) from (s). */
static int log_budget(struct lvmd *l, const char *s, const char *where)
{
	unsigned mb;

	if (number(s, 1, LOG_BUDGET_MAX_MB, &mb, "console log budget (MiB)",
		   where) < 0)
		return -EINVAL;
	l->log_budget = (uint64_t)mb << 20;
	return 0;
}

/* net_setting: a network setting (k) with its (spec), from (where). */
static int net_setting(struct lvmd *l, int k, const char *spec,
		       const char *where)
{
	char err[256];

	if (lvmd_netconf_set(&l->net, k, spec, err, sizeof(err)) < 0) {
		lvm_log_err(0, "%s: %s", where, err);
		return -EINVAL;
	}
	return 0;
}

/* setting: one line's setting (k, from lvmd_conf_line()) with its
 * (spec). */
static int setting(struct lvmd *l, int k, const char *spec, const char *where)
{
	if (k == LVMD_CONF_XS_NAMES || k == LVMD_CONF_SHARE_CODE) {
		char err[256];

		if (lvmd_conf_yesno(k, spec,
				    k == LVMD_CONF_XS_NAMES ? &l->xs_names :
							      &l->share_code,
				    err, sizeof(err)) < 0) {
			lvm_log_err(0, "%s: %s", where, err);
			return -EINVAL;
		}
		return 0;
	}
	if (k >= LVMD_CONF_BRIDGE)
		return net_setting(l, k, spec, where);
	if (k == LVMD_CONF_LOG_BUDGET)
		return log_budget(l, spec, where);
	if (k == LVMD_CONF_LOGS_KEPT)
		return number(spec, 0, LOGS_KEPT_MAX, &l->logs_kept,
			      "count of kept console logs", where);
	return pool_add(l, spec, where);
}

/* read_conf: the configuration file; a missing default file is fine. */
static int read_conf(struct lvmd *l, const char *path, bool must)
{
	char line[LVMD_POOL_IMAGE_MAX + 64], where[PATH_MAX + 32];
	unsigned n = 0;
	int rc = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		if (!must && errno == ENOENT)
			return 0;
		return lvm_log_err(errno, "cannot open %s", path);
	}
	while (fgets(line, sizeof(line), f)) {
		const char *spec;

		n++;
		rc = lvmd_conf_line(line, &spec);
		if (rc == 0)
			continue;
		snprintf(where, sizeof(where), "%s:%u", path, n);
		if (rc < 0) {
			lvm_log_err(0, "%s: unknown setting (want `pool MEM VCPUS N [IMAGE]`, `console_log_budget MIB`, `console_logs_kept N`, `bridge NAME`, `subnet A.B.C.D/P`, `bridge_create yes|no`, `xenstore_names yes|no`, `share_code yes|no` or `data_path_yield yes|no`)",
				    where);
			break;
		}
		rc = setting(l, rc, spec, where);
		if (rc < 0)
			break;
	}
	fclose(f);
	return rc;
}

static int mkdir_p(const char *path)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return lvm_log_err(errno, "cannot create %s", path);
	return 0;
}

/* lock: one lvmd per state directory; the fd stays open. */
static int lock_state(const char *state)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/lvmd.lock", state);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return lvm_log_err(errno, "cannot open %s", path);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		close(fd);
		return lvm_log_err(e == EWOULDBLOCK ? EBUSY : e,
				   "another lvmd uses %s", state);
	}
	return fd;
}

static int open_xen(struct lvmd *l)
{
	int fd, fl;

	l->xch = xc_interface_open(NULL, NULL, 0);
	l->xce = xenevtchn_open(NULL, 0);
	l->xfm = xenforeignmemory_open(NULL, 0);
	if (!l->xch || !l->xce || !l->xfm)
		return lvm_log_err(errno ? errno : EIO,
				   "cannot open the hypervisor interfaces (is this a Xen dom0 with xenfs mounted and the Xen modules loaded?)");
	fd = xenevtchn_fd(l->xce);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return lvm_log_err(errno, "event channel fd");
	l->virq_port = xenevtchn_bind_virq(l->xce, VIRQ_DOM_EXC);
	if (l->virq_port < 0) {
		l->virq_port = -1;
		lvm_log_info("VIRQ_DOM_EXC is held by another dom0 process (xenstored?): noxs guests' exits seen through their sysctl events, all domains checked every %d ms",
			     LVMD_REAP_POLL_MS);
	}
	return 0;
}

static void close_xen(struct lvmd *l)
{
	lvmd_pools_stop(l);
	if (l->xch)
		lvm_code_drop_all(l->xch);
	while (l->guests) {
		struct guest *g = l->guests;

		l->guests = g->next;
		lvmd_guest_detach(l, g);
		lvmd_guest_free(g);
	}
	while (l->clients)
		lvmd_client_close(l, l->clients);
	lvmd_backends_teardown(l);
	lvmd_loader_stop(l);
	lvmd_images_free(l);
	if (l->xfm)
		xenforeignmemory_close(l->xfm);
	lvmd_xs_close(l);
	if (l->xce)
		xenevtchn_close(l->xce);
	if (l->xch)
		xc_interface_close(l->xch);
	lvmd_ports_free(l);
}

/* daemonize: fork; the parent returns only in the child's stead, with the
 * exit status to use once the child said it is ready (or died). */
static int daemonize(int *ready_fd)
{
	int p[2];
	pid_t pid;
	char b;

	if (pipe2(p, O_CLOEXEC) < 0)
		return lvm_log_err(errno, "pipe");
	pid = fork();
	if (pid < 0)
		return lvm_log_err(errno, "fork");
	if (pid > 0) {
		close(p[1]);
		exit(read(p[0], &b, 1) == 1 && b == 'R' ? 0 : 1);
	}
	close(p[0]);
	setsid();
	*ready_fd = p[1];
	return 0;
}

/* detach_stdio: stdin from /dev/null, stdout and stderr to the log,
 * STATE/lvmd.log, capped at (cap) bytes. */
static int detach_stdio(const char *state, unsigned long long cap)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/lvmd.log", state);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return lvm_log_err(errno, "cannot open %s", path);
	snprintf(log_path, sizeof(log_path), "%s", path);
	log_cap = cap;
	log_bytes = fstat(fd, &st) == 0 ? (unsigned long long)st.st_size : 0;
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	return 0;
}

static void write_pid(const char *state)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/lvmd.pid", state);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%d\n", (int)getpid());
		fclose(f);
	}
}

/*
 * raise_fd_limit: lvmd holds a descriptor per guest (its console log); the
 * usual soft limit of 1024 would cap it near a thousand guests, and the
 * usual hard limit of 4096 near four thousand. As root (lvmd always is in
 * a dom0) both go to LVMD_FD_LIMIT at least; otherwise, or if that is
 * refused, the soft limit goes up to the hard one, which needs no
 * privilege.
 */
static void raise_fd_limit(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_max < LVMD_FD_LIMIT) {
		struct rlimit want = { LVMD_FD_LIMIT, LVMD_FD_LIMIT };

		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return;
	}
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &r) != 0)
			lvm_log_warn(errno, "cannot raise the descriptor limit");
	}
}

/*
 * set_instance: this lvmd's identity in its domains' uuids, from the
 * canonical path of its registry (uuid.h): a second lvmd on another state
 * directory (-S) neither takes nor destroys this one's domains.
 */
static int set_instance(struct lvmd *l)
{
	char real[PATH_MAX];

	if (!realpath(l->reg_dir, real))
		return lvm_log_err(errno, "cannot resolve %s", l->reg_dir);
	l->instance = lvm_uuid_instance_of(real);
	lvm_log_debug("instance %08x (%s)", l->instance, real);
	return 0;
}

int main(int argc, char **argv)
{
	static struct lvmd l;
	struct sigaction sa = { .sa_handler = on_signal };
	char sock[PATH_MAX];
	sigset_t block;
	struct opts o;
	int ready_fd = -1, lock_fd = -1, rc;

	if (parse(argc, argv, &o) < 0) {
		fputs(usage, stderr);
		return 2;
	}
	lvm_log_set(on_log, NULL, o.verbose ? LVM_LOG_DEBUG : LVM_LOG_INFO);
	lvm_log_limit(o.log_burst, o.log_interval_ms);
	if (geteuid() != 0) {
		lvm_log_err(0, "must run as root");
		return 1;
	}
	raise_fd_limit();
	l.listen_fd = -1;
	l.virq_port = -1;
	l.start_ns = lvm_now_ns();
	l.hooks = &lvmd_client_hooks;
	l.probe = o.verbose;
	l.log_budget = (uint64_t)LVMD_LOG_BUDGET_MB << 20;
	l.logs_kept = LVMD_LOGS_KEPT;
	lvmd_netconf_default(&l.net);
	if (lvmd_pools_init(&l) < 0) {
		lvm_log_err(ENOMEM, "cannot set up the pools");
		return 1;
	}
	l.state_dir = o.state;
	if (o.sock) {
		l.sock_path = o.sock;
	} else {
		snprintf(sock, sizeof(sock), "%s/lvmd.sock", o.state);
		l.sock_path = sock;
	}
	snprintf(l.reg_dir, sizeof(l.reg_dir), "%s/registry", o.state);
	if (o.daemon && daemonize(&ready_fd) < 0)
		return 1;
	the_lvmd = &l;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	rc = 1;
	if (mkdir_p(o.state) < 0 || mkdir_p(l.reg_dir) < 0)
		goto out;
	if (o.daemon) {
		startup_fd = dup(2);
		if (detach_stdio(o.state, o.log_cap) < 0)
			goto out;
		log_stamps = true;
	}
	lock_fd = lock_state(o.state);
	if (lock_fd < 0)
		goto out;
	if (set_instance(&l) < 0)
		goto out;
	l.xs_names = true;
	l.share_code = true;
	if (read_conf(&l, o.conf ? o.conf : LVMD_CONF, o.conf != NULL) < 0)
		goto out;
	if (o.no_xs_names)
		l.xs_names = false;
	for (unsigned i = 0; i < o.npools; i++)
		if (pool_add(&l, o.pools[i], "-P") < 0)
			goto out;
	if ((o.budget && log_budget(&l, o.budget, "-B") < 0) ||
	    (o.kept && number(o.kept, 0, LOGS_KEPT_MAX, &l.logs_kept,
			      "count of kept console logs", "-K") < 0) ||
	    (o.bridge && net_setting(&l, LVMD_CONF_BRIDGE, o.bridge, "-b") < 0) ||
	    (o.subnet && net_setting(&l, LVMD_CONF_SUBNET, o.subnet, "-n") < 0) ||
	    (o.no_bridge_create &&
	     net_setting(&l, LVMD_CONF_BRIDGE_CREATE, "no", "-N") < 0))
		goto out;
	if (open_xen(&l) < 0 || lvmd_backends_setup(&l) < 0 ||
	    lvmd_listen(&l) < 0)
		goto out;
	/* Steps timed on dom0's TSC from here on, at Xen's rate (the
	 * sysctl backend's setup read it), before any thread times one
	 * (steps.h). */
	lvm_steps_on_tsc(l.tsc_khz);
	lvmd_adopt(&l);
	lvm_code_enable(l.share_code, l.instance, lvmd_names_holder, &l);
	if (lvmd_pools_start(&l) < 0)
		goto out;
	write_pid(o.state);
	lvm_log_info("listening on %s (state in %s, %u guests adopted)",
		     l.sock_path, o.state, l.nguests);
	if (ready_fd >= 0) {
		if (write(ready_fd, "R", 1) != 1)
			goto out;
		close(ready_fd);
		ready_fd = -1;
		close(startup_fd);
		startup_fd = -1;
	}
	rc = lvmd_run(&l) < 0 ? 1 : 0;
	lvm_log_flush();
	lvm_log_info("stopping; %u guests keep running and are adopted at the next start",
		     l.nguests);
out:
	if (l.listen_fd >= 0) {
		close(l.listen_fd);
		unlink(l.sock_path);
	}
	close_xen(&l);
	lvmd_vifaddr_free(&l);
	if (lock_fd >= 0)
		close(lock_fd);
	return rc;
}
