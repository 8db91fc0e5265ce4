/*
 * codewrite — a hostile guest, to test the sharing of an image's code
 * between its guests (toolstack/engine/code.h). Its command line picks
 * the part it plays:
 *
 *   attack  Finds the machine frame that maps the page of its own code
 *           it will write (walking its page tables, which Xen leaves
 *           mapped read-only in its memory) and says whether that is
 *           its own frame (its p2m list's) or another domain's; then
 *           tries, printing each answer: to map that frame read-write
 *           where it is, to map it read-write at another address, and
 *           last to write into it. With the code shared, Xen refuses
 *           both mappings and the write faults, which with no trap
 *           table crashes the guest; without sharing all three succeed.
 *   victim  Reads the same page, says so, then checks it every 20 ms
 *           and says if it ever changes; obeys the toolstack's requests
 *           (a poweroff ends it).
 */
#include <stdint.h>

#include <xen/errno.h>
#include <xen/xen.h>

#include <libos/console.h>
#include <libos/start.h>
#include <libos/string.h>
#include <libos/sysctl.h>

#include "hypercall.h"

#define PAGE 4096ull
#define MFN_MASK ((1ull << 40) - 1)
#define PTE_PRESENT 0x001ull
#define PTE_RW 0x002ull
#define PTE_ACCESSED 0x020ull
#define PTE_DIRTY 0x040ull

/* The page both parts look at: this function's own. */
__attribute__((noinline, aligned(4096))) static uint64_t target(void)
{
	return 0x636f646577726974ull;  /* "codewrit" */
}

static uint8_t spare[PAGE] __attribute__((aligned(4096)));

/* table_va() - where the page-table frame (mfn) is mapped, or NULL. */
static const uint64_t *table_va(const start_info_t *si, uint64_t mfn)
{
	const uint64_t *p2m = (const uint64_t *)si->mfn_list;
	uint64_t first = si->pt_base / PAGE, i;

	for (i = 0; i < si->nr_pt_frames; i++)
		if (p2m[first + i] == mfn)
			return (const uint64_t *)(si->pt_base + i * PAGE);
	return NULL;
}

/* frame_of() - the machine frame mapped at (va), by the tables; 0 if
 * the walk leaves the tables. */
static uint64_t frame_of(const start_info_t *si, uint64_t va)
{
	const uint64_t *t = (const uint64_t *)si->pt_base;
	unsigned shift;

	for (shift = 39; shift >= 12; shift -= 9) {
		uint64_t e = t[(va >> shift) & 511];

		if (!(e & PTE_PRESENT))
			return 0;
		if (shift == 12)
			return (e >> 12) & MFN_MASK;
		t = table_va(si, (e >> 12) & MFN_MASK);
		if (t == NULL)
			return 0;
	}
	return 0;
}

static int attack(const start_info_t *si, uint64_t va)
{
	const uint64_t *p2m = (const uint64_t *)si->mfn_list;
	uint64_t mfn = frame_of(si, va), own = p2m[va / PAGE];
	uint64_t pte = mfn << 12 | PTE_PRESENT | PTE_RW | PTE_ACCESSED |
		       PTE_DIRTY;
	long rc;

	printk("codewrite: code page 0x%lx: frame 0x%lx, its own 0x%lx: %s\n",
	       (unsigned long)va, (unsigned long)mfn, (unsigned long)own,
	       mfn == own ? "own" : "another domain's");
	rc = HYPERVISOR_update_va_mapping(va, pte, UVMF_INVLPG);
	printk("codewrite: mapping it read-write in place: %ld\n", rc);
	rc = HYPERVISOR_update_va_mapping((unsigned long)spare, pte,
					  UVMF_INVLPG);
	printk("codewrite: mapping it read-write elsewhere: %ld\n", rc);
	printk("codewrite: writing into the code\n");
	*(volatile uint8_t *)va = 0xcc;
	printk("codewrite: wrote into the code\n");
	return 0;
}

static int victim(uint64_t va)
{
	uint8_t seen[64];

	memcpy(seen, (const void *)va, sizeof(seen));
	printk("codewrite: victim watching 0x%lx\n", (unsigned long)va);
	for (;;) {
		int rc = libos_sysctl_wait(20000000ull);

		if (memcmp(seen, (const void *)va, sizeof(seen)) != 0) {
			printk("codewrite: victim: the code changed\n");
			memcpy(seen, (const void *)va, sizeof(seen));
		}
		if (rc < 0 && rc != -XEN_ETIMEDOUT && rc != -XEN_EINVAL)
			return 1;
	}
}

int main(void)
{
	const start_info_t *si = libos_start_info();
	uint64_t va = (uint64_t)(uintptr_t)&target & ~(PAGE - 1);

	(void)target();
	if (memcmp(si->cmd_line, "attack", 7) == 0)
		return attack(si, va);
	if (memcmp(si->cmd_line, "victim", 7) == 0)
		return victim(va);
	printk("codewrite: command line 'attack' or 'victim', not '%s'\n",
	       (const char *)si->cmd_line);
	return 1;
}
