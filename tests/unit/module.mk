# tests/unit/module.mk — the list of unit tests (see tests/module.mk).

# Guest library OS logic, built hosted.
UNIT_TESTS += fmt
fmt_SRCS := tests/unit/test_fmt.c guests/libos/fmt.c
fmt_CFLAGS := -Iguests/libos/include

UNIT_TESTS += console_ring
console_ring_SRCS := tests/unit/test_console_ring.c guests/libos/console_ring.c
console_ring_CFLAGS := -Iguests/libos/include

UNIT_TESTS += xs_compat
xs_compat_SRCS := tests/unit/test_xs_compat.c toolstack/liblvm/xs_compat.c \
	toolstack/liblvm/log.c
xs_compat_LIBS := -Wl,--wrap=xs_write -Wl,--wrap=xs_mkdir -Wl,--wrap=xs_rm \
	-Wl,--wrap=xs_set_permissions -Wl,--wrap=xs_transaction_start \
	-Wl,--wrap=xs_transaction_end -Wl,--wrap=xs_introduce_domain \
	-Wl,--wrap=xs_release_domain -lxenstore
