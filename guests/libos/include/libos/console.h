/*
 * libos/console.h — the guest's PV console.
 *
 * Output goes to the console ring that the domain builder set up. Its page
 * and event channel come from the noxs device page when the toolstack
 * filled one (console_attach()), else from start_info (console_init()).
 * Before either, and if the ring is unusable, output goes to Xen's debug
 * console instead, which Xen refuses for an unprivileged domain unless it
 * was built with verbose debugging.
 */
#ifndef LIBOS_CONSOLE_H
#define LIBOS_CONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/io/console.h>

/*
 * console_attach() - use the ring in our guest frame (pfn) with event
 * channel (port), as the device page's console record gives them; (si) is
 * the start_info page, whose frame count bounds (pfn). Called by
 * libos_start() before main().
 * Returns 0, or -XEN_EINVAL if (si) is NULL, (pfn) is not one of our
 * frames or (port) is out of range; the console is then unchanged.
 */
int console_attach(const start_info_t *si, uint64_t pfn, evtchn_port_t port);

/*
 * console_init() - find the console ring described by (si), translating
 * its machine frame through Xen's M2P table. Called by libos_start()
 * before main() when the device page gave no usable console.
 * Returns 0, or -XEN_EINVAL if (si) names a page the guest does not own;
 * output then falls back to Xen's debug console.
 */
int console_init(const start_info_t *si);

/*
 * console_ring(), console_port() - the ring in use (NULL while output goes
 * to Xen's debug console) and its event channel. For test guests that
 * play a hostile frontend.
 */
struct xencons_interface *console_ring(void);
evtchn_port_t console_port(void);

/*
 * console_write() - write (len) bytes of (buf) to the console, each "\n"
 * as "\r\n". While the ring is full, notifies the backend and yields the
 * CPU until there is room; notifies it again at the end.
 * Returns (len), or a negative Xen errno if the ring's indices are corrupt;
 * then part of (buf) may have been written.
 */
long console_write(const char *buf, size_t len);

/*
 * console_flush() - wait, yielding the CPU, until the backend has consumed
 * everything in the ring, so that output is not lost when the domain shuts
 * down right after. Gives up after a bounded number of yields when no
 * backend drains the ring.
 */
void console_flush(void);

/*
 * printk() - format (fmt) like lo_snprintf() and console_write() the result.
 * Output longer than PRINTK_MAX - 1 bytes is truncated.
 * Returns the number of bytes written (before "\r\n" translation) or a
 * negative Xen errno.
 */
#define PRINTK_MAX 512
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
