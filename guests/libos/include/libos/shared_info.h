/*
 * libos/shared_info.h — the shared_info page: event channel bitmaps and
 * Xen's time information, written by Xen, read (and partly written) by
 * the guest.
 */
#ifndef LIBOS_SHARED_INFO_H
#define LIBOS_SHARED_INFO_H

#include <xen/xen.h>

/*
 * shared_info_init() - map the shared_info frame that (si) names (a
 * machine address) over a page of our own image reserved for it. Called
 * once by libos_start(), before anything that uses events or time.
 * Returns 0 or the negative Xen errno of the mapping hypercall; then
 * libos_shared_info() stays NULL.
 */
int shared_info_init(const start_info_t *si);

/* libos_shared_info() - the mapped page, or NULL before or without it. */
volatile shared_info_t *libos_shared_info(void);

#endif
