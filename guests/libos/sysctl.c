/*
 * sysctl.c — readiness and lifecycle requests through the noxs sysctl
 * record (see libos/sysctl.h).
 *
 * dom0 writes request, then request_seq, then notifies the sysctl port.
 * The guest reads request_seq, then request, then request_seq again (a
 * request written meanwhile is seen on the next round), and acts once per
 * sequence number. The port and dom0's other creation-time fields come
 * from the checked copy of the page (libos_noxs()), never from the live
 * page.
 */
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/errno.h>

#include <libos/barrier.h>
#include <libos/console.h>
#include <libos/evtchn.h>
#include <libos/noxs.h>
#include <libos/sched.h>
#include <libos/shared_info.h>
#include <libos/sysctl.h>
#include <libos/time.h>

/* Rounds of reading the request before settling for what was read. */
#define READ_TRIES 8

static uint32_t acked;                  /* last request_seq acted on */

void libos_ready(void)
{
	volatile struct noxs_page *p = libos_noxs_page();
	const struct noxs_page *np = libos_noxs();
	uint64_t tsc, ns;

	if (np == NULL)
		return;
	libos_clock(&tsc, &ns);
	p->sysctl.ready_tsc = tsc != 0 ? tsc : 1;
	p->sysctl.ready_ns = ns;
	/* dom0 may trust ready_* once it sees READY. */
	lo_wmb();
	p->sysctl.state = NOXS_STATE_READY;
	evtchn_send(np->sysctl.evtchn);
}

/*
 * Read the live request into *(req) and *(seq). Returns 1 if it is new
 * (its sequence number differs from the last one acted on), else 0.
 */
static int read_request(uint32_t *req, uint32_t *seq)
{
	volatile struct noxs_page *p = libos_noxs_page();

	for (int i = 0; i < READ_TRIES; i++) {
		*seq = p->sysctl.request_seq;
		lo_rmb();
		*req = p->sysctl.request;
		lo_rmb();
		if (p->sysctl.request_seq == *seq)
			break;
	}
	return *seq != acked;
}

/* Record that request (seq) is being acted on, in (state). */
static void ack(uint32_t seq, uint32_t state, uint32_t port)
{
	volatile struct noxs_page *p = libos_noxs_page();

	p->sysctl.state = state;
	lo_wmb();
	p->sysctl.ack_seq = seq;
	acked = seq;
	lo_wmb();
	evtchn_send(port);
}

static int act(uint32_t req, uint32_t seq, uint32_t port)
{
	switch (req) {
	case NOXS_REQ_POWEROFF:
	case NOXS_REQ_REBOOT:
		ack(seq, NOXS_STATE_CLOSING, port);
		printk("libos: %s requested\n",
		       req == NOXS_REQ_POWEROFF ? "poweroff" : "reboot");
		console_flush();
		if (req == NOXS_REQ_POWEROFF)
			libos_poweroff();
		libos_reboot();
	case NOXS_REQ_SUSPEND:
	case NOXS_REQ_NONE:
		ack(seq, NOXS_STATE_READY, port);
		return (int)req;
	default:
		ack(seq, NOXS_STATE_READY, port);
		printk("libos: ignoring unknown sysctl request %u\n", req);
		return -XEN_EINVAL;
	}
}

int libos_sysctl_port(void)
{
	const struct noxs_page *np = libos_noxs();

	if (np == NULL || libos_shared_info() == NULL)
		return -XEN_ENODEV;
	return (int)np->sysctl.evtchn;
}

int libos_sysctl_check(void)
{
	int port = libos_sysctl_port();
	uint32_t req, seq;

	if (port < 0)
		return port;
	/* Clear first: an event after this point stays pending. */
	if (evtchn_clear((uint32_t)port) < 0)
		return -XEN_ENODEV;
	if (read_request(&req, &seq))
		return act(req, seq, (uint32_t)port);
	return -XEN_EAGAIN;
}

int libos_sysctl_wait(uint64_t timeout_ns)
{
	int port = libos_sysctl_port(), rc;
	uint64_t now, deadline = 0;

	if (port < 0)
		return port;
	if (timeout_ns != 0)
		deadline = libos_now_ns() + timeout_ns;

	/*
	 * No periodic re-read: an idle guest must cost nothing, however many
	 * run. No event is lost either: the port is cleared before the page
	 * is read, so a request written after the read leaves it pending, and
	 * SCHEDOP_poll returns at once on a pending port.
	 */
	for (;;) {
		rc = libos_sysctl_check();
		if (rc != -XEN_EAGAIN)
			return rc;
		if (deadline != 0) {
			now = libos_now_ns();
			if (now >= deadline)
				return -XEN_ETIMEDOUT;
		}
		evtchn_poll((uint32_t)port, deadline);
	}
}
