/*
 * standin.c — the stand-in: the process a container engine knows as the
 * container's (its pid in --pid-file, the one containerd's shim waits on).
 * A Xen domain has no pid, so this small process lives as long as the
 * guest: it carries the guest's console (attached through lvmd) to its
 * stdout, and its stdin to the console's input; it turns SIGTERM, SIGINT,
 * SIGHUP and SIGQUIT into a shutdown through the guest's device page (in
 * a helper process, so the console keeps flowing); and when the guest is
 * gone it exits with the guest's status (oci.h: OCI_EXIT_*).
 *
 * The guest runs with on_poweroff=destroy and on_crash=preserve: a
 * poweroff drops it at once (lvmd closes the console: no wait), a crash
 * keeps it until the stand-in, looking once a second, sees it crashed and
 * destroys it.
 *
 * A Linux VM's init ends with one console line, "lvm-init: PROGRAM exited
 * with status N" (or "was killed by signal N") and powers off: the
 * stand-in watches for it and exits with N (128 + N) rather than 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci.h"
#include "toolstack/common/clock.h"

#define CHECK_MS 1000 /* how often a crash is looked for */
#define DRAIN_MS 2000 /* the most the console's last output is waited for */

static int sig_w = -1;
static volatile sig_atomic_t stop_sig;

static void on_stop(int sig)
{
	int saved = errno;

	stop_sig = sig;
	if (write(sig_w, "s", 1) < 0) {
		/* the pipe is full: a wake-up is already pending */
	}
	errno = saved;
}

static int write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static void say(const struct oci_standin *s, const char *msg)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "lightvm-oci: %s: %s\n", s->guest,
			 msg);

	if (s->err >= 0 && n > 0)
		(void)write_all(s->err, line, (size_t)n);
}

/* shutdown_helper: a child that asks the guest to power off and waits (lvmd
 * destroys it past LVM_DEFAULT_SHUTDOWN_MS); exits 0 if it powered off,
 * 1 if it was destroyed. */
static pid_t shutdown_helper(const struct oci_standin *s)
{
	pid_t pid = fork();
	lvm_t *h;
	int rc;

	if (pid != 0)
		return pid;
	h = lvm_open(s->sock);
	if (!h)
		_exit(2);
	rc = lvm_shutdown(h, s->guest, 0);
	if (rc == -EOPNOTSUPP) /* no device page to ask through */
		rc = lvm_destroy(h, s->guest) == 0 ? 1 : 2;
	else
		rc = rc == 0 ? 0 : rc == -ESRCH ? 0 : 1;
	lvm_close(h);
	_exit(rc);
}

/* look: the guest's state; -ESRCH when gone, -errno when lvmd cannot say. */
static int look(const struct oci_standin *s, lvm_t **h, enum lvm_state *state)
{
	struct lvm_info info;
	int rc;

	if (!*h && !(*h = lvm_open(s->sock)))
		return -errno;
	memset(&info, 0, sizeof(info));
	rc = lvm_info(*h, s->guest, &info);
	if (rc == 0)
		*state = info.state;
	lvm_info_clear(&info);
	if (rc < 0 && rc != -ESRCH) {
		lvm_close(*h);
		*h = NULL;
	}
	return rc;
}

/* A Linux VM's exit line, looked for in its console, one line at a time. */
struct exit_line {
	char line[PATH_MAX + 64];
	size_t n;
	bool over;  /* this line is longer than (line): not it */
	int status; /* -1 until seen */
};

/* exit_check: (x)'s complete line is init's exit line for (program). */
static void exit_check(struct exit_line *x, const char *program)
{
	static const char *const ends[] = {" exited with status ",
					   " was killed by signal "};
	size_t pl = strlen(program);
	const char *p = x->line + strlen("lvm-init: ");

	x->line[x->n] = '\0';
	if (x->over || strncmp(x->line, "lvm-init: ", 10) ||
	    strncmp(p, program, pl))
		return;
	p += pl;
	for (unsigned i = 0; i < 2; i++) {
		size_t el = strlen(ends[i]);
		char *end;
		long v;

		if (strncmp(p, ends[i], el) || p[el] < '0' || p[el] > '9')
			continue;
		v = strtol(p + el, &end, 10);
		if (*end == '\0' && v >= 0 && v <= 255)
			x->status = i == 0 ? (int)v : (int)(128 + (v & 127));
	}
}

static void exit_scan(struct exit_line *x, const char *program,
		      const char *buf, size_t n)
{
	for (size_t i = 0; program && i < n; i++) {
		if (buf[i] == '\n') {
			exit_check(x, program);
			x->n = 0;
			x->over = false;
		} else if (buf[i] == '\r') {
			continue;
		} else if (x->n < sizeof(x->line) - 1) {
			x->line[x->n++] = buf[i];
		} else {
			x->over = true;
		}
	}
}

static bool killed(const struct oci_standin *s)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/" OCI_KILLED_MARK, s->dir);
	return access(path, F_OK) == 0;
}

/* ended: the guest crashed (destroy it) or is gone; its status. */
static int ended(const struct oci_standin *s, lvm_t **h, pid_t helper)
{
	enum lvm_state state = LVM_STATE_GONE;
	int rc, wst;

	if (helper > 0 && waitpid(helper, &wst, 0) == helper &&
	    WIFEXITED(wst) && WEXITSTATUS(wst) == 1)
		return OCI_EXIT_KILLED;
	if (killed(s))
		return OCI_EXIT_KILLED;
	rc = look(s, h, &state);
	if (rc == -ESRCH)
		return OCI_EXIT_POWEROFF;
	if (rc < 0) {
		say(s, "lvmd went away: the guest's end is unknown");
		return OCI_EXIT_LOST;
	}
	if (state == LVM_STATE_CRASHED) {
		say(s, "the guest crashed");
		lvm_destroy(*h, s->guest);
		return OCI_EXIT_CRASH;
	}
	lvm_destroy(*h, s->guest);
	return state == LVM_STATE_SHUTDOWN ? OCI_EXIT_POWEROFF : OCI_EXIT_LOST;
}

/*
 * forward: one read of the console, copied to the stand-in's output and
 * scanned for the guest's exit line. Returns what read() returned, with
 * an interrupted or empty nonblocking read as 1 (read again later).
 */
static ssize_t forward(const struct oci_standin *s, struct exit_line *xl,
		       char *buf, size_t cap)
{
	ssize_t r = read(s->cons, buf, cap);

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (r > 0) {
		(void)write_all(s->out, buf, (size_t)r);
		exit_scan(xl, s->program, buf, (size_t)r);
	}
	return r;
}

/*
 * drain: what lvmd still has of the console, to the end. The loop above
 * can stop on a look (the guest gone or shut down) rather than on the
 * console's end, and lvmd forwards a guest's last output when it drops
 * the guest (a last drain of its ring), just before it closes the
 * console: a hello that prints and powers off between two looks would
 * have its line still queued in lvmd, or in the socket, when the stand-in
 * exits. So read until lvmd closes the console (ended() has destroyed
 * what was left of the guest, so it does) or DRAIN_MS pass.
 */
static void drain(const struct oci_standin *s, struct exit_line *xl, char *buf,
		  size_t cap)
{
	uint64_t end = lvm_now_ns() + DRAIN_MS * 1000000ull;

	for (;;) {
		uint64_t now = lvm_now_ns();
		struct pollfd p = {.fd = s->cons, .events = POLLIN};
		int n;

		if (now >= end)
			return;
		n = poll(&p, 1, (int)lvm_ms_until(now, end));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		if (forward(s, xl, buf, cap) <= 0)
			return;
	}
}

int oci_standin_run(const struct oci_standin *s)
{
	struct sigaction sa;
	struct pollfd p[3];
	char buf[16384];
	static struct exit_line xl = {.status = -1};
	lvm_t *h = NULL;
	pid_t helper = -1;
	bool in_open = s->in >= 0;
	int pipefd[2], status;

	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0)
		return OCI_EXIT_LOST;
	sig_w = pipefd[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	if (s->ready >= 0) {
		(void)write_all(s->ready, "r", 1);
		close(s->ready);
	}
	while (s->cons < 0 && !stop_sig) /* a sandbox: until told to stop */
		poll(&(struct pollfd){.fd = pipefd[0], .events = POLLIN}, 1,
		     -1);
	if (s->cons < 0)
		return OCI_EXIT_POWEROFF;
	for (;;) {
		int n;

		p[0] = (struct pollfd){.fd = s->cons, .events = POLLIN};
		p[1] = (struct pollfd){.fd = in_open ? s->in : -1,
				       .events = POLLIN};
		p[2] = (struct pollfd){.fd = pipefd[0], .events = POLLIN};
		n = poll(p, 3, CHECK_MS);
		if (n < 0 && errno != EINTR)
			break;
		if (n == 0) {
			enum lvm_state state;
			int rc = look(s, &h, &state);

			if (rc == -ESRCH ||
			    (rc == 0 && (state == LVM_STATE_CRASHED ||
					 state == LVM_STATE_SHUTDOWN)))
				break;
			continue;
		}
		if (n < 0)
			continue;
		if (p[0].revents && forward(s, &xl, buf, sizeof(buf)) <= 0)
			break;
		if (p[1].revents) {
			ssize_t r = read(s->in, buf, sizeof(buf));

			if (r > 0)
				(void)write_all(s->cons, buf, (size_t)r);
			else if (r == 0 || (errno != EINTR && errno != EAGAIN))
				in_open = false;
		}
		if (p[2].revents) {
			while (read(pipefd[0], buf, sizeof(buf)) > 0) {
			}
			if (stop_sig && helper < 0)
				helper = shutdown_helper(s);
		}
	}
	status = ended(s, &h, helper);
	drain(s, &xl, buf, sizeof(buf));
	lvm_close(h);
	if (status == OCI_EXIT_POWEROFF && xl.status >= 0)
		status = xl.status;
	return status;
}
