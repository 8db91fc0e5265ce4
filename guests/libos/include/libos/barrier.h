/*
 * libos/barrier.h — memory ordering for rings shared with another domain.
 *
 * Plain C11 fences, so code that uses them also compiles on the host for
 * unit tests. On x86 (TSO) both are compiler barriers only.
 */
#ifndef LIBOS_BARRIER_H
#define LIBOS_BARRIER_H

/* lo_rmb() - reads before it complete before reads and writes after it. */
#define lo_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

/* lo_wmb() - reads and writes before it complete before writes after it. */
#define lo_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

#endif
