/*
 * netconn.h — the network tools' (reply.c, stream.c) TCP connect to a
 * guest or process that may not be up yet: tried again and again, the
 * tries overlapping, until one succeeds or a deadline passes.
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

/* Tries of one lvm_netconn_open() open at once. */
#define LVM_NETCONN_OPEN_MAX 64

/*
 * lvm_netconn_open() - a non-blocking TCP socket connected to (sa), tried
 * until CLOCK_MONOTONIC (lvm_now_ns()) reaches (deadline_ns): a new try
 * every (step_ms) while none has completed, and at once when one is
 * refused, its host or network is unreachable or it is reset. A try that
 * is not answered within its step stays open (the kernel's own SYN
 * retries included) until LVM_NETCONN_OPEN_MAX newer ones are open: a
 * peer whose answer takes longer than the step (a guest behind a loaded
 * data path) is still reached by the try it answers, rather than every
 * try being closed before its answer comes and the late answer reset.
 * The first try to complete wins; the others are closed. (check), when
 * not NULL, runs before every try. (*tries) counts the tries.
 * Returns the socket (the caller closes it), -ETIMEDOUT at the deadline,
 * check's value, or another -errno (socket, poll); nothing stays open
 * but the socket returned.
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
