/*
 * server.c — lvmd's socket: listening, accepting clients, and each turn of
 * a client: what it sent read, each whole request dispatched to ops.c,
 * what is queued sent (see lvmd.h and proto.h; the clients themselves are
 * client.c's). Client sockets are non-blocking; what cannot be sent at
 * once waits in the client's output buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "lvmd.h"
#include "toolstack/common/clock.h"
#include "toolstack/engine/log.h"

int lvmd_listen(struct lvmd *l)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, probe, rc;

	if (strlen(l->sock_path) >= sizeof(sa.sun_path))
		return lvm_log_err(ENAMETOOLONG, "socket path %s", l->sock_path);
	strcpy(sa.sun_path, l->sock_path);
	/* A socket file nobody answers on is a leftover: replace it. */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0) {
		if (connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(probe);
			return lvm_log_err(EADDRINUSE,
					   "another lvmd answers on %s", l->sock_path);
		}
		close(probe);
	}
	unlink(l->sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lvm_log_err(errno, "socket");
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0 || chmod(l->sock_path, 0600) < 0) {
		rc = lvm_log_err(errno, "cannot bind %s", l->sock_path);
		close(fd);
		return rc;
	}
	if (listen(fd, 64) < 0) {
		rc = lvm_log_err(errno, "listen on %s", l->sock_path);
		close(fd);
		return rc;
	}
	l->listen_fd = fd;
	return 0;
}

void lvmd_accept(struct lvmd *l)
{
	struct ucred cred;
	socklen_t len;
	int fd, rc;

	for (;;) {
		fd = accept4(l->listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				lvm_log_warn(errno, "accept");
			return;
		}
		len = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
		    (cred.uid != 0 && cred.uid != geteuid())) {
			lvm_log_warn(0, "refused a client of uid %d",
				     len == sizeof(cred) ? (int)cred.uid : -1);
			close(fd);
			continue;
		}
		rc = lvmd_client_new(l, fd);
		if (rc == -EMFILE)
			lvm_log_warn(0, "too many clients; refused one");
		/* A command writes its request right after its connect: it
		 * is usually there already, and is handled in this turn
		 * rather than the next (the read does not wait). */
		if (rc == 0 && lvmd_server_step(l, l->clients, POLLIN) < 0)
			lvmd_client_close(l, l->clients);
	}
}

/*
 * A client whose replies pile up unread has its requests wait
 * (lvmd_client_full()): they are handled again once what it reads brings
 * the pile below the mark, in the same step, since nothing may wake the
 * loop for requests already buffered.
 *
 * A request is received when lvmd reads it: its time is taken before the
 * read, so that lvmd's own time (received -> reply) has the read and the
 * parse of the request in it, and a request read with others has their
 * work in its wait.
 */
int lvmd_server_step(struct lvmd *l, struct client *c, short revents)
{
	uint64_t t_recv = lvm_now_ns(), tsc_recv = lvm_rdtsc();
	json_object *req;
	bool full;

	if (lvmd_client_read(l, c, revents) < 0)
		return -1;
	do {
		while ((req = lvmd_client_request(l, c))) {
			lvmd_dispatch(l, c, req, t_recv, tsc_recv);
			json_object_put(req);
		}
		full = lvmd_client_full(c);
		if (lvmd_client_write(c, revents) < 0)
			return -1;
	} while (full && !lvmd_client_full(c));
	return 0;
}

