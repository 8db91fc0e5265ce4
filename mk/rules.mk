# mk/rules.mk — flag sets and pattern rules shared by every fragment.
#
# Three object trees, one per flag set, so one source can be built for
# several worlds (guest logic is also compiled for host unit tests):
#   $(BUILD)/host/...   hosted C11, for dom0 tools and unit tests
#   $(BUILD)/san/...    hosted C11 with ASan and UBSan
#   $(BUILD)/guest/...  freestanding x86_64 PV guest code

ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

CC ?= cc
GCC_INC := $(shell $(CC) -print-file-name=include)

COMMON_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -MMD -MP \
	-I. -Inoxs/include
HOST_CFLAGS := $(COMMON_CFLAGS) -O2 -D_GNU_SOURCE -fstack-protector-strong
SAN_CFLAGS := $(COMMON_CFLAGS) -O1 -D_GNU_SOURCE -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=address,undefined

# Xen's public headers are reached through a directory that holds only a
# `xen` link to them, so no other host header can leak into guest code.
XEN_PUBLIC ?= /usr/include/xen
GUEST_XENINC := $(BUILD)/guest/xeninc
GUEST_CFLAGS := $(COMMON_CFLAGS) -O2 -ffreestanding -nostdlib -nostdinc \
	-isystem $(GCC_INC) -I$(GUEST_XENINC) -Iguests/libos/include \
	-mno-red-zone -mno-sse -mno-mmx -mno-sse2 -mno-avx -msoft-float \
	-fno-pic -fno-pie -mcmodel=kernel -fno-stack-protector \
	-fcf-protection=none -fno-asynchronous-unwind-tables \
	-fno-builtin -D__XEN_INTERFACE_VERSION__=0x00040e00
GUEST_ASFLAGS := $(GUEST_CFLAGS) -D__ASSEMBLY__

DEPFILES :=
ALL_TARGETS :=

$(GUEST_XENINC)/xen:
	@mkdir -p $(GUEST_XENINC)
	$(Q)ln -sfn $(XEN_PUBLIC) $@

$(BUILD)/host/%.o: %.c
	$(quiet) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(CFLAGS_$(<)) -c -o $@ $<

$(BUILD)/san/%.o: %.c
	$(quiet) CC-SAN $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(SAN_CFLAGS) $(CFLAGS_$(<)) -c -o $@ $<

$(BUILD)/guest/%.o: %.c | $(GUEST_XENINC)/xen
	$(quiet) CC-GST $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(BUILD)/guest/%.o: %.S | $(GUEST_XENINC)/xen
	$(quiet) AS-GST $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(GUEST_ASFLAGS) -c -o $@ $<

# host_objs, san_objs, guest_objs: map source lists to object lists.
host_objs = $(patsubst %.c,$(BUILD)/host/%.o,$(1))
san_objs = $(patsubst %.c,$(BUILD)/san/%.o,$(1))
guest_objs = $(patsubst %.S,$(BUILD)/guest/%.o,$(patsubst %.c,$(BUILD)/guest/%.o,$(1)))
