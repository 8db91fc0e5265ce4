/*
 * noxs_front.c — the device page in the image, its ELF note, and the
 * checked copy libos works from (see libos/noxs.h).
 */
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/errno.h>

#include <libos/noxs.h>
#include <noxs/noxs.h>

/*
 * The page itself: a section of its own, page-aligned by libos.ld, inside
 * the loaded read-write segment and present in the file (PROGBITS), so
 * the toolstack can write it through its mapping of the built image.
 * Volatile and external: the compiler must not assume it stays zero.
 */
__attribute__((section(".noxs"), aligned(NOXS_PAGE_SIZE)))
volatile struct noxs_page libos_noxs_device_page;

/*
 * The ELF note that points the toolstack at the page: a standard note
 * (namesz, descsz, type, name padded to 4 bytes, descriptor) of name
 * NOXS_NOTE_NAME and type NOXS_NOTE_PAGE whose 8-byte descriptor is the
 * page's virtual address. 4-byte aligned like every note in the PT_NOTE
 * segment (libos.ld), so the descriptor is packed, not 8-aligned.
 */
struct noxs_elf_note {
	uint32_t namesz;
	uint32_t descsz;
	uint32_t type;
	char name[(sizeof(NOXS_NOTE_NAME) + 3) & ~3u];
	uint64_t desc;
} __attribute__((packed, aligned(4)));

_Static_assert(sizeof(struct noxs_elf_note) == 32, "noxs note layout");

/* aligned(4) here too: else the compiler may align a 32-byte object to 32. */
__attribute__((section(".note.lvm"), used, aligned(4)))
static const struct noxs_elf_note noxs_note = {
	.namesz = sizeof(NOXS_NOTE_NAME),
	.descsz = sizeof(uint64_t),
	.type = NOXS_NOTE_PAGE,
	.name = NOXS_NOTE_NAME,
	.desc = (uintptr_t)&libos_noxs_device_page,
};

static struct noxs_page copy;
static int valid;

int noxs_front_init(void)
{
	const volatile uint8_t *src = (const volatile uint8_t *)
		&libos_noxs_device_page;
	uint8_t *dst = (uint8_t *)&copy;

	for (size_t i = 0; i < sizeof(copy); i++)
		dst[i] = src[i];
	if (copy.magic != NOXS_MAGIC)
		return -XEN_ENODEV;
	if (noxs_page_check(&copy) < 0)
		return -NOXS_EPROTO;
	valid = 1;
	return 0;
}

const struct noxs_page *libos_noxs(void)
{
	return valid ? &copy : NULL;
}

volatile struct noxs_page *libos_noxs_page(void)
{
	return &libos_noxs_device_page;
}

const char *libos_name(void)
{
	return valid ? copy.name : NULL;
}

uint32_t libos_domid(void)
{
	return valid ? copy.domid : DOMID_SELF;
}

const struct noxs_dev *libos_noxs_dev(uint16_t type, uint16_t id)
{
	if (!valid)
		return NULL;
	for (uint32_t i = 0; i < copy.ndevs; i++)
		if (copy.devs[i].type == type && copy.devs[i].id == id)
			return &copy.devs[i];
	return NULL;
}
