/*
 * arch/cc.h — lwIP's compiler and platform glue for lvm guests: freestanding
 * x86_64, little-endian, diagnostics on the libos console, an assertion
 * failure crashes the domain.
 */
#ifndef LVM_LWIP_ARCH_CC_H
#define LVM_LWIP_ARCH_CC_H

#include <libos/console.h>
#include <libos/sched.h>

#define BYTE_ORDER LITTLE_ENDIAN
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1
#define LWIP_NO_LIMITS_H 1
#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif

#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

#define LWIP_PLATFORM_DIAG(x) do { printk x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) do { \
		printk("lwip: assertion \"%s\" failed at %s:%d\n", x, \
		       __FILE__, __LINE__); \
		libos_crash(); \
	} while (0)

#endif
