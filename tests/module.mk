# tests/module.mk — cmocka unit tests, one binary per module.
#
# A module's fragment declares a test like this:
#   UNIT_TESTS += fmt
#   fmt_SRCS := tests/unit/test_fmt.c guests/libos/fmt.c
#   fmt_LIBS :=            (extra -l flags, optional)
#   fmt_CFLAGS :=          (extra include/define flags, optional)
# and gets two binaries: $(BUILD)/tests/unit/fmt (plain) and
# $(BUILD)/tests/san/fmt (ASan + UBSan). tests/run-all runs both.

UNIT_TESTS :=
include tests/unit/module.mk
include tests/fixtures/module.mk
include tests/fuzz/module.mk
include tests/tools/module.mk

define unit_test_rules
$(BUILD)/tests/unit/$(1): $(call host_objs,$($(1)_SRCS))
	$$(quiet) LD $$@
	@mkdir -p $$(@D)
	$$(Q)$$(CC) -o $$@ $$^ -lcmocka $($(1)_LIBS)
$(BUILD)/tests/san/$(1): $(call san_objs,$($(1)_SRCS))
	$$(quiet) LD-SAN $$@
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(SAN_LDFLAGS) -o $$@ $$^ -lcmocka $($(1)_LIBS)
$(foreach s,$($(1)_SRCS),$(eval CFLAGS_$(s) += $($(1)_CFLAGS)))
DEPFILES += $(patsubst %.o,%.d,$(call host_objs,$($(1)_SRCS)) $(call san_objs,$($(1)_SRCS)))
ALL_TARGETS += $(BUILD)/tests/unit/$(1) $(BUILD)/tests/san/$(1)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rules,$(t))))
