# tests/fuzz/module.mk — libFuzzer targets for the parsers of untrusted
# input, built with clang by `make fuzz` (not by `make`):
#   FUZZ_TARGETS += NAME
#   NAME_FUZZ_SRCS := tests/fuzz/fuzz_NAME.c SOURCES...
#   NAME_FUZZ_LIBS := (extra -l flags)
#   NAME_FUZZ_CFLAGS := (extra include/define flags)
# gives $(BUILD)/fuzz/NAME; run it as
#   $(BUILD)/fuzz/NAME -max_total_time=60 CORPUS_DIR [SEED_DIR...]
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -I. -Inoxs/include -D_GNU_SOURCE \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

FUZZ_TARGETS :=

# The guest image checker (lvm_image_load's ELF and notes checks).
# Seeds: the built guests, $(BUILD)/guests/*.xen.
FUZZ_TARGETS += image
image_FUZZ_SRCS := tests/fuzz/fuzz_image.c toolstack/liblvm/elfnote.c
image_FUZZ_LIBS := -lelf

# The lvmd protocol: framing, then every decoder of requests and replies.
FUZZ_TARGETS += proto
proto_FUZZ_SRCS := tests/fuzz/fuzz_proto.c toolstack/liblvm/proto.c \
	toolstack/liblvm/proto_info.c toolstack/liblvm/proto_json.c
proto_FUZZ_LIBS := -ljson-c
proto_FUZZ_CFLAGS := -Itoolstack/include

# The config key scanner (lvm create reads users' files).
FUZZ_TARGETS += cfgkeys
cfgkeys_FUZZ_SRCS := tests/fuzz/fuzz_cfgkeys.c toolstack/liblvm/cfgkeys.c

define fuzz_rules
$(BUILD)/fuzz/$(1): $($(1)_FUZZ_SRCS)
	$$(quiet) FUZZ $$@
	@mkdir -p $$(@D)
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) $($(1)_FUZZ_CFLAGS) -o $$@ $$^ \
		$($(1)_FUZZ_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rules,$(t))))

.PHONY: fuzz
fuzz: $(foreach t,$(FUZZ_TARGETS),$(BUILD)/fuzz/$(t))
