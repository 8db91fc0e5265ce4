/*
 * lvm_sniff — a test harness, not the product: the frames a guest sends
 * through its TAP, in the order dom0 received them. Reads the interface
 * IFACE with a packet socket for SECONDS and prints one line per frame
 * that entered dom0 there (what lvmd's data path wrote into the TAP: the
 * guest's), none of those dom0 sent out on it:
 *
 *   arp request SENDER TARGET     (a gratuitous ARP: SENDER = TARGET)
 *   arp reply SENDER TARGET
 *   tcp FLAGS SPORT DPORT LEN     (FLAGS: S, SA, A, PA, FA, FPA, R, ...;
 *                                  LEN: the segment's payload bytes)
 *   ipv4 PROTO                    (another IPv4 protocol)
 *   other ETHERTYPE               (hex)
 *
 *   lvm_sniff IFACE SECONDS
 *
 * Integration tests drive it (tests/integration/net-announce.sh). Exit
 * status 0, or 1 with one line on stderr (no such interface, no packet
 * socket: it needs CAP_NET_RAW).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TOOL "lvm_sniff"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char *ip4(const uint8_t *b, char *out)
{
	return inet_ntop(AF_INET, b, out, INET_ADDRSTRLEN) ? out : "?";
}

static void print_arp(const uint8_t *f, size_t len)
{
	char s[INET_ADDRSTRLEN], t[INET_ADDRSTRLEN];
	unsigned op;

	if (len < 42) {
		printf("arp short\n");
		return;
	}
	op = (unsigned)f[20] << 8 | f[21];
	printf("arp %s %s %s\n", op == 1 ? "request" : op == 2 ? "reply" :
	       "op?", ip4(f + 28, s), ip4(f + 38, t));
}

static void print_tcp(const uint8_t *f, size_t len, size_t ip, size_t ihl)
{
	static const struct { uint8_t bit; char c; } fl[] = {
		{ 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' },
		{ 0x10, 'A' },
	};
	const uint8_t *t = f + ip + ihl;
	size_t tot = (size_t)f[ip + 2] << 8 | f[ip + 3], doff;
	char flags[8];
	unsigned n = 0;

	if (len < ip + ihl + 20) {
		printf("tcp short\n");
		return;
	}
	doff = (size_t)(t[12] >> 4) * 4u;
	for (unsigned i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (t[13] & fl[i].bit)
			flags[n++] = fl[i].c;
	flags[n] = '\0';
	printf("tcp %s %u %u %zu\n", n ? flags : "-",
	       (unsigned)t[0] << 8 | t[1], (unsigned)t[2] << 8 | t[3],
	       tot >= ihl + doff ? tot - ihl - doff : 0);
}

static void print_frame(const uint8_t *f, size_t len)
{
	unsigned type;
	size_t ihl;

	if (len < 14) {
		printf("other short\n");
		return;
	}
	type = (unsigned)f[12] << 8 | f[13];
	if (type == ETHERTYPE_ARP) {
		print_arp(f, len);
	} else if (type == ETHERTYPE_IP && len >= 34) {
		ihl = (size_t)(f[14] & 15u) * 4u;
		if (f[23] == IPPROTO_TCP)
			print_tcp(f, len, 14, ihl);
		else
			printf("ipv4 %u\n", f[23]);
	} else {
		printf("other %04x\n", type);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	uint8_t buf[2048];
	uint64_t end;
	char *e;
	long secs;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: " TOOL " IFACE SECONDS\n");
		return 1;
	}
	secs = strtol(argv[2], &e, 10);
	if (*argv[2] == '\0' || *e != '\0' || secs < 1 || secs > 3600) {
		fprintf(stderr, TOOL ": bad SECONDS %s\n", argv[2]);
		return 1;
	}
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (sll.sll_ifindex == 0) {
		fprintf(stderr, TOOL ": no interface %s\n", argv[1]);
		return 1;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, TOOL ": cannot read %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	end = now_ms() + (uint64_t)secs * 1000u;
	for (uint64_t now; (now = now_ms()) < end;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		if (poll(&p, 1, (int)(end - now)) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &fl);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fprintf(stderr, TOOL ": reading %s: %s\n", argv[1],
				strerror(errno));
			return 1;
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;       /* dom0's, to the guest */
		print_frame(buf, (size_t)n);
	}
	close(fd);
	return 0;
}
