/*
 * devpage.c — making a new guest's device page (noxs/abi.h) for a shell
 * and a request, filling it, and the facts it needs from the hypervisor.
 * Below finish.c and warm.c, which both write what it makes.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <noxs/noxs.h>

#include "engine.h"
#include "engine_priv.h"

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

int lvm_tsc_khz(xc_interface *xch, uint64_t *khz, struct lvm_error *err)
{
	xc_physinfo_t info;
	uint64_t v = atomic_load(&tsc_khz_cache);

	if (v == 0) {
		memset(&info, 0, sizeof(info));
		errno = 0;
		if (xc_physinfo(xch, &info) != 0)
			return lvm_error_set(err, errno, "xc_physinfo failed");
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

int lvm_devpage_make(xc_interface *xch, const struct lvm_shell *sh,
		     const struct lvm_finish_req *req, uint64_t console_gfn,
		     struct noxs_page **out, struct lvm_error *err)
{
	struct lvm_devpage_args a;
	struct noxs_page *p;
	int rc;

	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return lvm_error_set(err, ENOMEM, "d%u: device page", sh->domid);
	a.domid = sh->domid;
	a.name = req->name;
	a.uuid = req->uuid != NULL ? req->uuid : sh->uuid;
	a.console_gfn = console_gfn;
	a.console_port = sh->console_port;
	a.sysctl_port = sh->sysctl_port;
	a.create_tsc = req->create_tsc;
	rc = lvm_tsc_khz(xch, &a.tsc_khz, err);
	if (rc == 0) {
		rc = lvm_devpage_fill(p, &a);
		if (rc)
			lvm_error_set(err, -rc, "d%u: device page: name \"%s\"",
				      sh->domid, req->name ? req->name : "");
	}
	if (rc) {
		free(p);
		return rc;
	}
	*out = p;
	return 0;
}
