/*
 * layout.h — where our own PV builder (pvbuild.c) puts each part of a
 * noxs guest in its memory, and the x86_64 page tables of its initial
 * mapping. Pure arithmetic, no hypervisor: unit-tested on the host.
 *
 * A guest of (nr_pages) pages has pseudo-physical frames 0 .. nr_pages-1;
 * frame (pfn) is mapped at virt_base + pfn * 4096. In frame order:
 *
 *   the image's segments  [image_pfn .. kernel_end)  (from its lowest
 *                          loaded page; nothing below it is used)
 *   the p2m list           one 8-byte machine frame number per page
 *   start info             one page
 *   the console ring       one page
 *   the page tables        L4, then the L3s, L2s and L1s of the mapping
 *   the boot stack         one page (the entry's %rsp is its top)
 *
 * These are the x86 PV boot order without the store page: a noxs guest
 * has none. The initial mapping covers frames 0 .. mapped-1: everything
 * above plus LVM_LAYOUT_PAD_PAGES of room when the memory has it (the
 * PV protocol's 512 KiB; a 1 MiB guest gets what is left), never more
 * than the memory. The page tables' own pages are mapped read-only.
 *
 * A shell whose tables are written before its image is known (a pool's,
 * lvm_layout_ahead(): pvbuild.c writes and pins them on lvmd's refill
 * thread) has them at the top of a span of frames mapped from 0 instead:
 *
 *   the image, the p2m list, the console   (from frame 0 up, placed at
 *                          the claim by lvm_layout_place())
 *   free frames            mapped, unused
 *   start info             one page, just below the stack
 *   the boot stack         one page, just below the tables
 *   the page tables        L4, L3s, L2s, L1s: the span's last frames
 *
 * so that vCPU 0's context (%rsp, %rsi, %cr3) is known before the image:
 * pvbuild.c sets it at the premap, with the hypercall page.
 *
 * The guest finds every part through start info (pt_base, nr_pt_frames,
 * mfn_list) and %rsp, as in the usual order; the mapping is the span, all
 * of it, so what lies above the console is the padding.
 */
#ifndef LVM_LAYOUT_H
#define LVM_LAYOUT_H

#include <stdint.h>

#define LVM_LAYOUT_PAGE 4096u
#define LVM_LAYOUT_PAD_PAGES 128u    /* 512 KiB after the boot stack */

/* Page-table entry bits. */
#define LVM_PTE_PRESENT 0x001ull
#define LVM_PTE_RW 0x002ull
#define LVM_PTE_USER 0x004ull
#define LVM_PTE_ACCESSED 0x020ull
#define LVM_PTE_DIRTY 0x040ull
/* An upper-level entry (L4, L3, L2) and a leaf entry. */
#define LVM_PTE_TABLE (LVM_PTE_PRESENT | LVM_PTE_RW | LVM_PTE_USER | \
		       LVM_PTE_ACCESSED | LVM_PTE_DIRTY)
#define LVM_PTE_LEAF (LVM_PTE_PRESENT | LVM_PTE_RW | LVM_PTE_ACCESSED | \
		      LVM_PTE_DIRTY)

struct lvm_layout {
	uint64_t nr_pages;           /* the guest's memory */
	uint64_t virt_base;          /* where frame 0 is mapped */
	uint64_t image_pfn;          /* the image's first page */
	uint64_t kernel_end;         /* first frame after the image */
	uint64_t p2m_pfn;
	uint64_t p2m_pages;
	uint64_t start_info_pfn;
	uint64_t console_pfn;
	uint64_t pt_pfn;             /* the L4; the other tables follow */
	uint32_t nr_l3, nr_l2, nr_l1;
	uint32_t pt_pages;           /* 1 + nr_l3 + nr_l2 + nr_l1 */
	uint64_t stack_pfn;
	uint64_t footprint;          /* frames the builder writes: 0 ..
					stack_pfn */
	uint64_t mapped;             /* frames in the initial mapping */
};

/*
 * lvm_layout_compute() - lay out a guest of (nr_pages) pages whose image
 * is loaded at virtual addresses [img_lo, img_hi) with (virt_base) as
 * frame 0's address, into (*lo).
 * Returns 0, -EINVAL (img_lo below virt_base, img_hi not above img_lo,
 * addresses that overflow or leave the canonical lower half's range
 * arithmetic, nr_pages 0 or above 2^40), -ENOMEM (the guest's memory
 * cannot hold the image and everything after it).
 */
int lvm_layout_compute(uint64_t nr_pages, uint64_t virt_base,
		       uint64_t img_lo, uint64_t img_hi,
		       struct lvm_layout *lo);

/*
 * lvm_layout_tables() - write the page tables of (lo) into (tables):
 * lo->pt_pages pages of 512 entries, in frame order (tables[i] is frame
 * lo->pt_pfn + i), zeroed first. (p2m) gives each frame's machine frame
 * (lo->nr_pages entries). Frames 0 .. lo->mapped-1 are mapped at
 * virt_base + pfn * 4096, read-write except the tables' own frames.
 */
void lvm_layout_tables(const struct lvm_layout *lo, const uint64_t *p2m,
		       uint64_t *tables);

/*
 * lvm_layout_ahead() - the image-independent part of a layout whose
 * initial mapping is frames 0 .. (span)-1 at (virt_base), with the page
 * tables in its last frames and the boot stack below them (see above),
 * for a guest of (nr_pages) pages, into (*lo): nr_pages, virt_base, the
 * table counts, pt_pfn, stack_pfn, start_info_pfn, footprint and mapped
 * (both span).
 * Returns 0, -EINVAL (nr_pages 0 or above 2^40, span 0 or above
 * nr_pages, virt_base unaligned or the span leaving the canonical lower
 * half's range arithmetic), -ENOMEM (the span cannot hold its tables, a
 * stack, the p2m list, start info, the console and one image page).
 */
int lvm_layout_ahead(uint64_t nr_pages, uint64_t span, uint64_t virt_base,
		     struct lvm_layout *lo);

/*
 * lvm_layout_place() - place an image loaded at virtual addresses
 * [img_lo, img_hi) in (*lo), a layout from lvm_layout_ahead(): the image
 * from its lowest page, then the p2m list and the console, all below
 * start info.
 * Returns 0; -EINVAL (img_lo below lo->virt_base, img_hi not above
 * img_lo), -ENOMEM (they do not fit below start info: build the usual
 * way), with (*lo) then unchanged.
 */
int lvm_layout_place(struct lvm_layout *lo, uint64_t img_lo, uint64_t img_hi);

/*
 * lvm_layout_l1e() - where lvm_layout_tables() put the entry that maps
 * frame (pfn) of (lo): the frame of its L1 table into (*table_pfn), the
 * entry's index in it into (*index). Returns 0, or -EINVAL for a frame
 * outside the initial mapping (pfn >= lo->mapped) or a page-table frame
 * (their entries stay read-only).
 */
int lvm_layout_l1e(const struct lvm_layout *lo, uint64_t pfn,
		   uint64_t *table_pfn, unsigned *index);

/* lvm_layout_va() - the virtual address of frame (pfn) in (lo). */
static inline uint64_t lvm_layout_va(const struct lvm_layout *lo,
				     uint64_t pfn)
{
	return lo->virt_base + pfn * LVM_LAYOUT_PAGE;
}

#endif
