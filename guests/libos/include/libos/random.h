/*
 * libos/random.h — a pseudo-random source for protocol choices that must
 * not repeat across guests or boots (e.g. lwIP's first local port). Not
 * cryptographic: seeded from the TSC, Xen system time and the domain id.
 */
#ifndef LIBOS_RANDOM_H
#define LIBOS_RANDOM_H

#include <stdint.h>

/* libos_random32() - the next 32 pseudo-random bits (xorshift64*). */
uint32_t libos_random32(void);

#endif
