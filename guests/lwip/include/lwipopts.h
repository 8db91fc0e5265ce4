/*
 * lwipopts.h — lwIP's configuration for lvm guests: no OS (NO_SYS, the raw
 * callback API, driven by libos's event loop), IPv4, ARP, ICMP, TCP and
 * UDP; lwIP's own heap and pools (static arrays, no allocator needed from
 * libos); no checksum offload (the vif carries plain Ethernet frames).
 */
#ifndef LVM_LWIPOPTS_H
#define LVM_LWIPOPTS_H

#define NO_SYS 1
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0
#define SYS_LIGHTWEIGHT_PROT 0

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_TCP 1
#define LWIP_UDP 1
#define LWIP_RAW 0
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
/* No fragments: fewer timers (an idle guest wakes only for ARP aging). */
#define IP_REASSEMBLY 0
#define IP_FRAG 0

#define MEM_ALIGNMENT 8
#define MEM_SIZE (256 * 1024)
#define MEMP_NUM_PBUF 64
#define MEMP_NUM_TCP_PCB 64
#define MEMP_NUM_TCP_PCB_LISTEN 4
#define MEMP_NUM_TCP_SEG 256
#define PBUF_POOL_SIZE 128
#define PBUF_POOL_BUFSIZE 1536

#define TCP_MSS 1460
/* A receive window of 96 segments (window scaling, 4-byte units): dom0's
   stream to a guest is bound by the window over the round trip through
   the data path, not by the guest's CPU. The pbuf pool holds it all. */
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 2
#define TCP_WND (96 * TCP_MSS)
#define TCP_SND_BUF (16 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define LWIP_TCP_KEEPALIVE 0

#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_STATS 0
#define LWIP_NETIF_LOOPBACK 0
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_TCP 1

/* What lwIP takes from libos: a random source (time is sys_now()). */
#include <libos/random.h>
#define LWIP_RAND() libos_random32()

#endif
