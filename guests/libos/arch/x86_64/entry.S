/*
 * entry.S — first instructions of an x86_64 PV guest, and the hypercall page.
 *
 * Xen enters _start in 64-bit mode with the image mapped at VIRT_BASE (0),
 * %rsi holding the virtual address of start_info_t and events masked.
 * We switch to our own stack in .bss (the domain builder zeroes .bss, as it
 * zeroes every byte of a segment past its file size) and call
 * libos_start(start_info_t *), which never returns.
 */

#define LIBOS_STACK_SIZE 65536

	.section .text.entry, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	cld
	leaq	libos_stack_top(%rip), %rsp
	xorl	%ebp, %ebp		/* terminate frame-pointer chains */
	movq	%rsi, %rdi
	call	libos_start

	/*
	 * libos_start() must not return. If it does, crash the domain; hlt
	 * is privileged in a PV guest, so reaching it faults, which with no
	 * trap table also ends the domain.
	 */
	call	libos_crash
1:	hlt
	jmp	1b
	.size _start, . - _start

/* Xen fills this page with one 32-byte stub per hypercall number. */
	.text
	.balign 4096
	.globl hypercall_page
	.type hypercall_page, @object
hypercall_page:
	.skip 4096
	.size hypercall_page, . - hypercall_page

	.section .bss
	.balign 4096
libos_stack:
	.skip	LIBOS_STACK_SIZE
libos_stack_top:

	.section .note.GNU-stack, "", @progbits
