/*
 * engine.h — the domain engine: loading images and building domains
 * with libxenctrl (our own PV builder, pvbuild.c, for noxs images) and
 * libxenguest (the rest), without libxl and without XenStore.
 * Internal to the toolstack: lvmd (and benchmarks) use it; users go through
 * the client API in toolstack/include/lvm.h.
 *
 * Errors are values: every call that can fail returns 0 or -errno and
 * fills its (err) out-parameter (error.h; NULL when the caller does not
 * want the line) with that errno and one line saying what failed. The
 * engine never logs. Nothing here exits or leaves a half-made domain
 * behind: on failure every domain, mapping and event channel made so far
 * is released.
 *
 * Limits (memory, vCPUs) are the public ones of lvm.h, so that what a
 * client may ask for and what the engine builds are one rule.
 *
 * Creation is split in two, so that lvmd can prepare shells ahead of time:
 *   lvm_shell_prepare()  the part that does not depend on the image:
 *                        domain, vCPUs, memory limit and population,
 *                        event channels
 *   lvm_shell_finish()   the rest: load, build, device page, left paused
 * A cold create is the two back to back.
 *
 * Why memory can be populated before the image is known: our builder
 * populates frames 0 .. N-1 whatever the image. libxenguest's
 * memory setup (xc_dom_mem_init, xc_dom_boot_mem_init) needs only the guest
 * type, to pick the x86 PV hooks and the domain's address size, and the
 * page count. Images are x86_64 only (lvm_image_load checks it), so prepare
 * sets the type "xen-3.0-x86_64" itself; xc_dom_parse_image() in finish
 * sets the same type again and touches neither the hooks nor the p2m, and
 * finish refuses an image the builder would type otherwise.
 *
 * Frame numbers: a "gfn" is the guest's own (pseudo-physical) frame number,
 * the one it maps at VIRT_BASE + gfn * 4096; an "mfn" is the machine frame
 * that dom0 passes to xc_map_foreign_range() for this PV guest.
 */
#ifndef LVM_ENGINE_H
#define LVM_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <xenctrl.h>

#include <noxs/abi.h>

#include "toolstack/include/lvm.h"
#include "unikernel/appnote.h"

#include "elfnote.h"
#include "error.h"
#include "fileid.h"

/* A parsed guest image, kept in memory so lvmd can cache it. */
struct lvm_image {
	char *path;                  /* as given */
	struct lvm_file_id file;     /* the file it came from, as it was */
	void *blob;                  /* the file's bytes */
	size_t blob_size;
	uint64_t virt_base;          /* from the Xen notes */
	uint64_t noxs_vaddr;         /* device page address; 0 if no noxs note */
	struct noxs_vifmem vifmem;   /* its vifs' memory (noxs/abi.h, checked
					by elfnote.c); nvifs 0: not declared */
	bool bzimage;                /* a Linux bzImage: its ELF and notes are
					checked by libxenguest at build time */
	bool has_app;                /* built by lvm build: (app) is valid */
	struct app_note app;         /* its application note (appnote.h) */
	struct lvm_elf_load load;    /* segments and entry, for our own
					builder (elfnote.h); load.ok false if
					it cannot load the image */
};

/*
 * lvm_image_load() - read the file at (path), check that it is an x86_64
 * ELF with Xen notes (GUEST_OS, XEN_VERSION, ENTRY), and find the noxs note
 * (noxs/abi.h) if any, with libelf. A Linux bzImage (x86 boot protocol
 * 2.08+) is accepted too, with (bzimage) set and no noxs note: it is for
 * XenStore mode, and libxenguest checks the ELF inside when building.
 * On success stores a new image in (*out); free it with lvm_image_free().
 * Returns 0, or -ENOENT/-EACCES (cannot open), -ENOEXEC (not a regular
 * file, neither a bzImage nor an x86_64 ELF with Xen notes), -EINVAL (a malformed noxs
 * note: wrong size, unaligned or outside the image), -EBADMSG (a
 * malformed application note, unikernel/appnote.h), -EFBIG (larger than
 * LVM_IMAGE_MAX), -EIO (read failed), -ENOMEM; the line in (err).
 */
int lvm_image_load(const char *path, struct lvm_image **out,
		   struct lvm_error *err);

#define LVM_IMAGE_MAX (256u << 20)   /* bytes, the largest image loaded */

/* lvm_image_free() - release (img); NULL is a no-op. */
void lvm_image_free(struct lvm_image *img);

/*
 * Durations of the creation phases, in nanoseconds (0: not run), measured
 * with CLOCK_MONOTONIC. Reading the file (lvm_image_load) is not in here:
 * its caller times it, or it was cached.
 */
struct lvm_phases {
	uint64_t prepare;            /* create, vcpus, memory, event channels */
	uint64_t load;               /* image handed to the builder, parsed */
	uint64_t build;              /* kernel, page tables, start info */
	uint64_t devices;            /* device page, grant table */
};

/* The image-independent part of a domain: a shell. */
struct lvm_shell {
	uint32_t domid;
	uint32_t memory_mb;          /* as populated */
	uint32_t vcpus;
	uint32_t console_port;       /* guest-side unbound ports, remote dom0 */
	uint32_t sysctl_port;
	uint32_t store_port;         /* 0 unless prepared for XenStore mode */
	uint8_t uuid[16];            /* the domain handle */
	uint32_t premap_pages;       /* mapped ahead by lvm_shell_premap() */
	struct lvm_phases t;
	void *priv;                  /* builder state; engine-owned */
	bool own;                    /* priv is our own builder's
					(pvbuild.c), not libxenguest's */
	void *warm;                  /* built ahead: lvm_shell_prebuild() */
};

/*
 * lvm_shell_prepare() - create a paused PV domain with (vcpus) vCPUs and
 * (memory_mb) MiB populated (LVM_MIN_MEMORY_MB .. LVM_MAX_MEMORY_MB of
 * lvm.h), tag it as lvm's with (uuid) (the domain handle), and
 * allocate its console and sysctl event channels (and a store one if
 * (xenstore)), all unbound with dom0 as the remote end. Finish and
 * discard may be given another handle than (xch) (e.g. from another
 * thread, once this one is done with the shell): finish rebinds the
 * shell's libxenguest state to the handle it gets.
 * Which builder: a shell prepared without XenStore is our own builder's
 * (pvbuild.c: images of our library OS, with a noxs note, from
 * LVM_MIN_MEMORY_MB), unless lvm_engine_use_xenguest(true) was called; a
 * XenStore shell is libxenguest's (any image, 4 MiB or more: less is
 * refused with -EINVAL).
 * Returns 0 and fills (*sh), or -errno with nothing left behind: -EINVAL
 * for bad arguments, else what the hypervisor said (-ENOMEM when it is out
 * of memory); the line in (err).
 */
int lvm_shell_prepare(xc_interface *xch, uint32_t memory_mb, uint32_t vcpus,
		      const uint8_t uuid[16], bool xenstore,
		      struct lvm_shell *sh, struct lvm_error *err);

/*
 * lvm_shell_prepare_xenguest() - lvm_shell_prepare() without XenStore,
 * for libxenguest whatever lvm_engine_use_xenguest() says: for what our
 * builder does not do (a noxs image with a ramdisk).
 */
int lvm_shell_prepare_xenguest(xc_interface *xch, uint32_t memory_mb,
			       uint32_t vcpus, const uint8_t uuid[16],
			       struct lvm_shell *sh, struct lvm_error *err);

/*
 * lvm_engine_use_xenguest() - with (on), shells prepared from now on by
 * this process use libxenguest even without XenStore, as before our own
 * builder (to compare the two, and for images it does not load).
 */
void lvm_engine_use_xenguest(bool on);

/*
 * lvm_shell_premap() - map the first (pages) pages of (sh)'s memory into
 * this process now, as one mapping, so that finish's build finds the
 * kernel's pages, the p2m list, start info and page tables already mapped
 * instead of mapping (and unmapping) each on the request path. It does not
 * depend on the image: it is only where the builder will put it. Meant
 * for lvmd's refill thread. A finish whose image (with everything the
 * builder adds after it) might not fit in (pages) drops the mapping before
 * building and maps as usual, so (pages) is a hint, never a limit; an
 * image with a ramdisk always does. (pages) is capped at LVM_PREMAP_MAX
 * and at the shell's memory. In a shell of our own builder it also writes
 * the page tables of those pages at their top, unmaps and pins them: the
 * claim then places the image below them, pins nothing and unmaps nothing
 * (lvm_engine_reap() does, later); an image that does not fit below them
 * has them unpinned and is built as usual.
 * Returns 0, or -EINVAL (no live shell, (pages) 0, already premapped),
 * -ENOMEM or what the mapping failed with, the line in (err); on failure
 * the shell is still usable, unmapped.
 */
int lvm_shell_premap(struct lvm_shell *sh, uint32_t pages,
		     struct lvm_error *err);

#define LVM_PREMAP_MAX 1024u         /* pages (4 MiB) */
#define LVM_PREMAP_DEFAULT 512u      /* pages: our library OS's networked
					images (1.1 MiB) and what follows */

/*
 * lvm_engine_reap() - release what the claims of premapped shells of our
 * own builder left mapped: the guest memory the build wrote through and
 * the hypercall buffer of its vCPU context. lvm_shell_finish() of such a
 * shell (a pool's, premapped with its page tables pinned ahead) leaves
 * them for this, so that no unmap is on the request's path; at most 32
 * wait (more are released at once). The handle that prepared those
 * shells must stay open until then. For the thread that premaps (lvmd's
 * refill thread: whenever it wakes, and at its end); safe from any
 * thread. Returns how many builds it released.
 */
unsigned lvm_engine_reap(void);

/* What a finished domain needs to be handed to the backends. */
struct lvm_built {
	uint32_t domid;
	struct lvm_phases t;         /* the shell's prepare time and finish's */
	uint64_t console_gfn, console_mfn;
	uint32_t console_port;
	uint64_t noxs_gfn, noxs_mfn; /* 0 if the image has no noxs note */
	uint32_t sysctl_port;
	uint64_t store_gfn, store_mfn; /* XenStore mode only */
	uint32_t store_port;
	struct noxs_page *noxs_copy; /* what dom0 wrote into the device page;
					engine-allocated, NULL without noxs */
	uint32_t vif0_frames;        /* our builder, for an image that
					declares its vifs' memory (noxs/abi.h,
					struct noxs_vifmem): vif 0's rings
					page and region, 1 + buf_pages frames
					in vif0_mfn; 0: none */
	uint64_t vif0_mfn[1 + NOXS_VIF_BUF_PAGES_MAX];
	uint64_t start_info_mfn;
	void *start_info;            /* start info, mapped read-write by a
					shell built ahead, or NULL: the
					caller's, once taken (set NULL), so
					that no unmap is on the create's path;
					lvm_built_release() unmaps it */
	void *pages;                 /* the console ring, then the device
					page, mapped read-write in one mapping
					of 2 pages that a pool shell made
					ahead (built ahead; or premapped, when
					the image puts them where the last
					build did), or NULL: the caller's,
					once taken (set NULL);
					lvm_built_release() unmaps it */
	uint32_t footprint_pages;    /* pages the builder used: kernel to
					boot stack; what a premap must cover */
	bool premap_used;            /* the build ran in the shell's premap */
	uint32_t code_pages;         /* our builder: pages of the image's
					code shared with its other guests
					(code.h) */
	struct lvm_error code_note;  /* ... and, with sharing on, why none
					are when its holder could not be
					made (the guest runs its own copy);
					code 0 otherwise */
	bool tables_ahead;           /* our builder: into page tables pinned
					at the premap */
	struct {                     /* our own builder's build, in ns */
		uint64_t map;        /* mapping the footprint (0: premapped) */
		uint64_t write;      /* segments, p2m, start info, tables,
					device page */
		uint64_t unmap;
		uint64_t hypercall;  /* XEN_DOMCTL_hypercall_init */
		uint64_t pin;        /* MMUEXT_PIN_L4_TABLE (0: ahead) */
		uint64_t code;       /* the image's shared code mapped */
		uint64_t context;    /* XEN_DOMCTL_setvcpucontext */
	} own;
};

/* The image-specific part of a request. */
struct lvm_finish_req {
	const struct lvm_image *img;
	const char *name;            /* written into the device page; needed
					only when the image has a noxs note */
	const uint8_t *uuid;         /* 16 bytes, the domain's handle from now
					on; NULL keeps the shell's */
	const char *cmdline;         /* may be NULL */
	const char *ramdisk;         /* path, may be NULL */
	uint64_t create_tsc;         /* dom0's TSC when the request began */
};

/*
 * lvm_shell_finish() - load (req->img) into the shell (sh), build it, fill
 * the device page (if the image has a noxs note: header, name, uuid,
 * console, sysctl port, create_tsc, tsc_khz) and, for a guest without a
 * noxs note or in XenStore mode, the grant table (dom0 is granted the
 * console page, and the store page); a noxs guest's backends map its pages
 * by frame number, so its grant table is left empty. Leave
 * the domain paused, ready for the backends and unpause. (req->img) must
 * stay alive until this returns; it is not kept. Consumes (sh): on success
 * it becomes (*out); on failure the domain is destroyed. Either way (sh)
 * is left with its phases filled and no state, so lvm_shell_discard() on
 * it is a no-op.
 * Returns 0, or -errno: -EINVAL for bad arguments (a NULL (xch) or (sh),
 * or a shell already consumed, are refused without consuming anything),
 * an image libxenguest rejects or whose device page it did not load, or a
 * NULL or empty (req->name) for an image with a noxs note; -ENAMETOOLONG
 * for a (req->name) longer than NOXS_NAME_MAX - 1; -ENOMEM; -ENOENT for a
 * missing ramdisk; or what the hypervisor said. The line in (err).
 */
int lvm_shell_finish(xc_interface *xch, struct lvm_shell *sh,
		     const struct lvm_finish_req *req, struct lvm_built *out,
		     struct lvm_error *err);

/*
 * lvm_shell_prebuild() - build (img) into the unbuilt shell (sh) ahead of
 * any request: load, build and boot as lvm_shell_finish() does, but with
 * no name, no command line and the device page left as the image has it,
 * and map start info and the device page for the claim. The shell is then
 * "warm": lvm_shell_finish() on it, for the same image (lvm_shell_fits),
 * only writes the request's command line into start info, its device page
 * (name, uuid, create_tsc) and, for another uuid, the domain handle; a
 * ramdisk is refused. The domain never runs before that. Only images with
 * a noxs note, in a shell prepared without XenStore. For lvmd's refill
 * thread.
 * Returns 0; -EINVAL with nothing consumed for a shell already built or
 * consumed, an image without a noxs note or a XenStore shell; or -errno
 * from the build (as lvm_shell_finish()) with the shell consumed, its
 * domain destroyed. The line in (err).
 */
int lvm_shell_prebuild(xc_interface *xch, struct lvm_shell *sh,
		       const struct lvm_image *img, struct lvm_error *err);

/*
 * lvm_shell_fits() - whether lvm_shell_finish() of (sh) can build (img):
 * any image for a live unbuilt shell; for a warm one, only the image it
 * was built with (lvm_file_match(): the same file, unchanged). false for
 * NULLs or a consumed shell.
 */
bool lvm_shell_fits(const struct lvm_shell *sh, const struct lvm_image *img);

/*
 * lvm_shell_noxs_mfn() - the machine frame of a warm shell's device page
 * (what its create will hand the backends as lvm_built's noxs_mfn), so
 * that a backend can map it ahead; 0 for a shell not built ahead, or one
 * whose image has no device page. NULL-safe.
 */
uint64_t lvm_shell_noxs_mfn(const struct lvm_shell *sh);

/*
 * lvm_shell_vif0() - a warm shell's vif 0 memory as its image declares it
 * (struct noxs_vifmem): its rings page's machine frame, then its
 * region's, into (*mfn) (lvm_built's vif0_mfn, valid while the shell
 * is). Returns how many (1 + the region's frames), or 0 for a shell not
 * built ahead by our builder or an image that declares none. NULL-safe.
 */
uint32_t lvm_shell_vif0(const struct lvm_shell *sh, const uint64_t **mfn);

/*
 * lvm_shell_discard() - destroy the domain of an unused shell (warm or
 * not) and free its state. NULL-safe; a no-op on a shell already consumed
 * or discarded.
 */
void lvm_shell_discard(xc_interface *xch, struct lvm_shell *sh);

/* lvm_built_release() - free (b)'s engine-owned memory (not the domain). */
void lvm_built_release(struct lvm_built *b);

#endif
