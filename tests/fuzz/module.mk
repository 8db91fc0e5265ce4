# tests/fuzz/module.mk — libFuzzer targets for parsers of untrusted input.
#
# A fuzzer is declared in one line plus its sources:
#   FUZZERS += name
#   name_FUZZ_SRCS := tests/fuzz/fuzz_name.c the/parser.c
#   name_FUZZ_CFLAGS :=     (extra include/define flags, optional)
#   name_FUZZ_LIBS :=       (extra -l flags, optional)
# and is built by `make fuzz` into $(BUILD)/fuzz/name with clang's
# -fsanitize=fuzzer,address,undefined. tests/run-all runs every binary in
# $(BUILD)/fuzz briefly and counts each as one test.

FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 -MMD -MP -I. \
	-Inoxs/include -D_GNU_SOURCE -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined

FUZZERS :=

FUZZERS += noxs_page
noxs_page_FUZZ_SRCS := tests/fuzz/fuzz_noxs_page.c $(NOXS_SRCS)

# The vif ring checks (noxs/vring.c): a backend replaying a guest's
# writes to its rings page, and a guest reading a hostile dom0's answers.
FUZZERS += vring
vring_FUZZ_SRCS := tests/fuzz/fuzz_vring.c $(NOXS_VRING_SRCS)

# lvmd's vif data path (netcopy.c): the backend's turns over arbitrary
# ring contents, frames on a socket pair for the TAP, the region sized
# exactly as declared.
FUZZERS += netpath
netpath_FUZZ_SRCS := tests/fuzz/fuzz_netpath.c toolstack/lvmd/netcopy.c \
	$(NOXS_VRING_SRCS)

# The guest image checker (lvm_image_load's ELF and notes checks).
FUZZERS += image
image_FUZZ_SRCS := tests/fuzz/fuzz_image.c toolstack/engine/elfnote.c \
	unikernel/appnote.c noxs/noxs.c
image_FUZZ_LIBS := -lelf

# The bzImage header check.
FUZZERS += bzimage
bzimage_FUZZ_SRCS := tests/fuzz/fuzz_bzimage.c toolstack/engine/bzimage.c

# The lvmd protocol: framing, then every decoder of requests and replies.
FUZZERS += proto
proto_FUZZ_SRCS := tests/fuzz/fuzz_proto.c $(PROTO_SRCS)
proto_FUZZ_LIBS := -ljson-c
proto_FUZZ_CFLAGS := -Itoolstack/include

# The config key scanner (lvm create reads users' files).
FUZZERS += cfgkeys
cfgkeys_FUZZ_SRCS := tests/fuzz/fuzz_cfgkeys.c toolstack/liblvm/cfgkeys.c

# lvmd's console ring backend, stateful: guest index moves interleaved
# with lvmd's reads and writes.
FUZZERS += cons_ring
cons_ring_FUZZ_SRCS := tests/fuzz/fuzz_cons_ring.c toolstack/lvmd/cons_ring.c

# The library OS's console ring, built for the host as its unit test is.
FUZZERS += console_ring
console_ring_FUZZ_SRCS := tests/fuzz/fuzz_console_ring.c \
	guests/libos/console_ring.c
console_ring_FUZZ_CFLAGS := -Iguests/libos/include

# lvmd's guest records (records, the device page's hex, uuids).
FUZZERS += registry
registry_FUZZ_SRCS := tests/fuzz/fuzz_registry.c toolstack/lvmd/registry.c \
	toolstack/engine/uuid.c toolstack/proto/proto_info.c \
	toolstack/proto/proto_json.c toolstack/proto/proto_vif.c \
	toolstack/proto/vif.c toolstack/proto/escape.c
registry_FUZZ_CFLAGS := -Itoolstack/include
registry_FUZZ_LIBS := -ljson-c

# lvmd's pool configuration: lines of lvmd.conf and -P specs, then the
# pools they set.
FUZZERS += pool_conf
pool_conf_FUZZ_SRCS := tests/fuzz/fuzz_pool_conf.c toolstack/lvmd/conf.c \
	toolstack/lvmd/pool.c toolstack/proto/vif.c toolstack/proto/escape.c
pool_conf_FUZZ_CFLAGS := -Itoolstack/include

# The application manifest (unikernel/manifest.c) and the application
# note reader (unikernel/appnote.c), both fed from one input.
FUZZERS += manifest
manifest_FUZZ_SRCS := tests/fuzz/fuzz_manifest.c unikernel/manifest.c \
	unikernel/appnote.c toolstack/liblvm/cfgkeys.c
manifest_FUZZ_LIBS := -lxlutil
manifest_FUZZ_CFLAGS := -std=gnu11

.PHONY: fuzz
fuzz: $(foreach f,$(FUZZERS),$(BUILD)/fuzz/$(f))

# Objects are per fuzzer, so each can have its own flags.
define fuzz_rules
$(1)_FUZZ_OBJS := $(patsubst %.c,$(BUILD)/fuzz/obj/$(1)/%.o,$($(1)_FUZZ_SRCS))
$(BUILD)/fuzz/obj/$(1)/%.o: %.c
	$$(quiet) CC-FUZZ $$<
	@mkdir -p $$(@D)
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) $($(1)_FUZZ_CFLAGS) -c -o $$@ $$<
$(BUILD)/fuzz/$(1): $$($(1)_FUZZ_OBJS)
	$$(quiet) LD-FUZZ $$@
	@mkdir -p $$(@D)
	$$(Q)$$(FUZZ_CC) $$(FUZZ_LDFLAGS) -o $$@ $$^ $($(1)_FUZZ_LIBS)
DEPFILES += $$(patsubst %.o,%.d,$$($(1)_FUZZ_OBJS))
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rules,$(f))))

