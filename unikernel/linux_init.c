/*
 * linux_init.c — /init of a minimal Linux VM made by `lvm build --linux`:
 * no shell, no init system. As PID 1 it says how long after the kernel's
 * clock started it came to run (CLOCK_BOOTTIME: boot to init, as the
 * guest's kernel sees it), mounts what a program expects
 * (/proc, /sys, /dev, /tmp, /run), loads the kernel modules listed in
 * /etc/lvm/modules, configures the first network interface from the
 * kernel command line (lvm.ip=ADDR/PREFIX, lvm.gw=ADDR), runs the program
 * (/etc/lvm/argv and /etc/lvm/env: NUL-separated), reaps every child, and
 * when the program ends prints its exit status on the console and powers
 * the machine off. Installed also as /sbin/poweroff and /sbin/reboot,
 * which the kernel runs when the toolstack asks the guest to stop: under
 * those names it stops the machine at once.
 *
 * Built twice (unikernel/module.mk): static, and linked against the C
 * library (init-shared), which lvm build chooses when the program brings
 * the same library.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 128

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("lvm-init: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void stop(int how)
{
	sync();
	reboot(how);
	for (;;)
		pause();
}

/* read_all: up to (cap - 1) bytes of (path) into (buf), NUL-ended; -1 if
 * it cannot be read. */
static ssize_t read_all(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0, r;

	if (fd < 0)
		return -1;
	while ((size_t)n < cap - 1 && (r = read(fd, buf + n, cap - 1 - (size_t)n)) > 0)
		n += r;
	close(fd);
	buf[n] = '\0';
	return n;
}

/* split: the NUL-separated strings of (buf, n) into (v), NULL-ended. */
static int split(char *buf, ssize_t n, char **v, int max)
{
	int c = 0;

	for (ssize_t i = 0; i < n && c < max - 1; i += (ssize_t)strlen(buf + i) + 1)
		v[c++] = buf + i;
	v[c] = NULL;
	return c;
}

static void mounts(void)
{
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	mkdir("/run", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777");
	mount("tmpfs", "/run", "tmpfs", 0, "mode=0755");
}

static void modules(void)
{
	static char list[16384];
	char *line, *save = NULL;

	if (read_all("/etc/lvm/modules", list, sizeof(list)) < 0)
		return;
	for (line = strtok_r(list, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int fd = open(line, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) != 0)
			if (errno != EEXIST)
				say("cannot load %s: %s", line, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

/* arg: the value of "KEY=" on the kernel command line into (out). */
static int arg(const char *cmdline, const char *key, char *out, size_t cap)
{
	const char *p = cmdline;
	size_t k = strlen(key);

	while ((p = strstr(p, key))) {
		if (p == cmdline || p[-1] == ' ') {
			size_t n = strcspn(p + k, " \n");

			if (n >= cap)
				return -1;
			memcpy(out, p + k, n);
			out[n] = '\0';
			return 0;
		}
		p += k;
	}
	return -1;
}

static int ifreq_addr(int s, unsigned long op, const char *dev, in_addr_t a)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = a;
	return ioctl(s, op, &ifr);
}

static int up(int s, const char *dev)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	return ioctl(s, SIOCSIFFLAGS, &ifr);
}

static void network(void)
{
	char cmdline[4096], ip[64], gw[64], *slash;
	struct in_addr addr, gwa;
	struct stat st;
	struct rtentry rt;
	struct sockaddr_in *sin;
	unsigned prefix = 24;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	up(s, "lo");
	if (read_all("/proc/cmdline", cmdline, sizeof(cmdline)) < 0 ||
	    arg(cmdline, "lvm.ip=", ip, sizeof(ip)) < 0)
		goto out;
	slash = strchr(ip, '/');
	if (slash) {
		*slash = '\0';
		prefix = (unsigned)atoi(slash + 1);
	}
	if (inet_pton(AF_INET, ip, &addr) != 1 || prefix > 32) {
		say("lvm.ip=%s: not ADDR/PREFIX", ip);
		goto out;
	}
	/* netfront's device appears once its module is loaded and the
	 * backend answers: wait for it up to 5 s. */
	for (int i = 0; i < 500 && stat("/sys/class/net/eth0", &st) < 0; i++)
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	if (ifreq_addr(s, SIOCSIFADDR, "eth0", addr.s_addr) < 0 ||
	    ifreq_addr(s, SIOCSIFNETMASK, "eth0",
		       prefix ? htonl(~0u << (32 - prefix)) : 0) < 0 ||
	    up(s, "eth0") < 0) {
		say("cannot configure eth0 as %s/%u: %s", ip, prefix,
		    strerror(errno));
		goto out;
	}
	if (arg(cmdline, "lvm.gw=", gw, sizeof(gw)) == 0 &&
	    inet_pton(AF_INET, gw, &gwa) == 1) {
		memset(&rt, 0, sizeof(rt));
		sin = (struct sockaddr_in *)&rt.rt_gateway;
		sin->sin_family = AF_INET;
		sin->sin_addr = gwa;
		((struct sockaddr_in *)&rt.rt_dst)->sin_family = AF_INET;
		((struct sockaddr_in *)&rt.rt_genmask)->sin_family = AF_INET;
		rt.rt_flags = RTF_UP | RTF_GATEWAY;
		if (ioctl(s, SIOCADDRT, &rt) < 0)
			say("cannot route through %s: %s", gw, strerror(errno));
	}
out:
	close(s);
}

int main(int argc, char **argv)
{
	static char argbuf[65536], envbuf[65536];
	char *args[MAX_ARGS], *env[MAX_ARGS];
	const char *me = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	ssize_t na, ne;
	pid_t app, pid;
	struct timespec up;
	int st;

	(void)argc;
	if (strcmp(me, "poweroff") == 0)
		stop(RB_POWER_OFF);
	if (strcmp(me, "reboot") == 0)
		stop(RB_AUTOBOOT);
	if (getpid() != 1) {
		say("not process 1; run as the kernel's init");
		return 1;
	}
	clock_gettime(CLOCK_BOOTTIME, &up);
	say("up %ld.%03ld s after the kernel started", (long)up.tv_sec,
	    up.tv_nsec / 1000000);
	mounts();
	modules();
	network();
	na = read_all("/etc/lvm/argv", argbuf, sizeof(argbuf));
	ne = read_all("/etc/lvm/env", envbuf, sizeof(envbuf));
	if (na <= 0 || split(argbuf, na, args, MAX_ARGS) == 0) {
		say("no program in /etc/lvm/argv");
		stop(RB_POWER_OFF);
	}
	split(envbuf, ne < 0 ? 0 : ne, env, MAX_ARGS);
	app = fork();
	if (app == 0) {
		setsid();
		execve(args[0], args, env);
		say("cannot run %s: %s", args[0], strerror(errno));
		_exit(127);
	}
	if (app < 0) {
		say("fork: %s", strerror(errno));
		stop(RB_POWER_OFF);
	}
	for (;;) {
		pid = wait(&st);
		if (pid < 0 && errno == ECHILD)
			break;
		if (pid == app)
			break;
	}
	if (WIFEXITED(st))
		say("%s exited with status %d", args[0], WEXITSTATUS(st));
	else
		say("%s was killed by signal %d", args[0], WTERMSIG(st));
	stop(RB_POWER_OFF);
	return 0;
}
