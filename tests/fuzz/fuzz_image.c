/*
 * fuzz_image.c — libFuzzer entry point for the guest image checker
 * (toolstack/engine/elfnote.c): any bytes, as a file lvm_image_load()
 * might read. It must never crash, and must answer 0, -ENOEXEC, -EINVAL
 * or -EBADMSG (a bad application note); an accepted device page must be
 * page-aligned and non-zero, and a load plan (for our own builder) must
 * keep every segment inside the file and the entry and hypercall page
 * inside the segments.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <noxs/abi.h>

#include "toolstack/engine/elfnote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_plan() - abort unless (ld) stays inside a file of (size) bytes. */
static void check_plan(const struct lvm_elf_load *ld, size_t size)
{
	unsigned i;

	if (ld->nsegs == 0 || ld->nsegs > LVM_ELF_SEGS_MAX ||
	    ld->entry < ld->lo || ld->entry >= ld->hi)
		abort();
	if (ld->hypercall_va != 0 && (ld->hypercall_va % 4096 != 0 ||
	    ld->hypercall_va < ld->lo || ld->hypercall_va + 4096 > ld->hi))
		abort();
	for (i = 0; i < ld->nsegs; i++) {
		const struct lvm_elf_seg *g = &ld->segs[i];

		if (g->offset > size || g->filesz > size - g->offset ||
		    g->filesz > g->memsz || g->vaddr < ld->lo ||
		    g->vaddr + g->memsz > ld->hi)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lvm_elf_info info;
	void *buf = malloc(size ? size : 1);
	int rc;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	rc = lvm_elf_parse(buf, size, &info);
	if (rc != 0 && rc != -ENOEXEC && rc != -EINVAL && rc != -EBADMSG)
		abort();
	if (rc == 0 && info.noxs_vaddr % NOXS_PAGE_SIZE != 0)
		abort();
	if (rc == 0 && info.load.ok)
		check_plan(&info.load, size);
	/* the checker only reads its input */
	if (memcmp(buf, data, size) != 0)
		abort();
	free(buf);
	return 0;
}
