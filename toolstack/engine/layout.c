/*
 * layout.c — the frame layout and initial page tables of a guest built
 * by our own PV builder (see layout.h). Pure: no hypervisor, no libc
 * beyond memset.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "layout.h"

#define L1_SHIFT 21                  /* one L1 table maps 2 MiB */
#define L2_SHIFT 30                  /* one L2 table maps 1 GiB */
#define L3_SHIFT 39                  /* one L3 table maps 512 GiB */
#define ENTRIES 512u
#define MAX_PAGES (1ull << 40)       /* 4 PiB: far above any guest */
#define LOWER_END 0x0000800000000000ull
#define UPPER_START 0xffff800000000000ull

/* tables_at() - tables of one level (shift) over [vs, ve), ve > vs. */
static uint64_t tables_at(uint64_t vs, uint64_t ve, unsigned shift)
{
	return ((ve - 1) >> shift) - (vs >> shift) + 1;
}

/* canonical() - whether [vs, ve) lies in one canonical half. */
static bool canonical(uint64_t vs, uint64_t ve)
{
	if (ve - 1 < LOWER_END)
		return true;
	return vs >= UPPER_START;
}

/* count_tables() - fill (lo)'s table counts for a mapping of (mapped). */
static void count_tables(struct lvm_layout *lo, uint64_t mapped)
{
	uint64_t vs = lo->virt_base, ve = vs + mapped * LVM_LAYOUT_PAGE;

	lo->nr_l1 = (uint32_t)tables_at(vs, ve, L1_SHIFT);
	lo->nr_l2 = (uint32_t)tables_at(vs, ve, L2_SHIFT);
	lo->nr_l3 = (uint32_t)tables_at(vs, ve, L3_SHIFT);
	lo->pt_pages = 1 + lo->nr_l3 + lo->nr_l2 + lo->nr_l1;
}

int lvm_layout_compute(uint64_t nr_pages, uint64_t virt_base,
		       uint64_t img_lo, uint64_t img_hi,
		       struct lvm_layout *lo)
{
	uint64_t bytes, mapped, want, pad;
	int round;

	memset(lo, 0, sizeof(*lo));
	if (nr_pages == 0 || nr_pages > MAX_PAGES ||
	    virt_base % LVM_LAYOUT_PAGE != 0 || img_lo < virt_base ||
	    img_hi <= img_lo)
		return -EINVAL;
	bytes = nr_pages * LVM_LAYOUT_PAGE;
	if (virt_base > UINT64_MAX - bytes ||
	    !canonical(virt_base, virt_base + bytes))
		return -EINVAL;
	if (img_hi - virt_base > bytes)
		return -ENOMEM;

	lo->nr_pages = nr_pages;
	lo->virt_base = virt_base;
	lo->image_pfn = (img_lo - virt_base) / LVM_LAYOUT_PAGE;
	lo->kernel_end = (img_hi - virt_base + LVM_LAYOUT_PAGE - 1) /
			 LVM_LAYOUT_PAGE;
	lo->p2m_pfn = lo->kernel_end;
	lo->p2m_pages = (nr_pages * sizeof(uint64_t) + LVM_LAYOUT_PAGE - 1) /
			LVM_LAYOUT_PAGE;
	lo->start_info_pfn = lo->p2m_pfn + lo->p2m_pages;
	lo->console_pfn = lo->start_info_pfn + 1;
	lo->pt_pfn = lo->console_pfn + 1;
	if (lo->pt_pfn >= nr_pages)
		return -ENOMEM;

	/*
	 * The tables map the frames up to the padding after the stack, and
	 * their number moves the stack: grow the mapping until the count
	 * holds still. Each round only grows it, by at most a few tables,
	 * so two or three rounds settle any size.
	 */
	mapped = lo->pt_pfn + 2;     /* at least an L4 and the stack */
	for (round = 0; round < 16; round++) {
		if (mapped > nr_pages)
			mapped = nr_pages;
		count_tables(lo, mapped);
		lo->stack_pfn = lo->pt_pfn + lo->pt_pages;
		lo->footprint = lo->stack_pfn + 1;
		if (lo->footprint > nr_pages)
			return -ENOMEM;
		pad = nr_pages - lo->footprint;
		if (pad > LVM_LAYOUT_PAD_PAGES)
			pad = LVM_LAYOUT_PAD_PAGES;
		want = lo->footprint + pad;
		if (want == mapped) {
			lo->mapped = mapped;
			return 0;
		}
		mapped = want;
	}
	return -ENOMEM;              /* not reached: the rounds converge */
}

int lvm_layout_ahead(uint64_t nr_pages, uint64_t span, uint64_t virt_base,
		     struct lvm_layout *lo)
{
	uint64_t p2m_pages;

	memset(lo, 0, sizeof(*lo));
	if (nr_pages == 0 || nr_pages > MAX_PAGES || span == 0 ||
	    span > nr_pages || virt_base % LVM_LAYOUT_PAGE != 0 ||
	    virt_base > UINT64_MAX - nr_pages * LVM_LAYOUT_PAGE ||
	    !canonical(virt_base, virt_base + nr_pages * LVM_LAYOUT_PAGE))
		return -EINVAL;
	lo->nr_pages = nr_pages;
	lo->virt_base = virt_base;
	lo->p2m_pages = (nr_pages * sizeof(uint64_t) + LVM_LAYOUT_PAGE - 1) /
			LVM_LAYOUT_PAGE;
	count_tables(lo, span);
	/* The tables, a stack, the p2m list, start info, the console and
	 * one page of image. */
	p2m_pages = lo->p2m_pages;
	if ((uint64_t)lo->pt_pages + 1 + p2m_pages + 2 + 1 > span) {
		memset(lo, 0, sizeof(*lo));
		return -ENOMEM;
	}
	lo->pt_pfn = span - lo->pt_pages;
	lo->stack_pfn = lo->pt_pfn - 1;
	/* Start info too is the image's no business: with the stack and the
	 * tables it makes vCPU 0's context (%rsp, %rsi, %cr3) known ahead. */
	lo->start_info_pfn = lo->stack_pfn - 1;
	lo->footprint = span;
	lo->mapped = span;
	return 0;
}

int lvm_layout_place(struct lvm_layout *lo, uint64_t img_lo, uint64_t img_hi)
{
	struct lvm_layout n = *lo;

	if (img_lo < n.virt_base || img_hi <= img_lo)
		return -EINVAL;
	/* The image, the p2m list and the console: below start info. */
	if (img_hi - n.virt_base > n.start_info_pfn * LVM_LAYOUT_PAGE)
		return -ENOMEM;
	n.image_pfn = (img_lo - n.virt_base) / LVM_LAYOUT_PAGE;
	n.kernel_end = (img_hi - n.virt_base + LVM_LAYOUT_PAGE - 1) /
		       LVM_LAYOUT_PAGE;
	n.p2m_pfn = n.kernel_end;
	n.console_pfn = n.p2m_pfn + n.p2m_pages;
	if (n.console_pfn >= n.start_info_pfn)
		return -ENOMEM;
	*lo = n;
	return 0;
}

int lvm_layout_l1e(const struct lvm_layout *lo, uint64_t pfn,
		   uint64_t *table_pfn, unsigned *index)
{
	uint64_t vs = lo->virt_base, va = vs + pfn * LVM_LAYOUT_PAGE;

	if (pfn >= lo->mapped ||
	    (pfn >= lo->pt_pfn && pfn < lo->pt_pfn + lo->pt_pages))
		return -EINVAL;
	*table_pfn = lo->pt_pfn + 1 + lo->nr_l3 + lo->nr_l2 +
		     ((va >> L1_SHIFT) - (vs >> L1_SHIFT));
	*index = (unsigned)((va >> 12) % ENTRIES);
	return 0;
}

/* mfn_entry() - an entry pointing at machine frame (mfn) with (bits). */
static uint64_t mfn_entry(uint64_t mfn, uint64_t bits)
{
	return (mfn << 12) | bits;
}

void lvm_layout_tables(const struct lvm_layout *lo, const uint64_t *p2m,
		       uint64_t *tables)
{
	uint64_t vs = lo->virt_base, va, pfn, t, bits;
	uint64_t l3 = 1, l2 = l3 + lo->nr_l3, l1 = l2 + lo->nr_l2;
	uint64_t pt_end = lo->pt_pfn + lo->pt_pages;

	memset(tables, 0, (size_t)lo->pt_pages * LVM_LAYOUT_PAGE);
	for (pfn = 0; pfn < lo->mapped; pfn++) {
		va = vs + pfn * LVM_LAYOUT_PAGE;
		t = (va >> L1_SHIFT) - (vs >> L1_SHIFT);
		bits = LVM_PTE_LEAF;
		if (pfn >= lo->pt_pfn && pfn < pt_end)
			bits &= ~LVM_PTE_RW;
		tables[(l1 + t) * ENTRIES + ((va >> 12) % ENTRIES)] =
			mfn_entry(p2m[pfn], bits);
	}
	for (t = 0; t < lo->nr_l1; t++) {
		va = ((vs >> L1_SHIFT) + t) << L1_SHIFT;
		tables[(l2 + (va >> L2_SHIFT) - (vs >> L2_SHIFT)) * ENTRIES +
		       ((va >> L1_SHIFT) % ENTRIES)] =
			mfn_entry(p2m[lo->pt_pfn + l1 + t], LVM_PTE_TABLE);
	}
	for (t = 0; t < lo->nr_l2; t++) {
		va = ((vs >> L2_SHIFT) + t) << L2_SHIFT;
		tables[(l3 + (va >> L3_SHIFT) - (vs >> L3_SHIFT)) * ENTRIES +
		       ((va >> L2_SHIFT) % ENTRIES)] =
			mfn_entry(p2m[lo->pt_pfn + l2 + t], LVM_PTE_TABLE);
	}
	for (t = 0; t < lo->nr_l3; t++) {
		va = ((vs >> L3_SHIFT) + t) << L3_SHIFT;
		tables[(va >> L3_SHIFT) % ENTRIES] =
			mfn_entry(p2m[lo->pt_pfn + l3 + t], LVM_PTE_TABLE);
	}
}
