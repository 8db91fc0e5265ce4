/*
 * libos/sched.h — giving up the CPU and ending the domain.
 */
#ifndef LIBOS_SCHED_H
#define LIBOS_SCHED_H

/* libos_yield() - let Xen run another vCPU; returns when rescheduled. */
void libos_yield(void);

/*
 * libos_poweroff() - shut the domain down as exited normally
 * (SHUTDOWN_poweroff). Does not return.
 */
_Noreturn void libos_poweroff(void);

/*
 * libos_reboot() - shut the domain down asking to be restarted
 * (SHUTDOWN_reboot); what happens next is the toolstack's choice. Does not
 * return.
 */
_Noreturn void libos_reboot(void);

/*
 * libos_crash() - shut the domain down as crashed (SHUTDOWN_crash), which
 * the toolstack reports as a failure. Does not return.
 */
_Noreturn void libos_crash(void);

#endif
