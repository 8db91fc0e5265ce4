/*
 * test_client.c — unit tests for liblvm's client (toolstack/liblvm/
 * client.c) against a fake lvmd: a child process on a UNIX socket that
 * answers each request with scripted bytes. Covers reaching lvmd, error
 * replies, malformed and missing replies, list pages, and the clock of a
 * create's round trip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

#include <lvm.h>

struct fixture {
	char dir[64];
	char sock[128];
	pid_t pid;
};

static int setup(void **state)
{
	struct fixture *f = TEST_FIXTURE_NEW(state, struct fixture, "client");

	if (f)
		snprintf(f->sock, sizeof(f->sock), "%s/lvmd.sock", f->dir);
	return f ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		waitpid(f->pid, NULL, 0);
	}
	return test_fixture_free(f, f->dir);
}

/* frame: a reply as the wire carries it. */
static size_t frame(char *buf, const char *json)
{
	uint32_t n = (uint32_t)strlen(json);

	buf[0] = (char)(n & 0xff);
	buf[1] = (char)(n >> 8 & 0xff);
	buf[2] = (char)(n >> 16 & 0xff);
	buf[3] = (char)(n >> 24);
	memcpy(buf + 4, json, n);
	return 4 + n;
}

/* read_request: consume one framed request; 0, or -1 at EOF. */
static int read_request(int fd)
{
	unsigned char hdr[4];
	char body[65536];
	uint32_t n;

	if (recv(fd, hdr, 4, MSG_WAITALL) != 4)
		return -1;
	n = hdr[0] | hdr[1] << 8 | hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	if (n > sizeof(body) || recv(fd, body, n, MSG_WAITALL) != (ssize_t)n)
		return -1;
	return 0;
}

/*
 * serve: a fake lvmd on f->sock that, for each request of one connection,
 * sends the next of (replies) (NULL-terminated). A reply starting with '!'
 * is sent raw (without the '!', unframed), one starting with '~' framed
 * after 50 ms (without the '~'); "" closes the connection.
 */
static void serve(struct fixture *f, const char *const *replies)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int ls, fd;

	strcpy(sa.sun_path, f->sock);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(ls >= 0);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 4), 0);
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (f->pid > 0) {
		close(ls);
		return;
	}
	fd = accept(ls, NULL, NULL);
	for (int i = 0; fd >= 0 && replies[i]; i++) {
		static char buf[70000];
		size_t n;

		if (read_request(fd) < 0)
			break;
		if (!replies[i][0])
			break;
		if (replies[i][0] == '~') {
			usleep(50000);
			n = frame(buf, replies[i] + 1);
		} else if (replies[i][0] == '!') {
			n = strlen(replies[i] + 1);
			memcpy(buf, replies[i] + 1, n);
		} else {
			n = frame(buf, replies[i]);
		}
		if (write(fd, buf, n) != (ssize_t)n)
			break;
	}
	_exit(0);
}

/* start: serve (replies) on the fixture's socket and connect to it. */
static lvm_t *start(void **state, const char *const *replies)
{
	struct fixture *f = *state;
	lvm_t *h;

	serve(f, replies);
	h = lvm_open(f->sock);
	assert_non_null(h);
	return h;
}

/* restart: close (h), reap the fake lvmd, serve (replies) again. */
static lvm_t *restart(void **state, lvm_t *h, const char *const *replies)
{
	struct fixture *f = *state;

	lvm_close(h);
	waitpid(f->pid, NULL, 0);
	unlink(f->sock);
	return start(state, replies);
}

/* config_a: a valid config for guest "a". */
static void config_a(struct lvm_config *cfg)
{
	lvm_config_init(cfg);
	lvm_config_set_str(&cfg->name, "a");
	lvm_config_set_str(&cfg->kernel, "/k.xen");
}

static void test_open_no_lvmd(void **state)
{
	struct fixture *f = *state;
	FILE *fp;

	errno = 0;
	assert_null(lvm_open(f->sock));
	assert_int_equal(errno, ENOENT);
	fp = fopen(f->sock, "w"); /* a file, not a socket: nobody listens */
	assert_non_null(fp);
	fclose(fp);
	errno = 0;
	assert_null(lvm_open(f->sock));
	assert_int_equal(errno, ECONNREFUSED);
	lvm_close(NULL);
}

static void test_error_reply(void **state)
{
	static const char *const script[] = {
		"{\"ok\":false,\"errno\":17,\"error\":\"name 'a' is taken (domain 3)\"}",
		"{\"ok\":false,\"errno\":3,\"error\":\"no guest 'x'\"}",
		NULL,
	};
	struct lvm_config cfg;
	lvm_t *h;

	h = start(state, script);
	config_a(&cfg);
	assert_int_equal(lvm_create(h, &cfg, 0, NULL, NULL), -EEXIST);
	assert_string_equal(lvm_last_error(h), "name 'a' is taken (domain 3)");
	assert_int_equal(lvm_destroy(h, "x"), -ESRCH);
	assert_string_equal(lvm_last_error(h), "no guest 'x'");
	lvm_config_clear(&cfg);
	lvm_close(h);
}

/* With a busy wait: a reply at once, one after the busy wait has run out
 * (read by the sleeping read that follows), lvmd's refusal and a closed
 * connection all read as without one. */
static void test_busy_wait(void **state)
{
	static const char *const script[] = {
		"{\"ok\":true}",
		"~{\"ok\":true}",
		"~{\"ok\":false,\"errno\":3,\"error\":\"no guest 'x'\"}",
		"",
		NULL,
	};
	lvm_t *h;

	h = start(state, script);
	lvm_set_busy_wait(h, 1000);
	assert_int_equal(lvm_destroy(h, "a"), 0);
	assert_int_equal(lvm_destroy(h, "b"), 0);
	lvm_set_busy_wait(h, LVM_BUSY_WAIT_MAX * 10);
	assert_int_equal(lvm_destroy(h, "x"), -ESRCH);
	assert_string_equal(lvm_last_error(h), "no guest 'x'");
	assert_int_equal(lvm_destroy(h, "c"), -ECONNRESET);
	lvm_set_busy_wait(NULL, 1);
	lvm_close(h);
}

static void test_bad_config_not_sent(void **state)
{
	static const char *const script[] = { NULL };
	struct lvm_config cfg;
	lvm_t *h;

	h = start(state, script);
	config_a(&cfg);
	cfg.memory_mb = 0;
	assert_int_equal(lvm_create(h, &cfg, 0, NULL, NULL), -EINVAL);
	assert_string_equal(lvm_last_error(h),
			    "memory: 0 MiB is out of range (1..4194304 MiB)");
	lvm_config_clear(&cfg);
	lvm_close(h);
}

static void test_malformed_replies(void **state)
{
	static const char *const script[] = {
		"!\xff\xff\xff\xff", /* a length over the limit */
		NULL,
	};
	static const char *const script2[] = { "[1,2]", NULL };
	static const char *const script3[] = { "", NULL };
	static const char *const script4[] = {
		"{\"ok\":true,\"info\":{\"domid\":\"seven\",\"state\":\"running\"}}",
		NULL,
	};
	struct lvm_info info;
	lvm_t *h;

	h = start(state, script);
	assert_int_equal(lvm_pause(h, "g"), -EPROTO);
	assert_non_null(strstr(lvm_last_error(h), "malformed reply"));

	h = restart(state, h, script2);
	assert_int_equal(lvm_unpause(h, "g"), -EPROTO);

	h = restart(state, h, script3);
	assert_int_equal(lvm_shutdown(h, "g", 0), -ECONNRESET);
	assert_non_null(strstr(lvm_last_error(h), "closed the connection"));

	h = restart(state, h, script4);
	assert_int_equal(lvm_info(h, "g", &info), -EPROTO);
	lvm_close(h);
}

#define G(id, name) \
	"{\"name\":\"" name "\",\"domid\":" #id ",\"state\":\"running\",\"managed\":false}"

static void test_list_pages(void **state)
{
	static const char *const script[] = {
		"{\"ok\":true,\"next\":5,\"guests\":[" G(1, "a") "," G(2, "b") "]}",
		"{\"ok\":true,\"next\":9,\"guests\":[" G(5, "c") "]}",
		"{\"ok\":true,\"guests\":[" G(9, "d") "]}",
		NULL,
	};
	struct lvm_info *v;
	size_t n;
	lvm_t *h;

	h = start(state, script);
	assert_int_equal(lvm_list(h, false, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].name, "a");
	assert_int_equal(v[2].domid, 5);
	assert_string_equal(v[3].name, "d");
	lvm_list_free(v, n);
	lvm_close(h);
}

static void test_list_pages_that_loop(void **state)
{
	static const char *const script[] = {
		"{\"ok\":true,\"next\":2,\"guests\":[" G(1, "a") "," G(2, "b") "]}",
		"{\"ok\":true,\"next\":2,\"guests\":[" G(2, "b") "]}",
		NULL,
	};
	static const char *const script2[] = {
		"{\"ok\":true,\"next\":7,\"guests\":[]}",
		NULL,
	};
	struct lvm_info *v;
	size_t n;
	lvm_t *h;

	h = start(state, script);
	assert_int_equal(lvm_list(h, true, &v, &n), -EPROTO);
	assert_null(v);

	h = restart(state, h, script2);
	assert_int_equal(lvm_list(h, true, &v, &n), -EPROTO);
	lvm_close(h);
}

static void test_list_empty(void **state)
{
	static const char *const script[] = { "{\"ok\":true,\"guests\":[]}", NULL };
	struct lvm_info *v;
	size_t n = 99;
	lvm_t *h;

	h = start(state, script);
	assert_int_equal(lvm_list(h, false, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_non_null(v);
	lvm_list_free(v, n);
	lvm_close(h);
}

#define TOP_HEAD "\"time_ns\":5000000000,\"uptime_ns\":4000000000," \
	"\"requests\":12,\"ops\":{\"create\":2,\"top\":10},\"cpu_ns\":7," \
	"\"rss_kib\":3000,\"nguests\":3,\"other_misses\":4," \
	"\"pools\":[{\"memory_mb\":4,\"vcpus\":1,\"target\":2,\"ready\":1," \
	"\"preparing\":1,\"hits\":5,\"misses\":6}]"
#define TG(id, name) "{\"name\":\"" name "\",\"domid\":" #id ",\"state\":\"running\"," \
	"\"vcpus\":1,\"memory_mb\":4,\"cpu_ns\":" #id "000,\"console_bytes\":9," \
	"\"vifs\":[]}"

static void test_top_pages(void **state)
{
	static const char *const script[] = {
		"{\"ok\":true," TOP_HEAD ",\"next\":5,\"guests\":[" TG(1, "a") "," TG(2, "b") "]}",
		"{\"ok\":true,\"guests\":[" TG(5, "c") "]}",
		NULL,
	};
	struct lvm_top t;
	lvm_t *h;

	h = start(state, script);
	assert_int_equal(lvm_top(h, &t), 0);
	assert_int_equal(t.time_ns, 5000000000ull);
	assert_int_equal(t.requests, 12);
	assert_int_equal(t.nops, 2);
	assert_string_equal(t.ops[1].op, "top");
	assert_int_equal(t.ops[1].count, 10);
	assert_int_equal(t.npools, 1);
	assert_int_equal(t.pools[0].hits, 5);
	assert_int_equal(t.other_misses, 4);
	assert_int_equal(t.nguests, 3);
	assert_int_equal(t.nguests_listed, 3);
	assert_string_equal(t.guests[2].name, "c");
	assert_int_equal(t.guests[2].cpu_ns, 5000);
	lvm_top_clear(&t);
	assert_null(t.guests);
	lvm_close(h);
}

static void test_top_refused(void **state)
{
	/* a next not past the page's guests would loop */
	static const char *const loop[] = {
		"{\"ok\":true," TOP_HEAD ",\"next\":2,\"guests\":[" TG(1, "a") "," TG(2, "b") "]}",
		NULL,
	};
	/* an empty page with a next */
	static const char *const empty[] = {
		"{\"ok\":true," TOP_HEAD ",\"next\":7,\"guests\":[]}",
		NULL,
	};
	/* no head on the first page */
	static const char *const headless[] = {
		"{\"ok\":true,\"guests\":[" TG(1, "a") "]}",
		NULL,
	};
	/* a guest without its counters */
	static const char *const partial[] = {
		"{\"ok\":true," TOP_HEAD ",\"guests\":[{\"name\":\"a\",\"domid\":1}]}",
		NULL,
	};
	struct lvm_top t;
	lvm_t *h;

	h = start(state, loop);
	assert_int_equal(lvm_top(h, &t), -EPROTO);
	assert_null(t.guests);
	assert_null(t.pools);
	h = restart(state, h, empty);
	assert_int_equal(lvm_top(h, &t), -EPROTO);
	h = restart(state, h, headless);
	assert_int_equal(lvm_top(h, &t), -EPROTO);
	h = restart(state, h, partial);
	assert_int_equal(lvm_top(h, &t), -EPROTO);
	assert_non_null(strstr(lvm_last_error(h), "malformed"));
	lvm_close(h);
}

/* The client's round trip is on the clock of lvmd's times: the TSC at the
 * reply's tsc_khz, or CLOCK_MONOTONIC without one. Each reply comes 50 ms
 * after its request; at 1 kHz, each TSC tick (well under a ns) reads as a
 * millisecond. */
static void test_create_timing_clock(void **state)
{
	static const char *const script[] = {
		"~{\"ok\":true,\"timing\":{\"total_ns\":7,\"tsc_khz\":1}}",
		"~{\"ok\":true,\"timing\":{\"total_ns\":7}}",
		NULL,
	};
	struct lvm_timing t;
	struct lvm_config cfg;
	lvm_t *h;

	h = start(state, script);
	config_a(&cfg);
	assert_int_equal(lvm_create(h, &cfg, 0, NULL, &t), 0);
	assert_int_equal(t.tsc_khz, 1);
	assert_int_equal(t.total_ns, 7);
	assert_true(t.client_ns > 1000000000000ull);
	assert_int_equal(lvm_create(h, &cfg, 0, NULL, &t), 0);
	assert_int_equal(t.tsc_khz, 0);
	assert_true(t.client_ns >= 50000000u && t.client_ns < 5000000000ull);
	assert_true(t.decode_ns < 5000000000ull);
	lvm_config_clear(&cfg);
	lvm_close(h);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_open_no_lvmd),
		T(test_error_reply),
		T(test_busy_wait),
		T(test_bad_config_not_sent),
		T(test_malformed_replies),
		T(test_list_pages),
		T(test_list_pages_that_loop),
		T(test_list_empty),
		T(test_top_pages),
		T(test_top_refused),
		T(test_create_timing_clock),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
