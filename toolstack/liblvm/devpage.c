/*
 * devpage.c — filling a new guest's device page (noxs/abi.h) and the
 * facts it needs from the hypervisor.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "engine_priv.h"
#include "log.h"

/*
 * TODO(noxs): this writes the page's fields by hand until noxs/noxs.c is
 * merged; then it becomes noxs_page_init(), noxs_page_set_console() and
 * noxs_page_set_sysctl(), with the same results and errors.
 */
int lvm_devpage_fill(struct noxs_page *p, const struct lvm_devpage_args *a)
{
	size_t len;

	memset(p, 0, sizeof(*p));
	if (a->name == NULL || a->name[0] == '\0')
		return -EINVAL;
	len = strnlen(a->name, NOXS_NAME_MAX);
	if (len >= NOXS_NAME_MAX)
		return -ENAMETOOLONG;

	p->magic = NOXS_MAGIC;
	p->version = NOXS_VERSION;
	p->domid = a->domid;
	p->ndevs = 0;
	memcpy(p->uuid, a->uuid, sizeof(p->uuid));
	memcpy(p->name, a->name, len + 1);
	p->create_tsc = a->create_tsc;
	p->tsc_khz = a->tsc_khz;
	p->console.gfn = a->console_gfn;
	p->console.evtchn = a->console_port;
	p->console.backend_domid = 0;
	p->sysctl.evtchn = a->sysctl_port;
	p->sysctl.backend_domid = 0;
	p->sysctl.request = NOXS_REQ_NONE;
	p->sysctl.state = NOXS_STATE_BOOTING;
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
