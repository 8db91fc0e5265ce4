/*
 * cpu.h — the x86_64 instructions and page-table bits that libos modules
 * need outside the entry code.
 */
#ifndef LIBOS_ARCH_X86_64_CPU_H
#define LIBOS_ARCH_X86_64_CPU_H

#include <stdint.h>

#define LO_PAGE_SHIFT 12
#define LO_PAGE_SIZE (1ul << LO_PAGE_SHIFT)

/* Page-table entry bits (Xen adds the user bit for 64-bit PV kernels). */
#define LO_PTE_PRESENT 0x001ull
#define LO_PTE_RW 0x002ull
#define LO_PTE_ACCESSED 0x020ull
#define LO_PTE_DIRTY 0x040ull
#define LO_PTE_ADDR_MASK 0x000ffffffffff000ull

/*
 * lo_pte_rw() - a present, writable page-table entry for the machine
 * address (maddr), which must be page-aligned.
 */
static inline uint64_t lo_pte_rw(uint64_t maddr)
{
	return (maddr & LO_PTE_ADDR_MASK) | LO_PTE_PRESENT | LO_PTE_RW |
	       LO_PTE_ACCESSED | LO_PTE_DIRTY;
}

/* lo_rdtsc() - the time-stamp counter. Not serialising. */
static inline uint64_t lo_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile ("rdtsc" : "=a" (lo), "=d" (hi));
	return ((uint64_t)hi << 32) | lo;
}

#endif
