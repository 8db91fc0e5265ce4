/*
 * evtbind.c — lvm-bench-evtbind [-n PROBES] LEVEL...: what binding one
 * interdomain event channel costs dom0 as dom0's count of bound ports
 * grows, without guests: for each LEVEL (ports held, ascending), as many
 * unbound dom0 ports are taken first (each guest of lvmd holds two or
 * more), then PROBES times: a port of dom0 offered to dom0
 * (xenevtchn_bind_unbound_port), bound through /dev/xen/evtchn
 * (xenevtchn_bind_interdomain, as lvmd binds a guest's console and sysctl
 * ports at create), both unbound (closed); the bind alone is timed. One line
 * per level: "LEVEL held, bind median US us (p10, p90; n)".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenevtchn.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	xenevtchn_handle *xce = xenevtchn_open(NULL, 0);
	xenevtchn_handle *hold = xenevtchn_open(NULL, 0);
	int probes = 200, held = 0, a = 1;
	double *t;

	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		probes = atoi(argv[2]);
		a = 3;
	}
	if (!xce || !hold || probes < 1 || a >= argc) {
		fprintf(stderr, "usage: lvm-bench-evtbind [-n PROBES] LEVEL... (in dom0, as root)\n");
		return 2;
	}
	t = calloc((size_t)probes, sizeof(*t));
	if (!t)
		return 1;
	for (; a < argc; a++) {
		int level = atoi(argv[a]);

		while (held < level) {
			if (xenevtchn_bind_unbound_port(hold, 0) < 0) {
				fprintf(stderr, "evtbind: port %d of dom0 not taken: %s\n",
					held + 1, strerror(errno));
				return 1;
			}
			held++;
		}
		for (int i = 0; i < probes; i++) {
			xenevtchn_port_or_error_t rp = xenevtchn_bind_unbound_port(hold, 0);
			xenevtchn_port_or_error_t lp;
			double t0;

			if (rp < 0) {
				fprintf(stderr, "evtbind: an unbound port: %s\n",
					strerror(errno));
				return 1;
			}
			t0 = now_us();
			lp = xenevtchn_bind_interdomain(xce, 0, (evtchn_port_t)rp);
			t[i] = now_us() - t0;
			if (lp < 0) {
				fprintf(stderr, "evtbind: bind: %s\n", strerror(errno));
				return 1;
			}
			xenevtchn_unbind(xce, (evtchn_port_t)lp);
			xenevtchn_unbind(hold, (evtchn_port_t)rp);
		}
		qsort(t, (size_t)probes, sizeof(*t), cmp);
		printf("%d held, bind median %.1f us (p10 %.1f, p90 %.1f; n %d)\n",
		       held, t[probes / 2], t[probes / 10], t[probes * 9 / 10],
		       probes);
		fflush(stdout);
	}
	return 0;
}
