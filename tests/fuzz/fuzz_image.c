/*
 * fuzz_image.c — libFuzzer entry point for the guest image checker
 * (toolstack/engine/elfnote.c): any bytes, as a file lvm_image_load()
 * might read. It must never crash, and must answer 0, -ENOEXEC or -EINVAL;
 * an accepted device page must be page-aligned and non-zero.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <noxs/abi.h>

#include "toolstack/engine/elfnote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lvm_elf_info info;
	void *buf = malloc(size ? size : 1);
	int rc;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	rc = lvm_elf_parse(buf, size, &info);
	if (rc != 0 && rc != -ENOEXEC && rc != -EINVAL)
		abort();
	if (rc == 0 && info.noxs_vaddr % NOXS_PAGE_SIZE != 0)
		abort();
	/* the checker only reads its input */
	if (memcmp(buf, data, size) != 0)
		abort();
	free(buf);
	return 0;
}
