/*
 * clockcheck.c — lvm-bench-clock [-s SECONDS]: is dom0's monotonic clock
 * sound enough to time with? In a PV dom0 it is Xen's PV clock, which
 * Linux keeps from going back across vCPUs: where the vCPUs' scales of
 * Xen's time drift apart, a read on the vCPU that lags returns the last
 * value given out, the same reading again, until its own catches up. In
 * the box that has lasted milliseconds (docs/benchmarks.md, "Reading the
 * numbers from the box").
 *
 * One thread per online CPU, each bound to it, reads the clock and the
 * TSC in turn for SECONDS (default 2, at most 60) and keeps the longest
 * stretch over which the clock gave one reading, on the TSC (its rate
 * from the same run), and any step back. Prints one line, which ends
 * with the clock the harness's tools time on (bench/timer.h: the TSC at
 * Xen's rate where Xen gives it, which a stand-still does not touch;
 * else CLOCK_MONOTONIC); exit 0, or 1 with one line on stderr (bad
 * usage, no thread).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/timer.h"
#include "toolstack/common/clock.h"

#define CPUS_MAX 64

struct probe {
	int cpu;
	uint64_t ns;                 /* the run's length, on the clock */
	uint64_t cycles;             /* the same, on the TSC */
	uint64_t reads, repeats, back;
	uint64_t still;              /* the longest one reading, TSC cycles */
	pthread_t th;
};

static uint64_t run_ns;

static void *probe(void *arg)
{
	struct probe *p = arg;
	cpu_set_t set;
	uint64_t t0, tsc0, prev, t, tsc, since;

	CPU_ZERO(&set);
	CPU_SET(p->cpu, &set);
	/* Unbound, it still measures: on whichever CPU it runs. */
	(void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	t0 = prev = lvm_now_ns();
	tsc0 = since = lvm_rdtsc();
	do {
		t = lvm_now_ns();
		tsc = lvm_rdtsc();
		p->reads++;
		if (t == prev) {     /* since: when this reading came first */
			p->repeats++;
			if (tsc - since > p->still)
				p->still = tsc - since;
		} else {
			since = tsc;
			if (t < prev)
				p->back++;
		}
		prev = t;
	} while (prev < t0 + run_ns);
	p->ns = prev - t0;
	p->cycles = lvm_rdtsc() - tsc0;
	return NULL;
}

int main(int argc, char **argv)
{
	static struct probe p[CPUS_MAX];
	double still_ms = 0;
	uint64_t reads = 0, repeats = 0, back = 0, khz;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	int c, s = 2, started = 0;
	char *end;

	while ((c = getopt(argc, argv, "s:")) != -1) {
		if (c != 's')
			goto usage;
		s = (int)strtol(optarg, &end, 10);
		if (*end || s < 1 || s > 60)
			goto usage;
	}
	if (optind != argc)
		goto usage;
	if (n < 1)
		n = 1;
	if (n > CPUS_MAX)
		n = CPUS_MAX;
	run_ns = (uint64_t)s * 1000000000u;
	for (int i = 0; i < n; i++) {
		p[i].cpu = i;
		if (pthread_create(&p[i].th, NULL, probe, &p[i]) == 0)
			started++;
		else
			p[i].cpu = -1;
	}
	if (!started) {
		fprintf(stderr, "lvm-bench-clock: cannot start a thread: %s\n",
			strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		double per_ms;

		if (p[i].cpu < 0)
			continue;
		pthread_join(p[i].th, NULL);
		per_ms = (double)p[i].cycles / ((double)p[i].ns / 1e6);
		if (per_ms > 0 && p[i].still / per_ms > still_ms)
			still_ms = p[i].still / per_ms;
		reads += p[i].reads;
		repeats += p[i].repeats;
		back += p[i].back;
	}
	khz = lvm_bench_timer_init();
	printf("CLOCK_MONOTONIC over %d s on %d CPUs: longest stand-still %.3f ms (TSC), %llu of %llu readings a repeat, %llu steps back; ",
	       s, started, still_ms, (unsigned long long)repeats,
	       (unsigned long long)reads, (unsigned long long)back);
	if (khz)
		printf("the harness times on the TSC at %llu kHz (Xen's rate)\n",
		       (unsigned long long)khz);
	else
		printf("the harness times on CLOCK_MONOTONIC (no rate from Xen)\n");
	return 0;
usage:
	fprintf(stderr, "usage: lvm-bench-clock [-s SECONDS (1-60)]\n");
	return 1;
}
