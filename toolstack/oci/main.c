/*
 * main.c — lightvm-oci: an OCI runtime whose containers are lvm guests
 * (docs/oci.md). runc's command line, as Docker and containerd's runc
 * shim use it:
 *
 *   lightvm-oci [global options] COMMAND [options] ID [ARG]
 *   global: --root DIR, --log FILE, --log-format text|json,
 *           --systemd-cgroup, --debug, --rootless V, --criu P (accepted;
 *           the last four mean nothing to a guest), --lvm-socket PATH
 *   create [--bundle DIR] [--pid-file FILE] [--console-socket PATH]
 *          [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID
 *   start ID | state ID | kill [--all] ID [SIGNAL] | delete [--force] ID
 *   pause ID | resume ID | ps [--format json|table] ID | features
 *
 * create makes the guest paused and its stand-in (standin.c), start
 * unpauses it. Every error is one line (log.c) and status 1; a failed
 * create leaves no guest, stand-in or state behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "oci.h"
#include "toolstack/common/filecopy.h"

#ifndef LVM_VERSION
#define LVM_VERSION "0.1"
#endif
#define DEFAULT_ROOT "/run/lightvm-oci"

struct opts {
	const char *root;
	const char *cache; /* --cache-dir: Linux VMs made of root fs's */
	const char *sock;
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	const char *format;
	bool force, all;
	const char *cmd;
	const char *pos[2]; /* ID, and kill's SIGNAL */
	int npos;
};

static char errbuf[512];

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	oci_error("%s", msg);
	return 1;
}

/* value: the value of option (name) at argv[*i] ("--x V" or "--x=V"). */
static const char *value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	if (a[0] == '-' && a[1] != '-')
		a++; /* Go's flags take -x as --x */
	else
		a += 2;
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] || *i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static bool is_flag(const char *arg, const char *name)
{
	const char *a = arg[1] == '-' ? arg + 2 : arg + 1;
	size_t n = strlen(name);

	return !strncmp(a, name, n) && (!a[n] || !strcmp(a + n, "=true"));
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: lightvm-oci [--root DIR] [--log FILE] [--log-format "
	    "text|json]\n"
	    "                   [--lvm-socket PATH] [--cache-dir DIR] COMMAND "
	    "[OPTIONS] ID\n"
	    "commands: create [--bundle DIR] [--pid-file F] [--console-socket "
	    "P] ID,\n"
	    "          start ID, state ID, kill [--all] ID [SIGNAL], delete "
	    "[--force] ID,\n"
	    "          pause ID, resume ID, ps [--format json] ID, features\n"
	    "An OCI runtime whose containers are lvm guests (see "
	    "docs/oci.md).\n");
}

/* parse: 0, or 2 with the error line already out (a bad command line). */
static int parse(int argc, char **argv, struct opts *o)
{
	const char *log = NULL, *fmt = "text", *v;
	int i;

	memset(o, 0, sizeof(*o));
	o->root = DEFAULT_ROOT;
	o->cache = OCI_DEFAULT_CACHE;
	o->sock = getenv("LVM_SOCKET");
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if ((v = value(argc, argv, &i, "root")))
			o->root = v;
		else if ((v = value(argc, argv, &i, "log-format")))
			fmt = v;
		else if ((v = value(argc, argv, &i, "log")))
			log = v;
		else if ((v = value(argc, argv, &i, "lvm-socket")))
			o->sock = v;
		else if ((v = value(argc, argv, &i, "cache-dir")))
			o->cache = v;
		else if ((v = value(argc, argv, &i, "rootless")) ||
			 (v = value(argc, argv, &i, "criu")))
			continue;
		else if (is_flag(a, "systemd-cgroup") || is_flag(a, "debug"))
			continue;
		else if (!strcmp(a, "-v") || !strcmp(a, "--version")) {
			o->cmd = "version";
			return 0;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			o->cmd = "help";
			return 0;
		} else {
			oci_log_setup(log, !strcmp(fmt, "json"));
			oci_error("unknown global option '%s'",
				  LVM_ESCAPED(a, 64));
			return 2;
		}
	}
	oci_log_setup(log, !strcmp(fmt, "json"));
	if (strcmp(fmt, "json") && strcmp(fmt, "text")) {
		oci_error("--log-format '%s': not text or json",
			  LVM_ESCAPED(fmt, 32));
		return 2;
	}
	if (i >= argc) {
		oci_error("no command (lightvm-oci --help lists them)");
		return 2;
	}
	o->cmd = argv[i++];
	for (; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !a[1]) {
			if (o->npos == 2) {
				oci_error("%s: too many arguments", o->cmd);
				return 2;
			}
			o->pos[o->npos++] = a;
		} else if ((v = value(argc, argv, &i, "bundle")) ||
			   (v = value(argc, argv, &i, "b"))) {
			o->bundle = v;
		} else if ((v = value(argc, argv, &i, "pid-file"))) {
			o->pid_file = v;
		} else if ((v = value(argc, argv, &i, "console-socket"))) {
			o->console_socket = v;
		} else if ((v = value(argc, argv, &i, "format")) ||
			   (v = value(argc, argv, &i, "f"))) {
			o->format = v;
		} else if ((v = value(argc, argv, &i, "preserve-fds"))) {
			continue;
		} else if (is_flag(a, "force") || is_flag(a, "f")) {
			o->force = true;
		} else if (is_flag(a, "all") || is_flag(a, "a")) {
			o->all = true;
		} else if (is_flag(a, "no-pivot") ||
			   is_flag(a, "no-new-keyring") ||
			   is_flag(a, "detach") || is_flag(a, "d")) {
			continue;
		} else {
			oci_error("%s: unknown option '%s'", o->cmd,
				  LVM_ESCAPED(a, 64));
			return 2;
		}
	}
	return 0;
}

static lvm_t *connect_lvmd(const struct opts *o)
{
	const char *sock = o->sock ? o->sock : LVM_DEFAULT_SOCK;
	lvm_t *h = lvm_open(sock);

	if (!h)
		oci_error(
		    "cannot reach lvmd at %s: %s (is it running? lvmd -d)",
		    sock, strerror(errno));
	return h;
}

/* mkdir_p: (path) and its missing parents, mode 0711. */
static int mkdir_p(const char *path)
{
	char p[PATH_MAX];

	if ((size_t)snprintf(p, sizeof(p), "%s", path) >= sizeof(p))
		return -ENAMETOOLONG;
	for (char *c = p + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(p, 0711) < 0 && errno != EEXIST)
			return -errno;
		*c = '/';
	}
	return mkdir(p, 0711) < 0 && errno != EEXIST ? -errno : 0;
}

/* remove_dir: ROOT/ID and the files in it. */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* send_pty: a new pty's master to (path) (SCM_RIGHTS); its slave in *slave. */
static int send_pty(const char *path, int *slave)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char cbuf[CMSG_SPACE(sizeof(int))], name[] = "/dev/ptmx";
	struct iovec iov = {.iov_base = name, .iov_len = sizeof(name) - 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c;
	struct termios t;
	int m, s, sk, rc = 0;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return -errno;
	if (grantpt(m) < 0 || unlockpt(m) < 0 ||
	    (s = open(ptsname(m), O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		rc = -errno;
		close(m);
		return rc;
	}
	if (tcgetattr(s, &t) == 0) {
		cfmakeraw(&t);
		t.c_oflag |= OPOST | ONLCR; /* guests write bare \n */
		tcsetattr(s, TCSANOW, &t);
	}
	sk = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sk < 0 || connect(sk, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		rc = -errno;
	if (!rc) {
		memset(cbuf, 0, sizeof(cbuf));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &m, sizeof(int));
		if (sendmsg(sk, &msg, 0) < 0)
			rc = -errno;
	}
	if (sk >= 0)
		close(sk);
	close(m);
	if (rc)
		close(s);
	else
		*slave = s;
	return rc;
}

static void now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

/* state_dir: ROOT/ID into (dir), the id checked. */
static int state_dir(const struct opts *o, char *dir, size_t len)
{
	if (o->npos < 1)
		return fail("%s: no container id", o->cmd);
	if (oci_id_check(o->pos[0]))
		return fail(
		    "container id '%s': not 1..%u bytes of [A-Za-z0-9_.+-]",
		    LVM_ESCAPED(o->pos[0], 80), OCI_ID_MAX);
	if ((size_t)snprintf(dir, len, "%s/%s", o->root, o->pos[0]) >= len)
		return fail("--root too long");
	return 0;
}

/* load: ROOT/ID's state; "does not exist" is what the shim looks for. */
static int load(const struct opts *o, char *dir, size_t len,
		struct oci_state *st)
{
	int rc;

	if (state_dir(o, dir, len))
		return 1;
	rc = oci_state_read(dir, st, errbuf, sizeof(errbuf));
	if (rc == -ENOENT)
		return fail("container %s does not exist", o->pos[0]);
	if (rc < 0)
		return fail("container %s: %s", o->pos[0], errbuf);
	return 0;
}

static enum oci_status status_of(const struct oci_state *st)
{
	return oci_standin_alive(st) ? st->status : OCI_STOPPED;
}

struct created {
	lvm_t *h;
	bool guest;
	pid_t standin;
	char dir[PATH_MAX];
};

/* undo: what a failed create made, taken back. */
static int undo(struct created *c, const char *guest)
{
	if (c->guest && c->h)
		lvm_destroy(c->h, guest);
	if (c->standin > 0)
		kill(c->standin, SIGKILL);
	remove_dir(c->dir);
	lvm_close(c->h);
	return 1;
}

/* lvm_build: run lvm-build, the program beside this one (or $LVM_BUILD_BIN),
 * with (argv) (argv[0] left to fill), its output dropped; 0, or 1 with
 * its error line (or why it could not run) out. */
static int lvm_build(const char *program, char **argv)
{
	char self[PATH_MAX], bin[PATH_MAX + 16], msg[1024] = "", *line;
	const char *env = getenv("LVM_BUILD_BIN");
	ssize_t n;
	size_t got = 0;
	int p[2], st;
	pid_t pid;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (env && *env) {
		snprintf(bin, sizeof(bin), "%s", env);
	} else if (n > 0) {
		self[n] = '\0';
		*strrchr(self, '/') = '\0';
		snprintf(bin, sizeof(bin), "%s/lvm-build", self);
	} else {
		return fail("cannot find lvm-build: %s", strerror(errno));
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return fail("pipe: %s", strerror(errno));
	argv[0] = bin;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(p[1], 2);
		execv(bin, argv);
		dprintf(2, "cannot run %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return fail("fork: %s", strerror(errno));
	}
	while (got < sizeof(msg) - 1 &&
	       (n = read(p[0], msg + got, sizeof(msg) - 1 - got)) > 0)
		got += (size_t)n;
	msg[got] = '\0';
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	while (got && (msg[got - 1] == '\n' || msg[got - 1] == '\r'))
		msg[--got] = '\0';
	line = strrchr(msg, '\n') ? strrchr(msg, '\n') + 1 : msg;
	if (!strncmp(line, "lvm build: ", 11))
		line += 11;
	return fail("cannot make a Linux VM of %s: %s", program,
		    *line ? line : "lvm-build failed");
}

/* cpio_entry: one newc entry (a file of (n) bytes, or the trailer when
 * (data) is NULL) to (f). */
static void cpio_entry(FILE *f, const char *name, const char *data, size_t n)
{
	size_t nl = strlen(name) + 1;
	static const char pad[4];

	fprintf(f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		0u, data ? 0100644u : 0u, 0u, 0u, 1u, 0u, n, 0u, 0u, 0u, 0u, nl,
		0u);
	fwrite(name, 1, nl, f);
	fwrite(pad, 1, (4 - (110 + nl) % 4) % 4, f);
	if (n) {
		fwrite(data, 1, n, f);
		fwrite(pad, 1, (4 - n % 4) % 4, f);
	}
}

/*
 * initramfs: (to), the VM's initramfs (from) with a second archive
 * appended that holds this container's /etc/lvm/argv and /etc/lvm/env
 * (the kernel unpacks both, the second over the first). 0 or -errno.
 */
static int initramfs(const char *from, const char *to, const char *argv,
		     size_t argvlen, const char *env, size_t envlen)
{
	static const char zeros[4];
	int rc = lvm_file_copy(from, to);
	FILE *f;
	long end;

	if (rc < 0)
		return rc;
	f = fopen(to, "ae");
	if (!f)
		return -errno;
	end = ftell(f);
	fwrite(zeros, 1, end < 0 ? 0 : (size_t)((4 - end % 4) % 4), f);
	cpio_entry(f, "etc/lvm/argv", argv, argvlen);
	cpio_entry(f, "etc/lvm/env", env, envlen);
	cpio_entry(f, "TRAILER!!!", NULL, 0);
	rc = ferror(f) ? -EIO : 0;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

/*
 * linux_vm: the Linux VM of (program) of the root fs (rootfs), made by
 * lvm build --linux --sysroot from (manifest) into the cache
 * (--cache-dir/HASH, one directory per manifest, locked while in use;
 * lvm build's own build id, over the manifest and every file's bytes,
 * says whether it is up to date), its kernel and initramfs placed in the
 * container's directory (dir) (a later rebuild for another root fs
 * cannot change them under the guest), the initramfs with this
 * container's (argv) and (env) appended, and its config read into (cfg).
 * 0, or 1 with the error out.
 */
static int linux_vm(const struct opts *o, const char *dir,
		    const char *rootfs, const char *program,
		    const char *manifest, const char *argv, size_t argvlen,
		    const char *env, size_t envlen, struct lvm_config *cfg)
{
	char vm[PATH_MAX], path[PATH_MAX + 32], k[PATH_MAX + 32];
	char r[PATH_MAX + 32], *args[10];
	int lock, rc;

	if ((size_t)snprintf(vm, sizeof(vm), "%s/%016llx", o->cache,
			     (unsigned long long)oci_hash(manifest)) >=
	    sizeof(vm))
		return fail("--cache-dir %s: too long", o->cache);
	if ((rc = mkdir_p(vm)) < 0)
		return fail("--cache-dir %s: %s", vm, strerror(-rc));
	snprintf(path, sizeof(path), "%s/lock", vm);
	lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0) {
		rc = fail("%s: %s", path, strerror(errno));
		if (lock >= 0)
			close(lock);
		return rc;
	}
	snprintf(path, sizeof(path), "%s/app.cfg", vm);
	if ((rc = oci_write_file(path, manifest, strlen(manifest))) < 0) {
		close(lock);
		return fail("%s: %s", path, strerror(-rc));
	}
	args[1] = "--linux";
	args[2] = "--quiet";
	args[3] = "--sysroot";
	args[4] = (char *)rootfs;
	args[5] = "--out";
	args[6] = vm;
	args[7] = vm;
	args[8] = NULL;
	if (lvm_build(program, args)) {
		close(lock);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/" OCI_LINUX_NAME ".cfg", vm);
	snprintf(k, sizeof(k), "%s/linux.vmlinuz", dir);
	snprintf(r, sizeof(r), "%s/linux.cpio.xz", dir);
	rc = lvm_config_parse_file(path, cfg, errbuf, sizeof(errbuf));
	if (rc < 0) {
		close(lock);
		return fail("%s", errbuf);
	}
	snprintf(path, sizeof(path), "%s/" OCI_LINUX_NAME ".vmlinuz", vm);
	if ((rc = lvm_file_place(path, k)) == 0) {
		snprintf(path, sizeof(path), "%s/" OCI_LINUX_NAME ".cpio.xz",
			 vm);
		rc = initramfs(path, r, argv, argvlen, env, envlen);
	}
	close(lock);
	if (rc < 0)
		return fail("cannot place %s: %s", path, strerror(-rc));
	if (lvm_config_set_str(&cfg->kernel, k) ||
	    lvm_config_set_str(&cfg->ramdisk, r))
		return fail("out of memory");
	return 0;
}

/* make_guest: have lvmd create (st)'s guest, paused, from (cfg) (its
 * kernel, ramdisk, command line, memory and vCPUs set), and attach its
 * console (*cons); 1 with the error out. */
static int make_guest(const struct opts *o, struct created *c,
		      struct oci_state *st, struct lvm_config *cfg, int *cons)
{
	struct lvm_info info;
	int rc;

	cfg->paused = true;
	cfg->on_poweroff = LVM_ACTION_DESTROY;
	cfg->on_crash = LVM_ACTION_PRESERVE;
	cfg->on_reboot = LVM_ACTION_DESTROY;
	if (lvm_config_set_str(&cfg->name, st->guest))
		return fail("out of memory");
	if (!(c->h = connect_lvmd(o)))
		return 1;
	rc = lvm_create(c->h, cfg, 0, NULL, NULL);
	if (rc < 0)
		return fail("cannot create the guest: %s",
			    lvm_last_error(c->h));
	c->guest = true;
	memset(&info, 0, sizeof(info));
	if (lvm_info(c->h, st->guest, &info) == 0)
		st->domid = info.domid;
	lvm_info_clear(&info);
	*cons = lvm_console_attach(c->h, st->guest);
	if (*cons < 0)
		return fail("cannot attach the guest's console: %s",
			    lvm_last_error(c->h));
	return 0;
}

/* create: the guest (none for a pod sandbox), paused; the stand-in; the
 * state; the pid file. Anything failing takes back what was made. */
static int cmd_create(const struct opts *o)
{
	struct created c = {.standin = -1};
	struct oci_spec spec;
	struct oci_state st = {0};
	struct oci_standin s;
	char bundle[PATH_MAX], image[PATH_MAX], kernel[PATH_MAX + 16];
	char cmdline[OCI_CMDLINE_MAX + 1], pidtxt[32], program[PATH_MAX];
	static char manifest[OCI_LINUX_MANIFEST_MAX];
	static char largv[OCI_LINUX_WORDS_MAX], lenv[OCI_LINUX_WORDS_MAX];
	size_t largvlen = 0, lenvlen = 0;
	struct lvm_config cfg;
	size_t skip = 0;
	uint32_t mb = 0, vcpus = 0;
	int cons = -1, rc, ready[2], slave = -1;
	bool sandbox, as_linux = false, mem_set;
	char byte;

	if (state_dir(o, c.dir, sizeof(c.dir)))
		return 1;
	if (!realpath(o->bundle ? o->bundle : ".", bundle))
		return fail("bundle %s: %s", o->bundle ? o->bundle : ".",
			    strerror(errno));
	if (oci_spec_load(bundle, &spec, errbuf, sizeof(errbuf)))
		return fail("%s", errbuf);
	sandbox = spec.sandbox;
	mem_set = spec.memory_limit != 0;
	/* no lvm image, none named: a Linux VM of the root fs's program */
	rc = sandbox ? 0
		     : oci_spec_image(&spec, image, sizeof(image), &skip,
				      errbuf, sizeof(errbuf));
	if (rc == -ENOENT && !oci_spec_names_image(&spec)) {
		as_linux = true;
		rc = oci_spec_program(&spec, program, sizeof(program), errbuf,
				      sizeof(errbuf)) ?:
		     oci_spec_linux_manifest(&spec, program, manifest,
					     sizeof(manifest), errbuf,
					     sizeof(errbuf)) ?:
		     oci_spec_linux_argv(&spec, program, largv, &largvlen,
					 lenv, &lenvlen, errbuf,
					 sizeof(errbuf));
	}
	if (rc || (!sandbox &&
		   ((!as_linux && oci_spec_cmdline(&spec, skip, cmdline,
						sizeof(cmdline), errbuf,
						sizeof(errbuf))) ||
		    oci_spec_memory_mb(&spec, &mb, errbuf, sizeof(errbuf)) ||
		    oci_spec_vcpus(&spec, &vcpus, errbuf, sizeof(errbuf))))) {
		oci_spec_clear(&spec);
		return fail("%s", errbuf);
	}
	if (spec.terminal && !o->console_socket) {
		oci_spec_clear(&spec);
		return fail("process.terminal is set but no --console-socket "
			    "was given");
	}
	if ((rc = mkdir_p(o->root)) < 0) {
		oci_spec_clear(&spec);
		return fail("--root %s: %s", o->root, strerror(-rc));
	}
	if (mkdir(c.dir, 0700) < 0) {
		rc = errno;
		oci_spec_clear(&spec);
		return fail(rc == EEXIST ? "container %s already exists"
					 : "container %s: %s",
			    o->pos[0], strerror(rc));
	}
	snprintf(st.id, sizeof(st.id), "%s", o->pos[0]);
	st.bundle = strdup(bundle);
	st.rootfs = spec.root;
	spec.root = NULL;
	st.annotations = spec.annotations;
	spec.annotations = NULL;
	oci_spec_clear(&spec);
	if (!st.bundle) {
		fail("out of memory");
		goto bad;
	}
	lvm_config_init(&cfg);
	if (as_linux) {
		/* its memory: the bundle's limit, else the VM's own */
		if (linux_vm(o, c.dir, st.rootfs, program, manifest, largv,
			     largvlen, lenv, lenvlen, &cfg)) {
			lvm_config_clear(&cfg);
			goto bad;
		}
		if (mem_set)
			cfg.memory_mb = mb;
		cfg.vcpus = vcpus;
	} else if (!sandbox) {
		/* the image copied out of the root fs: lvmd may not see the
		 * bundle's mounts, and the file cannot change under the guest */
		snprintf(kernel, sizeof(kernel), "%s/image.xen", c.dir);
		if ((rc = lvm_file_copy(image, kernel)) < 0) {
			fail("cannot copy the image %s: %s", image,
			     strerror(-rc));
			lvm_config_clear(&cfg);
			goto bad;
		}
		cfg.memory_mb = mb;
		cfg.vcpus = vcpus;
		if (lvm_config_set_str(&cfg.kernel, kernel) ||
		    lvm_config_set_str(&cfg.cmdline,
				       cmdline[0] ? cmdline : NULL)) {
			fail("out of memory");
			lvm_config_clear(&cfg);
			goto bad;
		}
	}
	if (!sandbox) {
		oci_guest_name(st.id, st.guest);
		rc = make_guest(o, &c, &st, &cfg, &cons);
		lvm_config_clear(&cfg);
		if (rc)
			goto bad;
	}
	if (o->console_socket &&
	    (rc = send_pty(o->console_socket, &slave)) < 0) {
		fail("console socket %s: %s", o->console_socket, strerror(-rc));
		goto bad;
	}
	if (pipe2(ready, O_CLOEXEC) < 0) {
		fail("pipe: %s", strerror(errno));
		goto bad;
	}
	c.standin = fork();
	if (c.standin == 0) {
		close(ready[0]);
		lvm_close(c.h); /* the parent's connection */
		setsid();
		if (slave >= 0) {
			dup2(slave, 0);
			dup2(slave, 1);
			dup2(slave, 2);
			if (slave > 2)
				close(slave);
		}
		if (chdir("/") < 0) {
			/* nothing holds the bundle busy either way */
		}
		s = (struct oci_standin){
		    .sock = o->sock ? o->sock : LVM_DEFAULT_SOCK,
		    .guest = st.guest,
		    .dir = c.dir,
		    .cons = cons,
		    .in = 0,
		    .out = 1,
		    .err = 2,
		    .ready = ready[1],
		    .program = as_linux ? program : NULL,
		};
		_exit(oci_standin_run(&s));
	}
	close(ready[1]);
	if (cons >= 0)
		close(cons);
	cons = -1;
	if (slave >= 0)
		close(slave);
	slave = -1;
	if (c.standin < 0 || read(ready[0], &byte, 1) != 1) {
		close(ready[0]);
		fail("the stand-in process did not start");
		goto bad;
	}
	close(ready[0]);
	st.pid = c.standin;
	st.pid_start = oci_pid_start(c.standin);
	st.status = OCI_CREATED;
	now_rfc3339(st.created, sizeof(st.created));
	if (oci_state_write(c.dir, &st, errbuf, sizeof(errbuf)) < 0) {
		fail("%s", errbuf);
		goto bad;
	}
	snprintf(pidtxt, sizeof(pidtxt), "%d", (int)c.standin);
	if (o->pid_file &&
	    (rc = oci_write_file(o->pid_file, pidtxt, strlen(pidtxt))) < 0) {
		fail("cannot write the pid file %s: %s", o->pid_file,
		     strerror(-rc));
		goto bad;
	}
	oci_state_clear(&st);
	lvm_close(c.h);
	return 0;
bad:
	if (cons >= 0)
		close(cons);
	if (slave >= 0)
		close(slave);
	undo(&c, st.guest);
	oci_state_clear(&st);
	return 1;
}

/*
 * guest_to: (st)'s guest paused (pause) or unpaused through lvmd and, once
 * it is, the container's state in (dir) written as (to); (verb) names the
 * step in the error line. (st) is cleared. 0, or 1 after one error line.
 */
static int guest_to(const struct opts *o, const char *dir,
		    struct oci_state *st, bool pause, const char *verb,
		    enum oci_status to)
{
	lvm_t *h = connect_lvmd(o);
	int rc;

	if (!h) {
		oci_state_clear(st);
		return 1;
	}
	if ((pause ? lvm_pause(h, st->guest) : lvm_unpause(h, st->guest)) < 0) {
		rc = fail("cannot %s guest %s: %s", verb, st->guest,
			  lvm_last_error(h));
	} else {
		st->status = to;
		rc = oci_state_write(dir, st, errbuf, sizeof(errbuf)) < 0
			     ? fail("%s", errbuf)
			     : 0;
	}
	lvm_close(h);
	oci_state_clear(st);
	return rc;
}

static int cmd_start(const struct opts *o)
{
	char dir[PATH_MAX];
	struct oci_state st;
	int rc;

	if (load(o, dir, sizeof(dir), &st))
		return 1;
	if (status_of(&st) != OCI_CREATED) {
		rc = fail("container %s is %s, not created", st.id,
			  oci_status_name(status_of(&st)));
		oci_state_clear(&st);
		return rc;
	}
	if (!st.guest[0]) { /* a sandbox: nothing to start */
		st.status = OCI_RUNNING;
		rc = oci_state_write(dir, &st, errbuf, sizeof(errbuf)) < 0
			 ? fail("%s", errbuf)
			 : 0;
		oci_state_clear(&st);
		return rc;
	}
	return guest_to(o, dir, &st, false, "start", OCI_RUNNING);
}

static int cmd_state(const struct opts *o)
{
	char dir[PATH_MAX], *json;
	struct oci_state st;

	if (load(o, dir, sizeof(dir), &st))
		return 1;
	json = oci_state_json(&st, status_of(&st));
	oci_state_clear(&st);
	if (!json)
		return fail("out of memory");
	printf("%s\n", json);
	free(json);
	return 0;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},	  {"QUIT", SIGQUIT},
    {"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"WINCH", SIGWINCH},
};

static int parse_signal(const char *s)
{
	char *end;
	long n;

	if (!s)
		return SIGTERM;
	n = strtol(s, &end, 10);
	if (end != s && !*end)
		return n > 0 && n < 65 ? (int)n : -1;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcasecmp(s, signals[i].name))
			return signals[i].sig;
	return -1;
}

/* destroy: mark the guest killed (the stand-in exits 137) and destroy it. */
static int destroy(const struct opts *o, const char *dir,
		   const struct oci_state *st)
{
	char path[PATH_MAX];
	lvm_t *h;
	int rc;

	snprintf(path, sizeof(path), "%s/" OCI_KILLED_MARK, dir);
	close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	if (!st->guest[0]) { /* a sandbox: its stand-in is all there is */
		if (oci_standin_alive(st))
			kill(st->pid, SIGKILL);
		return 0;
	}
	if (!(h = connect_lvmd(o)))
		return 1;
	rc = lvm_destroy(h, st->guest);
	if (rc < 0 && rc != -ESRCH)
		rc = fail("cannot destroy guest %s: %s", st->guest,
			  lvm_last_error(h));
	else
		rc = 0;
	lvm_close(h);
	return rc;
}

static int cmd_kill(const struct opts *o)
{
	char dir[PATH_MAX];
	struct oci_state st;
	int sig = parse_signal(o->npos > 1 ? o->pos[1] : NULL), rc = 0;
	enum oci_status status;

	if (sig < 0)
		return fail("kill: '%s' is not a signal",
			    LVM_ESCAPED(o->pos[1], 32));
	if (load(o, dir, sizeof(dir), &st))
		return 1;
	status = status_of(&st);
	if (status == OCI_STOPPED)
		rc = fail("container %s: container not running", st.id);
	else if (sig == SIGKILL || status == OCI_CREATED)
		/* a guest never started cannot answer a shutdown request */
		rc = destroy(o, dir, &st);
	else if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP ||
		 sig == SIGQUIT)
		rc = kill(st.pid, sig) < 0
			 ? fail("kill %d: %s", (int)st.pid, strerror(errno))
			 : 0;
	/* other signals mean nothing to a guest */
	oci_state_clear(&st);
	return rc;
}

static int cmd_delete(const struct opts *o)
{
	char dir[PATH_MAX];
	struct oci_state st;
	enum oci_status status;
	int rc = 0;

	if (load(o, dir, sizeof(dir), &st))
		return 1;
	status = status_of(&st);
	if (status != OCI_STOPPED && status != OCI_CREATED && !o->force) {
		rc = fail("cannot delete container %s: it is %s (use --force)",
			  st.id, oci_status_name(status));
		oci_state_clear(&st);
		return rc;
	}
	/* a stopped container's guest is normally gone: destroy is then a
	 * no-op, but it also ends a guest whose stand-in was killed */
	if (destroy(o, dir, &st)) {
		oci_state_clear(&st);
		return 1;
	}
	for (int i = 0; i < 100 && oci_standin_alive(&st); i++)
		usleep(10000);
	if (oci_standin_alive(&st))
		kill(st.pid, SIGKILL);
	remove_dir(dir);
	oci_state_clear(&st);
	return rc;
}

static int cmd_pause(const struct opts *o, bool pause)
{
	char dir[PATH_MAX];
	struct oci_state st;
	enum oci_status status;
	int rc;

	if (load(o, dir, sizeof(dir), &st))
		return 1;
	status = status_of(&st);
	if (!st.guest[0]) {
		rc = fail("container %s is a pod sandbox: no guest to %s",
			  st.id, pause ? "pause" : "resume");
		oci_state_clear(&st);
		return rc;
	}
	if (status != (pause ? OCI_RUNNING : OCI_PAUSED)) {
		rc =
		    fail("container %s is %s, not %s", st.id,
			 oci_status_name(status), pause ? "running" : "paused");
		oci_state_clear(&st);
		return rc;
	}
	return guest_to(o, dir, &st, pause, pause ? "pause" : "resume",
			pause ? OCI_PAUSED : OCI_RUNNING);
}

static int cmd_ps(const struct opts *o)
{
	char dir[PATH_MAX];
	struct oci_state st;
	bool alive;

	if (load(o, dir, sizeof(dir), &st))
		return 1;
	alive = oci_standin_alive(&st);
	if (o->format && !strcmp(o->format, "json"))
		printf(alive ? "[%d]\n" : "[]\n", (int)st.pid);
	else if (alive)
		printf("PID\n%d\n", (int)st.pid);
	else
		printf("PID\n");
	oci_state_clear(&st);
	return 0;
}

static int cmd_features(void)
{
	printf("{\n"
	       "  \"ociVersionMin\": \"1.0.0\",\n"
	       "  \"ociVersionMax\": \"1.1.0\",\n"
	       "  \"hooks\": [],\n"
	       "  \"mountOptions\": [],\n"
	       "  \"linux\": {\n"
	       "    \"namespaces\": [],\n"
	       "    \"capabilities\": [],\n"
	       "    \"cgroup\": { \"v1\": false, \"v2\": false, \"systemd\": "
	       "false, "
	       "\"systemdUser\": false },\n"
	       "    \"seccomp\": { \"enabled\": false },\n"
	       "    \"apparmor\": { \"enabled\": false },\n"
	       "    \"selinux\": { \"enabled\": false }\n"
	       "  },\n"
	       "  \"annotations\": {\n"
	       "    \"" OCI_ANNOT_IMAGE
	       "\": \"the guest image, a path in the root file system\"\n"
	       "  }\n"
	       "}\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	int rc = parse(argc, argv, &o);

	if (rc)
		return rc;
	/* create's (run's, exec's) stderr is the container's own */
	oci_log_stderr_too(strcmp(o.cmd, "create") && strcmp(o.cmd, "run") &&
			   strcmp(o.cmd, "exec"));
	if (!strcmp(o.cmd, "version")) {
		printf("lightvm-oci version %s\nspec: 1.1.0\n", LVM_VERSION);
		return 0;
	}
	if (!strcmp(o.cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(o.cmd, "create"))
		return cmd_create(&o);
	if (!strcmp(o.cmd, "start"))
		return cmd_start(&o);
	if (!strcmp(o.cmd, "state"))
		return cmd_state(&o);
	if (!strcmp(o.cmd, "kill"))
		return cmd_kill(&o);
	if (!strcmp(o.cmd, "delete"))
		return cmd_delete(&o);
	if (!strcmp(o.cmd, "pause") || !strcmp(o.cmd, "resume"))
		return cmd_pause(&o, o.cmd[0] == 'p');
	if (!strcmp(o.cmd, "ps"))
		return cmd_ps(&o);
	if (!strcmp(o.cmd, "features"))
		return cmd_features();
	if (!strcmp(o.cmd, "exec") || !strcmp(o.cmd, "run") ||
	    !strcmp(o.cmd, "update") || !strcmp(o.cmd, "checkpoint") ||
	    !strcmp(o.cmd, "restore") || !strcmp(o.cmd, "events"))
		return fail("%s is not supported by lightvm-oci (an lvm guest "
			    "is no process tree)",
			    o.cmd);
	return fail("unknown command '%s' (lightvm-oci --help lists them)",
		    LVM_ESCAPED(o.cmd, 32));
}
