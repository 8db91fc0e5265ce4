/*
 * sink — the discard service (TCP port 9), the far end of bench/net.sh's
 * throughput and isolation streams: everything a connection sends is
 * counted and dropped; when the client closes, the guest prints the
 * connection's byte count on its console and closes too. The network is
 * vif 0 through lwIP (guests/lwip); without a vif the guest says so and
 * stays up.
 */
#include <stdint.h>

#include <lwip/tcp.h>

#include <libos/console.h>

#include "vifnet.h"

#define DISCARD_PORT 9

/* Bytes of the connection so far; the pcb's arg (a counter per pcb). */
static uint64_t counts[MEMP_NUM_TCP_PCB];

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
		     err_t err)
{
	uint64_t *n = arg;

	if (p == NULL || err != ERR_OK) {
		printk("sink: %lu bytes received\n", (unsigned long)*n);
		*n = 0;
		if (p != NULL)
			pbuf_free(p);
		tcp_arg(pcb, NULL);
		tcp_recv(pcb, NULL);
		if (tcp_close(pcb) != ERR_OK) {
			tcp_abort(pcb);
			return ERR_ABRT;
		}
		return ERR_OK;
	}
	*n += p->tot_len;
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	static unsigned int next;
	uint64_t *n;

	(void)arg;
	if (err != ERR_OK || pcb == NULL)
		return ERR_VAL;
	n = &counts[next++ % MEMP_NUM_TCP_PCB];
	*n = 0;
	tcp_arg(pcb, n);
	tcp_recv(pcb, on_recv);
	return ERR_OK;
}

int main(void)
{
	return vifnet_main("sink", DISCARD_PORT, on_accept);
}
