/*
 * test_uuid.c — unit tests for lvm's domain handles
 * (toolstack/engine/uuid.c): the layout (kind, version, instance, random
 * bytes), the generator, the classifier, the instance identity, the text
 * form.
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
	memcpy(u, "lvm\0vm\x02", 7);
	assert_int_equal(lvm_uuid_kind(u), LVM_UUID_GUEST);
	/* another layout version: not ours to classify */
	u[6] = 1;
	assert_int_equal(lvm_uuid_kind(u), LVM_UUID_OTHER);
}

/* The bytes uuid.h documents, in their places. */
static void test_layout(void **state)
{
	uint8_t u[16];

	(void)state;
	assert_int_equal(lvm_uuid_new(LVM_UUID_GUEST, 0x12345678u, u), 0);
	assert_memory_equal(u, "lvm\0vm", 6);
	assert_int_equal(u[6], LVM_UUID_VERSION);
	assert_int_equal(u[7], 0x12);
	assert_int_equal(u[8], 0x34);
	assert_int_equal(u[9], 0x56);
	assert_int_equal(u[10], 0x78);
	assert_int_equal(lvm_uuid_instance(u), 0x12345678u);
	assert_int_equal(lvm_uuid_new(LVM_UUID_SHELL, 0xfedcba98u, u), 0);
	assert_memory_equal(u, "lvm\0sh", 6);
	assert_int_equal(lvm_uuid_instance(u), 0xfedcba98u);
}

static void test_new(void **state)
{
	uint8_t a[16], b[16];

	(void)state;
	assert_int_equal(lvm_uuid_new(LVM_UUID_GUEST, 7, a), 0);
	assert_int_equal(lvm_uuid_kind(a), LVM_UUID_GUEST);
	assert_int_equal(lvm_uuid_new(LVM_UUID_GUEST, 7, b), 0);
	/* 40 random bits: two handles alike would be a broken generator */
	assert_memory_not_equal(a + LVM_UUID_RANDOM_AT, b + LVM_UUID_RANDOM_AT,
				16 - LVM_UUID_RANDOM_AT);
	assert_int_equal(lvm_uuid_new(LVM_UUID_SHELL, 7, a), 0);
	assert_int_equal(lvm_uuid_kind(a), LVM_UUID_SHELL);
	assert_int_equal(lvm_uuid_new(LVM_UUID_OTHER, 7, a), -EINVAL);
}

/* Whose is a handle: kind and instance must both match. */
static void test_is_ours(void **state)
{
	uint8_t g[16], s[16], other[16] = { 0 };

	(void)state;
	assert_int_equal(lvm_uuid_new(LVM_UUID_GUEST, 1, g), 0);
	assert_int_equal(lvm_uuid_new(LVM_UUID_SHELL, 1, s), 0);
	assert_true(lvm_uuid_is_ours(g, LVM_UUID_GUEST, 1));
	assert_false(lvm_uuid_is_ours(g, LVM_UUID_SHELL, 1));
	assert_false(lvm_uuid_is_ours(g, LVM_UUID_GUEST, 2));
	assert_true(lvm_uuid_is_ours(s, LVM_UUID_SHELL, 1));
	assert_false(lvm_uuid_is_ours(s, LVM_UUID_SHELL, 0x01000000u));
	assert_false(lvm_uuid_is_ours(other, LVM_UUID_OTHER, 0));
	assert_false(lvm_uuid_is_ours(other, LVM_UUID_GUEST, 0));
}

/* Two state directories, two instances; one directory, one instance. */
static void test_instance_of(void **state)
{
	uint32_t a = lvm_uuid_instance_of("/run/lvm/registry");

	(void)state;
	assert_int_equal(a, lvm_uuid_instance_of("/run/lvm/registry"));
	assert_int_not_equal(a, lvm_uuid_instance_of("/run/lvm2/registry"));
	assert_int_not_equal(a, lvm_uuid_instance_of("/run/lvm/registr"));
	assert_int_not_equal(lvm_uuid_instance_of(""), 0);
}

static void test_format(void **state)
{
	static const uint8_t u[16] = { 0x6c, 0x76, 0x6d, 0x00, 0x76, 0x6d,
				       0x02, 0x12, 0x34, 0x56, 0x78, 0xef,
				       0x01, 0x23, 0x45, 0x67 };
	char s[37];

	(void)state;
	lvm_uuid_format(u, s);
	assert_string_equal(s, "6c766d00-766d-0212-3456-78ef01234567");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_is_ours),
		cmocka_unit_test(test_instance_of),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
