/*
 * notes.S — the ELF notes that tell Xen's domain builder how to load us.
 *
 * Each note is a standard ELF note with name "Xen" and a type from
 * <xen/elfnote.h>. Addresses are 8 bytes wide.
 */

#include <xen/elfnote.h>

/*
 * XEN_NOTE type, desc: emit one "Xen" note of (type) whose descriptor is
 * the data directive (desc), e.g. .asciz "text" or .quad symbol.
 */
.macro XEN_NOTE type, desc:vararg
	.balign 4
	.long	2f - 1f			/* namesz */
	.long	4f - 3f			/* descsz */
	.long	\type
1:	.asciz	"Xen"
2:	.balign 4
3:	\desc
4:	.balign 4
.endm

	.section .note.Xen, "a", @note
	XEN_NOTE XEN_ELFNOTE_GUEST_OS,       .asciz "lvm-libos"
	XEN_NOTE XEN_ELFNOTE_GUEST_VERSION,  .asciz "0.1"
	XEN_NOTE XEN_ELFNOTE_XEN_VERSION,    .asciz "xen-3.0"
	XEN_NOTE XEN_ELFNOTE_VIRT_BASE,      .quad 0
	XEN_NOTE XEN_ELFNOTE_PADDR_OFFSET,   .quad 0
	XEN_NOTE XEN_ELFNOTE_ENTRY,          .quad _start
	XEN_NOTE XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page
	XEN_NOTE XEN_ELFNOTE_LOADER,         .asciz "generic"
	XEN_NOTE XEN_ELFNOTE_FEATURES,       .asciz "!writable_page_tables"

	.section .note.GNU-stack, "", @progbits
