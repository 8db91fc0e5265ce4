/*
 * reply.c — lvm-bench-reply: create to first reply. Takes t0, starts
 * CMD (posix_spawn, or fork+exec with -f) or, with -L, calls liblvm's
 * lvm_create() for IMAGE on its own (main) thread, as a library client
 * does; and at once connects to ADDR:PORT (with -L from a thread made
 * before t0 and let go at t0), the connect retried at once while it is
 * refused, unreachable, reset or slower than STEP_MS, until it reads the
 * first byte of a reply; prints the milliseconds from t0 to that byte
 * and from t0 to CMD's exit or the create call's return (a thread waits
 * for CMD, so its exit is timed as it happens), and the connects tried.
 *
 *   lvm-bench-reply -a ADDR -p PORT [-t TIMEOUT_MS] [-n N] [-w STEP_MS]
 *                   [-r REQUEST] [-c] [-f] [-o FILE] [-s START_NS]
 *                   [-- CMD [ARG...]]
 *   lvm-bench-reply -a ADDR -p PORT -L IMAGE -N NAME [-V VIFSPEC] [-M MIB]
 *                   [-n N] [-t TIMEOUT_MS] [-w STEP_MS] [-r REQUEST] [-c]
 *                   [-o FILE]
 *
 * -r sends REQUEST (its bytes as given) on each connection once it is
 * made, for a server that speaks second (HTTP: "GET / HTTP/1.0\r\n\r\n");
 * a connection that takes less than all of it is tried again.
 * Without CMD, t0 is the tool's own start, or START_NS (CLOCK_MONOTONIC,
 * nanoseconds: a library client's create call) with -s. Times are taken
 * on the harness's clock (bench/timer.h: in dom0 the TSC at Xen's rate),
 * with -s on CLOCK_MONOTONIC. -n repeats the
 * sample N times (CMD started each time). -o sends CMD's standard output
 * to FILE (truncated per sample).
 *
 * -L is the library path: the guest NAME from IMAGE (MIB MiB, default 4;
 * one vif at ADDR, the rest of it from VIFSPEC, lvm_vif_parse()'s syntax
 * with no ip) created by lvm_create() through a handle to lvmd
 * ($LVM_SOCKET, else liblvm's default) opened before t0 and used once
 * before it (an lvm_info() of NAME: the handle connected and used; with
 * LVM_BENCH_REPLY_COLD set in the environment, not used: a process
 * started for one call); "command" is then the create call's return, and
 * -o FILE gets lvmd's "pool_hit" and "total_ns", one per line. The
 * guest is left running (the caller destroys it). With -n N, one process
 * makes N such samples, as a library client that lives on does (a
 * serverless platform's engine): sample i creates NAME-i at ADDR + i
 * and, once it answered, destroys it and waits for lvmd's pools to be
 * full again (not timed); its client code is warm from the second
 * sample on. -c then adds lvmd's figures to each row (below).
 *
 * -c prints CSV: the header
 * "reply_ms,command_ms,tries,connected_ms", then one row per sample
 * (command_ms empty without CMD; connected_ms: the connection that
 * brought the reply established); with -L, also "pool_hit,lvmd_ms,
 * queue_ms,roundtrip_ms" (lvmd's request received -> reply, of it the
 * request queued, and the client's request sent -> reply read); else
 * one line per sample. Default timeout 10000 ms, step
 * 50 ms. Exit status 0, or 1 with one line on stderr: no reply by the
 * timeout, CMD failing to start or exiting non-zero, bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lvm.h>

#include "bench/netconn.h"
#include "bench/timer.h"
#include "toolstack/common/clock.h"

#define TOOL "lvm-bench-reply"

extern char **environ;

struct opts {
	struct sockaddr_in sa;
	unsigned long timeout_ms, step_ms, n;
	uint64_t start_ns;      /* -s, 0: none */
	bool csv, fork_exec;
	const char *out;        /* -o */
	const char *req;        /* -r, NULL: none */
	char **cmd;             /* NULL: no command */
	/* -L: lvm_create() through (h) instead of CMD. */
	const char *image, *name, *vif;
	unsigned long mib;
	lvm_t *h;
};

/* The command of one sample and its waiter thread's findings. */
struct child {
	pid_t pid;              /* -1: the library's create (-L) */
	const struct opts *o;
	char err[256];          /* -L: lvm_create()'s error line */
	struct lvm_timing t;    /* -L: lvm_create()'s timing (zero before) */
	pthread_t waiter;
	atomic_bool done;
	int status;             /* set before done */
	uint64_t exit_ns;       /* set before done */
};

static void *wait_child(void *arg)
{
	struct child *c = arg;
	int st = 0;
	pid_t w;

	do {
		w = waitpid(c->pid, &st, 0);
	} while (w < 0 && errno == EINTR);
	c->exit_ns = lvm_bench_now();
	c->status = w < 0 ? -1 : st;
	atomic_store(&c->done, true);
	return NULL;
}

/*
 * -L: the create call, as the waiter of a command would see its exit:
 * status 0 or an exit status of 1; (o->out) gets lvmd's pool_hit and
 * total_ns.
 */
static void library_create(struct child *c)
{
	const struct opts *o = c->o;
	struct lvm_config cfg;
	struct lvm_info info;
	FILE *f;
	int rc;

	lvm_config_init(&cfg);
	cfg.memory_mb = (uint32_t)o->mib;
	cfg.vcpus = 1;
	rc = lvm_config_set_str(&cfg.name, o->name);
	if (rc == 0)
		rc = lvm_config_set_str(&cfg.kernel, o->image);
	if (rc == 0 && o->vif)
		rc = lvm_vif_parse(o->vif, &cfg.vifs[0], c->err,
				   sizeof(c->err));
	if (rc == 0) {
		/* The vif's address is the one the connects go to. */
		memcpy(cfg.vifs[0].ip, &o->sa.sin_addr, 4);
		cfg.vifs[0].has_ip = true;
		cfg.nvifs = 1;
	}
	if (rc == 0) {
		rc = lvm_create(o->h, &cfg, 0, &info, &c->t);
		c->exit_ns = lvm_bench_now();
		if (rc < 0)
			snprintf(c->err, sizeof(c->err), "%s",
				 lvm_last_error(o->h));
		else
			lvm_info_clear(&info);
	} else {
		c->exit_ns = lvm_bench_now();
		if (!c->err[0])
			snprintf(c->err, sizeof(c->err), "%s", strerror(-rc));
	}
	lvm_config_clear(&cfg);
	if (rc == 0 && o->out && (f = fopen(o->out, "w")) != NULL) {
		fprintf(f, "{\n  \"pool_hit\": %s,\n  \"total_ns\": %llu\n}\n",
			c->t.pool_hit ? "true" : "false",
			(unsigned long long)c->t.total_ns);
		fclose(f);
	}
	c->status = rc == 0 ? 0 : 1 << 8; /* as an exit status of 1 */
	atomic_store(&c->done, true);
}

static int child_failed(const struct child *c)
{
	return !(WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0);
}

/* lvm_netconn_check: a command that ended in failure ends the tries. */
static int check_child(void *arg)
{
	struct child *c = arg;

	return atomic_load(&c->done) && child_failed(c) ? -ECHILD : 0;
}

/* Start (o)'s command into (c), stdout to (o->out) if set. 0 or -errno. */
static int start_child(const struct opts *o, struct child *c)
{
	posix_spawn_file_actions_t fa;
	int rc;

	atomic_store(&c->done, false);
	c->o = o;
	if (o->fork_exec) {
		c->pid = fork();
		if (c->pid < 0)
			return -errno;
		if (c->pid == 0) {
			int fd = o->out ? open(o->out, O_WRONLY | O_CREAT |
					       O_TRUNC, 0644) : -1;

			if (fd >= 0)
				dup2(fd, STDOUT_FILENO);
			execvp(o->cmd[0], o->cmd);
			_exit(127);
		}
	} else {
		rc = posix_spawn_file_actions_init(&fa);
		if (rc != 0)
			return -rc;
		if (o->out)
			rc = posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO,
				o->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (rc == 0)
			rc = posix_spawnp(&c->pid, o->cmd[0], &fa, NULL, o->cmd,
					  environ);
		posix_spawn_file_actions_destroy(&fa);
		if (rc != 0)
			return -rc;
	}
	rc = pthread_create(&c->waiter, NULL, wait_child, c);
	if (rc != 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		return -rc;
	}
	return 0;
}

/*
 * Connect until the first byte of a reply arrives, by (deadline).
 * Returns 0 with (*reply_ns) its arrival, or -errno (-ETIMEDOUT).
 */
static int first_byte(const struct opts *o, uint64_t deadline,
		      struct child *c, uint64_t *reply_ns, uint64_t *conn_ns,
		      unsigned *tries)
{
	unsigned n = 0;
	char b;
	int fd, rc;

	*tries = 0;
	for (;;) {
		fd = lvm_netconn_open(&o->sa, o->step_ms, deadline,
				      c ? check_child : NULL, c, &n);
		*tries += n;
		if (fd < 0)
			return fd;
		*conn_ns = lvm_bench_now();
		if (o->req && send(fd, o->req, strlen(o->req), MSG_NOSIGNAL) !=
				      (ssize_t)strlen(o->req)) {
			close(fd);      /* reset, or a full buffer: again */
			continue;
		}
		rc = lvm_netconn_wait(fd, POLLIN, deadline, 0);
		if (rc > 0) {
			ssize_t r = read(fd, &b, 1);

			*reply_ns = lvm_bench_now();
			rc = r == 1 ? 0 : -EAGAIN; /* closed or reset: again */
		} else if (rc == 0) {
			rc = -ETIMEDOUT;
		}
		close(fd);
		if (rc != -EAGAIN)
			return rc;
	}
}

/* lvmd's and liblvm's figures, nanoseconds on their own clock, in ms. */
static double ns_ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* -L: the connects, in a thread made before t0 and let go at t0. */
struct connector {
	const struct opts *o;
	struct child *c;
	pthread_barrier_t go;
	pthread_t thread;
	uint64_t deadline, reply_ns, conn_ns;
	unsigned tries;
	int rc;
};

static void *connect_thread(void *arg)
{
	struct connector *k = arg;

	pthread_barrier_wait(&k->go);
	k->rc = first_byte(k->o, k->deadline, k->c, &k->reply_ns, &k->conn_ns,
			   &k->tries);
	return NULL;
}

/*
 * -L: the library's create on the calling thread, as a library client
 * calls it, and the connects on a thread made beforehand (its creation
 * is not in the sample), let go at t0. Returns 0 with first_byte()'s
 * result in (*rc), or -errno when the thread could not be made.
 */
static int library_sample(const struct opts *o, struct child *c,
			  uint64_t *t0, uint64_t *reply_ns, uint64_t *conn_ns,
			  unsigned *tries, int *rc_out)
{
	struct connector k = { .o = o, .c = c };
	int rc;

	atomic_store(&c->done, false);
	c->o = o;
	c->pid = -1;
	rc = pthread_barrier_init(&k.go, NULL, 2);
	if (rc != 0)
		return -rc;
	rc = pthread_create(&k.thread, NULL, connect_thread, &k);
	if (rc != 0) {
		pthread_barrier_destroy(&k.go);
		return -rc;
	}
	*t0 = lvm_bench_now();
	k.deadline = lvm_now_ns() + o->timeout_ms * 1000000u;
	pthread_barrier_wait(&k.go);
	library_create(c);
	pthread_join(k.thread, NULL);
	pthread_barrier_destroy(&k.go);
	*reply_ns = k.reply_ns;
	*conn_ns = k.conn_ns;
	*tries = k.tries;
	*rc_out = k.rc;
	return 0;
}

/* One sample: 0 after printing it, or 1 after one line on stderr. */
static int sample(const struct opts *o)
{
	/* t0 on the harness's clock, or -s's on CLOCK_MONOTONIC (main()
	 * then times on that); the deadline on CLOCK_MONOTONIC. */
	uint64_t t0 = o->start_ns ? o->start_ns : lvm_bench_now();
	uint64_t deadline = (o->start_ns ? o->start_ns : lvm_now_ns()) +
			    o->timeout_ms * 1000000u, reply_ns = 0;
	uint64_t conn_ns = 0;
	struct child c = { .pid = -1 };
	bool child = o->cmd || o->image;
	unsigned tries = 0;
	int rc = 0;

	if (o->image) {
		int e = library_sample(o, &c, &t0, &reply_ns, &conn_ns,
				       &tries, &rc);

		if (e < 0) {
			fprintf(stderr, TOOL ": cannot start the connects: %s\n",
				strerror(-e));
			return 1;
		}
	} else {
		if (child && (rc = start_child(o, &c)) < 0) {
			fprintf(stderr, TOOL ": cannot start %s: %s\n",
				o->cmd[0], strerror(-rc));
			return 1;
		}
		rc = first_byte(o, deadline, child ? &c : NULL, &reply_ns,
				&conn_ns, &tries);
		if (child) {
			if (rc < 0 && !atomic_load(&c.done) && c.pid > 0)
				kill(c.pid, SIGKILL);
			pthread_join(c.waiter, NULL);
		}
	}
	if (child && child_failed(&c) && o->image) {
		fprintf(stderr, TOOL ": lvm_create() of %s: %s\n", o->name,
			c.err);
		return 1;
	}
	if (child && child_failed(&c)) {
		fprintf(stderr, TOOL ": %s failed (status 0x%x)\n", o->cmd[0],
			(unsigned)c.status);
		return 1;
	}
	if (rc < 0) {
		fprintf(stderr, TOOL ": no reply from %s:%u in %lu ms (%u "
			"connects): %s\n", inet_ntoa(o->sa.sin_addr),
			ntohs(o->sa.sin_port), o->timeout_ms, tries,
			strerror(-rc));
		return 1;
	}
	if (o->csv && o->image)
		printf("%.3f,%.3f,%u,%.3f,%d,%.3f,%.3f,%.3f\n",
		       lvm_ms(t0, reply_ns), lvm_ms(t0, c.exit_ns), tries,
		       lvm_ms(t0, conn_ns), c.t.pool_hit, ns_ms(c.t.total_ns),
		       ns_ms(c.t.queue_ns), ns_ms(c.t.client_ns));
	else if (o->csv && child)
		printf("%.3f,%.3f,%u,%.3f\n", lvm_ms(t0, reply_ns),
		       lvm_ms(t0, c.exit_ns), tries, lvm_ms(t0, conn_ns));
	else if (o->csv)
		printf("%.3f,,%u,%.3f\n", lvm_ms(t0, reply_ns), tries,
		       lvm_ms(t0, conn_ns));
	else if (child)
		printf("reply %.3f ms, command %.3f ms, %u connects\n",
		       lvm_ms(t0, reply_ns), lvm_ms(t0, c.exit_ns), tries);
	else
		printf("reply %.3f ms, %u connects\n", lvm_ms(t0, reply_ns), tries);
	fflush(stdout);
	return 0;
}

/*
 * -L -n: after a sample, its guest destroyed and lvmd's pools full again
 * (every pool at its target, none preparing), by the timeout. 0, or
 * -errno after one line on stderr.
 */
static int next_sample(const struct opts *o)
{
	uint64_t deadline = lvm_now_ns() + o->timeout_ms * 1000000u;
	struct lvm_pool_info *p;
	uint64_t other;
	size_t n, i;
	bool full;
	int rc;

	rc = lvm_destroy(o->h, o->name);
	if (rc < 0) {
		fprintf(stderr, TOOL ": lvm_destroy() of %s: %s\n", o->name,
			lvm_last_error(o->h));
		return rc;
	}
	for (;;) {
		rc = lvm_pool_list(o->h, &p, &n, &other);
		if (rc < 0) {
			fprintf(stderr, TOOL ": lvm_pool_list(): %s\n",
				lvm_last_error(o->h));
			return rc;
		}
		full = true;
		for (i = 0; i < n; i++)
			full &= p[i].ready >= p[i].target && !p[i].preparing;
		free(p);
		if (full)
			return 0;
		if (lvm_now_ns() > deadline) {
			fprintf(stderr, TOOL ": lvmd's pools not full again "
				"within %lu ms\n", o->timeout_ms);
			return -ETIMEDOUT;
		}
		usleep(2000);
	}
}

static void usage(FILE *f)
{
	fputs("usage: " TOOL " -a ADDR -p PORT [-t TIMEOUT_MS] [-n N] "
	      "[-w STEP_MS] [-r REQUEST] [-c] [-f] [-o FILE] [-s START_NS] "
	      "[-- CMD [ARG...]]\n"
	      "       " TOOL " -a ADDR -p PORT -L IMAGE -N NAME [-V VIFSPEC] "
	      "[-M MIB] [-n N] [-t TIMEOUT_MS] [-w STEP_MS] [-r REQUEST] "
	      "[-c] [-o FILE]\n", f);
}

/* A positive number into (*v); 0 or -EINVAL. */
static int number(const char *s, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || *s == '\0' || *end != '\0' || *v == 0 ? -EINVAL : 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	const char *addr = NULL, *port = NULL;
	unsigned long start = 0;
	int c;

	o->timeout_ms = 10000;
	o->step_ms = 50;
	o->n = 1;
	o->mib = 4;
	while ((c = getopt(argc, argv, "+a:p:t:n:w:r:cfo:s:L:N:V:M:h")) != -1) {
		switch (c) {
		case 'a': addr = optarg; break;
		case 'p': port = optarg; break;
		case 't': if (number(optarg, &o->timeout_ms)) goto bad; break;
		case 'n': if (number(optarg, &o->n)) goto bad; break;
		case 'w': if (number(optarg, &o->step_ms)) goto bad; break;
		case 'r': o->req = optarg; break;
		case 'c': o->csv = true; break;
		case 'f': o->fork_exec = true; break;
		case 'o': o->out = optarg; break;
		case 's': if (number(optarg, &start)) goto bad; break;
		case 'L': o->image = optarg; break;
		case 'N': o->name = optarg; break;
		case 'V': o->vif = optarg; break;
		case 'M': if (number(optarg, &o->mib)) goto bad; break;
		case 'h': usage(stdout); exit(0);
		default: goto bad;
		}
	}
	o->start_ns = start;
	if (!addr || !port || lvm_netconn_addr(addr, port, &o->sa) < 0) {
		fprintf(stderr, TOOL ": -a ADDR (IPv4) and -p PORT are needed\n");
		return -EINVAL;
	}
	if (optind < argc)
		o->cmd = argv + optind;
	if (o->start_ns && (o->cmd || o->n != 1)) {
		fprintf(stderr, TOOL ": -s takes no CMD and no -n\n");
		return -EINVAL;
	}
	if ((o->image || o->name || o->vif) &&
	    (!o->image || !o->name || o->cmd || o->start_ns ||
	     o->fork_exec)) {
		fprintf(stderr, TOOL ": -L IMAGE needs -N NAME and takes no "
			"CMD, -s or -f\n");
		return -EINVAL;
	}
	if (o->vif) {
		struct lvm_vif v;
		char err[200];

		if (lvm_vif_parse(o->vif, &v, err, sizeof(err)) < 0) {
			fprintf(stderr, TOOL ": -V %s: %s\n", o->vif, err);
			return -EINVAL;
		}
		if (v.has_ip) {
			fprintf(stderr, TOOL ": -V takes no ip: the vif's "
				"address is -a's\n");
			return -EINVAL;
		}
	}
	if (o->image && o->n > 1 &&
	    (ntohl(o->sa.sin_addr.s_addr) & 0xff) + o->n > 255) {
		fprintf(stderr, TOOL ": -n %lu addresses from %s pass the "
			"end of its /24\n", o->n, inet_ntoa(o->sa.sin_addr));
		return -EINVAL;
	}
	return 0;
bad:
	usage(stderr);
	return -EINVAL;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };

	if (parse(argc, argv, &o) < 0)
		return 1;
	/* -s gives t0 on CLOCK_MONOTONIC: the rest of the sample is on it. */
	if (!o.start_ns)
		lvm_bench_timer_init();
	if (o.image) {
		const char *sock = getenv("LVM_SOCKET");

		o.h = lvm_open(sock && *sock ? sock : NULL);
		if (o.h == NULL) {
			fprintf(stderr, TOOL ": cannot reach lvmd: %s\n",
				strerror(errno));
			return 1;
		}
		/* One request before t0 (an info on the name, which has no
		 * guest yet): the handle connected and used, as a library
		 * client that keeps its handle has it; the create's own code
		 * is warm only from the second sample of -n on. */
		if (!getenv("LVM_BENCH_REPLY_COLD")) {
			struct lvm_info info;

			if (lvm_info(o.h, o.name, &info) == 0)
				lvm_info_clear(&info);
		}
	}
	if (o.csv)
		printf("reply_ms,command_ms,tries,connected_ms%s\n",
		       o.image ? ",pool_hit,lvmd_ms,queue_ms,roundtrip_ms" : "");
	for (unsigned long i = 0; i < o.n; i++) {
		struct opts so = o;
		char name[LVM_NAME_MAX + 1];

		if (o.image && o.n > 1) {
			snprintf(name, sizeof(name), "%s-%lu", o.name, i);
			so.name = name;
			so.sa.sin_addr.s_addr =
				htonl(ntohl(o.sa.sin_addr.s_addr) + (uint32_t)i);
		}
		if (sample(&so) ||
		    (o.image && o.n > 1 && next_sample(&so) < 0)) {
			lvm_close(o.h);
			return 1;
		}
	}
	lvm_close(o.h);
	return 0;
}
