/*
 * shared_info.c — mapping the shared_info page (see libos/shared_info.h).
 *
 * A PV guest reaches shared_info only by mapping its machine frame. The
 * domain builder already mapped every page of our image, so a page-aligned
 * page of .bss has a page-table entry in place: re-pointing that entry at
 * the frame needs no page table of our own.
 */
#include <stdint.h>
#include <xen/xen.h>

#include <libos/shared_info.h>

#include "cpu.h"
#include "hypercall.h"

/* The virtual page that becomes shared_info; its own frame goes unused. */
static uint8_t shared_info_va[LO_PAGE_SIZE]
	__attribute__((aligned(LO_PAGE_SIZE)));
static volatile shared_info_t *shared_info;

_Static_assert(sizeof(shared_info_t) <= LO_PAGE_SIZE, "shared_info size");

int shared_info_init(const start_info_t *si)
{
	long rc;

	rc = HYPERVISOR_update_va_mapping((unsigned long)shared_info_va,
					  lo_pte_rw(si->shared_info),
					  UVMF_INVLPG);
	if (rc < 0)
		return (int)rc;
	shared_info = (volatile shared_info_t *)shared_info_va;
	return 0;
}

volatile shared_info_t *libos_shared_info(void)
{
	return shared_info;
}
