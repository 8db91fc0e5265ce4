/*
 * settle.h — what a restarted lvmd does with a domain it finds running
 * (settle.c, pure): the decision alone, from the domain's handle, this
 * lvmd's instance and whether a record took it back. adopt.c applies it
 * to every domain at start-up. Internal to lvmd.
 */
#ifndef LVMD_SETTLE_H
#define LVMD_SETTLE_H

#include <stdbool.h>
#include <stdint.h>

enum lvmd_settle {
	LVMD_SETTLE_LEAVE = 0,       /* not ours: not lvm's, or another
					lvmd instance's */
	LVMD_SETTLE_KEEP,            /* managed: a record took it back */
	LVMD_SETTLE_DESTROY_SHELL,   /* our shell: its state died with the
					lvmd that made it */
	LVMD_SETTLE_DESTROY_GUEST,   /* our guest that no record names: a
					create cut short by a crash */
	LVMD_SETTLE_DESTROY_CODE,    /* our holder of an image's code
					(toolstack/engine/code.h): the
					guests that map it keep its pages */
	LVMD_SETTLE_KINDS
};

/*
 * lvmd_settle_decide() - the fate of a domain with handle (handle) found
 * by the lvmd instance (instance) at start-up; (managed): a record of the
 * registry adopted it (or keeps it, preserved).
 */
enum lvmd_settle lvmd_settle_decide(const uint8_t handle[16],
				    uint32_t instance, bool managed);

#endif
