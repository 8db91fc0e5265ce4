/*
 * devpage.c — filling a new guest's device page (noxs/abi.h) and the
 * facts it needs from the hypervisor.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include <noxs/noxs.h>

#include "engine_priv.h"
#include "log.h"

/*
 * The codec (noxs/noxs.c) is shared with the guests; only the timing
 * fields, which guests never write, are set here directly.
 */
int lvm_devpage_fill(struct noxs_page *p, const struct lvm_devpage_args *a)
{
	int rc;

	rc = noxs_page_init(p, a->domid, a->name, a->uuid);
	if (rc < 0)
		return rc;
	p->create_tsc = a->create_tsc;
	p->tsc_khz = a->tsc_khz;
	noxs_page_set_console(p, a->console_gfn, a->console_port, 0);
	noxs_page_set_sysctl(p, a->sysctl_port, 0);
	return 0;
}

static _Atomic uint64_t tsc_khz_cache;

int lvm_tsc_khz(xc_interface *xch, uint64_t *khz)
{
	xc_physinfo_t info;
	uint64_t v = atomic_load(&tsc_khz_cache);

	if (v == 0) {
		memset(&info, 0, sizeof(info));
		if (xc_physinfo(xch, &info) != 0)
			return lvm_err(errno ? errno : EIO, "xc_physinfo");
		v = info.cpu_khz;
		atomic_store(&tsc_khz_cache, v);
	}
	*khz = v;
	return 0;
}

void lvm_tsc_khz_forget(void)
{
	atomic_store(&tsc_khz_cache, 0);
}
