/*
 * connect.c — reaching lvmd for a verb (lvm_connect, see cli.h), with the
 * one line that says why not. Below main.c and the verbs, which all call
 * it.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

lvm_t *lvm_connect(const struct lvm_cli *cli)
{
	const char *sock = cli->sock ? cli->sock : LVM_DEFAULT_SOCK;
	lvm_t *h = lvm_open(sock);

	if (h)
		return h;
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
