/*
 * netconf.h — lvmd's network settings (lvmd.conf keys `bridge`, `subnet`,
 * `bridge_create`), read by conf.c, used by the vif backend (vif.c,
 * netdev.c) and the address allocator (vifaddr.c). Internal to lvmd.
 */
#ifndef LVMD_NETCONF_H
#define LVMD_NETCONF_H

#include <stdbool.h>
#include <stdint.h>

#include <lvm.h>

struct lvmd_netconf {
	char bridge[LVM_IFNAME_MAX + 1]; /* default "lvmbr0" */
	uint8_t addr[4];             /* the bridge's own address, network
					order (default 198.18.0.1): the
					guests' gateway */
	uint8_t prefix;              /* the subnet's prefix (default 16) */
	bool create;                 /* make the bridge if missing (default) */
	bool yield;                  /* the data path as SCHED_IDLE while
					dom0 has CPU to spare (default;
					netyield.h) */
};

#endif
