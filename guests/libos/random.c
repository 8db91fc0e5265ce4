/*
 * random.c — a small pseudo-random generator (see libos/random.h):
 * xorshift64*, seeded lazily on first use.
 */
#include <stdint.h>

#include <libos/noxs.h>
#include <libos/random.h>
#include <libos/time.h>

static uint64_t state;

static void seed(void)
{
	uint64_t tsc, ns;

	libos_clock(&tsc, &ns);
	state = tsc ^ (ns * 0x9e3779b97f4a7c15ull) ^
		((uint64_t)libos_domid() << 40);
	if (state == 0)
		state = 0x853c49e6748fea9bull;
}

uint32_t libos_random32(void)
{
	if (state == 0)
		seed();
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (uint32_t)((state * 0x2545f4914f6cdd1dull) >> 32);
}
