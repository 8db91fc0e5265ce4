/*
 * vifnet.c — lwIP's netif over a libos netfront, and lwIP's timers on a
 * libos timer (see vifnet.h). The timer is re-armed after each run for
 * lwIP's next timeout (sys_timeouts_sleeptime), so the guest wakes only
 * when lwIP has something due.
 */
#include <stddef.h>
#include <stdint.h>
#include <xen/errno.h>

#include <lwip/etharp.h>
#include <lwip/init.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/timeouts.h>
#include <netif/ethernet.h>

#include <libos/console.h>
#include <libos/loop.h>
#include <libos/netfront.h>
#include <libos/string.h>
#include <libos/time.h>

#include "vifnet.h"

struct vifnet {
	struct netif netif;
	struct netfront *nf;
	struct libos_timer announce; /* after the connect's frames */
	uint16_t id;
};

static struct vifnet nets[NETFRONT_MAX];
static unsigned int nnets;
static int lwip_started;
static struct libos_timer lwip_timer;

/* Run lwIP's due timeouts; arm the timer for the next one. */
static void lwip_tick(struct libos_timer *t)
{
	u32_t ms;

	sys_check_timeouts();
	ms = sys_timeouts_sleeptime();
	if (ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE)
		libos_timer_arm(t, libos_now_ns() + (uint64_t)ms * 1000000u);
}

/* After anything that may have added an lwIP timeout: re-plan the timer. */
static void replan(void)
{
	lwip_tick(&lwip_timer);
}

static err_t linkoutput(struct netif *netif, struct pbuf *p)
{
	struct vifnet *vn = netif->state;
	uint8_t *buf = netfront_tx_buf(vn->nf);

	if (buf == NULL)
		return ERR_MEM;         /* TCP retransmits; ARP re-asks */
	if (p->tot_len > NOXS_VIF_FRAME_MAX)
		return ERR_BUF;
	pbuf_copy_partial(p, buf, p->tot_len, 0);
	return netfront_tx_send(vn->nf, p->tot_len) == 0 ? ERR_OK : ERR_IF;
}

static void rx(void *arg, const uint8_t *frame, uint16_t len)
{
	struct vifnet *vn = arg;
	struct pbuf *p = pbuf_alloc(PBUF_RAW, len, PBUF_POOL);

	if (p == NULL)
		return;                 /* dropped: out of pbufs */
	pbuf_take(p, frame, len);
	if (vn->netif.input(p, &vn->netif) != ERR_OK)
		pbuf_free(p);
	replan();
}

/*
 * The vif's announcements, once the frames dom0 handed over at connect
 * were answered: the address (a gratuitous ARP, for whoever kept an older
 * MAC for it), and a request for the gateway unless its MAC is known
 * already (lvm's dom0 hands over its gateway's hello at connect, ahead of
 * the kept frames: docs/noxs.md), which teaches both sides each other's
 * MAC before the first connection needs it.
 */
static void announce(struct libos_timer *t)
{
	struct vifnet *vn = t->arg;
	const ip4_addr_t *gw = netif_ip4_gw(&vn->netif), *ip_ret;
	struct eth_addr *eth_ret;

	if (!netif_is_link_up(&vn->netif))
		return;
	etharp_gratuitous(&vn->netif);
	if (!ip4_addr_isany(gw) &&
	    etharp_find_addr(&vn->netif, gw, &eth_ret, &ip_ret) < 0)
		etharp_request(&vn->netif, gw);
}

static void state_changed(void *arg, enum netfront_state st)
{
	struct vifnet *vn = arg;

	if (st == NETFRONT_CONNECTED) {
		printk("vifnet: vif%u connected\n", vn->id);
		/* The link up without lwIP's own announcement (its only
		   report here: no IGMP, no IPv6), which would leave ahead
		   of the answers to the frames of this same event (a
		   client's SYN, kept by dom0 while the guest booted): the
		   announcements follow them, from a timer due now, which
		   the loop runs after this event. */
		netif_clear_flags(&vn->netif, NETIF_FLAG_ETHARP);
		netif_set_link_up(&vn->netif);
		netif_set_flags(&vn->netif, NETIF_FLAG_ETHARP);
		libos_timer_arm(&vn->announce, libos_now_ns());
	} else if (st == NETFRONT_DISCONNECTED) {
		printk("vifnet: vif%u not connected any more\n", vn->id);
		netif_set_link_down(&vn->netif);
	}
	replan();
}

static err_t netif_setup(struct netif *netif)
{
	struct vifnet *vn = netif->state;
	const struct noxs_vif_config *c = netfront_config(vn->nf);

	netif->name[0] = 'v';
	netif->name[1] = (char)('0' + vn->id);
	netif->output = etharp_output;
	netif->linkoutput = linkoutput;
	netif->mtu = c->mtu;
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, c->mac, ETH_HWADDR_LEN);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		       NETIF_FLAG_ETHERNET;
	return ERR_OK;
}

/* An IPv4 address from 4 bytes in network order. */
static void addr4(ip4_addr_t *a, const uint8_t b[4])
{
	IP4_ADDR(a, b[0], b[1], b[2], b[3]);
}

int vifnet_start(uint16_t id)
{
	struct vifnet *vn;
	const struct noxs_vif_config *c;
	ip4_addr_t ip, mask, gw;
	int rc;

	if (nnets == NETFRONT_MAX)
		return -XEN_ENOSPC;
	vn = &nets[nnets];
	vn->id = id;
	libos_timer_init(&vn->announce, announce, vn);
	rc = netfront_open(id, rx, state_changed, vn, &vn->nf);
	if (rc < 0)
		return rc;
	nnets++;
	if (!lwip_started) {
		lwip_init();
		libos_timer_init(&lwip_timer, lwip_tick, NULL);
		lwip_started = 1;
	}
	c = netfront_config(vn->nf);
	addr4(&ip, c->ipv4_addr);
	addr4(&gw, c->ipv4_gw);
	ip4_addr_set_u32(&mask, c->ipv4_prefix == 0 ? 0 :
			 lwip_htonl(0xffffffffu << (32 - c->ipv4_prefix)));
	netif_add(&vn->netif, &ip, &mask, &gw, vn, netif_setup,
		  ethernet_input);
	if (nnets == 1)
		netif_set_default(&vn->netif);
	netif_set_up(&vn->netif);
	printk("vifnet: vif%u %02x:%02x:%02x:%02x:%02x:%02x %u.%u.%u.%u/%u "
	       "mtu %u, waiting for dom0\n", id, c->mac[0], c->mac[1],
	       c->mac[2], c->mac[3], c->mac[4], c->mac[5], c->ipv4_addr[0],
	       c->ipv4_addr[1], c->ipv4_addr[2], c->ipv4_addr[3],
	       c->ipv4_prefix, c->mtu);
	replan();
	return 0;
}

/* Listen on TCP (port), any address, with (accept); 0 or -1. */
static int listen_tcp(uint16_t port, tcp_accept_fn accept)
{
	struct tcp_pcb *pcb = tcp_new(), *l;

	if (pcb == NULL)
		return -1;
	if (tcp_bind(pcb, IP4_ADDR_ANY, port) != ERR_OK) {
		tcp_close(pcb);
		return -1;
	}
	l = tcp_listen(pcb);
	if (l == NULL) {
		tcp_close(pcb);
		return -1;
	}
	tcp_accept(l, accept);
	return 0;
}

int vifnet_main(const char *name, uint16_t port, tcp_accept_fn accept)
{
	int rc = vifnet_start(0);

	if (rc == -XEN_ENODEV) {
		printk("%s: no vif, nothing to serve\n", name);
	} else if (rc < 0) {
		printk("%s: vif0 unusable (%d)\n", name, rc);
		return 1;
	} else if (listen_tcp(port, accept) < 0) {
		printk("%s: cannot listen on TCP port %u\n", name, port);
		return 1;
	} else {
		printk("%s: listening on TCP port %u\n", name, port);
	}
	replan();
	rc = libos_loop_run();
	if (rc == -XEN_ENODEV) {
		printk("%s: nothing to wait for, exiting\n", name);
		return 0;
	}
	return rc == 0 ? 0 : 1;
}
