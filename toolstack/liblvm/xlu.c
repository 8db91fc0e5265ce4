/*
 * xlu.c — libxlutil loaded on first use (xlu.h).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "xlu.h"

static struct lvm_xlu fns;
static const struct lvm_xlu *loaded;
static char load_error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* sym() - (name) from (h) into (*dst); 0, or -1 with load_error set. */
static int sym(void *h, const char *name, void *dst)
{
	void *p = dlsym(h, name);

	if (p == NULL) {
		snprintf(load_error, sizeof(load_error), "%s: no %s",
			 LVM_XLU_SONAME, name);
		return -1;
	}
	memcpy(dst, &p, sizeof(p));
	return 0;
}

static void load(void)
{
	void *h = dlopen(LVM_XLU_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *e;

	if (h == NULL) {
		e = dlerror();
		snprintf(load_error, sizeof(load_error), "%s",
			 e ? e : LVM_XLU_SONAME ": cannot be loaded");
		return;
	}
	if (sym(h, "xlu_cfg_init", &fns.cfg_init) ||
	    sym(h, "xlu_cfg_readdata", &fns.cfg_readdata) ||
	    sym(h, "xlu_cfg_destroy", &fns.cfg_destroy) ||
	    sym(h, "xlu_cfg_get_string", &fns.cfg_get_string) ||
	    sym(h, "xlu_cfg_get_long", &fns.cfg_get_long) ||
	    sym(h, "xlu_cfg_get_list", &fns.cfg_get_list) ||
	    sym(h, "xlu_cfg_get_listitem", &fns.cfg_get_listitem)) {
		dlclose(h);
		return;
	}
	loaded = &fns;           /* the handle stays open for good */
}

const struct lvm_xlu *lvm_xlu(char *why, size_t whylen)
{
	pthread_once(&once, load);
	if (loaded == NULL && why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", load_error);
	return loaded;
}
