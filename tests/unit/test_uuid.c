/*
 * test_uuid.c — unit tests for lvm's domain handles
 * (toolstack/engine/uuid.c): the guest and shell prefixes, the generator,
 * the classifier, the text form.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "toolstack/engine/uuid.h"

static void test_kind(void **state)
{
	uint8_t u[16] = { 0 };

	(void)state;
	assert_int_equal(lvm_uuid_kind(u), LVM_UUID_OTHER);
	memcpy(u, LVM_UUID_PREFIX_SHELL, LVM_UUID_PREFIX_LEN);
	u[15] = 0x5a;
	assert_int_equal(lvm_uuid_kind(u), LVM_UUID_SHELL);
	memcpy(u, "lvm\0vm\x01\x00", 8);
	assert_int_equal(lvm_uuid_kind(u), LVM_UUID_GUEST);
	/* one byte off in the prefix: neither */
	u[6] = 2;
	assert_int_equal(lvm_uuid_kind(u), LVM_UUID_OTHER);
}

static void test_new(void **state)
{
	uint8_t a[16], b[16];

	(void)state;
	assert_int_equal(lvm_uuid_new(LVM_UUID_GUEST, a), 0);
	assert_int_equal(lvm_uuid_kind(a), LVM_UUID_GUEST);
	assert_int_equal(lvm_uuid_new(LVM_UUID_GUEST, b), 0);
	/* 64 random bits: two handles alike would be a broken generator */
	assert_memory_not_equal(a + LVM_UUID_PREFIX_LEN,
				b + LVM_UUID_PREFIX_LEN,
				16 - LVM_UUID_PREFIX_LEN);
	assert_int_equal(lvm_uuid_new(LVM_UUID_SHELL, a), 0);
	assert_int_equal(lvm_uuid_kind(a), LVM_UUID_SHELL);
	assert_int_equal(lvm_uuid_new(LVM_UUID_OTHER, a), -EINVAL);
}

static void test_format(void **state)
{
	static const uint8_t u[16] = { 0x6c, 0x76, 0x6d, 0x00, 0x76, 0x6d,
				       0x01, 0x00, 0xde, 0xad, 0xbe, 0xef,
				       0x01, 0x23, 0x45, 0x67 };
	char s[37];

	(void)state;
	lvm_uuid_format(u, s);
	assert_string_equal(s, "6c766d00-766d-0100-dead-beef01234567");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
