/*
 * client.h — lvmd's clients (client.c): a connection's buffers, its
 * replies, a reply held until a guest is ready or gone, console mode. The
 * struct is client.c's alone; the others go through these calls. Internal
 * to lvmd (see lvmd.h for the layers).
 *
 * A client is freed only by lvmd_client_close(), which only the loop
 * calls (and lvmd_accept(), in the loop's turn, for a client it has just
 * made); elsewhere a client to be dropped is marked closing with its
 * output discarded.
 */
#ifndef LVMD_CLIENT_H
#define LVMD_CLIENT_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <lvm.h>

struct lvmd;
struct client;
struct guest;

/* What a held reply waits for. */
enum client_wait {
	W_NONE,
	W_READY,                     /* create: the guest's ready mark */
	W_GONE,                      /* shutdown: the guest is gone */
	W_REBOOT,                    /* reboot: the guest is back */
	W_REBOOT_HELD,               /* (client.c's own) being rebuilt now */
	W_IMAGE,                     /* a request parked: its image is being
					read (lvmd_loader_park()) */
};

/* client.c's handlers of the guest layers' news (guest.h), for l->hooks. */
extern const struct lvmd_hooks lvmd_client_hooks;

/* lvmd_client_new() - a client on the connected socket (fd) (taken: closed
 * on failure). 0, -EMFILE (LVMD_MAX_CLIENTS reached) or -ENOMEM. */
int lvmd_client_new(struct lvmd *l, int fd);
/* lvmd_client_close() - close and free (c) (the loop only). */
void lvmd_client_close(struct lvmd *l, struct client *c);

/* lvmd_clients_poll() - a pollfd for each client into (pfd), the client
 * into (who) at the same index; how many (l->nclients at most). */
size_t lvmd_clients_poll(struct lvmd *l, struct pollfd *pfd,
			 struct client **who);
/* lvmd_client_read() - take what (c)'s socket has for (revents): request
 * bytes, or console input passed to its guest. -1 when (c) is gone. */
int lvmd_client_read(struct lvmd *l, struct client *c, short revents);
/* lvmd_client_request() - the next whole request (c) has buffered (the
 * caller puts it), or NULL: none, or a bad message (answered, (c) marked
 * closing). Only while (c) reads requests. */
json_object *lvmd_client_request(struct lvmd *l, struct client *c);
/* lvmd_client_write() - send what (c) has queued after (revents); -1 when
 * the loop should close it. */
int lvmd_client_write(struct client *c, short revents);

/* lvmd_client_full() - whether (c) reads requests but has at least
 * LVMD_CLIENT_OUT_PAUSE bytes of replies unsent: its requests then wait
 * (neither read nor handled) until it reads; past LVMD_CLIENT_OUT_MAX
 * it is dropped. */
bool lvmd_client_full(const struct client *c);
/* lvmd_client_flush() - send what (c) has queued, as far as the socket
 * takes it now. */
void lvmd_client_flush(struct client *c);
/* lvmd_client_send() - queue a reply (consumed) on (c); NULL (out of
 * memory) queues an ENOMEM error instead. */
void lvmd_client_send(struct lvmd *l, struct client *c, json_object *msg);
/* lvmd_reply_info() - an ok reply carrying (info) (consumed), or NULL
 * (out of memory). */
json_object *lvmd_reply_info(struct lvm_info *info);
/* lvmd_client_fail() - queue an error reply (errnum > 0, one line). */
void lvmd_client_fail(struct lvmd *l, struct client *c, int errnum,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * lvmd_client_hold() - (c) stops reading requests until (g) is ready
 * (W_READY: (rep) is then sent, completed with (t) and the ready mark, at
 * (deadline_ns) at the latest), gone (W_GONE) or rebuilt (W_REBOOT); (rep)
 * (consumed) and (t) only for W_READY. Released by the guest hooks or its
 * deadline (lvmd_clients_timers()), answered then.
 */
void lvmd_client_hold(struct client *c, enum client_wait wait,
		      struct guest *g, json_object *rep,
		      const struct lvm_timing *t, uint64_t deadline_ns);

/* lvmd_client_resume() - (c), held with W_IMAGE, reads requests again,
 * its parked request about to be dispatched: true. false: (c) is being
 * dropped, its request is not to be answered. */
bool lvmd_client_resume(struct client *c);

/* lvmd_client_console() - switch (c) to (g)'s console: replay its log,
 * then pass bytes both ways; unless (live), (g) writes no more: the log is
 * all there is, and (c) closes once it is sent. */
void lvmd_client_console(struct lvmd *l, struct client *c, struct guest *g,
			 bool live);

/*
 * lvmd_client_refill_after() - (c) took a shell from a pool: wake the
 * refill thread once (c) has closed (its command has its reply and has
 * ended), or LVMD_REFILL_GRACE_MS from now if it stays connected, so that
 * building the next shell does not compete with the end of the command or
 * the new guest's boot for dom0's vCPUs.
 */
void lvmd_client_refill_after(struct lvmd *l, struct client *c);

/* lvmd_clients_timers() - poll the guests held replies wait on, expire
 * waits, wake the refill thread when its grace is over; (*next) lowers to
 * the next deadline. */
void lvmd_clients_timers(struct lvmd *l, uint64_t now, uint64_t *next);

#endif
