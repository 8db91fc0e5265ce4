/*
 * ring.h — what the two console ring fuzzers (fuzz_cons_ring.c,
 * fuzz_console_ring.c) share: comparing and copying bytes at a ring index
 * that may wrap, and the bytes they write.
 */
#ifndef LVM_FUZZ_RING_H
#define LVM_FUZZ_RING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ring_cmp: whether the (n) bytes of (ring) (of (size)) from index (at) on
 * equal (data); ring_put: put them there. */
static inline int ring_cmp(const char *ring, size_t size, uint32_t at,
		    const char *data, size_t n)
{
	size_t o = at % size, k = n < size - o ? n : size - o;

	return memcmp(ring + o, data, k) || memcmp(ring, data + k, n - k);
}

static inline void ring_put(char *ring, size_t size, uint32_t at, const char *data,
		     size_t n)
{
	size_t o = at % size, k = n < size - o ? n : size - o;

	memcpy(ring + o, data, k);
	memcpy(ring, data + k, n - k);
}

/* pattern: bytes to write, made once. */
static inline const char *pattern(void)
{
	static char p[8192];

	if (!p[1])
		for (size_t i = 0; i < sizeof(p); i++)
			p[i] = (char)(i * 13 + 1);
	return p;
}

#endif
