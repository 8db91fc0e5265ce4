/*
 * test_backends.c — unit tests for lvmd's backend seam
 * (toolstack/lvmd/backends.c over ports.c), with three fake backends in
 * the table's places and the event channel calls replaced: attach and
 * adopt in table order, a failed attach undone in reverse, settle in
 * table order, detach in reverse, calls left NULL skipped, a port's
 * event routed to the backend that bound it and to nobody once unbound, a port's event budget (events
 * past it deferred, given back once it allows, forgotten when unbound),
 * a port bound ahead for a pool's shell taken by a guest's backend without
 * a bind and released exactly once,
 * setup errors, teardown in reverse at exit, the controls.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "toolstack/lvmd/backend.h"
#include "toolstack/lvmd/guest.h"
#include "toolstack/lvmd/lvmd.h"

/* ---- what the fakes did, in order ---- */
static char trace[512];
static int fail_attach = -1;   /* index of the fake whose attach fails */
static int fail_setup = -1;

static void note(const char *fmt, ...)
{
	size_t n = strlen(trace);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(trace + n, sizeof(trace) - n, fmt, ap);
	va_end(ap);
}

static int fake_setup(int i)
{
	note("%d.setup ", i);
	return i == fail_setup ? -EIO : 0;
}

static int fake_attach(int i, struct guest *g, unsigned flags)
{
	note("%d.attach(%s,%u) ", i, g->rec.name, flags);
	return i == fail_attach ? -ENODEV : 0;
}

static int setup0(struct lvmd *l) { (void)l; return fake_setup(0); }
static int setup1(struct lvmd *l) { (void)l; return fake_setup(1); }
static int attach0(struct lvmd *l, struct guest *g, unsigned f)
{ (void)l; return fake_attach(0, g, f); }
static int attach1(struct lvmd *l, struct guest *g, unsigned f)
{ (void)l; return fake_attach(1, g, f); }
static int adopt0(struct lvmd *l, struct guest *g)
{ (void)l; note("0.adopt(%s) ", g->rec.name); return 0; }
static void event0(struct lvmd *l, struct guest *g)
{ (void)l; note("0.event(%s) ", g->rec.name); }
static void event1(struct lvmd *l, struct guest *g)
{ (void)l; note("1.event(%s) ", g->rec.name); }
static void detach0(struct lvmd *l, struct guest *g, bool gone)
{ (void)l; note("0.detach(%s,%d) ", g->rec.name, gone); }
static void detach1(struct lvmd *l, struct guest *g, bool gone)
{ (void)l; note("1.detach(%s,%d) ", g->rec.name, gone); }
static void detach2(struct lvmd *l, struct guest *g, bool gone)
{ (void)l; note("2.detach(%s,%d) ", g->rec.name, gone); }
static void settle0(struct lvmd *l, struct guest *g)
{ (void)l; note("0.settle(%s) ", g->rec.name); }
static void settle2(struct lvmd *l, struct guest *g)
{ (void)l; note("2.settle(%s) ", g->rec.name); }
static void teardown0(struct lvmd *l) { (void)l; note("0.teardown "); }
static void teardown2(struct lvmd *l) { (void)l; note("2.teardown "); }

/* The table's five places, filled by fakes; the third has only
 * settle and detach, the second no adopt and no settle, the fourth and
 * fifth no call. */
const struct lvmd_backend lvmd_backend_console = {
	.name = "fake0", .usage = "the first", .setup = setup0,
	.attach = attach0, .adopt = adopt0, .settle = settle0,
	.event = event0, .detach = detach0, .teardown = teardown0,
};
const struct lvmd_backend lvmd_backend_sysctl = {
	.name = "fake1", .usage = "the second", .setup = setup1,
	.attach = attach1, .event = event1, .detach = detach1,
};
const struct lvmd_backend lvmd_backend_xenstore = {
	.name = "fake2", .usage = "the third", .settle = settle2,
	.detach = detach2, .teardown = teardown2,
};
const struct lvmd_backend lvmd_backend_vif = {
	.name = "fake3", .usage = "the fourth",
};
const struct lvmd_backend lvmd_backend_names = {
	.name = "fake4", .usage = "the fifth",
};
const struct lvmd_control lvmd_control_noxs = { .name = "noxs" };
const struct lvmd_control lvmd_control_xenstore = { .name = "xenstore",
						    .xenstore = true };

/* ---- the event channel, replaced ---- */
static int next_lport = 300;   /* past the port table's first size */
static int bound, unbound;
static int fail_bind;          /* the next bind fails with this errno */

xenevtchn_port_or_error_t __wrap_xenevtchn_bind_interdomain(
	xenevtchn_handle *xce, uint32_t domid, evtchn_port_t remote);
int __wrap_xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port);

xenevtchn_port_or_error_t __wrap_xenevtchn_bind_interdomain(
	xenevtchn_handle *xce, uint32_t domid, evtchn_port_t remote)
{
	(void)xce;
	(void)domid;
	(void)remote;
	if (fail_bind) {
		errno = fail_bind;
		fail_bind = 0;
		return -1;
	}
	bound++;
	return next_lport++;
}

int __wrap_xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
	(void)xce;
	(void)port;
	unbound++;
	return 0;
}

struct fixture {
	struct lvmd l;
	struct guest g;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->g.rec.name, "g1");
	f->g.rec.domid = 7;
	trace[0] = '\0';
	fail_attach = fail_setup = -1;
	bound = unbound = fail_bind = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	lvmd_ports_free(&f->l);
	free(f);
	return 0;
}

static void test_attach_in_order(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(lvmd_backends_attach(&f->l, &f->g,
					      LVMD_ATTACH_KEEP_LOG, false), 0);
	assert_string_equal(trace, "0.attach(g1,1) 1.attach(g1,1) ");
}

static void test_attach_failure_undone(void **state)
{
	struct fixture *f = *state;

	fail_attach = 1;
	assert_int_equal(lvmd_backends_attach(&f->l, &f->g, 0, false),
			 -ENODEV);
	/* the second undid itself; the first is detached, not for good */
	assert_string_equal(trace,
			    "0.attach(g1,0) 1.attach(g1,0) 0.detach(g1,0) ");
}

static void test_first_failure_undoes_nothing(void **state)
{
	struct fixture *f = *state;

	fail_attach = 0;
	assert_int_equal(lvmd_backends_attach(&f->l, &f->g, 0, false),
			 -ENODEV);
	assert_string_equal(trace, "0.attach(g1,0) ");
}

static void test_adopt(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(lvmd_backends_attach(&f->l, &f->g, 0, true), 0);
	assert_string_equal(trace, "0.adopt(g1) ");
}

static void test_settle_in_order(void **state)
{
	struct fixture *f = *state;

	lvmd_backends_settle(&f->l, &f->g);
	assert_string_equal(trace, "0.settle(g1) 2.settle(g1) ");
}

static void test_detach_reverse(void **state)
{
	struct fixture *f = *state;

	lvmd_backends_detach(&f->l, &f->g, true);
	assert_string_equal(trace,
			    "2.detach(g1,1) 1.detach(g1,1) 0.detach(g1,1) ");
}

static void test_event_routed(void **state)
{
	struct fixture *f = *state;
	struct guest h = { .rec = { .name = "g2", .domid = 8 } };
	int p0, p1;

	p0 = lvmd_port_bind(&f->l, &f->g, 3, &lvmd_backend_console);
	p1 = lvmd_port_bind(&f->l, &h, 4, &lvmd_backend_sysctl);
	assert_true(p0 >= 300 && p1 == p0 + 1);
	lvmd_backends_event(&f->l, p1);
	lvmd_backends_event(&f->l, p0);
	lvmd_backends_event(&f->l, 5);        /* nobody's */
	lvmd_backends_event(&f->l, 100000);   /* past the table */
	lvmd_backends_event(&f->l, -1);
	assert_string_equal(trace, "1.event(g2) 0.event(g1) ");
	lvmd_port_unbind(&f->l, &p1);
	assert_int_equal(p1, -1);
	assert_int_equal(unbound, 1);
	lvmd_port_unbind(&f->l, &p1);         /* again: nothing */
	assert_int_equal(unbound, 1);
	trace[0] = '\0';
	lvmd_backends_event(&f->l, p0 + 1);
	assert_string_equal(trace, "");
}

/* A pool shell's port bound ahead: taken by the guest's backend with no
 * bind of its own, its events routed, unbound once. */
static void test_port_bound_ahead_taken(void **state)
{
	struct fixture *f = *state;
	xenevtchn_handle *xce = (xenevtchn_handle *)&f->l;  /* never used */
	int lport, fresh = -1;

	f->l.xce = xce;
	lport = lvmd_port_bind_ahead(xce, 7, 3);
	assert_true(lport >= 300);
	assert_int_equal(bound, 1);
	lvmd_backends_event(&f->l, lport);   /* no guest yet: nobody's */
	assert_string_equal(trace, "");
	assert_int_equal(lvmd_port_attach(&f->l, &f->g, &lport, 3,
					  &lvmd_backend_sysctl), 0);
	assert_int_equal(bound, 1);           /* taken, not bound again */
	lvmd_backends_event(&f->l, lport);
	assert_string_equal(trace, "1.event(g1) ");
	/* one not bound ahead is bound now */
	assert_int_equal(lvmd_port_attach(&f->l, &f->g, &fresh, 4,
					  &lvmd_backend_console), 0);
	assert_int_equal(bound, 2);
	assert_int_equal(fresh, lport + 1);
	lvmd_port_unbind(&f->l, &lport);
	lvmd_port_unbind(&f->l, &lport);     /* detach again: nothing */
	lvmd_port_unbind(&f->l, &fresh);
	assert_int_equal(unbound, 2);
	assert_int_equal(lport, -1);
	trace[0] = '\0';
	lvmd_backends_event(&f->l, 300);
	assert_string_equal(trace, "");
}

/* A port bound ahead that no create took (a shell trimmed, stolen,
 * discarded, or whose finish failed) is unbound exactly once; one whose
 * bind failed is nothing to release. */
static void test_port_ahead_released_once(void **state)
{
	struct fixture *f = *state;
	xenevtchn_handle *xce = (xenevtchn_handle *)&f->l;
	int lport = lvmd_port_bind_ahead(xce, 7, 3), failed;

	lvmd_port_release_ahead(xce, &lport);
	assert_int_equal(lport, -1);
	assert_int_equal(unbound, 1);
	lvmd_port_release_ahead(xce, &lport);
	assert_int_equal(unbound, 1);
	fail_bind = EMFILE;
	failed = lvmd_port_bind_ahead(xce, 7, 4);
	assert_int_equal(failed, -EMFILE);
	failed = -1;
	lvmd_port_release_ahead(xce, &failed);
	assert_int_equal(unbound, 1);
	assert_int_equal(bound, 1);
}

#define MS 1000000ull
#define IV (1000 * MS / LVMD_PORT_RATE)

static void test_port_budget(void **state)
{
	struct fixture *f = *state;
	struct guest h = { .rec = { .name = "g2", .domid = 8 } };
	uint64_t now = 5000 * MS, next = UINT64_MAX;
	int p0, p1, due[4];
	unsigned n = 0;

	p0 = lvmd_port_bind(&f->l, &f->g, 3, &lvmd_backend_console);
	p1 = lvmd_port_bind(&f->l, &h, 4, &lvmd_backend_sysctl);
	assert_true(lvmd_port_admit(&f->l, 5, now));       /* nobody's */
	while (n < 1000 && lvmd_port_admit(&f->l, p0, now))
		n++;
	assert_int_equal(n, LVMD_PORT_BURST);
	assert_int_equal(f->l.ports_deferred, 1);
	/* another guest's port keeps its own budget */
	assert_true(lvmd_port_admit(&f->l, p1, now));
	/* not yet due; the loop is told when */
	assert_int_equal(lvmd_ports_due(&f->l, now, due, 4, &next), 0);
	assert_int_equal(next, now + IV);
	assert_int_equal(lvmd_ports_due(&f->l, now + IV - 1, due, 4, &next), 0);
	next = UINT64_MAX;
	assert_int_equal(lvmd_ports_due(&f->l, now + IV, due, 4, &next), 1);
	assert_int_equal(due[0], p0);
	assert_int_equal(next, UINT64_MAX);
	assert_int_equal(f->l.ports_deferred, 0);
	/* deferred again, then unbound: forgotten */
	assert_false(lvmd_port_admit(&f->l, p0, now + IV));
	assert_int_equal(f->l.ports_deferred, 1);
	lvmd_port_unbind(&f->l, &p0);
	assert_int_equal(f->l.ports_deferred, 0);
	assert_int_equal(lvmd_ports_due(&f->l, now + 100 * IV, due, 4, &next),
			 0);
}

static void test_setup(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(lvmd_backends_setup(&f->l), 0);
	assert_string_equal(trace, "0.setup 1.setup ");
	trace[0] = '\0';
	fail_setup = 0;
	assert_int_equal(lvmd_backends_setup(&f->l), -EIO);
	assert_string_equal(trace, "0.setup ");
	/* at exit: in reverse, those without a teardown skipped */
	trace[0] = '\0';
	lvmd_backends_teardown(&f->l);
	assert_string_equal(trace, "2.teardown 0.teardown ");
}

static void test_usage_and_controls(void **state)
{
	char buf[1024] = "";
	FILE *m = fmemopen(buf, sizeof(buf) - 1, "w");

	(void)state;
	assert_non_null(m);
	lvmd_backends_usage(m);
	fclose(m);
	assert_non_null(strstr(buf, "fake0"));
	assert_non_null(strstr(buf, "the first"));
	assert_non_null(strstr(buf, "fake2"));
	assert_ptr_equal(lvmd_control_of(LVM_STORE_XENSTORE),
			 &lvmd_control_xenstore);
	assert_ptr_equal(lvmd_control_of(LVM_STORE_NOXS), &lvmd_control_noxs);
	assert_ptr_equal(lvmd_control_of(LVM_STORE_AUTO), &lvmd_control_noxs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_attach_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_failure_undone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_failure_undoes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adopt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settle_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detach_reverse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_routed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_bound_ahead_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_ahead_released_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_setup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_and_controls, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
