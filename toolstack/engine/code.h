/*
 * code.h — one copy of an image's code for all of its guests.
 *
 * What a guest of our library OS never writes (the pages of its segments
 * without PF_W: code, read-only data, notes) is the same in every guest
 * of the image. With sharing on, the engine keeps one copy of those
 * pages per image file, in a domain that never runs (a holder), and our
 * builder maps that copy read-only into each new guest's initial page
 * tables, over the guest's own frames: one copy in memory however many
 * guests run, as a process's code is one copy in the page cache.
 *
 * Not shared: the hypercall page (Xen writes each guest's), the device
 * page, any page a writable segment touches.
 */
#ifndef LVM_ENGINE_CODE_H
#define LVM_ENGINE_CODE_H

#include <stdbool.h>
#include <stdint.h>

#include <xenctrl.h>

#include "error.h"

struct lvm_image;
struct lvm_layout;

/* lvm_code_watch_fn - told of each holder after it is made (made true,
 * with the image's path) and before it is destroyed (made false, image
 * NULL), on the thread that does it (a build's, or lvm_code_drop_all()'s,
 * the table's lock held then): lvmd names the holders where Xen's own
 * tools look. It must not call back into this file. */
typedef void lvm_code_watch_fn(void *arg, uint32_t domid, const char *image,
			       bool made);

/* lvm_code_enable() - share (on) or not from now on; holders get handles
 * of kind LVM_UUID_CODE of the lvmd (instance) (uuid.h), so that a
 * restarted lvmd destroys those of its previous run. (watch) (NULL: none)
 * is told of the holders with (arg); set it before any build runs. */
void lvm_code_enable(bool on, uint32_t instance, lvm_code_watch_fn *watch,
		     void *arg);

/* lvm_code_page_shared() - whether the page at (va) of (img) is shared. */
int lvm_code_page_shared(const struct lvm_image *img, uint64_t va);

/*
 * lvm_code_map() - with sharing on, map (img)'s holder (made on first use)
 * over the guest (domid)'s own frames in its pinned tables, laid out as
 * (lo) with machine frames (p2m); the number of pages mapped into
 * (*pages) (0 with sharing off, or for an image with nothing to share).
 * A holder that cannot be made is no failure: the guest runs its own
 * copy, with 0 pages and the reason in (note) (else cleared).
 * Returns 0, or -errno with the line in (err) (the mapping refused).
 */
int lvm_code_map(xc_interface *xch, const struct lvm_image *img,
		 uint32_t domid, const struct lvm_layout *lo,
		 const uint64_t *p2m, uint32_t *pages, struct lvm_error *note,
		 struct lvm_error *err);

/* lvm_code_drop_all() - destroy every holder (lvmd's exit). The guests
 * that map a holder's pages keep them. */
void lvm_code_drop_all(xc_interface *xch);

#endif
