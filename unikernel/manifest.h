/*
 * manifest.h — an application's manifest, DIR/app.cfg: what `lvm build`
 * makes of an application directory. xl.cfg syntax, read with libxlutil;
 * every key is known or an error with file and line.
 *
 *   name     = "daytime"          1..32 of [a-z0-9_-], the image's name
 *   version  = "1.0"              1..32 printable bytes, no space; "0"
 *   sources  = [ "main.c" ]       C (.c) or assembly (.S) files under DIR
 *   modules  = [ "net", "tcp" ]   libos modules beyond the core
 *   memory   = 4                  the floor, MiB (lvm create refuses less)
 *   cmdline  = "..."              the default command line
 *   devices  = [ "vif" ]          devices the application needs
 *
 * A minimal Linux VM's manifest (`lvm build --linux DIR`) has no sources;
 * it names a program of this host and what it needs instead:
 *
 *   executable = "/usr/sbin/lighttpd"   absolute; required
 *   package    = "lighttpd"             a Debian package that must be
 *                                       installed: its conffiles go in
 *   conffiles  = [ "/etc/x.conf" ]      only these of the package's
 *                                       conffiles ([ ]: none)
 *   args       = [ "-D", "-f", "/etc/lighttpd/lighttpd.conf" ]
 *   env        = [ "LANG=C" ]           the program's environment
 *   files      = [ "/var/www/html" ]    host files or directories, copied
 *                                       in at the same paths
 *   root       = "root"                 a directory under DIR whose tree
 *                                       goes in at / last (its files
 *                                       replace the host's)
 *   modules    = [ "xen-netfront" ]     kernel modules, loaded first
 *   name, version, memory, cmdline (added to the kernel's), devices
 */
#ifndef UNIKERNEL_MANIFEST_H
#define UNIKERNEL_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "appnote.h"

#define APP_NAME_MAX 32
#define APP_VERSION_MAX 32
#define APP_SOURCES_MAX 64
#define APP_MODULES_MAX 16
#define APP_CMDLINE_MAX 1023         /* Xen's guest command line, no NUL */
#define APP_MEMORY_MIN 1
#define APP_MEMORY_MAX 65536
#define APP_ARGS_MAX 64
#define APP_FILES_MAX 256

struct app_manifest {
	char name[APP_NAME_MAX + 1];
	char version[APP_VERSION_MAX + 1];
	char *sources[APP_SOURCES_MAX]; /* owned, relative to the directory */
	unsigned nsources;
	unsigned sources_line;       /* where `sources` is, for errors */
	char *modules[APP_MODULES_MAX]; /* owned, as written (checked later
					  against the SDK's table) */
	unsigned nmodules;
	unsigned modules_line;       /* where `modules` is, for errors */
	uint32_t memory_mb;          /* 0: not given */
	char cmdline[APP_CMDLINE_MAX + 1];
	unsigned devices;            /* enum app_device bits */

	/* --linux only (the modules above are then kernel modules) */
	bool linux_vm;
	char *executable;            /* owned */
	char *package;               /* owned, may be NULL */
	char *args[APP_ARGS_MAX];    /* owned */
	unsigned nargs;
	char *env[APP_ARGS_MAX];     /* owned, each NAME=VALUE */
	unsigned nenv;
	char *files[APP_FILES_MAX];  /* owned, absolute */
	unsigned nfiles;
	unsigned files_line;
	char *conffiles[APP_FILES_MAX]; /* owned; which of the package's
					   conffiles go in, when given */
	unsigned nconffiles;
	unsigned conffiles_line;     /* 0: not given (all of them go in) */
	char *root;                  /* owned, relative to the directory;
					may be NULL */
	unsigned root_line;
};

/* app_manifest_free() - free (m)'s owned strings and zero it. */
void app_manifest_free(struct app_manifest *m);

/*
 * app_manifest_parse() - parse the (len) bytes at (data), the contents of
 * the manifest named (shown) in messages, into (m) (zeroed first).
 * Returns 0, or -EINVAL with one line "SHOWN:LINE: what is wrong" in
 * (err) (of (errlen) bytes), or -ENOMEM; on error (m) holds nothing.
 */
int app_manifest_parse(const char *data, size_t len, const char *shown,
		       struct app_manifest *m, char *err, size_t errlen);

/*
 * app_manifest_parse_linux() - the same for a minimal Linux VM's
 * manifest (the keys above); m->linux_vm is set.
 */
int app_manifest_parse_linux(const char *data, size_t len, const char *shown,
			     struct app_manifest *m, char *err,
			     size_t errlen);


#endif
