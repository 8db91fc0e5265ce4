/*
 * test_settle.c — unit tests for what a restarted lvmd does with each
 * domain it finds (toolstack/lvmd/settle.c): ours and recorded, kept; our
 * shells and our unrecorded guests, destroyed; another instance's and
 * other domains, left alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "toolstack/engine/uuid.h"
#include "toolstack/lvmd/settle.h"

#define ME 0x0badcafeu
#define OTHER_LVMD 0x0badcaffu

static void handle(enum lvm_uuid_kind kind, uint32_t instance, uint8_t u[16])
{
	assert_int_equal(lvm_uuid_new(kind, instance, u), 0);
}

static void test_decide(void **state)
{
	static const struct {
		const char *what;
		enum lvm_uuid_kind kind;  /* OTHER: all zero, not lvm's */
		uint32_t instance;
		bool managed;
		enum lvmd_settle want;
	} cases[] = {
		{ "our guest, recorded", LVM_UUID_GUEST, ME, true, LVMD_SETTLE_KEEP },
		{ "our guest, no record", LVM_UUID_GUEST, ME, false, LVMD_SETTLE_DESTROY_GUEST },
		{ "our shell", LVM_UUID_SHELL, ME, false, LVMD_SETTLE_DESTROY_SHELL },
		{ "our code holder", LVM_UUID_CODE, ME, false, LVMD_SETTLE_DESTROY_CODE },
		{ "another lvmd's code holder", LVM_UUID_CODE, OTHER_LVMD, false, LVMD_SETTLE_LEAVE },
		{ "another lvmd's guest", LVM_UUID_GUEST, OTHER_LVMD, false, LVMD_SETTLE_LEAVE },
		{ "another lvmd's shell", LVM_UUID_SHELL, OTHER_LVMD, false, LVMD_SETTLE_LEAVE },
		{ "not lvm's", LVM_UUID_OTHER, ME, false, LVMD_SETTLE_LEAVE },
		{ "not lvm's, but recorded", LVM_UUID_OTHER, ME, true, LVMD_SETTLE_KEEP },
	};
	uint8_t u[16];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(u, 0, sizeof(u));
		if (cases[i].kind != LVM_UUID_OTHER)
			handle(cases[i].kind, cases[i].instance, u);
		if (lvmd_settle_decide(u, ME, cases[i].managed) != cases[i].want)
			fail_msg("%s: decided %d, want %d", cases[i].what,
				 lvmd_settle_decide(u, ME, cases[i].managed),
				 cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
