/*
 * console.c — `lvm console GUEST`: the guest's output so far and as it
 * comes on stdout, stdin to the guest, Ctrl-] detaches. On a terminal,
 * stdin is put in raw mode and restored however the command ends.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

#define DETACH 0x1d /* Ctrl-] */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* write_all: (len) bytes of (buf) to (fd); -1 on failure. */
static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t r;

	while (len) {
		r = write(fd, buf, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

/* pump: copy until the guest is gone, the user detaches, or a signal. */
static int pump(int fd, bool tty)
{
	struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
			       { .fd = 0, .events = POLLIN } };
	bool in_open = true;
	char buf[4096];
	ssize_t n;

	while (!stop) {
		if (poll(p, in_open ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return lvm_errorf("console: poll: %s", strerror(errno));
		}
		if (p[0].revents) {
			n = read(fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return 0; /* lvmd closed it: the guest is gone */
			if (write_all(1, buf, (size_t)n) < 0)
				return 0; /* nobody reads our output any more */
		}
		if (in_open && p[1].revents) {
			n = read(0, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				in_open = false; /* keep showing output */
				continue;
			}
			char *d = tty ? memchr(buf, DETACH, (size_t)n) : NULL;

			if (d)
				n = d - buf;
			if (n > 0 && write_all(fd, buf, (size_t)n) < 0)
				return 0;
			if (d)
				return 0;
		}
	}
	return 0;
}

int lvm_cmd_console(const struct lvm_cli *cli)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct termios saved, raw;
	bool tty = isatty(0) && tcgetattr(0, &saved) == 0;
	lvm_t *h = lvm_connect(cli);
	int fd, rc;

	if (!h)
		return 1;
	fd = lvm_console_attach(h, cli->arg);
	if (fd < 0) {
		rc = lvm_fail(h);
		lvm_close(h);
		return rc;
	}
	lvm_close(h);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (tty) {
		fprintf(stderr, "[console of %s; Ctrl-] detaches]\r\n", cli->arg);
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
	}
	rc = pump(fd, tty);
	if (tty) {
		tcsetattr(0, TCSANOW, &saved);
		fprintf(stderr, "\n[detached]\n");
	}
	close(fd);
	return rc;
}
