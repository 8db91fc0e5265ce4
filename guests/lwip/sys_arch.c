/*
 * sys_arch.c — what lwIP asks of its OS under NO_SYS: the time in
 * milliseconds (sys_now), from libos's Xen system time.
 */
#include <stdint.h>

#include <lwip/sys.h>
#include <libos/time.h>

u32_t sys_now(void)
{
	return (u32_t)(libos_now_ns() / 1000000u);
}
