/*
 * test_bench_netconn.c — unit tests for bench/netconn.c: the address and
 * port parsing, and the connect retried until a deadline (a refused port
 * times out after many tries, a listener that comes up late is reached,
 * a check that fails ends the tries with its value).
 */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_refused_times_out),
		cmocka_unit_test(test_late_listener),
		cmocka_unit_test(test_check_ends_tries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
