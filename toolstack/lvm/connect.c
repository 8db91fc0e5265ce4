/*
 * connect.c — reaching lvmd for a verb (lvm_connect, see cli.h), with the
 * one line that says why not. Below main.c and the verbs, which all call
 * it.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

#define CLI_BUSY_US 8000u            /* lvmd's create from a pool took
					2-4 ms in the box */

lvm_t *lvm_connect(const struct lvm_cli *cli)
{
	const char *sock = cli->sock ? cli->sock : LVM_DEFAULT_SOCK;
	lvm_t *h = lvm_open(sock);

	if (h) {
		/* A command makes a request or two and exits: it polls for
		 * each reply before it sleeps, so that a reply within
		 * CLI_BUSY_US is read without waking a sleeping CPU (in the
		 * box, `lvm create` from a pool 2.5 ms sooner; docs/
		 * benchmarks.md, "The command's wait for its reply"). */
		lvm_set_busy_wait(h, CLI_BUSY_US);
		return h;
	}
	if (errno == ENOENT || errno == ECONNREFUSED)
		lvm_errorf("cannot reach lvmd at %s (is it running? start it with: lvmd -d)",
			   sock);
	else if (errno == EACCES || errno == EPERM)
		lvm_errorf("cannot reach lvmd at %s: %s (lvm needs root)", sock,
			   strerror(errno));
	else
		lvm_errorf("cannot reach lvmd at %s: %s", sock, strerror(errno));
	return NULL;
}
