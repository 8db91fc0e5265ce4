/*
 * scribble — a hostile guest, to test dom0's defences. Once READY it
 * writes pseudo-random bytes over its whole device page and over its
 * console ring (indices and data, both directions), notifies the console
 * and sysctl event channels, then waits forever, blocked in SCHEDOP_poll.
 * dom0 must notice, disconnect or destroy it, and keep serving others.
 */
#include <stddef.h>
#include <stdint.h>

#include <libos/console.h>
#include <libos/evtchn.h>
#include <libos/noxs.h>
#include <libos/sched.h>
#include <libos/start.h>
#include <libos/time.h>

/* xorshift64: good enough noise, never 0 from a non-zero seed. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void scribble(volatile void *buf, size_t len, uint64_t *seed)
{
	volatile uint8_t *b = buf;

	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)next(seed);
}

int main(void)
{
	const struct noxs_page *np = libos_noxs();
	struct xencons_interface *ring = console_ring();
	uint64_t seed = libos_tsc() | 1;
	evtchn_port_t port = np != NULL ? np->sysctl.evtchn : console_port();

	printk("scribble: ready, scribbling over its device page and ring\n");
	console_flush();

	scribble(libos_noxs_page(), sizeof(struct noxs_page), &seed);
	if (ring != NULL)
		scribble(ring, sizeof(*ring), &seed);
	evtchn_send(console_port());
	evtchn_send(port);

	/* Sleep; whatever dom0 sends is cleared and ignored. */
	for (;;) {
		evtchn_clear(port);
		if (evtchn_poll(port, libos_now_ns() + 1000000000ull) < 0)
			libos_yield();
	}
}
