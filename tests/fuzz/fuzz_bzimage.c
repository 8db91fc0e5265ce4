/*
 * fuzz_bzimage.c — libFuzzer entry for the bzImage header check.
 */
#include <stddef.h>
#include <stdint.h>

#include "toolstack/engine/bzimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lvm_bzimage_check(data, size);
	return 0;
}
