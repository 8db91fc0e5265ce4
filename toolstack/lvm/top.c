/*
 * top.c — `lvm top [-d SECONDS] [-n ITERATIONS] [--batch] [--json]`: a
 * snapshot of lvmd and its guests (lvm_top()) every SECONDS, with the
 * rates between two (topview.c). On a terminal the screen is cleared and
 * redrawn with plain ANSI sequences and q quits; otherwise (or --batch)
 * text frames follow one another, and --json prints one object per line.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"

#define TOP_DELAY_MS 2000

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* rows: guest lines that fit on a terminal of (ws) under lvmd's lines
 * (0: as many as there are). */
static unsigned rows(const struct lvm_top *t, const struct winsize *ws)
{
	unsigned head = 6 + (unsigned)t->npools;

	if (ws->ws_row <= head + 1)
		return 0;
	return ws->ws_row - head - 1;
}

/* live_frame: a text frame for the terminal, made in memory, then drawn
 * with each line cut to the terminal's width (a line wrapped onto two rows
 * would push the frame's top off the screen). */
static int live_frame(const struct lvm_top *cur, const struct lvm_top_view *v)
{
	struct winsize ws = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0)
		ws = (struct winsize){ 0 };
	m = open_memstream(&buf, &len);
	if (!m)
		return lvm_errorf("out of memory");
	lvm_top_print(m, cur, v, rows(cur, &ws));
	if (fclose(m) == EOF) {
		free(buf);
		return lvm_errorf("out of memory");
	}
	fputs("\033[H\033[2J", stdout);   /* home, clear the screen */
	lvm_top_clip(stdout, buf, len, ws.ws_col);
	free(buf);
	return 0;
}

/* pause_for: wait (ms), or less when q is typed ((keys): stdin is the
 * terminal in raw mode) or a signal came. false: stop. */
static bool pause_for(uint32_t ms, bool keys)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	char ch;
	int r;

	r = poll(&p, keys ? 1 : 0, (int)ms);
	if (stop)
		return false;
	if (r > 0 && keys) {
		if (read(STDIN_FILENO, &ch, 1) != 1)
			return false;     /* the terminal went away */
		if (ch == 'q' || ch == 'Q')
			return false;
	}
	return true;
}

static int frame(const struct lvm_cli *cli, bool live, const struct lvm_top *cur,
		 const struct lvm_top_view *v)
{
	if (cli->json) {
		json_object *o = lvm_top_view_json(cur, v);

		if (!o)
			return lvm_errorf("out of memory");
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else if (live) {
		int rc = live_frame(cur, v);

		if (rc)
			return rc;
	} else {
		lvm_top_print(stdout, cur, v, 0);
	}
	if (fflush(stdout) == EOF)
		return lvm_errorf("top: cannot write the output: %s", strerror(errno));
	return 0;
}

int lvm_cmd_top(const struct lvm_cli *cli)
{
	bool live = !cli->batch && !cli->json && isatty(STDOUT_FILENO);
	bool keys = live && isatty(STDIN_FILENO), raw = false;
	uint32_t delay = cli->delay_ms ? cli->delay_ms : TOP_DELAY_MS;
	struct lvm_top prev = { 0 }, cur;
	struct sigaction sa = { .sa_handler = on_signal };
	struct termios saved, t;
	struct lvm_top_view v;
	bool have_prev = false;
	lvm_t *h = lvm_connect(cli);
	int rc = 0;

	if (!h)
		return 1;
	/* no SA_RESTART: a signal ends the wait at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (keys && tcgetattr(STDIN_FILENO, &saved) == 0) {
		t = saved;
		t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
	}
	for (uint32_t n = 0; !stop;) {
		if (lvm_top(h, &cur) < 0) {
			rc = lvm_fail(h);
			break;
		}
		if (lvm_top_view(have_prev ? &prev : NULL, &cur, &v) < 0) {
			lvm_top_clear(&cur);
			rc = lvm_errorf("out of memory");
			break;
		}
		if (!live && !cli->json && n)
			putchar('\n');            /* frames apart */
		rc = frame(cli, live, &cur, &v);
		lvm_top_view_free(&v);
		lvm_top_clear(&prev);
		prev = cur;
		have_prev = true;
		if (rc || (cli->iterations && ++n >= cli->iterations) ||
		    !pause_for(delay, raw))
			break;
	}
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	lvm_top_clear(&prev);
	lvm_close(h);
	return rc;
}
