# tests/unit/module.mk — the list of unit tests (see tests/module.mk).

# Guest library OS logic, built hosted.
UNIT_TESTS += fmt
fmt_SRCS := tests/unit/test_fmt.c guests/libos/fmt.c
fmt_CFLAGS := -Iguests/libos/include

UNIT_TESTS += console_ring
console_ring_SRCS := tests/unit/test_console_ring.c guests/libos/console_ring.c
console_ring_CFLAGS := -Iguests/libos/include

# The toolstack's client library and protocol.
UNIT_TESTS += proto
proto_SRCS := tests/unit/test_proto.c toolstack/liblvm/proto.c \
	toolstack/liblvm/proto_info.c toolstack/liblvm/proto_json.c
proto_LIBS := -ljson-c
proto_CFLAGS := -Itoolstack/include

UNIT_TESTS += cfgkeys
cfgkeys_SRCS := tests/unit/test_cfgkeys.c toolstack/liblvm/cfgkeys.c

UNIT_TESTS += config
config_SRCS := tests/unit/test_config.c toolstack/liblvm/config.c \
	toolstack/liblvm/cfgkeys.c toolstack/liblvm/proto_info.c \
	toolstack/liblvm/proto_json.c
config_LIBS := -lxlutil -ljson-c
config_CFLAGS := -Itoolstack/include

# liblvm's engine: images (libelf) and shells (libxenctrl/libxenguest
# replaced by the stubs in the test, through -Wl,--wrap).
UNIT_TESTS += image
image_SRCS := tests/unit/test_image.c toolstack/liblvm/image.c \
	toolstack/liblvm/elfnote.c toolstack/liblvm/log.c
image_LIBS := -lelf
image_CFLAGS := $(XEN_HOST_CFLAGS)
CFLAGS_tests/unit/test_image.c += -DTEST_GUESTS_DIR='"$(abspath $(BUILD)/guests)"'
