/*
 * appnote.h — the application note: what `lvm build` writes into an image
 * about the application (its manifest's name, version, memory floor,
 * devices, default command line, and a build id), and what the toolstack
 * reads back (lvm create, lvm info). One ELF note, name APP_NOTE_NAME,
 * type APP_NOTE_TYPE, in the image's .note.lvm section (PT_NOTE). Its
 * descriptor is a run of "key=value" strings, each ended by a NUL:
 *
 *   name=daytime\0version=1.0\0build_id=<64 hex>\0memory=4\0
 *   devices=vif\0cmdline=...\0
 *
 * Every key once, in that order; a reader ignores keys it does not know
 * that come after those (room to grow) and refuses anything else. The
 * descriptor comes from an image file: untrusted, checked in full.
 * Pure: no I/O but the stream app_note_asm() writes to.
 */
#ifndef UNIKERNEL_APPNOTE_H
#define UNIKERNEL_APPNOTE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define APP_NOTE_NAME "lvm-app"      /* namesz 8, NUL included */
#define APP_NOTE_TYPE 1u
#define APP_NOTE_DESC_MAX 4096u
#define APP_BUILD_ID_HEX 64          /* a SHA-256, in hex */
#define APP_NOTE_MEMORY_MAX 65536    /* MiB */

/* Devices an application may need (struct app_note.devices). */
enum app_device {
	APP_DEV_VIF = 1u << 0,
};

/* app_devices_name() - (devices) as "vif" or "" (a static string). */
const char *app_devices_name(unsigned devices);

struct app_note {
	char name[33];
	char version[33];
	char build_id[APP_BUILD_ID_HEX + 1];
	uint32_t memory_mb;          /* 0: no floor */
	unsigned devices;            /* enum app_device (manifest.h) bits */
	char cmdline[1024];
};

/*
 * app_note_desc() - (n) as a descriptor into (buf) of (cap) bytes.
 * Returns its length, or -ENOSPC, or -EINVAL if a field holds a byte a
 * reader would refuse (a field empty where it may not be).
 */
int app_note_desc(const struct app_note *n, char *buf, size_t cap);

/*
 * app_note_parse() - the descriptor of (len) bytes at (desc) into (n).
 * Returns 0, or -EINVAL (one short static reason in (*why)).
 */
int app_note_parse(const void *desc, size_t len, struct app_note *n,
		   const char **why);

/*
 * app_note_asm() - write to (f) an assembly file that puts the note with
 * descriptor (desc, len) into .note.lvm. Returns 0 or -EIO.
 */
int app_note_asm(const char *desc, size_t len, FILE *f);

#endif
