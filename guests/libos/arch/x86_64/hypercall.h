/*
 * hypercall.h — x86_64 PV hypercalls through the hypercall page.
 *
 * Xen fills hypercall_page (entry.S) with one 32-byte stub per hypercall
 * number. A hypercall is a call to the stub with the arguments in rdi, rsi,
 * rdx, r10, r8 and the result in rax. The stub clobbers rcx and r11; debug
 * builds of Xen also scribble over the argument registers, so every argument
 * register is declared as both input and output here.
 *
 * The operation number must be a compile-time constant (it becomes part of
 * the call address), which is why the generic forms are macros.
 */
#ifndef LIBOS_ARCH_X86_64_HYPERCALL_H
#define LIBOS_ARCH_X86_64_HYPERCALL_H

#include <stdint.h>
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/event_channel.h>

extern char hypercall_page[4096];

#define LO_HYPERCALL_ASM "call hypercall_page + %c[off]"
#define LO_HYPERCALL_OFF(op) [off] "i" ((op) * 32)

/* _hypercallN(op, args...): raw hypercall (op) with N word arguments. */
#define _hypercall0(op) ({ \
	long lo_ret; \
	__asm__ volatile (LO_HYPERCALL_ASM \
		: "=a" (lo_ret) \
		: LO_HYPERCALL_OFF(op) \
		: "rcx", "r11", "memory"); \
	lo_ret; })

#define _hypercall1(op, a1) ({ \
	long lo_ret; \
	unsigned long lo_a1 = (unsigned long)(a1); \
	__asm__ volatile (LO_HYPERCALL_ASM \
		: "=a" (lo_ret), "+D" (lo_a1) \
		: LO_HYPERCALL_OFF(op) \
		: "rcx", "r11", "memory"); \
	lo_ret; })

#define _hypercall2(op, a1, a2) ({ \
	long lo_ret; \
	unsigned long lo_a1 = (unsigned long)(a1); \
	unsigned long lo_a2 = (unsigned long)(a2); \
	__asm__ volatile (LO_HYPERCALL_ASM \
		: "=a" (lo_ret), "+D" (lo_a1), "+S" (lo_a2) \
		: LO_HYPERCALL_OFF(op) \
		: "rcx", "r11", "memory"); \
	lo_ret; })

#define _hypercall3(op, a1, a2, a3) ({ \
	long lo_ret; \
	unsigned long lo_a1 = (unsigned long)(a1); \
	unsigned long lo_a2 = (unsigned long)(a2); \
	unsigned long lo_a3 = (unsigned long)(a3); \
	__asm__ volatile (LO_HYPERCALL_ASM \
		: "=a" (lo_ret), "+D" (lo_a1), "+S" (lo_a2), "+d" (lo_a3) \
		: LO_HYPERCALL_OFF(op) \
		: "rcx", "r11", "memory"); \
	lo_ret; })

#define _hypercall4(op, a1, a2, a3, a4) ({ \
	long lo_ret; \
	unsigned long lo_a1 = (unsigned long)(a1); \
	unsigned long lo_a2 = (unsigned long)(a2); \
	unsigned long lo_a3 = (unsigned long)(a3); \
	register unsigned long lo_a4 __asm__("r10") = (unsigned long)(a4); \
	__asm__ volatile (LO_HYPERCALL_ASM \
		: "=a" (lo_ret), "+D" (lo_a1), "+S" (lo_a2), "+d" (lo_a3), \
		  "+r" (lo_a4) \
		: LO_HYPERCALL_OFF(op) \
		: "rcx", "r11", "memory"); \
	lo_ret; })

#define _hypercall5(op, a1, a2, a3, a4, a5) ({ \
	long lo_ret; \
	unsigned long lo_a1 = (unsigned long)(a1); \
	unsigned long lo_a2 = (unsigned long)(a2); \
	unsigned long lo_a3 = (unsigned long)(a3); \
	register unsigned long lo_a4 __asm__("r10") = (unsigned long)(a4); \
	register unsigned long lo_a5 __asm__("r8") = (unsigned long)(a5); \
	__asm__ volatile (LO_HYPERCALL_ASM \
		: "=a" (lo_ret), "+D" (lo_a1), "+S" (lo_a2), "+d" (lo_a3), \
		  "+r" (lo_a4), "+r" (lo_a5) \
		: LO_HYPERCALL_OFF(op) \
		: "rcx", "r11", "memory"); \
	lo_ret; })

/*
 * HYPERVISOR_sched_op() - scheduler operation (cmd) (SCHEDOP_*) with its
 * argument structure (arg), or NULL for SCHEDOP_yield and SCHEDOP_block.
 * Returns 0 or a negative Xen errno. SCHEDOP_shutdown does not return on
 * success.
 */
static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
	return _hypercall2(__HYPERVISOR_sched_op, cmd, arg);
}

/*
 * HYPERVISOR_event_channel_op() - event channel operation (cmd)
 * (EVTCHNOP_*) on the structure (arg) that the operation names.
 * Returns 0 or a negative Xen errno.
 */
static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	return _hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}

/*
 * HYPERVISOR_update_va_mapping() - set the page-table entry that maps the
 * virtual address (va) to (pte), then flush the TLB as (flags) (UVMF_*)
 * say. Xen validates the entry (the frame must be one we may map).
 * Returns 0 or a negative Xen errno.
 */
static inline long HYPERVISOR_update_va_mapping(unsigned long va, uint64_t pte,
						unsigned long flags)
{
	return _hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

/*
 * HYPERVISOR_console_io() - Xen's own console: CONSOLEIO_write (cmd) of
 * (count) bytes from (buf). For early debugging only: unless Xen was
 * built with verbose debugging, it refuses this (-EPERM) for an
 * unprivileged domain.
 * Returns a count or a negative Xen errno.
 */
static inline long HYPERVISOR_console_io(int cmd, unsigned int count,
					 const char *buf)
{
	return _hypercall3(__HYPERVISOR_console_io, cmd, count, buf);
}

#endif
