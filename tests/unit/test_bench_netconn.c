/*
 * test_bench_netconn.c — unit tests for bench/netconn.c: the address and
 * port parsing, and the connect retried until a deadline (a refused port
 * times out after many tries, a listener that comes up late is reached,
 * a check that fails ends the tries with its value, tries not answered
 * within their step stay open, at most LVM_NETCONN_OPEN_MAX, and none is
 * left open at the end).
 */
#include <dirent.h>
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "bench/netconn.h"
#include "toolstack/common/clock.h"

static void test_addr(void **state)
{
	struct sockaddr_in sa;

	(void)state;
	assert_int_equal(lvm_netconn_addr("198.18.0.13", "13", &sa), 0);
	assert_int_equal(ntohs(sa.sin_port), 13);
	assert_int_equal(ntohl(sa.sin_addr.s_addr), 0xc612000du);
	assert_int_equal(lvm_netconn_addr("127.0.0.1", "0", &sa), -EINVAL);
	assert_int_equal(lvm_netconn_addr("127.0.0.1", "65536", &sa), -EINVAL);
	assert_int_equal(lvm_netconn_addr("127.0.0.1", "9x", &sa), -EINVAL);
	assert_int_equal(lvm_netconn_addr("127.0.0.1", "", &sa), -EINVAL);
	assert_int_equal(lvm_netconn_addr("127.0.0.256", "9", &sa), -EINVAL);
	assert_int_equal(lvm_netconn_addr("host", "9", &sa), -EINVAL);
}

/* A loopback port nothing listens on (bound once, then closed). */
static struct sockaddr_in free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return sa;
}

static void test_refused_times_out(void **state)
{
	struct sockaddr_in sa = free_port();
	uint64_t t0 = lvm_now_ns();
	unsigned tries = 0;

	(void)state;
	assert_int_equal(lvm_netconn_open(&sa, 50, t0 + 100000000u, NULL, NULL,
					  &tries), -ETIMEDOUT);
	assert_true(lvm_now_ns() - t0 >= 100000000u);
	assert_true(tries > 1);
}

struct late {
	struct sockaddr_in sa;
	int fd;
};

/* Listen on (l->sa) after 100 ms. */
static void *listen_late(void *arg)
{
	struct late *l = arg;
	struct timespec ts = { 0, 100000000 };
	int one = 1;

	nanosleep(&ts, NULL);
	l->fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l->fd, (struct sockaddr *)&l->sa, sizeof(l->sa)) < 0 ||
	    listen(l->fd, 4) < 0) {
		close(l->fd);
		l->fd = -1;
	}
	return NULL;
}

static void test_late_listener(void **state)
{
	struct late l = { .sa = free_port(), .fd = -1 };
	uint64_t t0 = lvm_now_ns();
	unsigned tries = 0;
	pthread_t th;
	int fd;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, listen_late, &l), 0);
	fd = lvm_netconn_open(&l.sa, 50, t0 + 5000000000u, NULL, NULL, &tries);
	pthread_join(th, NULL);
	assert_true(l.fd >= 0);
	assert_true(fd >= 0);
	assert_true(lvm_now_ns() - t0 >= 100000000u);
	assert_true(tries > 1);
	close(fd);
	close(l.fd);
}

static int calls;

static int fail_third(void *arg)
{
	(void)arg;
	return ++calls == 3 ? -ECHILD : 0;
}

static void test_check_ends_tries(void **state)
{
	struct sockaddr_in sa = free_port();
	unsigned tries = 0;

	(void)state;
	calls = 0;
	assert_int_equal(lvm_netconn_open(&sa, 50, lvm_now_ns() + 5000000000u,
					  fail_third, NULL, &tries), -ECHILD);
	assert_int_equal(tries, 2);
}

/* The sockets this process holds (from /proc/self/fd). */
static int sockets_open(void)
{
	char path[PATH_MAX], link[64];
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	ssize_t r;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		r = readlink(path, link, sizeof(link) - 1);
		if (r > 0) {
			link[r] = '\0';
			n += strncmp(link, "socket:", 7) == 0;
		}
	}
	closedir(d);
	return n;
}

/*
 * A listener that answers no SYN: its accept queue (backlog 0) holds one
 * connection never accepted, so the kernel drops every new SYN, as a
 * peer too slow to answer within a step looks. (*filler) the client
 * that fills it.
 */
static int deaf_listener(struct sockaddr_in *sa, int *filler)
{
	socklen_t len = sizeof(*sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	*sa = (struct sockaddr_in){ .sin_family = AF_INET };
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)sa, sizeof(*sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)sa, &len), 0);
	assert_int_equal(listen(fd, 0), 0);
	*filler = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(*filler >= 0);
	assert_int_equal(connect(*filler, (struct sockaddr *)sa, sizeof(*sa)),
			 0);
	return fd;
}

struct seen {
	int base;                    /* sockets open before the tries */
	int max_open;                /* most tries open at one check */
	int calls, stop_at;          /* stop_at: the call that ends them */
};

/* Before each try: how many earlier tries are still open. */
static int count_open(void *arg)
{
	struct seen *s = arg;
	int n = sockets_open() - s->base;

	if (n > s->max_open)
		s->max_open = n;
	return ++s->calls == s->stop_at ? -ECHILD : 0;
}

/* Tries not answered within their step are kept, not closed: the answer
   that comes later still finds its try. All are closed at the end. */
static void test_unanswered_tries_stay_open(void **state)
{
	struct sockaddr_in sa;
	int filler, l = deaf_listener(&sa, &filler);
	struct seen s = { .base = sockets_open(), .stop_at = 11 };
	unsigned tries = 0;

	(void)state;
	assert_int_equal(lvm_netconn_open(&sa, 20, lvm_now_ns() + 5000000000u,
					  count_open, &s, &tries), -ECHILD);
	assert_int_equal(tries, 10);
	assert_int_equal(s.max_open, 10);
	assert_int_equal(sockets_open(), s.base);
	close(filler);
	close(l);
}

/* At most LVM_NETCONN_OPEN_MAX tries open: the oldest goes first; at
   the deadline none is left. */
static void test_open_tries_bounded(void **state)
{
	struct sockaddr_in sa;
	int filler, l = deaf_listener(&sa, &filler);
	struct seen s = { .base = sockets_open() };
	unsigned tries = 0;

	(void)state;
	assert_int_equal(lvm_netconn_open(&sa, 1, lvm_now_ns() + 400000000u,
					  count_open, &s, &tries), -ETIMEDOUT);
	assert_true(tries > LVM_NETCONN_OPEN_MAX + 10);
	assert_int_equal(s.max_open, LVM_NETCONN_OPEN_MAX);
	assert_int_equal(sockets_open(), s.base);
	close(filler);
	close(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_refused_times_out),
		cmocka_unit_test(test_late_listener),
		cmocka_unit_test(test_check_ends_tries),
		cmocka_unit_test(test_unanswered_tries_stay_open),
		cmocka_unit_test(test_open_tries_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
