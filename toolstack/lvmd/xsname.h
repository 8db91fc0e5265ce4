/*
 * xsname.h — the names backend's one call beyond its interface
 * (xsname.c, lvmd_backend_names in backend.h): noxs guests' names in
 * XenStore for Xen's own tools. Internal to lvmd.
 */
#ifndef LVMD_XSNAME_H
#define LVMD_XSNAME_H

struct lvmd;

/* lvmd_xsname_stop() - at lvmd's exit: write what is queued, stop the
 * thread, close its connection. Names of guests left running stay. */
void lvmd_xsname_stop(struct lvmd *l);

#endif
