/*
 * libos/noxs.h — the guest's side of the noxs device page (docs/noxs.md).
 *
 * Every image carries a page-aligned device page (section .noxs) and an
 * ELF note ("lvm-noxs", type NOXS_NOTE_PAGE) with its address. A noxs
 * toolstack fills the page before the guest's first instruction; a stock
 * toolstack leaves it zero. At start libos copies the page, checks the
 * copy with noxs_page_check() and from then on takes everything the
 * toolstack wrote at creation (name, domid, console, sysctl port, devices)
 * from that copy only. Devices are found only here, never in XenStore.
 * The fields that change later (sysctl requests, the guest's own state)
 * are read from and written to the live page by libos/sysctl.h.
 */
#ifndef LIBOS_NOXS_H
#define LIBOS_NOXS_H

#include <stdint.h>

#include <noxs/abi.h>

/*
 * noxs_front_init() - copy and check the device page. Called once by
 * libos_start(), before the console is set up.
 * Returns 0 for a valid page; -XEN_ENODEV if the toolstack did not fill
 * it (no magic: a stock toolstack); -NOXS_EPROTO if the page is invalid,
 * which is then ignored as if absent.
 */
int noxs_front_init(void);

/*
 * libos_noxs() - the checked copy of the page as the toolstack wrote it,
 * or NULL without a valid page. Its request and guest-owned fields are
 * those of boot time; read the live ones through libos/sysctl.h.
 */
const struct noxs_page *libos_noxs(void);

/*
 * libos_noxs_page() - the live device page, shared with dom0, valid or
 * not. For libos modules that own one of its records, and for test guests.
 */
volatile struct noxs_page *libos_noxs_page(void);

/* libos_name() - the domain's name from the page, or NULL without one. */
const char *libos_name(void);

/* libos_domid() - the domain's id from the page, or DOMID_SELF. */
uint32_t libos_domid(void);

/*
 * libos_noxs_dev() - the record of the device of (type) and (id) in the
 * checked copy, or NULL if the page lists no such device.
 */
const struct noxs_dev *libos_noxs_dev(uint16_t type, uint16_t id);

#endif
