/*
 * bzimage.h — recognising a Linux bzImage (x86 boot protocol) as a guest
 * image for XenStore mode. Internal to liblvm; pure, so it is unit-tested
 * and fuzzed on its own. The compressed ELF inside is unpacked and checked
 * by libxenguest's own loader when the domain is built.
 */
#ifndef LVM_BZIMAGE_H
#define LVM_BZIMAGE_H

#include <stddef.h>

/*
 * lvm_bzimage_check() - is the (size) bytes at (buf) a bzImage that
 * libxenguest can load: the boot sector signature, the "HdrS" header of
 * boot protocol 2.08 or later, a setup size and a payload (offset and
 * length from the header) that lie inside (buf)?
 * Returns 0 if so, -ENOEXEC if not.
 */
int lvm_bzimage_check(const void *buf, size_t size);

#endif
