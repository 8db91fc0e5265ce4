/*
 * bzimage.c — the x86 boot protocol header of a bzImage (see bzimage.h).
 *
 * Offsets are those of the boot protocol's setup header, counted from the
 * start of the file.
 */
#include <errno.h>
#include <stdint.h>

#include "bzimage.h"

#define BZ_SETUP_SECTS 0x1f1         /* u8: setup sectors, 0 means 4 */
#define BZ_BOOT_FLAG 0x1fe           /* u16: 0xaa55 */
#define BZ_HEADER 0x202              /* u32: "HdrS" */
#define BZ_VERSION 0x206             /* u16: protocol version */
#define BZ_PAYLOAD_OFFSET 0x248      /* u32: from the end of the setup */
#define BZ_PAYLOAD_LENGTH 0x24c      /* u32 */
#define BZ_HEADER_END 0x250

static uint32_t le(const uint8_t *p, int n)
{
	uint32_t v = 0;

	while (n-- > 0)
		v = (v << 8) | p[n];
	return v;
}

int lvm_bzimage_check(const void *buf, size_t size)
{
	const uint8_t *b = buf;
	uint64_t setup, off, len;

	if (b == NULL || size < BZ_HEADER_END)
		return -ENOEXEC;
	if (le(b + BZ_BOOT_FLAG, 2) != 0xaa55 ||
	    le(b + BZ_HEADER, 4) != 0x53726448 /* "HdrS" */ ||
	    le(b + BZ_VERSION, 2) < 0x0208)
		return -ENOEXEC;
	setup = b[BZ_SETUP_SECTS] ? b[BZ_SETUP_SECTS] : 4;
	setup = (setup + 1) * 512;
	off = le(b + BZ_PAYLOAD_OFFSET, 4);
	len = le(b + BZ_PAYLOAD_LENGTH, 4);
	if (setup > size || len == 0 || setup + off + len > size)
		return -ENOEXEC;
	return 0;
}
