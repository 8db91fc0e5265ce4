/*
 * libos/start.h — from the entry point to the application's main().
 */
#ifndef LIBOS_START_H
#define LIBOS_START_H

#include <stdint.h>
#include <xen/xen.h>

/*
 * main() - the application, written by each guest. Runs once, after the
 * library OS is set up. Returns 0 to power the domain off, anything else to
 * crash it.
 */
int main(void);

/*
 * libos_start() - called by the entry code with the start_info page (si)
 * that Xen passed in %rsi. Maps shared_info, checks the noxs device page,
 * sets up the console (from the device page, else start_info), marks the
 * guest READY (libos_ready()), runs main() and shuts the domain down
 * according to its result. Does not return.
 */
_Noreturn void libos_start(start_info_t *si);

/*
 * libos_start_info() - the start_info page given to libos_start(), for
 * library modules that need it (console, later devices and events).
 */
const start_info_t *libos_start_info(void);

#endif
