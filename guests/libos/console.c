/*
 * console.c — the guest's PV console (see libos/console.h): finds the ring
 * page (from the device page or start_info), translates newlines, waits
 * for room and notifies the backend.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/errno.h>

#include <libos/console.h>
#include <libos/console_ring.h>
#include <libos/evtchn.h>
#include <libos/fmt.h>
#include <libos/sched.h>

#include "cpu.h"
#include "hypercall.h"

/*
 * How many times console_flush() yields before giving up on a backend that
 * does not drain the ring.
 */
#define FLUSH_MAX_YIELDS 100000

static struct xencons_interface *ring;	/* NULL: use Xen's debug console */
static evtchn_port_t ring_port;

int console_attach(const start_info_t *si, uint64_t pfn, evtchn_port_t port)
{
	if (si == NULL || pfn >= si->nr_pages ||
	    port >= EVTCHN_2L_NR_CHANNELS)
		return -XEN_EINVAL;
	/* VIRT_BASE is 0 and the builder maps all our frames 1:1 from it. */
	ring = (struct xencons_interface *)(uintptr_t)(pfn << LO_PAGE_SHIFT);
	ring_port = port;
	return 0;
}

int console_init(const start_info_t *si)
{
	xen_pfn_t mfn = si->console.domU.mfn;
	unsigned long pfn;

	/* The machine-to-guest frame table that Xen maps read-only for us. */
	if (mfn >= MACH2PHYS_NR_ENTRIES)
		return -XEN_EINVAL;
	pfn = ((const unsigned long *)MACH2PHYS_VIRT_START)[mfn];
	return console_attach(si, pfn, si->console.domU.evtchn);
}

struct xencons_interface *console_ring(void)
{
	return ring;
}

evtchn_port_t console_port(void)
{
	return ring_port;
}

static void notify(void)
{
	evtchn_send(ring_port);
}

/* Put all (len) bytes of (buf) in the ring, waiting while it is full. */
static long ring_put(const char *buf, size_t len)
{
	while (len > 0) {
		long n = console_ring_write(ring, buf, len);

		if (n < 0)
			return n;
		buf += n;
		len -= (size_t)n;
		if (len > 0) {
			notify();
			libos_yield();
		}
	}
	return 0;
}

static void debug_write(const char *buf, size_t len)
{
	while (len > 0) {
		unsigned int n = len > 4096 ? 4096 : (unsigned int)len;

		HYPERVISOR_console_io(CONSOLEIO_write, n, buf);
		buf += n;
		len -= n;
	}
}

long console_write(const char *buf, size_t len)
{
	size_t done = 0;
	long rc = 0;

	if (ring == NULL) {
		debug_write(buf, len);
		return (long)len;
	}

	while (done < len) {
		size_t line = 0;

		while (done + line < len && buf[done + line] != '\n')
			line++;
		rc = ring_put(buf + done, line);
		if (rc < 0)
			goto out;
		done += line;
		if (done < len) {
			rc = ring_put("\r\n", 2);
			if (rc < 0)
				goto out;
			done++;
		}
	}
	rc = (long)len;
out:
	notify();
	return rc;
}

void console_flush(void)
{
	if (ring == NULL)
		return;
	for (int i = 0; i < FLUSH_MAX_YIELDS; i++) {
		if (console_ring_pending(ring) <= 0)
			return;
		notify();
		libos_yield();
	}
}

int printk(const char *fmt, ...)
{
	char buf[PRINTK_MAX];
	va_list ap;
	long rc;
	int n;

	va_start(ap, fmt);
	n = lo_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -XEN_EINVAL;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;

	rc = console_write(buf, (size_t)n);
	return rc < 0 ? (int)rc : n;
}
