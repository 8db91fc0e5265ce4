/*
 * destroy.c — the end of a domain the engine made (engine_priv.h), at the
 * bottom of the engine's files: shell.c, finish.c and warm.c all end
 * domains through it.
 */
#include <errno.h>

#include <xenctrl.h>

#include "engine_priv.h"

int lvm_domain_destroy(xc_interface *xch, uint32_t domid,
		       struct lvm_error *err)
{
	errno = 0;
	if (xc_domain_destroy(xch, domid) != 0)
		return lvm_error_set(err, errno, "d%u: xc_domain_destroy failed",
				     domid);
	return 0;
}
