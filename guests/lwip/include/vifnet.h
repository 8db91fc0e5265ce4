/*
 * vifnet.h — lwIP over a libos netfront: one lwIP netif per noxs vif,
 * addressed from the vif's settings (docs/noxs.md), with lwIP's timers
 * driven by a libos timer (libos/loop.h). For guests linked with
 * $(BUILD)/guest/lwip.a (guests/module.mk, NET_GUESTS).
 */
#ifndef LVM_VIFNET_H
#define LVM_VIFNET_H

#include <stdint.h>

#include <lwip/tcp.h>

/*
 * vifnet_start() - start lwIP (once) and bring up vif (id) as an lwIP
 * netif, the default route, with its IPv4 address, prefix and gateway
 * from the device page; prints one console line with its MAC and address.
 * The link comes up when dom0 connects the vif; until then, and after a
 * disconnect, frames are dropped and the guest says so on its console.
 * Returns 0, or what netfront_open() returns (-XEN_ENODEV: no such vif).
 */
int vifnet_start(uint16_t id);

/*
 * vifnet_main() - the main() of a guest that serves TCP (port) on vif 0:
 * start it (vifnet_start), listen on (port) on every address with
 * (accept) as lwIP's accept callback (one console line "NAME: listening
 * on TCP port N"), then run the event loop until a poweroff. Without a vif it says so on the
 * console ("NAME: no vif, nothing to serve") and still runs the loop, so
 * the guest stays up and obeys lifecycle requests; with nothing to wait
 * for at all (no device page) it returns 0: the guest powers off.
 * Returns main()'s value: 0, or 1 when the vif or the listener fails.
 */
int vifnet_main(const char *name, uint16_t port, tcp_accept_fn accept);

#endif
