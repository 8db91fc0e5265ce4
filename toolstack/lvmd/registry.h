/*
 * registry.h — lvmd's record of its guests, persisted without XenStore so
 * that a restarted lvmd re-adopts the guests still running.
 *
 * One JSON document per guest, STATE_DIR/registry/DOMID.json, written to a
 * temporary file and renamed over the old one, so a reader sees the old
 * record or the new one, never a mix. (One file per guest rather than one
 * file for all: creating or dropping a guest then costs the same whatever
 * the number of guests.) The files are lvmd's own, but they are still
 * parsed as untrusted input: a bad one is reported and skipped, never
 * trusted halfway.
 */
#ifndef LVMD_REGISTRY_H
#define LVMD_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lvm.h>
#include <noxs/abi.h>

#include "toolstack/engine/uuid.h"

/* 2: the device page's copy ends at its last non-zero byte (version 1:
 * all 4096); both are read. */
#define LVM_REG_VERSION 2

struct lvm_reg_entry {
	char name[LVM_NAME_MAX + 1];
	uint32_t domid;
	uint8_t uuid[16];
	char *kernel;                /* owned */
	char *ramdisk;               /* owned, may be NULL */
	char *cmdline;               /* owned, may be NULL */
	uint32_t memory_mb;
	uint32_t vcpus;
	enum lvm_action on_poweroff;
	enum lvm_action on_crash;
	enum lvm_action on_reboot;   /* restart, destroy, preserve; a record
					without it: restart */
	enum lvm_store store;
	int64_t created_ns;          /* CLOCK_REALTIME */
	uint64_t console_gfn, console_mfn;
	uint32_t console_port;       /* the guest's port */
	bool noxs;                   /* the fields below are valid */
	uint64_t noxs_gfn, noxs_mfn;
	uint32_t sysctl_port;        /* the guest's port */
	uint32_t request_seq;        /* the last request dom0 issued */
	struct noxs_page *noxs_copy; /* owned: what dom0 wrote in the page */
	bool preserved;              /* shut down, kept by policy */
	bool created_paused;         /* created paused on request: it may
					never have run (absent: false) */
	struct lvm_vif vifs[LVM_VIFS_MAX]; /* resolved: MAC, bridge, address,
					      prefix, MTU all set */
	unsigned nvifs;
	uint32_t vif_port[LVM_VIFS_MAX]; /* the guest's port of each vif */
	struct lvm_app app;          /* its image's application note, if any
					(absent in older records: none) */
};

/* lvm_reg_entry_free() - free (e)'s owned members and zero it. */
void lvm_reg_entry_free(struct lvm_reg_entry *e);

/*
 * lvm_reg_save() - write (e) to (dir)/DOMID.json atomically.
 * Returns 0 or -errno (the old record, if any, is then intact).
 */
int lvm_reg_save(const char *dir, const struct lvm_reg_entry *e);

/*
 * lvm_reg_save_new() - write (e), the first record of a new guest, to
 * (dir)/DOMID.json in one write of a file it creates: no temporary file,
 * no rename (half the system calls of lvm_reg_save(), on a create's
 * path). A crash during that write can leave a truncated record, never a
 * mixed one: only of a create not yet answered, whose guest never ran; a
 * restarted lvmd moves it aside as corrupt and destroys the guest, which
 * no record then names (adopt.c). A record already there under that
 * number (left by an earlier guest) is replaced as lvm_reg_save() does.
 * Returns 0 or -errno (no file left then).
 */
int lvm_reg_save_new(const char *dir, const struct lvm_reg_entry *e);

/*
 * lvm_reg_open_new() - (dir)/DOMID.json created empty, open for writing:
 * a pool shell's record file, made ahead so that the create that takes
 * the shell only writes it (lvm_reg_save_fd()). An empty record is read
 * as -ENODATA (a shell's: nothing to adopt). Returns the file descriptor,
 * or -errno (-EEXIST: a file is there).
 */
int lvm_reg_open_new(const char *dir, uint32_t domid);

/* lvm_reg_save_fd() - write (e) into (fd), a record file opened by
 * lvm_reg_open_new() and still empty, in one write. 0 or -errno. */
int lvm_reg_save_fd(int fd, const struct lvm_reg_entry *e);

/* lvm_reg_discard_new() - the record file (*fd) of (domid) that
 * lvm_reg_open_new() made and nothing wrote: removed, (*fd) closed and set
 * to -1. Nothing when (*fd) < 0. */
void lvm_reg_discard_new(const char *dir, uint32_t domid, int *fd);

/* lvm_reg_remove() - delete (dir)/DOMID.json; 0 also if it was not there. */
int lvm_reg_remove(const char *dir, uint32_t domid);

/*
 * lvm_reg_read() - parse the record at (path) into (e) (zeroed first).
 * Returns 0, -ENOENT/-EACCES/-EIO (cannot read), -ENODATA (empty: a pool
 * shell's record file, lvm_reg_open_new()), -EPROTO (not a valid record:
 * one line in (err) says what is wrong), -ENOMEM. On error (e) holds
 * nothing to free.
 */
int lvm_reg_read(const char *path, struct lvm_reg_entry *e, char *err,
		 size_t errlen);

/*
 * lvm_reg_parse() - lvm_reg_read() of a record already in memory: the (n)
 * bytes at (buf) (no NUL needed). Same results, but no -ENOENT/-EACCES/-EIO.
 */
int lvm_reg_parse(const char *buf, size_t n, struct lvm_reg_entry *e,
		  char *err, size_t errlen);

/*
 * Called by lvm_reg_scan() for each record file: (rc) is lvm_reg_read()'s
 * result, (err) its line when it failed; on success the callback owns (e)'s
 * members (it may move them or call lvm_reg_entry_free()).
 */
typedef void lvm_reg_fn(void *arg, const char *path, int rc,
			struct lvm_reg_entry *e, const char *err);

/*
 * lvm_reg_scan() - call (fn) for each DIGITS.json in (dir), in no order.
 * Returns 0 (also for a missing dir) or -errno if (dir) cannot be read.
 */
int lvm_reg_scan(const char *dir, lvm_reg_fn *fn, void *arg);

/* lvm_uuid_parse() - the inverse; 0 or -EINVAL. */
int lvm_uuid_parse(const char *s, uint8_t u[16]);

#endif
