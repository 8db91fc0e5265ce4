/*
 * settle.c — the fate of a domain a restarted lvmd finds running (see
 * settle.h): kept if a record took it back, destroyed if it is a shell or
 * an unrecorded guest of this instance, left alone otherwise.
 */
#include "settle.h"
#include "toolstack/engine/uuid.h"

enum lvmd_settle lvmd_settle_decide(const uint8_t handle[16],
				    uint32_t instance, bool managed)
{
	if (managed)
		return LVMD_SETTLE_KEEP;
	if (lvm_uuid_is_ours(handle, LVM_UUID_SHELL, instance))
		return LVMD_SETTLE_DESTROY_SHELL;
	if (lvm_uuid_is_ours(handle, LVM_UUID_GUEST, instance))
		return LVMD_SETTLE_DESTROY_GUEST;
	if (lvm_uuid_is_ours(handle, LVM_UUID_CODE, instance))
		return LVMD_SETTLE_DESTROY_CODE;
	return LVMD_SETTLE_LEAVE;
}
