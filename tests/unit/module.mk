# tests/unit/module.mk — the list of unit tests (see tests/module.mk).

# Guest library OS logic, built hosted.
UNIT_TESTS += fmt
fmt_SRCS := tests/unit/test_fmt.c guests/libos/fmt.c
fmt_CFLAGS := -Iguests/libos/include

UNIT_TESTS += console_ring
console_ring_SRCS := tests/unit/test_console_ring.c guests/libos/console_ring.c
console_ring_CFLAGS := -Iguests/libos/include
