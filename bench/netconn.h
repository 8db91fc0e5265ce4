/*
 * netconn.h — the network tools' (reply.c, stream.c) TCP connect to a
 * guest or process that may not be up yet: retried at once until it
 * succeeds or a deadline passes.
 */
#ifndef LVM_BENCH_NETCONN_H
#define LVM_BENCH_NETCONN_H

#include <netinet/in.h>
#include <stdint.h>

/*
 * lvm_netconn_addr() - (addr) (dotted IPv4) and (port) into (sa).
 * Returns 0 or -EINVAL.
 */
int lvm_netconn_addr(const char *addr, const char *port,
		     struct sockaddr_in *sa);

/*
 * Called between two tries of lvm_netconn_open(); a non-zero return
 * (-errno) ends the tries with it.
 */
typedef int (*lvm_netconn_check)(void *arg);

/*
 * lvm_netconn_open() - a non-blocking TCP socket connected to (sa), the
 * connection tried again at once when it is refused, the host or network
 * is unreachable, it is reset, or it does not complete within (step_ms),
 * until CLOCK_MONOTONIC (lvm_now_ns()) reaches (deadline_ns). (check),
 * when not NULL, runs before every try. (*tries) counts the tries.
 * Returns the socket (the caller closes it), -ETIMEDOUT at the deadline,
 * check's value, or another -errno (socket, poll).
 */
int lvm_netconn_open(const struct sockaddr_in *sa, unsigned step_ms,
		     uint64_t deadline_ns, lvm_netconn_check check, void *arg,
		     unsigned *tries);

/*
 * lvm_netconn_wait() - poll (fd) for (events) until (deadline_ns), at
 * most (cap_ms) when not 0. Returns 1 ready, 0 timed out, or -errno.
 */
int lvm_netconn_wait(int fd, short events, uint64_t deadline_ns,
		     unsigned cap_ms);

#endif
