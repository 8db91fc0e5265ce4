/*
 * elfnote.h — the guest image checker behind lvm_image_load(): an x86_64
 * ELF with Xen's notes, and optionally the noxs note (noxs/abi.h).
 * Internal to the engine; pure (no files, no hypervisor), so it is unit-tested
 * and fuzzed on its own.
 */
#ifndef LVM_ELFNOTE_H
#define LVM_ELFNOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <noxs/abi.h>

#include "unikernel/appnote.h"

/*
 * How to load an image, for our own builder (pvbuild.c): its PT_LOAD
 * segments and the addresses its notes give. Filled only when every one
 * of them checks (ok); libxenguest loads the others.
 */
#define LVM_ELF_SEGS_MAX 8
struct lvm_elf_seg {
	uint64_t offset, filesz;     /* in the file: inside it */
	uint64_t vaddr, memsz;       /* filesz <= memsz; the rest zeroed */
	bool writable;               /* PF_W: the guest may write it */
};
struct lvm_elf_load {
	bool ok;
	uint64_t entry;              /* ENTRY note, inside [lo, hi) */
	uint64_t hypercall_va;       /* HYPERCALL_PAGE note, a page inside
					[lo, hi); 0 if none */
	uint64_t lo, hi;             /* lowest and end of the segments */
	bool xen_other;              /* its XEN_VERSION note is not xen-3.0:
					built for another Xen interface */
	unsigned nsegs;
	struct lvm_elf_seg segs[LVM_ELF_SEGS_MAX];
};

/* What the notes of an accepted image say. */
struct lvm_elf_info {
	uint64_t virt_base;          /* VIRT_BASE note; 0 if absent, as the
					domain builder defaults it */
	uint64_t noxs_vaddr;         /* device page; 0 without a noxs note */
	struct noxs_vifmem vifmem;   /* the vifs' memory (noxs/abi.h), nvifs
					0 without such a note */
	bool has_app;                /* an application note (lvm build) */
	struct app_note app;         /* its contents, checked */
	struct lvm_elf_load load;    /* for our own builder */
};

/*
 * lvm_elf_parse() - check the (size) bytes at (buf) as a guest image:
 * a 64-bit little-endian x86_64 ELF whose notes (PT_NOTE segments and
 * SHT_NOTE sections alike) named "Xen" include GUEST_OS, XEN_VERSION and
 * ENTRY; VIRT_BASE, if present, must be a 1/2/4/8-byte number. A note
 * named NOXS_NOTE_NAME of type NOXS_NOTE_PAGE must have an 8-byte
 * little-endian descriptor holding a non-zero, NOXS_PAGE_SIZE-aligned
 * address whose whole page lies inside one PT_LOAD segment's memory image
 * (p_vaddr .. p_vaddr + p_memsz); several such notes must agree. A note
 * named APP_NOTE_NAME of type APP_NOTE_TYPE (unikernel/appnote.h) must
 * parse, and several must agree. A NOXS_NOTE_NAME note of type
 * NOXS_NOTE_VIFMEM (the vifs' memory, struct noxs_vifmem) must be 32
 * bytes, pass noxs_vifmem_check(), lie inside one writable PT_LOAD
 * segment's memory clear of the device page, and come with a device
 * page note; several must agree. Notes of other names or types are
 * ignored. (load) is filled for images our builder can load: at most
 * LVM_ELF_SEGS_MAX PT_LOAD segments, each inside the file and the address
 * space, none below VIRT_BASE, the entry inside them and the hypercall
 * page (if any) a page-aligned page inside them; otherwise (load.ok) is
 * false and the image is still accepted. (buf) is only read, but libelf
 * takes it as writable.
 * Returns 0 and fills (*info), -ENOEXEC (not such an ELF, or no or
 * malformed Xen notes), -EINVAL (a bad noxs note of either type), -EBADMSG (a bad
 * application note).
 */
int lvm_elf_parse(void *buf, size_t size, struct lvm_elf_info *info);

#endif
