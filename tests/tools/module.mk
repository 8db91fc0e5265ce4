# tests/tools/module.mk — small dom0 programs that integration tests drive.
# They are test harnesses, not the product (that is toolstack/).
#
#   TEST_TOOLS += name
#   name_TOOL_SRCS := tests/tools/name.c ...
#   name_TOOL_LIBS := -l...       (optional)
# builds $(BUILD)/tests/tools/name with HOST_CFLAGS; the box carries
# $(BUILD)/tests/tools at /lvm/build/tests/tools.

TEST_TOOLS :=

TEST_TOOLS += noxs_boot
noxs_boot_TOOL_SRCS := tests/tools/noxs_boot.c $(NOXS_SRCS)
noxs_boot_TOOL_LIBS := -lxenguest -lxenctrl -lxenevtchn -lxenforeignmemory \
	-lelf
# xenctrl.h refuses strict ISO C (anonymous unions in Xen's headers).
CFLAGS_tests/tools/noxs_boot.c := -std=gnu11

# lvmd's answer time while it works on something else, over liblvm.
TEST_TOOLS += lvm_ping
lvm_ping_TOOL_SRCS := tests/tools/lvm_ping.c
lvm_ping_TOOL_LIBS := $(LIBLVM_A) $(LIBLVM_LDLIBS)
CFLAGS_tests/tools/lvm_ping.c := $(TOOLSTACK_INC)
$(BUILD)/tests/tools/lvm_ping: $(LIBLVM_A)

# The frames a guest sends through its TAP, in order (a packet socket).
TEST_TOOLS += lvm_sniff
lvm_sniff_TOOL_SRCS := tests/tools/lvm_sniff.c

define test_tool_rules
$(BUILD)/tests/tools/$(1): $(call host_objs,$($(1)_TOOL_SRCS))
	$$(quiet) LD $$@
	@mkdir -p $$(@D)
	$$(Q)$$(CC) -o $$@ $$^ $($(1)_TOOL_LIBS)
DEPFILES += $(patsubst %.o,%.d,$(call host_objs,$($(1)_TOOL_SRCS)))
ALL_TARGETS += $(BUILD)/tests/tools/$(1)
endef
$(foreach t,$(TEST_TOOLS),$(eval $(call test_tool_rules,$(t))))
