# toolstack/module.mk — liblvm, lvm and lvmd.

# Xen's tool headers (xenctrl.h pulls in xen/foreign/x86_64.h) need GNU C:
# under strict -std=c11 they do not compile. Sources that include them get
# this through CFLAGS_<source>:
#   $(foreach s,SOURCES,$(eval CFLAGS_$(s) += $(XEN_HOST_CFLAGS)))
XEN_HOST_CFLAGS := -std=gnu11

# ---------------------------------------------------------------------------
# liblvm's engine: images, shells, building (toolstack/liblvm/engine.h).
# A static archive that lvmd, the benchmarks and the engine's tests link:
#   $(LIBLVM_ENGINE_LIB)  with $(LIBLVM_ENGINE_LDLIBS) after it.
# noxs/noxs.c joins it as soon as it exists.
LIBLVM_ENGINE_SRCS := \
	toolstack/liblvm/devpage.c \
	toolstack/liblvm/elfnote.c \
	toolstack/liblvm/finish.c \
	toolstack/liblvm/image.c \
	toolstack/liblvm/log.c \
	toolstack/liblvm/shell.c \
	$(wildcard noxs/noxs.c)
LIBLVM_ENGINE_OBJS := $(call host_objs,$(LIBLVM_ENGINE_SRCS))
LIBLVM_ENGINE_LIB := $(BUILD)/host/toolstack/liblvm-engine.a
LIBLVM_ENGINE_LDLIBS := -lxenguest -lxenctrl -lelf

$(LIBLVM_ENGINE_LIB): $(LIBLVM_ENGINE_OBJS)
	$(quiet) AR $@
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(foreach s,$(LIBLVM_ENGINE_SRCS),$(eval CFLAGS_$(s) += $(XEN_HOST_CFLAGS)))
DEPFILES += $(patsubst %.o,%.d,$(LIBLVM_ENGINE_OBJS))
ALL_TARGETS += $(LIBLVM_ENGINE_LIB)

# lvm-engine-try: prepare + finish + unpause one image, for testing the
# engine by hand and in tests/integration/engine-build.sh.
ENGINE_TRY_SRCS := toolstack/tools/engine_try.c
$(BUILD)/bin/lvm-engine-try: $(call host_objs,$(ENGINE_TRY_SRCS)) \
		$(LIBLVM_ENGINE_LIB)
	$(quiet) LD $@
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $^ $(LIBLVM_ENGINE_LDLIBS) -lxenforeignmemory
$(foreach s,$(ENGINE_TRY_SRCS),$(eval CFLAGS_$(s) += $(XEN_HOST_CFLAGS)))
DEPFILES += $(patsubst %.o,%.d,$(call host_objs,$(ENGINE_TRY_SRCS)))
ALL_TARGETS += $(BUILD)/bin/lvm-engine-try
