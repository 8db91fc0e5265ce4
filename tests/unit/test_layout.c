/*
 * test_layout.c — our own PV builder's layout (toolstack/engine/layout.c):
 * where each part of a guest goes, how many page-table pages a mapping
 * takes for a memory size and a virtual base, the bounds, and every
 * entry of the tables it writes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "toolstack/engine/layout.h"

#define MIB(n) ((uint64_t)(n) << 8)  /* pages */
#define KIB 1024ull

/* A noop guest (an image of 26 pages at 0) in 1 MiB: every frame. */
static void test_noop_1mib(void **state)
{
	struct lvm_layout lo;

	(void)state;
	assert_int_equal(lvm_layout_compute(MIB(1), 0, 0, 0x1a000, &lo), 0);
	assert_int_equal(lo.image_pfn, 0);
	assert_int_equal(lo.kernel_end, 26);
	assert_int_equal(lo.p2m_pfn, 26);
	assert_int_equal(lo.p2m_pages, 1);      /* 256 * 8 bytes */
	assert_int_equal(lo.start_info_pfn, 27);
	assert_int_equal(lo.console_pfn, 28);
	assert_int_equal(lo.pt_pfn, 29);
	/* 34 + 128 frames mapped: under 2 MiB, one table per level. */
	assert_int_equal(lo.nr_l3, 1);
	assert_int_equal(lo.nr_l2, 1);
	assert_int_equal(lo.nr_l1, 1);
	assert_int_equal(lo.pt_pages, 4);
	assert_int_equal(lo.stack_pfn, 33);
	assert_int_equal(lo.footprint, 34);
	assert_int_equal(lo.mapped, 34 + LVM_LAYOUT_PAD_PAGES);
}

/* An image that leaves less than the padding: the mapping stops at the
 * end of memory, never past it. */
static void test_padding_capped_by_memory(void **state)
{
	struct lvm_layout lo;

	(void)state;
	/* httpd's image ends at 0xf5248: 246 pages. */
	assert_int_equal(lvm_layout_compute(MIB(1), 0, 0, 0xf5248, &lo), 0);
	assert_int_equal(lo.kernel_end, 246);
	assert_int_equal(lo.footprint, 246 + 1 + 1 + 1 + 4 + 1);
	assert_int_equal(lo.mapped, MIB(1));
	/* Exactly full: still fits; one page more does not. */
	assert_int_equal(lvm_layout_compute(MIB(1), 0, 0, 248 * 4096, &lo),
			 0);
	assert_int_equal(lo.footprint, MIB(1));
	assert_int_equal(lo.mapped, MIB(1));
	assert_int_equal(lvm_layout_compute(MIB(1), 0, 0, 249 * 4096, &lo),
			 -ENOMEM);
	/* An image larger than the memory itself. */
	assert_int_equal(lvm_layout_compute(MIB(1), 0, 0, 2 << 20, &lo),
			 -ENOMEM);
}

/*
 * The p2m list grows with memory (8 bytes a page) and pushes the tables;
 * the mapping covers up to 512 KiB past the stack, so the L1 count is
 * that of the footprint plus the padding.
 */
static void test_p2m_and_tables_grow(void **state)
{
	struct lvm_layout lo;

	(void)state;
	/* 64 MiB: 16384 pages, a p2m of 32 pages. */
	assert_int_equal(lvm_layout_compute(MIB(64), 0, 0, 0x1a000, &lo), 0);
	assert_int_equal(lo.p2m_pages, 32);
	assert_int_equal(lo.start_info_pfn, 26 + 32);
	assert_int_equal(lo.pt_pages, 4);
	assert_int_equal(lo.mapped, lo.footprint + LVM_LAYOUT_PAD_PAGES);

	/* 1 GiB: a p2m of 2 MiB (512 pages); the mapping crosses 2 MiB. */
	assert_int_equal(lvm_layout_compute(MIB(1024), 0, 0, 0x1a000, &lo), 0);
	assert_int_equal(lo.p2m_pages, 512);
	assert_int_equal(lo.nr_l1, 2);
	assert_int_equal(lo.pt_pages, 5);
	assert_int_equal(lo.footprint, 26 + 512 + 2 + 5 + 1);

	/* An image of 1 GiB - 8 KiB in 2 GiB: its tables cross into a
	 * second GiB, one L1 per 2 MiB mapped. */
	assert_int_equal(lvm_layout_compute(MIB(2048), 0, 0,
					    (1ull << 30) - 8192, &lo), 0);
	assert_int_equal(lo.p2m_pages, 1024);
	assert_int_equal(lo.nr_l3, 1);
	assert_int_equal(lo.nr_l2, 2);
	assert_int_equal(lo.nr_l1, (lo.mapped + 511) / 512);
	assert_int_equal(lo.pt_pages, 1 + 1 + 2 + lo.nr_l1);
	assert_int_equal(lo.stack_pfn, lo.pt_pfn + lo.pt_pages);
	assert_int_equal(lo.mapped, lo.footprint + LVM_LAYOUT_PAD_PAGES);
	assert_true(lo.mapped <= lo.nr_pages);
}

/* A virtual base near the top: the tables follow the addresses, not the
 * frame numbers (a mapping that straddles a 2 MiB line takes two L1s). */
static void test_virt_base(void **state)
{
	const uint64_t top = 0xffffffff80000000ull;
	struct lvm_layout lo;

	(void)state;
	assert_int_equal(lvm_layout_compute(MIB(1), top, top, top + 0x1a000,
					    &lo), 0);
	assert_int_equal(lo.pt_pages, 4);
	/* 1 MiB before a 2 MiB line: its 162 frames straddle it. */
	assert_int_equal(lvm_layout_compute(MIB(4), top + 0x100000,
					    top + 0x100000,
					    top + 0x100000 + 0x1a000, &lo), 0);
	assert_int_equal(lo.nr_l1, 1);          /* 0x100000 + 164 pages */
	assert_int_equal(lvm_layout_compute(MIB(4), top + 0x180000,
					    top + 0x180000,
					    top + 0x180000 + 0x1a000, &lo), 0);
	assert_int_equal(lo.nr_l1, 2);
	assert_int_equal(lo.pt_pages, 5);
	/* An image above the base starts that far in. */
	assert_int_equal(lvm_layout_compute(MIB(4), top, top + 0x3000,
					    top + 0x1a000, &lo), 0);
	assert_int_equal(lo.image_pfn, 3);
	assert_int_equal(lo.kernel_end, 26);
}

static void test_bounds(void **state)
{
	struct lvm_layout lo;

	(void)state;
	assert_int_equal(lvm_layout_compute(0, 0, 0, 4096, &lo), -EINVAL);
	assert_int_equal(lvm_layout_compute(MIB(1), 0x1000, 0, 4096, &lo),
			 -EINVAL);               /* image below the base */
	assert_int_equal(lvm_layout_compute(MIB(1), 0x800, 0x800, 4096, &lo),
			 -EINVAL);               /* unaligned base */
	assert_int_equal(lvm_layout_compute(MIB(1), 0, 4096, 4096, &lo),
			 -EINVAL);               /* empty image */
	assert_int_equal(lvm_layout_compute(1ull << 41, 0, 0, 4096, &lo),
			 -EINVAL);               /* absurd memory */
	/* The memory would run off the end of the address space. */
	assert_int_equal(lvm_layout_compute(MIB(4), 0xfffffffffff00000ull,
					    0xfffffffffff00000ull,
					    0xfffffffffff01000ull, &lo),
			 -EINVAL);
	/* ... or across the non-canonical hole. */
	assert_int_equal(lvm_layout_compute(MIB(4), 0x00007fffffe00000ull,
					    0x00007fffffe00000ull,
					    0x00007fffffe01000ull, &lo),
			 -EINVAL);
	/* Too small for even the tables after the image. */
	assert_int_equal(lvm_layout_compute(4, 0, 0, 4096, &lo), -ENOMEM);
	assert_int_equal(lvm_layout_compute(8, 0, 0, 4096, &lo), -ENOMEM);
	assert_int_equal(lvm_layout_compute(9, 0, 0, 4096, &lo), 0);
	assert_int_equal(lo.footprint, 9);      /* 1+1+1+1+4+1 */
	assert_int_equal(lo.mapped, 9);
}

/* fake_mfn() - the machine frame the tests give frame (pfn). */
static uint64_t fake_mfn(uint64_t pfn)
{
	return 0x80000 + pfn * 3;
}

/* entry() - the entry of table page (t), index (i). */
static uint64_t entry(const uint64_t *tables, uint64_t t, unsigned i)
{
	return tables[t * 512 + i];
}

/* Every entry of a 1 MiB guest's tables, at virtual address 0. */
static void test_tables_small(void **state)
{
	struct lvm_layout lo;
	uint64_t p2m[256], *tables, pfn, e, l4, l3, l2;
	unsigned i, used;

	(void)state;
	for (pfn = 0; pfn < 256; pfn++)
		p2m[pfn] = fake_mfn(pfn);
	assert_int_equal(lvm_layout_compute(256, 0, 0, 0x1a000, &lo), 0);
	tables = malloc(lo.pt_pages * 4096);
	assert_non_null(tables);
	memset(tables, 0xa5, lo.pt_pages * 4096);
	lvm_layout_tables(&lo, p2m, tables);

	/* L4 slot 0 -> the L3 (frame pt_pfn + 1), and nothing else. */
	l4 = entry(tables, 0, 0);
	assert_int_equal(l4, (fake_mfn(lo.pt_pfn + 1) << 12) | LVM_PTE_TABLE);
	l3 = entry(tables, 1, 0);
	assert_int_equal(l3, (fake_mfn(lo.pt_pfn + 2) << 12) | LVM_PTE_TABLE);
	l2 = entry(tables, 2, 0);
	assert_int_equal(l2, (fake_mfn(lo.pt_pfn + 3) << 12) | LVM_PTE_TABLE);
	for (i = 1; i < 512; i++) {
		assert_int_equal(entry(tables, 0, i), 0);
		assert_int_equal(entry(tables, 1, i), 0);
		assert_int_equal(entry(tables, 2, i), 0);
	}
	/* L1: frame i at index i, read-only for the four table frames,
	 * nothing past the mapping. */
	used = 0;
	for (i = 0; i < 512; i++) {
		e = entry(tables, 3, i);
		if (i >= lo.mapped) {
			assert_int_equal(e, 0);
			continue;
		}
		used++;
		if (i >= lo.pt_pfn && i < lo.pt_pfn + lo.pt_pages)
			assert_int_equal(e, (fake_mfn(i) << 12) |
					 (LVM_PTE_LEAF & ~LVM_PTE_RW));
		else
			assert_int_equal(e, (fake_mfn(i) << 12) | LVM_PTE_LEAF);
	}
	assert_int_equal(used, lo.mapped);
	free(tables);
}

/* A high base over a 2 MiB line: the L1s, L2 and L4 slots it takes. */
static void test_tables_high_base(void **state)
{
	const uint64_t base = 0xffffffff80180000ull;
	struct lvm_layout lo;
	uint64_t *p2m, *tables, pfn, va, t;
	unsigned l4i = (base >> 39) & 511, l3i = (base >> 30) & 511;
	unsigned l2i = (base >> 21) & 511;

	(void)state;
	assert_int_equal(lvm_layout_compute(MIB(4), base, base,
					    base + 0x1a000, &lo), 0);
	assert_int_equal(lo.nr_l1, 2);
	p2m = malloc(lo.nr_pages * 8);
	tables = malloc(lo.pt_pages * 4096);
	assert_non_null(p2m);
	assert_non_null(tables);
	for (pfn = 0; pfn < lo.nr_pages; pfn++)
		p2m[pfn] = fake_mfn(pfn);
	lvm_layout_tables(&lo, p2m, tables);
	assert_int_equal(entry(tables, 0, l4i),
			 (fake_mfn(lo.pt_pfn + 1) << 12) | LVM_PTE_TABLE);
	assert_int_equal(entry(tables, 1, l3i),
			 (fake_mfn(lo.pt_pfn + 2) << 12) | LVM_PTE_TABLE);
	assert_int_equal(entry(tables, 2, l2i),
			 (fake_mfn(lo.pt_pfn + 3) << 12) | LVM_PTE_TABLE);
	assert_int_equal(entry(tables, 2, l2i + 1),
			 (fake_mfn(lo.pt_pfn + 4) << 12) | LVM_PTE_TABLE);
	/* Each mapped frame through the walk lands on its own mfn. */
	for (pfn = 0; pfn < lo.mapped; pfn++) {
		va = base + pfn * 4096;
		t = 3 + ((va >> 21) - (base >> 21));
		assert_int_equal(entry(tables, t, (va >> 12) & 511) >> 12,
				 fake_mfn(pfn));
	}
	/* The first page past the mapping is not mapped. */
	va = base + lo.mapped * 4096;
	t = 3 + ((va >> 21) - (base >> 21));
	if (t < lo.pt_pages)
		assert_int_equal(entry(tables, t, (va >> 12) & 511), 0);
	free(tables);
	free(p2m);
}

/*
 * Tables ahead (a pool's shell): the span's tables at its top, the stack
 * below them; then noop placed from frame 0, and the bounds of both.
 */
static void test_ahead_noop(void **state)
{
	struct lvm_layout lo, before;

	(void)state;
	/* 4 MiB, a span of 512 frames: one table per level, at 508..511. */
	assert_int_equal(lvm_layout_ahead(MIB(4), 512, 0, &lo), 0);
	assert_int_equal(lo.nr_pages, MIB(4));
	assert_int_equal(lo.nr_l1, 1);
	assert_int_equal(lo.nr_l2, 1);
	assert_int_equal(lo.nr_l3, 1);
	assert_int_equal(lo.pt_pages, 4);
	assert_int_equal(lo.pt_pfn, 508);
	assert_int_equal(lo.stack_pfn, 507);
	assert_int_equal(lo.start_info_pfn, 506);
	assert_int_equal(lo.mapped, 512);
	assert_int_equal(lo.footprint, 512);
	assert_int_equal(lo.p2m_pages, 2);      /* 1024 * 8 bytes */
	assert_int_equal(lo.kernel_end, 0);     /* no image yet */

	assert_int_equal(lvm_layout_place(&lo, 0, 0x1a024), 0);
	assert_int_equal(lo.image_pfn, 0);
	assert_int_equal(lo.kernel_end, 27);
	assert_int_equal(lo.p2m_pfn, 27);
	assert_int_equal(lo.console_pfn, 29);
	assert_int_equal(lo.pt_pfn, 508);       /* the tables do not move */
	assert_int_equal(lo.stack_pfn, 507);    /* nor the stack */
	assert_int_equal(lo.start_info_pfn, 506); /* nor start info */

	/* 1 MiB, all of it: a 1.1 MiB image does not fit, and a failed
	 * place leaves the layout as it was. */
	assert_int_equal(lvm_layout_ahead(MIB(1), MIB(1), 0, &lo), 0);
	assert_int_equal(lo.pt_pfn, 252);
	before = lo;
	assert_int_equal(lvm_layout_place(&lo, 0, 0x115848), -ENOMEM);
	assert_memory_equal(&lo, &before, sizeof(lo));
	/* The console must end below start info (250; the stack at 251):
	 * 247 image pages + p2m + console = 249 frames: fits; one page more
	 * of image still fits, two do not. */
	assert_int_equal(before.start_info_pfn, 250);
	assert_int_equal(lvm_layout_place(&lo, 0, 247 * 4096), 0);
	assert_int_equal(lo.console_pfn, 248);
	lo = before;
	assert_int_equal(lvm_layout_place(&lo, 0, 248 * 4096), 0);
	assert_int_equal(lo.console_pfn, 249);
	assert_int_equal(lo.start_info_pfn, 250);
	lo = before;
	assert_int_equal(lvm_layout_place(&lo, 0, 249 * 4096), -ENOMEM);
	assert_memory_equal(&lo, &before, sizeof(lo));
	assert_int_equal(lvm_layout_place(&lo, 0x1000, 0x1000), -EINVAL);

	/* A span below the image's virtual base is refused. */
	assert_int_equal(lvm_layout_ahead(MIB(4), 512, 0x200000, &lo), 0);
	assert_int_equal(lvm_layout_place(&lo, 0x1000, 0x3000), -EINVAL);
	assert_int_equal(lvm_layout_place(&lo, 0x200000, 0x203000), 0);
	assert_int_equal(lo.image_pfn, 0);
	assert_int_equal(lo.kernel_end, 3);
}

static void test_ahead_bounds(void **state)
{
	struct lvm_layout lo;

	(void)state;
	assert_int_equal(lvm_layout_ahead(0, 1, 0, &lo), -EINVAL);
	assert_int_equal(lvm_layout_ahead(256, 0, 0, &lo), -EINVAL);
	assert_int_equal(lvm_layout_ahead(256, 257, 0, &lo), -EINVAL);
	assert_int_equal(lvm_layout_ahead(256, 256, 0x123, &lo), -EINVAL);
	assert_int_equal(lvm_layout_ahead((1ull << 40) + 1, 256, 0, &lo),
			 -EINVAL);
	assert_int_equal(lvm_layout_ahead(256, 256, 0x00007fffffff0000ull,
					  &lo), -EINVAL);
	/* 4 tables + stack + p2m (1) + start info + console + 1 image page
	 * = 9 frames at least. */
	assert_int_equal(lvm_layout_ahead(256, 8, 0, &lo), -ENOMEM);
	assert_int_equal(lo.pt_pages, 0);       /* cleared on failure */
	assert_int_equal(lvm_layout_ahead(256, 9, 0, &lo), 0);
	assert_int_equal(lvm_layout_place(&lo, 0, 4096), 0);
	assert_int_equal(lo.console_pfn, 2);
	assert_int_equal(lo.start_info_pfn, 3);
	assert_int_equal(lo.stack_pfn, 4);
}

/* The tables ahead map the whole span, read-only only at its top. */
static void test_ahead_tables(void **state)
{
	struct lvm_layout lo;
	uint64_t p2m[1024], *tables, pfn, e;
	unsigned i;

	(void)state;
	for (pfn = 0; pfn < 1024; pfn++)
		p2m[pfn] = fake_mfn(pfn);
	assert_int_equal(lvm_layout_ahead(1024, 512, 0, &lo), 0);
	tables = malloc(lo.pt_pages * 4096);
	assert_non_null(tables);
	lvm_layout_tables(&lo, p2m, tables);
	assert_int_equal(entry(tables, 0, 0),
			 (fake_mfn(lo.pt_pfn + 1) << 12) | LVM_PTE_TABLE);
	for (i = 0; i < 512; i++) {
		e = entry(tables, 3, i);
		if (i >= lo.pt_pfn)
			assert_int_equal(e, (fake_mfn(i) << 12) |
					 (LVM_PTE_LEAF & ~LVM_PTE_RW));
		else
			assert_int_equal(e, (fake_mfn(i) << 12) | LVM_PTE_LEAF);
	}
	free(tables);
}

/* l1e_agrees() - for every frame of (lo), lvm_layout_l1e() names the
 * entry lvm_layout_tables() wrote for it, and refuses the tables' own
 * frames and the frames past the mapping. */
static void l1e_agrees(const struct lvm_layout *lo)
{
	uint64_t *p2m, *tables, pfn, table;
	unsigned idx;

	p2m = malloc(lo->nr_pages * 8);
	tables = malloc(lo->pt_pages * 4096);
	assert_non_null(p2m);
	assert_non_null(tables);
	for (pfn = 0; pfn < lo->nr_pages; pfn++)
		p2m[pfn] = fake_mfn(pfn);
	lvm_layout_tables(lo, p2m, tables);
	for (pfn = 0; pfn < lo->nr_pages; pfn++) {
		int rc = lvm_layout_l1e(lo, pfn, &table, &idx);

		if (pfn >= lo->mapped ||
		    (pfn >= lo->pt_pfn && pfn < lo->pt_pfn + lo->pt_pages)) {
			assert_int_equal(rc, -EINVAL);
			continue;
		}
		assert_int_equal(rc, 0);
		/* an L1 of the tables, after the L4, L3s and L2s */
		assert_true(table >= lo->pt_pfn + 1 + lo->nr_l3 + lo->nr_l2);
		assert_true(table < lo->pt_pfn + lo->pt_pages);
		assert_true(idx < 512);
		assert_int_equal(entry(tables, table - lo->pt_pfn, idx),
				 (fake_mfn(pfn) << 12) | LVM_PTE_LEAF);
	}
	free(tables);
	free(p2m);
}

/* Where the entry of each frame is (the shared code's mapping, code.c):
 * the usual order at 0 and at a high base over two L1s, and ahead. */
static void test_l1e(void **state)
{
	struct lvm_layout lo;

	(void)state;
	assert_int_equal(lvm_layout_compute(MIB(1), 0, 0, 0x1a000, &lo), 0);
	l1e_agrees(&lo);
	assert_int_equal(lvm_layout_compute(MIB(4), 0xffffffff80180000ull,
					    0xffffffff80180000ull,
					    0xffffffff80180000ull + 0x1a000,
					    &lo), 0);
	assert_int_equal(lo.nr_l1, 2);
	l1e_agrees(&lo);
	assert_int_equal(lvm_layout_ahead(1024, 512, 0, &lo), 0);
	assert_int_equal(lvm_layout_place(&lo, 0, 0x1a000), 0);
	l1e_agrees(&lo);
	assert_int_equal(lvm_layout_ahead(MIB(8), 1024, 0, &lo), 0);
	assert_int_equal(lo.nr_l1, 2);
	l1e_agrees(&lo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_noop_1mib),
		cmocka_unit_test(test_padding_capped_by_memory),
		cmocka_unit_test(test_p2m_and_tables_grow),
		cmocka_unit_test(test_virt_base),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_tables_small),
		cmocka_unit_test(test_tables_high_base),
		cmocka_unit_test(test_ahead_noop),
		cmocka_unit_test(test_ahead_bounds),
		cmocka_unit_test(test_ahead_tables),
		cmocka_unit_test(test_l1e),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
