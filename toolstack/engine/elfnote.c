/*
 * elfnote.c — checking a guest image's ELF header and notes with libelf
 * (see elfnote.h). Everything in the file is untrusted: every offset and
 * size goes through libelf's bounds checks, and every note is checked for
 * its own size before its descriptor is read.
 */
#include <errno.h>
#include <gelf.h>
#include <stdbool.h>
#include <string.h>

#include <noxs/abi.h>
#include <noxs/noxs.h>
#include <xen/elfnote.h>

#include "elfnote.h"

#define XEN_NOTE_NAME "Xen"

/* What a walk over all notes has seen so far. */
struct note_scan {
	bool entry, guest_os, xen_version;
	bool xen_other;              /* a XEN_VERSION note other than xen-3.0 */
	bool xen_bad;                /* a malformed Xen note */
	uint64_t entry_va;
	bool have_hypercall;
	uint64_t hypercall_va;
	bool have_virt_base;
	uint64_t virt_base;
	int noxs_count;
	bool noxs_bad;               /* wrong size, or notes that disagree */
	uint64_t noxs_vaddr;
	int vifmem_count;
	bool vifmem_bad;             /* wrong size, or notes that disagree */
	struct noxs_vifmem vifmem;
	int app_count;
	bool app_bad;                /* does not parse, or notes disagree */
	struct app_note app;
};

/*
 * note_named() - whether a note's name, (namesz) bytes at (name), is
 * (want): with its NUL, or (as some producers write it) without one.
 */
static bool note_named(const char *name, size_t namesz, const char *want)
{
	size_t n = strlen(want);

	if (namesz == n + 1)
		return memcmp(name, want, n + 1) == 0;
	return namesz == n && memcmp(name, want, n) == 0;
}

/* read_le() - the (size)-byte little-endian number at (p); size <= 8. */
static uint64_t read_le(const unsigned char *p, size_t size)
{
	uint64_t v = 0;

	while (size--)
		v = (v << 8) | p[size];
	return v;
}

static void scan_xen_note(struct note_scan *s, uint32_t type,
			  const unsigned char *desc, size_t descsz)
{
	switch (type) {
	case XEN_ELFNOTE_ENTRY:
		s->entry = true;
		if (descsz == 1 || descsz == 2 || descsz == 4 || descsz == 8)
			s->entry_va = read_le(desc, descsz);
		break;
	case XEN_ELFNOTE_HYPERCALL_PAGE:
		if (descsz != 1 && descsz != 2 && descsz != 4 && descsz != 8) {
			s->xen_bad = true;
			break;
		}
		s->have_hypercall = true;
		s->hypercall_va = read_le(desc, descsz);
		break;
	case XEN_ELFNOTE_GUEST_OS:
		s->guest_os = true;
		break;
	case XEN_ELFNOTE_XEN_VERSION:
		s->xen_version = true;
		/* the interface Xen builds: "xen-3.0", NUL-terminated */
		if (descsz < 8 || memcmp(desc, "xen-3.0", 8) != 0)
			s->xen_other = true;
		break;
	case XEN_ELFNOTE_VIRT_BASE:
		if (descsz != 1 && descsz != 2 && descsz != 4 && descsz != 8) {
			s->xen_bad = true;
			break;
		}
		s->have_virt_base = true;
		s->virt_base = read_le(desc, descsz);
		break;
	default:
		break;
	}
}

static void scan_vifmem_note(struct note_scan *s, const unsigned char *desc,
			     size_t descsz)
{
	struct noxs_vifmem m;

	if (descsz != sizeof(m)) {
		s->vifmem_bad = true;
		return;
	}
	m.va = read_le(desc, 8);
	m.stride = (uint32_t)read_le(desc + 8, 4);
	m.nvifs = (uint32_t)read_le(desc + 12, 4);
	m.buf_pages = (uint32_t)read_le(desc + 16, 4);
	m.buf_size = (uint32_t)read_le(desc + 20, 4);
	m.rx_bufs = (uint32_t)read_le(desc + 24, 4);
	m.buf_len = (uint32_t)read_le(desc + 28, 4);
	if (s->vifmem_count++ > 0 && memcmp(&m, &s->vifmem, sizeof(m)) != 0)
		s->vifmem_bad = true;
	s->vifmem = m;
}

static void scan_noxs_note(struct note_scan *s, uint32_t type,
			   const unsigned char *desc, size_t descsz)
{
	uint64_t vaddr;

	if (type == NOXS_NOTE_VIFMEM) {
		scan_vifmem_note(s, desc, descsz);
		return;
	}
	if (type != NOXS_NOTE_PAGE)
		return;
	if (descsz != sizeof(uint64_t)) {
		s->noxs_bad = true;
		return;
	}
	vaddr = read_le(desc, descsz);
	if (s->noxs_count++ > 0 && vaddr != s->noxs_vaddr)
		s->noxs_bad = true;
	s->noxs_vaddr = vaddr;
}

static void scan_app_note(struct note_scan *s, uint32_t type,
			  const unsigned char *desc, size_t descsz)
{
	struct app_note n;
	const char *why;

	if (type != APP_NOTE_TYPE)
		return;
	if (app_note_parse(desc, descsz, &n, &why) < 0 ||
	    (s->app_count > 0 && memcmp(&n, &s->app, sizeof(n)) != 0)) {
		s->app_bad = true;
		return;
	}
	s->app = n;
	s->app_count++;
}

/* scan_notes() - walk the notes in (d), a block of ELF notes. */
static void scan_notes(struct note_scan *s, Elf_Data *d)
{
	size_t off = 0, next, name_off, desc_off;
	const unsigned char *base;
	GElf_Nhdr nh;

	if (d == NULL || d->d_buf == NULL)
		return;
	base = d->d_buf;
	while (off < d->d_size &&
	       (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		const char *name = (const char *)base + name_off;
		const unsigned char *desc = base + desc_off;

		if (note_named(name, nh.n_namesz, XEN_NOTE_NAME))
			scan_xen_note(s, nh.n_type, desc, nh.n_descsz);
		else if (note_named(name, nh.n_namesz, NOXS_NOTE_NAME))
			scan_noxs_note(s, nh.n_type, desc, nh.n_descsz);
		else if (note_named(name, nh.n_namesz, APP_NOTE_NAME))
			scan_app_note(s, nh.n_type, desc, nh.n_descsz);
		off = next;
	}
}

static void scan_segments(struct note_scan *s, Elf *e, size_t phnum)
{
	GElf_Phdr ph;
	size_t i;

	for (i = 0; i < phnum; i++) {
		if (gelf_getphdr(e, (int)i, &ph) == NULL || ph.p_type != PT_NOTE ||
		    ph.p_filesz == 0)
			continue;
		/* A chunk outside the file is refused by libelf: skipped. */
		scan_notes(s, elf_getdata_rawchunk(e, (int64_t)ph.p_offset,
						   ph.p_filesz,
						   ph.p_align == 8 ? ELF_T_NHDR8 :
						   ELF_T_NHDR));
	}
}

static void scan_sections(struct note_scan *s, Elf *e)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(e, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type != SHT_NOTE)
			continue;
		scan_notes(s, elf_getdata(scn, NULL));
	}
}

/*
 * span_in_load() - whether [va, va + len) lies wholly inside the memory
 * image of one PT_LOAD segment, a writable (PF_W) one if (writable).
 */
static bool span_in_load(Elf *e, size_t phnum, uint64_t va, uint64_t len,
			 bool writable)
{
	GElf_Phdr ph;

	if (len == 0 || va > UINT64_MAX - len)
		return false;
	for (size_t i = 0; i < phnum; i++) {
		if (gelf_getphdr(e, (int)i, &ph) == NULL ||
		    ph.p_type != PT_LOAD || (writable && !(ph.p_flags & PF_W)))
			continue;
		if (ph.p_memsz > UINT64_MAX - ph.p_vaddr)
			continue;
		if (va >= ph.p_vaddr && va + len <= ph.p_vaddr + ph.p_memsz)
			return true;
	}
	return false;
}

/*
 * vifmem_ok() - whether (s)'s vif memory note holds: a layout
 * noxs_vifmem_check() accepts, inside one writable segment, clear of the
 * device page (a note with no device page has nothing to serve).
 */
static bool vifmem_ok(Elf *e, size_t phnum, const struct note_scan *s)
{
	const struct noxs_vifmem *m = &s->vifmem;
	uint64_t len;

	if (s->noxs_count == 0 || noxs_vifmem_check(m) != 0)
		return false;
	len = (uint64_t)m->nvifs * m->stride;
	if (!span_in_load(e, phnum, m->va, len, true))
		return false;
	return s->noxs_vaddr + NOXS_PAGE_SIZE <= m->va ||
	       s->noxs_vaddr >= m->va + len;
}

/*
 * load_plan() - (ld) for our builder from (e)'s PT_LOAD segments and the
 * notes in (s), or (ld->ok) false when any of it does not check.
 */
static void load_plan(Elf *e, size_t phnum, size_t size,
		      const struct note_scan *s, uint64_t virt_base,
		      struct lvm_elf_load *ld)
{
	struct lvm_elf_seg *g;
	GElf_Phdr ph;
	size_t i;

	memset(ld, 0, sizeof(*ld));
	ld->lo = UINT64_MAX;
	for (i = 0; i < phnum; i++) {
		if (gelf_getphdr(e, (int)i, &ph) == NULL)
			return;
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ld->nsegs == LVM_ELF_SEGS_MAX || ph.p_filesz > ph.p_memsz ||
		    ph.p_offset > size || ph.p_filesz > size - ph.p_offset ||
		    ph.p_memsz > UINT64_MAX - ph.p_vaddr ||
		    ph.p_vaddr < virt_base)
			return;
		g = &ld->segs[ld->nsegs++];
		g->offset = ph.p_offset;
		g->filesz = ph.p_filesz;
		g->vaddr = ph.p_vaddr;
		g->memsz = ph.p_memsz;
		g->writable = (ph.p_flags & PF_W) != 0;
		if (g->vaddr < ld->lo)
			ld->lo = g->vaddr;
		if (g->vaddr + g->memsz > ld->hi)
			ld->hi = g->vaddr + g->memsz;
	}
	if (ld->nsegs == 0 || s->entry_va < ld->lo || s->entry_va >= ld->hi)
		return;
	if (s->have_hypercall && s->hypercall_va != 0 &&
	    (s->hypercall_va % 4096 != 0 || s->hypercall_va < ld->lo ||
	     s->hypercall_va > ld->hi - 4096 || ld->hi < 4096))
		return;
	ld->entry = s->entry_va;
	ld->hypercall_va = s->have_hypercall ? s->hypercall_va : 0;
	ld->xen_other = s->xen_other;
	ld->ok = true;
}

/* check_header() - 0 if (e) is a 64-bit little-endian x86_64 ELF. */
static int check_header(Elf *e)
{
	GElf_Ehdr eh;

	if (elf_kind(e) != ELF_K_ELF || gelf_getclass(e) != ELFCLASS64 ||
	    gelf_getehdr(e, &eh) == NULL)
		return -ENOEXEC;
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64)
		return -ENOEXEC;
	return 0;
}

int lvm_elf_parse(void *buf, size_t size, struct lvm_elf_info *info)
{
	struct note_scan s = { 0 };
	size_t phnum = 0;
	Elf *e = NULL;
	int rc;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOEXEC;
	e = elf_memory(buf, size);
	if (e == NULL) {
		rc = -ENOEXEC;
		goto out;
	}
	rc = check_header(e);
	if (rc)
		goto out;
	if (elf_getphdrnum(e, &phnum) != 0)
		phnum = 0;

	scan_segments(&s, e, phnum);
	scan_sections(&s, e);

	rc = -ENOEXEC;
	if (s.xen_bad || !s.entry || !s.guest_os || !s.xen_version)
		goto out;
	rc = -EBADMSG;
	if (s.app_bad)
		goto out;
	rc = -EINVAL;
	if (s.noxs_bad)
		goto out;
	if (s.noxs_count > 0 &&
	    (s.noxs_vaddr == 0 || s.noxs_vaddr % NOXS_PAGE_SIZE != 0 ||
	     !span_in_load(e, phnum, s.noxs_vaddr, NOXS_PAGE_SIZE, false)))
		goto out;

	if (s.vifmem_bad || (s.vifmem_count > 0 && !vifmem_ok(e, phnum, &s)))
		goto out;

	info->virt_base = s.have_virt_base ? s.virt_base : 0;
	info->vifmem = s.vifmem;     /* zero without such a note */
	info->noxs_vaddr = s.noxs_count > 0 ? s.noxs_vaddr : 0;
	info->has_app = s.app_count > 0;
	if (info->has_app)
		info->app = s.app;
	load_plan(e, phnum, size, &s, info->virt_base, &info->load);
	rc = 0;
out:
	elf_end(e);
	return rc;
}
