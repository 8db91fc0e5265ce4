/*
 * test_image.c — lvm_image_load() and the ELF/notes checks behind it
 * (toolstack/engine/image.c, elfnote.c), against small ELF files this test
 * writes itself, and against the real guest images when they are built.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <elf.h>

#include <xen/elfnote.h>

#include "toolstack/engine/elfnote.h"
#include "toolstack/engine/engine.h"

/*
 * The test image: an ELF header, program headers, a block of notes at
 * NOTES_OFF, optional section headers; one PT_LOAD over the whole file at
 * vaddr 0 (FILE_SIZE bytes) and one .bss-like PT_LOAD after it.
 */
#define FILE_SIZE 0x3000u

/* What the engine's last failing call said (errors are values: the
 * engine never logs, and log.c is not even linked into this test). */
static struct lvm_error E;
#define NOTES_OFF 0x400u
#define SHDR_OFF 0x1000u
#define BSS_VADDR 0x3000u
#define BSS_SIZE 0x2000u

struct noxs_spec {
	uint32_t descsz;             /* 0: no such note */
	uint64_t vaddr;
};

struct spec {
	uint8_t elfclass, data;
	uint16_t machine;
	bool xen_entry, xen_guest_os, xen_version;
	uint32_t virt_base_size;     /* 0: no VIRT_BASE note */
	uint64_t virt_base;
	struct noxs_spec noxs[2];
	uint32_t vifmem_descsz[2];   /* 0: no such note */
	struct noxs_vifmem vifmem[2];
	bool ph_note;                /* notes reachable through PT_NOTE */
	bool sh_note;                /* ... and/or through an SHT_NOTE section */
	size_t truncate;             /* non-zero: file cut to this size */
	uint64_t load_memsz;         /* first PT_LOAD's memsz; 0: FILE_SIZE */
};

static struct spec good_spec(void)
{
	return (struct spec){
		.elfclass = ELFCLASS64, .data = ELFDATA2LSB,
		.machine = EM_X86_64, .xen_entry = true,
		.xen_guest_os = true, .xen_version = true,
		.virt_base_size = 8, .virt_base = 0, .ph_note = true,
	};
}

/* put_note() - append one note at (*off) in (buf); returns its size. */
static void put_note(uint8_t *buf, size_t *off, const char *name,
		     uint32_t type, const void *desc, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	uint32_t h[3] = { namesz, descsz, type };

	memcpy(buf + *off, h, sizeof(h));
	*off += sizeof(h);
	memcpy(buf + *off, name, namesz);
	*off += (namesz + 3) & ~3u;
	memcpy(buf + *off, desc, descsz);
	*off += (descsz + 3) & ~3u;
}

/* make_elf() - the image (s) describes, in a new FILE_SIZE buffer. */
static uint8_t *make_elf(const struct spec *s, size_t *notes_size)
{
	uint8_t *b = calloc(1, FILE_SIZE);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	Elf64_Phdr *ph = (Elf64_Phdr *)(b + sizeof(*eh));
	size_t off = NOTES_OFF;
	uint64_t entry = 0x100;
	int n = 0, i;

	assert_non_null(b);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = s->elfclass;
	eh->e_ident[EI_DATA] = s->data;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = s->machine;
	eh->e_version = EV_CURRENT;
	eh->e_entry = entry;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);

	if (s->xen_guest_os)
		put_note(b, &off, "Xen", XEN_ELFNOTE_GUEST_OS, "test", 5);
	if (s->xen_version)
		put_note(b, &off, "Xen", XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 8);
	if (s->virt_base_size)
		put_note(b, &off, "Xen", XEN_ELFNOTE_VIRT_BASE, &s->virt_base,
			 s->virt_base_size);
	if (s->xen_entry)
		put_note(b, &off, "Xen", XEN_ELFNOTE_ENTRY, &entry, 8);
	put_note(b, &off, "GNU", 1, "abcd", 4);     /* ignored */
	for (i = 0; i < 2; i++)
		if (s->noxs[i].descsz)
			put_note(b, &off, "lvm-noxs", 1, &s->noxs[i].vaddr,
				 s->noxs[i].descsz);
	for (i = 0; i < 2; i++)
		if (s->vifmem_descsz[i])
			put_note(b, &off, "lvm-noxs", NOXS_NOTE_VIFMEM,
				 &s->vifmem[i], s->vifmem_descsz[i]);
	*notes_size = off - NOTES_OFF;

	ph[n++] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
		.p_offset = 0, .p_vaddr = 0, .p_paddr = 0,
		.p_filesz = s->load_memsz ? s->load_memsz : FILE_SIZE,
		.p_memsz = s->load_memsz ? s->load_memsz : FILE_SIZE,
		.p_align = 0x1000 };
	ph[n++] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
		.p_offset = 0, .p_vaddr = BSS_VADDR, .p_paddr = BSS_VADDR,
		.p_filesz = 0, .p_memsz = BSS_SIZE, .p_align = 0x1000 };
	if (s->ph_note)
		ph[n++] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_flags = PF_R,
			.p_offset = NOTES_OFF, .p_vaddr = NOTES_OFF,
			.p_paddr = NOTES_OFF, .p_filesz = *notes_size,
			.p_memsz = *notes_size, .p_align = 4 };
	eh->e_phnum = (uint16_t)n;

	if (s->sh_note) {
		/* null, .note, .shstrtab; the names follow the headers */
		Elf64_Shdr *sh = (Elf64_Shdr *)(b + SHDR_OFF);
		static const char names[] = "\0.note\0.shstrtab";
		size_t names_off = SHDR_OFF + 3 * sizeof(*sh);

		memcpy(b + names_off, names, sizeof(names));
		sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_NOTE,
			.sh_flags = SHF_ALLOC, .sh_addr = NOTES_OFF,
			.sh_offset = NOTES_OFF, .sh_size = *notes_size,
			.sh_addralign = 4 };
		sh[2] = (Elf64_Shdr){ .sh_name = 7, .sh_type = SHT_STRTAB,
			.sh_offset = names_off, .sh_size = sizeof(names),
			.sh_addralign = 1 };
		eh->e_shoff = SHDR_OFF;
		eh->e_shentsize = sizeof(*sh);
		eh->e_shnum = 3;
		eh->e_shstrndx = 2;
	}
	return b;
}

/* write_tmp() - (n) bytes of (buf) into a new temporary file. */
static char *write_tmp(const void *buf, size_t n)
{
	char *path = strdup("/tmp/lvm-test-image-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	close(fd);
	return path;
}

/* load_spec() - lvm_image_load() of the file (s) describes. */
static int load_spec(const struct spec *s, struct lvm_image **img)
{
	size_t notes_size;
	uint8_t *b = make_elf(s, &notes_size);
	char *path;
	int rc;

	path = write_tmp(b, s->truncate ? s->truncate : FILE_SIZE);
	*img = NULL;
	rc = lvm_image_load(path, img, &E);
	unlink(path);
	free(path);
	free(b);
	return rc;
}

static int expect(const struct spec *s)
{
	struct lvm_image *img;
	int rc = load_spec(s, &img);

	if (rc)
		assert_null(img);
	lvm_image_free(img);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	lvm_error_clear(&E);
	return 0;
}

static void test_missing_file(void **state)
{
	struct lvm_image *img = NULL;

	(void)state;
	assert_int_equal(lvm_image_load("/nonexistent/lvm-image", &img, &E),
			 -ENOENT);
	assert_null(img);
	/* the reason comes back as a value: code and one line */
	assert_int_equal(E.code, ENOENT);
	assert_string_equal(E.msg, "image /nonexistent/lvm-image: cannot "
			    "open: No such file or directory");
	/* a caller that does not want the line may pass NULL */
	assert_int_equal(lvm_image_load("/nonexistent/lvm-image", &img, NULL),
			 -ENOENT);
}

static void test_not_elf(void **state)
{
	static const char text[] = "#!/bin/sh\necho not a kernel\n";
	struct lvm_image *img = NULL;
	char *path = write_tmp(text, sizeof(text));

	(void)state;
	assert_int_equal(lvm_image_load(path, &img, &E), -ENOEXEC);
	assert_null(img);
	assert_int_equal(E.code, ENOEXEC);
	assert_non_null(strstr(E.msg, "not an x86_64 ELF with Xen notes, nor "
			       "a bzImage: Exec format error"));
	assert_null(strchr(E.msg, '\n'));
	unlink(path);
	free(path);
}

/* A FIFO (nobody writing) is refused at once: opening must not block. */
static void test_fifo(void **state)
{
	struct lvm_image *img = NULL;
	char path[64] = "/tmp/lvm-test-image-fifo.XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(path));
	strcat(path, "/k");
	assert_int_equal(mkfifo(path, 0600), 0);
	alarm(5);                    /* a blocking open fails the test */
	assert_int_equal(lvm_image_load(path, &img, &E), -ENOEXEC);
	alarm(0);
	assert_null(img);
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
}

static void test_empty_and_directory(void **state)
{
	struct lvm_image *img = NULL;
	char *path = write_tmp("", 0);

	(void)state;
	assert_int_equal(lvm_image_load(path, &img, &E), -ENOEXEC);
	assert_int_equal(lvm_image_load("/tmp", &img, &E), -ENOEXEC);
	assert_null(img);
	unlink(path);
	free(path);
}

/* A machine other than x86-64, a 32-bit class or big-endian data. */
static void test_wrong_machine_class_or_endianness(void **state)
{
	struct spec s[4];

	(void)state;
	for (size_t i = 0; i < 4; i++)
		s[i] = good_spec();
	s[0].machine = EM_386;
	s[1].machine = EM_AARCH64;
	s[2].elfclass = ELFCLASS32;
	s[3].data = ELFDATA2MSB;
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(expect(&s[i]), -ENOEXEC);
}

static void test_no_xen_notes(void **state)
{
	struct spec s = good_spec();

	(void)state;
	s.xen_entry = s.xen_guest_os = s.xen_version = false;
	s.virt_base_size = 0;
	assert_int_equal(expect(&s), -ENOEXEC);
	/* notes present but unreachable: no PT_NOTE, no section */
	s = good_spec();
	s.ph_note = false;
	assert_int_equal(expect(&s), -ENOEXEC);
}

static void test_each_xen_note_required(void **state)
{
	struct spec s;

	(void)state;
	s = good_spec();
	s.xen_entry = false;
	assert_int_equal(expect(&s), -ENOEXEC);
	s = good_spec();
	s.xen_guest_os = false;
	assert_int_equal(expect(&s), -ENOEXEC);
	s = good_spec();
	s.xen_version = false;
	assert_int_equal(expect(&s), -ENOEXEC);
	s = good_spec();
	s.virt_base_size = 3;        /* not a number's size */
	assert_int_equal(expect(&s), -ENOEXEC);
}

static void test_good_without_noxs(void **state)
{
	struct spec s = good_spec();
	struct lvm_image *img;

	(void)state;
	s.virt_base = 0xffffffff80000000ull;
	assert_int_equal(load_spec(&s, &img), 0);
	assert_non_null(img);
	assert_int_equal(img->virt_base, 0xffffffff80000000ull);
	assert_int_equal(img->noxs_vaddr, 0);
	assert_int_equal(img->blob_size, FILE_SIZE);
	assert_int_equal(img->file.size, FILE_SIZE);
	assert_non_null(img->path);
	assert_int_equal(memcmp(img->blob, ELFMAG, SELFMAG), 0);
	lvm_image_free(img);

	/* no VIRT_BASE: 0, as the builder assumes */
	s = good_spec();
	s.virt_base_size = 0;
	assert_int_equal(load_spec(&s, &img), 0);
	assert_int_equal(img->virt_base, 0);
	lvm_image_free(img);
}

static void test_good_noxs(void **state)
{
	struct spec s = good_spec();
	struct lvm_image *img;

	(void)state;
	s.noxs[0] = (struct noxs_spec){ 8, 0x2000 };
	assert_int_equal(load_spec(&s, &img), 0);
	assert_int_equal(img->noxs_vaddr, 0x2000);
	lvm_image_free(img);

	/* in the .bss-like segment, last page */
	s.noxs[0].vaddr = BSS_VADDR + BSS_SIZE - 0x1000;
	assert_int_equal(load_spec(&s, &img), 0);
	assert_int_equal(img->noxs_vaddr, BSS_VADDR + BSS_SIZE - 0x1000);
	lvm_image_free(img);

	/* the same note twice (segment and section see it) agrees */
	s.noxs[1] = s.noxs[0];
	s.sh_note = true;
	assert_int_equal(load_spec(&s, &img), 0);
	lvm_image_free(img);
}

static void test_notes_in_sections_only(void **state)
{
	struct spec s = good_spec();
	struct lvm_image *img;

	(void)state;
	s.ph_note = false;
	s.sh_note = true;
	s.noxs[0] = (struct noxs_spec){ 8, 0x1000 };
	assert_int_equal(load_spec(&s, &img), 0);
	assert_int_equal(img->noxs_vaddr, 0x1000);
	lvm_image_free(img);
}

static void test_noxs_bad(void **state)
{
	struct spec s;

	(void)state;
	s = good_spec();
	s.noxs[0] = (struct noxs_spec){ 8, 0x2010 };          /* misaligned */
	assert_int_equal(expect(&s), -EINVAL);
	s.noxs[0] = (struct noxs_spec){ 8, 0x10000 };         /* outside */
	assert_int_equal(expect(&s), -EINVAL);
	s.noxs[0] = (struct noxs_spec){ 8, BSS_VADDR + BSS_SIZE }; /* just past */
	assert_int_equal(expect(&s), -EINVAL);
	s.noxs[0] = (struct noxs_spec){ 8, 0 };               /* zero */
	assert_int_equal(expect(&s), -EINVAL);
	s.noxs[0] = (struct noxs_spec){ 8, 0xfffffffffffff000ull }; /* wraps */
	assert_int_equal(expect(&s), -EINVAL);
	s.noxs[0] = (struct noxs_spec){ 4, 0x1000 };          /* wrong size */
	assert_int_equal(expect(&s), -EINVAL);
	s.noxs[0] = (struct noxs_spec){ 12, 0x1000 };
	assert_int_equal(expect(&s), -EINVAL);
	s.noxs[0] = (struct noxs_spec){ 8, 0x1000 };          /* disagree */
	s.noxs[1] = (struct noxs_spec){ 8, 0x2000 };
	assert_int_equal(expect(&s), -EINVAL);
}

/* A vifs' memory note: one vif of a rings page and a one-page region
 * filling the .bss-like (writable) segment, the device page elsewhere. */
static struct spec vifmem_spec(void)
{
	struct spec s = good_spec();

	s.noxs[0] = (struct noxs_spec){ 8, 0x1000 };
	s.vifmem_descsz[0] = sizeof(struct noxs_vifmem);
	s.vifmem[0] = (struct noxs_vifmem){
		.va = BSS_VADDR, .stride = 0x2000, .nvifs = 1,
		.buf_pages = 1, .buf_size = 4096, .rx_bufs = 2,
		.buf_len = 2048,
	};
	return s;
}

static void test_vifmem_good(void **state)
{
	struct spec s = vifmem_spec();
	struct lvm_image *img;

	(void)state;
	assert_int_equal(load_spec(&s, &img), 0);
	assert_memory_equal(&img->vifmem, &s.vifmem[0], sizeof(img->vifmem));
	lvm_image_free(img);
	/* seen twice (segment and section), agreeing */
	s.sh_note = true;
	s.vifmem_descsz[1] = s.vifmem_descsz[0];
	s.vifmem[1] = s.vifmem[0];
	assert_int_equal(load_spec(&s, &img), 0);
	assert_int_equal(img->vifmem.nvifs, 1);
	lvm_image_free(img);
	/* none declared: zero */
	s = good_spec();
	s.noxs[0] = (struct noxs_spec){ 8, 0x1000 };
	assert_int_equal(load_spec(&s, &img), 0);
	assert_int_equal(img->vifmem.nvifs, 0);
	assert_int_equal(img->vifmem.va, 0);
	lvm_image_free(img);
}

static void test_vifmem_bad(void **state)
{
	struct spec s;

	(void)state;
	s = vifmem_spec();
	s.vifmem_descsz[0] = 28;                      /* wrong size */
	assert_int_equal(expect(&s), -EINVAL);
	s = vifmem_spec();
	s.noxs[0].descsz = 0;                         /* no device page */
	assert_int_equal(expect(&s), -EINVAL);
	s = vifmem_spec();
	s.vifmem[0].va = 0x1000;                      /* not writable */
	s.noxs[0].vaddr = BSS_VADDR;
	assert_int_equal(expect(&s), -EINVAL);
	s = vifmem_spec();
	s.vifmem[0].nvifs = 2;                        /* past the segment */
	assert_int_equal(expect(&s), -EINVAL);
	s = vifmem_spec();
	s.noxs[0].vaddr = BSS_VADDR + 0x1000;         /* on the device page */
	assert_int_equal(expect(&s), -EINVAL);
	s = vifmem_spec();
	s.vifmem[0].rx_bufs = 3;                      /* a bad layout */
	assert_int_equal(expect(&s), -EINVAL);
	s = vifmem_spec();                            /* two that disagree */
	s.vifmem_descsz[1] = s.vifmem_descsz[0];
	s.vifmem[1] = s.vifmem[0];
	s.vifmem[1].rx_bufs = 1;
	assert_int_equal(expect(&s), -EINVAL);
}

static void test_noxs_page_straddles_segment_end(void **state)
{
	struct spec s = good_spec();

	(void)state;
	/* the first segment ends mid-page: its last page is not whole */
	s.load_memsz = 0x2800;
	s.noxs[0] = (struct noxs_spec){ 8, 0x1000 };
	assert_int_equal(expect(&s), 0);
	s.noxs[0].vaddr = 0x2000;
	assert_int_equal(expect(&s), -EINVAL);
}

static void test_truncated(void **state)
{
	struct spec s = good_spec();
	size_t cut[] = { 16, sizeof(Elf64_Ehdr), NOTES_OFF + 10,
			 NOTES_OFF + 40 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		s.truncate = cut[i];
		assert_int_equal(expect(&s), -ENOEXEC);
	}
}

/* The real guests, when built: hello has no noxs note, hello-noxs has. */
static void test_real_guests(void **state)
{
	char path[512];
	struct lvm_image *img;

	(void)state;
	snprintf(path, sizeof(path), "%s/hello-plain.xen", TEST_GUESTS_DIR);
	if (access(path, R_OK) != 0)
		skip();
	assert_int_equal(lvm_image_load(path, &img, &E), 0);
	assert_int_equal(img->virt_base, 0);
	assert_int_equal(img->noxs_vaddr, 0);
	lvm_image_free(img);

	snprintf(path, sizeof(path), "%s/hello.xen", TEST_GUESTS_DIR);
	if (access(path, R_OK) != 0)
		skip();
	assert_int_equal(lvm_image_load(path, &img, &E), 0);
	assert_int_not_equal(img->noxs_vaddr, 0);
	assert_int_equal(img->noxs_vaddr % 4096, 0);
	/* built by lvm build: its application note */
	assert_true(img->has_app);
	assert_string_equal(img->app.name, "hello");
	assert_int_equal(img->app.devices, 0);
	assert_int_equal(strlen(img->app.build_id), APP_BUILD_ID_HEX);
	/* our builder's plan: three segments from 0, the entry and the
	 * hypercall page inside them */
	assert_true(img->load.ok);
	assert_int_equal(img->load.nsegs, 3);
	assert_int_equal(img->load.lo, 0);
	assert_true(img->load.entry < img->load.hi);
	assert_int_not_equal(img->load.hypercall_va, 0);
	assert_int_equal(img->load.hypercall_va % 4096, 0);
	assert_true(img->load.hypercall_va + 4096 <= img->load.hi);
	lvm_image_free(img);

	snprintf(path, sizeof(path), "%s/daytime.xen", TEST_GUESTS_DIR);
	assert_int_equal(lvm_image_load(path, &img, &E), 0);
	assert_true(img->has_app);
	assert_string_equal(img->app.name, "daytime");
	assert_int_equal(img->app.devices, APP_DEV_VIF);
	assert_int_equal(img->app.memory_mb, 2);
	/* libos's netfront declares its vifs' memory (netfront.c) */
	assert_int_equal(img->vifmem.nvifs, 2);
	assert_int_equal(img->vifmem.buf_pages, 48);
	assert_int_equal(img->vifmem.rx_bufs, 64);
	assert_int_equal(img->vifmem.buf_len, 2048);
	assert_int_equal(img->vifmem.va % 4096, 0);
	assert_true(img->vifmem.va + 2ull * img->vifmem.stride <= img->load.hi);
	lvm_image_free(img);

	/* the hand-wired test guests have none */
	snprintf(path, sizeof(path), "%s/scribble.xen", TEST_GUESTS_DIR);
	assert_int_equal(lvm_image_load(path, &img, &E), 0);
	assert_false(img->has_app);
	lvm_image_free(img);
}

/* A guest whose application note is damaged is refused, and says so. */
static void test_bad_app_note(void **state)
{
	char path[512], tmp[] = "/tmp/test_image.XXXXXX", *p;
	struct lvm_image *img;
	static char buf[1 << 20];
	FILE *f;
	size_t n;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/hello.xen", TEST_GUESTS_DIR);
	f = fopen(path, "rb");
	if (!f)
		skip();
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	p = memmem(buf, n, "build_id=", 9);
	assert_non_null(p);
	p[9] = 'Z';                  /* not hex */
	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, n), (ssize_t)n);
	close(fd);
	assert_int_equal(lvm_image_load(tmp, &img, &E), -EINVAL);
	assert_non_null(strstr(E.msg, "bad lvm-app note"));
	unlink(tmp);
}

static void test_free_null(void **state)
{
	(void)state;
	lvm_image_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_empty_and_directory),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_wrong_machine_class_or_endianness),
		cmocka_unit_test(test_no_xen_notes),
		cmocka_unit_test(test_each_xen_note_required),
		cmocka_unit_test(test_good_without_noxs),
		cmocka_unit_test(test_good_noxs),
		cmocka_unit_test(test_notes_in_sections_only),
		cmocka_unit_test(test_noxs_bad),
		cmocka_unit_test(test_vifmem_good),
		cmocka_unit_test(test_vifmem_bad),
		cmocka_unit_test(test_noxs_page_straddles_segment_end),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_real_guests),
		cmocka_unit_test(test_bad_app_note),
		cmocka_unit_test(test_free_null),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
