/*
 * engine_priv.h — what the engine's files share and nothing else sees.
 *
 * The files call downwards only, never back up (no call circle):
 *   finish.c  → pvbuild.c, warm.c, devpage.c, destroy.c
 *   shell.c   → pvbuild.c, warm.c, destroy.c
 *   pvbuild.c → code.c, layout.c, devpage.c
 *   code.c    → layout.c, destroy.c, fileid.c, uuid.c
 *   warm.c    → devpage.c, destroy.c, fileid.c
 *   image.c   → elfnote.c, bzimage.c, fileid.c
 *   xs_compat.c → uuid.c
 *   layout.c, devpage.c, destroy.c, fileid.c, uuid.c, error.c: the bottom
 * (every file may also fill an error value: error.c).
 */
#ifndef LVM_ENGINE_PRIV_H
#define LVM_ENGINE_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <noxs/abi.h>
#include <xenctrl.h>

#include "toolstack/common/clock.h"

#include "error.h"

/*
 * lvm_open_regular() - open the file at (path) for reading, never blocking
 * (a FIFO, a terminal), and keep it only if it is a regular file: the fd
 * into (*fd) and its stat into (*st). (what) names it in the error line.
 * Returns 0, or -errno (cannot open or stat), -ENOEXEC (not a regular file)
 * with the line in (err). regfile.c.
 */
struct stat;
int lvm_open_regular(const char *what, const char *path, int *fd,
		     struct stat *st, struct lvm_error *err);

/* The one guest type the engine builds (see engine.h). */
#define LVM_GUEST_TYPE "xen-3.0-x86_64"

/* The least memory libxenguest builds a guest in; our builder goes to
 * LVM_MIN_MEMORY_MB. */
#define LVM_XENGUEST_MIN_MB 4u

/* What dom0 writes into a new guest's device page. */
struct lvm_devpage_args {
	uint32_t domid;
	const char *name;
	const uint8_t *uuid;         /* 16 bytes */
	uint64_t console_gfn;
	uint32_t console_port;
	uint32_t sysctl_port;
	uint64_t create_tsc;
	uint64_t tsc_khz;
};

/*
 * lvm_devpage_fill() - write (a) into (p) (zeroed first): the header, the
 * console and the sysctl record (dom0 serves both), no devices, state
 * BOOTING with no request.
 * Returns 0, -EINVAL for a NULL or empty name, -ENAMETOOLONG for a name
 * of NOXS_NAME_MAX bytes or more; (p) is then left zeroed.
 */
int lvm_devpage_fill(struct noxs_page *p, const struct lvm_devpage_args *a);

/*
 * lvm_tsc_khz() - the TSC frequency Xen reports (xc_physinfo's cpu_khz),
 * asked once per process. Returns 0 and sets (*khz), or -errno with the
 * line in (err). (devpage.c)
 */
int lvm_tsc_khz(xc_interface *xch, uint64_t *khz, struct lvm_error *err);

/* lvm_engine_pages_forget() - forget the frames of the last build's
 * console ring and device page, mapped ahead by premaps (for tests). */
void lvm_engine_pages_forget(void);

/* lvm_tsc_khz_forget() - drop the cached frequency (for tests). */
void lvm_tsc_khz_forget(void);

/*
 * lvm_domain_destroy() - destroy (domid) (its event channels and memory
 * go with it). Returns 0, or -errno with the line in (err) (NULL on the
 * cleanup paths, where the first error is the one reported). (destroy.c)
 */
int lvm_domain_destroy(xc_interface *xch, uint32_t domid,
		       struct lvm_error *err);

struct lvm_shell;
struct lvm_finish_req;
struct lvm_built;
struct lvm_image;

/*
 * lvm_devpage_make() - a new device page for (sh) and (req), its console
 * at (console_gfn), in (*out) (free() it). 0 or -errno with the line in
 * (err). (devpage.c)
 */
int lvm_devpage_make(xc_interface *xch, const struct lvm_shell *sh,
		     const struct lvm_finish_req *req, uint64_t console_gfn,
		     struct noxs_page **out, struct lvm_error *err);

/*
 * lvm_warm_keep() - (sh), just built ahead for (img) as (b), becomes a
 * warm shell: its start info, console ring and device page mapped for the
 * claim (the latter two taken from (b)->pages when the build mapped them,
 * which is then NULL). On failure the domain is destroyed. 0 or -errno,
 * the line in (err). (warm.c)
 */
int lvm_warm_keep(xc_interface *xch, struct lvm_shell *sh,
		  const struct lvm_image *img, struct lvm_built *b,
		  struct lvm_error *err);

/* lvm_warm_finish() - lvm_shell_finish() of a warm shell. (warm.c) */
int lvm_warm_finish(xc_interface *xch, struct lvm_shell *sh,
		    const struct lvm_finish_req *req, struct lvm_built *out,
		    struct lvm_error *err);

/* lvm_warm_discard() - lvm_shell_discard() of a warm shell. (warm.c) */
void lvm_warm_discard(xc_interface *xch, struct lvm_shell *sh);

/*
 * Our own PV builder (pvbuild.c), for shells prepared without XenStore:
 * lvm_pv_prepare() populates (memory_mb) of (domid) and sets its shared
 * info page up, its state in (*out); lvm_pv_premap() maps its first
 * (pages) frames ahead, with prepare's handle (lvmd's refill thread); lvm_pv_build() builds (req) into (sh) as
 * lvm_shell_finish() (with (ahead): as lvm_shell_prebuild(), the device
 * page left as the image has it), filling (*out), the domain left paused
 * (on failure the caller destroys it); lvm_pv_free() releases the state
 * (NULL-safe), never the domain. 0 or -errno, the line in (err).
 * lvm_pv_premap() also writes and pins the tables of the span it maps
 * when it can hold them (pvbuild.c's head comment); lvm_pv_defer() takes
 * the state of such a shell, built, for lvm_engine_reap() to release
 * (true), or leaves it to the caller (false: not premapped so, or
 * REAP_MAX builds already waiting).
 */
struct lvm_pv;
int lvm_pv_prepare(xc_interface *xch, uint32_t domid, uint32_t memory_mb,
		   struct lvm_pv **out, struct lvm_error *err);
int lvm_pv_premap(uint32_t domid, struct lvm_pv *pv, uint32_t pages,
		  struct lvm_error *err);
int lvm_pv_build(xc_interface *xch, struct lvm_shell *sh, struct lvm_pv *pv,
		 const struct lvm_finish_req *req, bool ahead,
		 struct lvm_built *out, struct lvm_error *err);
void lvm_pv_free(struct lvm_pv *pv);
bool lvm_pv_defer(struct lvm_pv *pv);

#endif
