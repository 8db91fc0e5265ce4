# guests/module.mk — the guest library OS and the guests built on it.
#
# The library OS ("libos") is an archive, $(BUILD)/guest/libos.a, so an
# image links only the modules its guest uses. The entry code and the Xen
# notes are linked into every image directly: nothing refers to the notes,
# so they would never be taken from an archive.
#
# Applications (a directory with a manifest, guests/NAME/app.cfg) are
# built by `lvm build` (unikernel/module.mk) against the SDK made from
# what is built here: APPS lists them. The test guests below are wired by
# hand: a guest NAME is the C sources guests/NAME/*.c, which define
# main(), linked into $(BUILD)/guests/NAME.xen:
#   GUESTS += NAME
# A hand-wired guest that uses the network would be listed in NET_GUESTS
# instead: compiled against lwIP's headers and linked with $(LWIP_LIB)
# (mk/lwip.mk), which no other guest carries.

APPS := hello noop daytime httpd sink
GUESTS := scribble storm nethostile codewrite
NET_GUESTS :=

LIBOS_ARCH := x86_64
LIBOS_ARCH_DIR := guests/libos/arch/$(LIBOS_ARCH)
LIBOS_LDS := $(LIBOS_ARCH_DIR)/libos.ld

# Linked into every image, in this order (_start first).
LIBOS_START_SRCS := $(LIBOS_ARCH_DIR)/entry.S $(LIBOS_ARCH_DIR)/notes.S
# The archive: every module of guests/libos/, with the noxs codec and the
# vif rings (noxs/module.mk) that the device page frontend and the
# netfront use.
LIBOS_SRCS := $(sort $(wildcard guests/libos/*.c)) $(NOXS_SRCS) \
	$(NOXS_VRING_SRCS)

LIBOS_START_OBJS := $(call guest_objs,$(LIBOS_START_SRCS))
LIBOS_OBJS := $(call guest_objs,$(LIBOS_SRCS))
LIBOS_LIB := $(BUILD)/guest/libos.a

GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,-T,$(LIBOS_LDS) \
	-Wl,--build-id=none

# Arch headers (hypercall.h) are for the library OS only.
$(LIBOS_OBJS): GUEST_CFLAGS += -I$(LIBOS_ARCH_DIR)
# Keep the compiler from turning memset's loop into a call to memset.
$(call guest_objs,guests/libos/string.c): \
	GUEST_CFLAGS += -fno-tree-loop-distribute-patterns

$(LIBOS_LIB): $(LIBOS_OBJS)
	$(quiet) AR $@
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

DEPFILES += $(patsubst %.o,%.d,$(LIBOS_START_OBJS) $(LIBOS_OBJS))

include mk/lwip.mk

# guest_rules NAME, EXTRA_LIBS: build $(BUILD)/guests/NAME.xen from
# guests/NAME/*.c, linked with EXTRA_LIBS (archives) before libos.
define guest_rules
$(1)_GUEST_OBJS := $(call guest_objs,$(wildcard guests/$(1)/*.c))
$(BUILD)/guests/$(1).xen: $(LIBOS_START_OBJS) $$($(1)_GUEST_OBJS) \
		$(2) $(LIBOS_LIB) $(LIBOS_LDS)
	$$(quiet) LD $$@
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(GUEST_LDFLAGS) -o $$@ $(LIBOS_START_OBJS) \
		$$($(1)_GUEST_OBJS) $(2) $(LIBOS_LIB)
DEPFILES += $$(patsubst %.o,%.d,$$($(1)_GUEST_OBJS))
ALL_TARGETS += $(BUILD)/guests/$(1).xen
endef
$(foreach g,$(GUESTS),$(eval $(call guest_rules,$(g),)))
# codewrite makes the hypercalls it tests itself.
$(codewrite_GUEST_OBJS): GUEST_CFLAGS += -I$(LIBOS_ARCH_DIR)
$(foreach g,$(NET_GUESTS),$(eval $(call guest_rules,$(g),$(LIBOS_LIB) $(LWIP_LIB))))
$(foreach g,$(NET_GUESTS),$(eval $$($(g)_GUEST_OBJS): GUEST_CFLAGS += $$(LWIP_INC)))
include guests/linux/module.mk
