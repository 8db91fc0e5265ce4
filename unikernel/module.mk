# unikernel/module.mk — `lvm build`, the image generator (unikernel/), and
# the SDK it builds applications against, laid out in $(BUILD)/sdk
# (unikernel/sdk.h): libos's objects one per module entry, the start
# objects, the linker script, lwIP's archive, the headers (links into the
# tree), the flags, the module table (guests/libos/modules), which module
# defines which symbol, and a stamp over all of it.

BUILD_SRCS := toolstack/common/rootpath.c toolstack/common/filecopy.c $(addprefix unikernel/, appnote.c build.c closure.c cpio.c \
	file.c linux.c main.c manifest.c newapp.c sdk.c) toolstack/liblvm/cfgkeys.c
BUILD_LDLIBS := -lxlutil -lelf -lnettle -llzma

$(BUILD)/bin/lvm-build: $(call host_objs,$(BUILD_SRCS))
	$(quiet) LD $@
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $^ $(BUILD_LDLIBS)
# libxlutil's header pulls in libxl.h, which wants GNU C.
CFLAGS_unikernel/manifest.c += $(XEN_HOST_CFLAGS)
DEPFILES += $(patsubst %.o,%.d,$(call host_objs,$(BUILD_SRCS)))
ALL_TARGETS += $(BUILD)/bin/lvm-build

SDK := $(BUILD)/sdk
# The module table's objects: libos sources, and noxs/ ones as noxs_NAME.
SDK_LIBOS_OBJS := $(patsubst $(BUILD)/guest/guests/libos/%.o,$(SDK)/lib/libos/%.o, \
	$(filter $(BUILD)/guest/guests/libos/%,$(LIBOS_OBJS))) \
	$(patsubst $(BUILD)/guest/noxs/%.o,$(SDK)/lib/libos/noxs_%.o, \
	$(filter $(BUILD)/guest/noxs/%,$(LIBOS_OBJS)))
# What applications compile with: the guests' flags without the tree's
# include paths, warnings kept but not fatal, no debug information.
SDK_CFLAGS := $(filter-out -Werror -g -MMD -MP -I. -Inoxs/include -isystem \
	$(GCC_INC) -I$(GUEST_XENINC) -Iguests/libos/include,$(GUEST_CFLAGS)) \
	-isystem @GCCINC@ -I@SDK@/include

$(SDK)/lib/libos/%.o: $(BUILD)/guest/guests/libos/%.o
	@mkdir -p $(@D)
	$(Q)cp $< $@
$(SDK)/lib/libos/noxs_%.o: $(BUILD)/guest/noxs/%.o
	@mkdir -p $(@D)
	$(Q)cp $< $@
$(SDK)/lib/start.o: $(LIBOS_START_OBJS)
	$(quiet) LD-R $@
	@mkdir -p $(@D)
	$(Q)$(LD) -r -o $@ $^
$(SDK)/lib/libos.ld: $(LIBOS_LDS)
	@mkdir -p $(@D)
	$(Q)cp $< $@
$(SDK)/lib/lwip.a: $(LWIP_LIB)
	@mkdir -p $(@D)
	$(Q)cp $< $@
$(SDK)/modules: guests/libos/modules
	@mkdir -p $(@D)
	$(Q)cp $< $@
$(SDK)/cflags: unikernel/module.mk mk/rules.mk
	@mkdir -p $(@D)
	$(Q)printf '%s\n' $(SDK_CFLAGS) >$@
# Headers: links into the tree. include-lwip is added for modules that
# carry @lwip.
$(SDK)/include/.links: | $(GUEST_XENINC)/xen
	@mkdir -p $(SDK)/include $(SDK)/include-lwip
	$(Q)ln -sfn $(abspath guests/libos/include/libos) $(SDK)/include/libos
	$(Q)ln -sfn $(abspath noxs/include/noxs) $(SDK)/include/noxs
	$(Q)ln -sfn $(XEN_PUBLIC) $(SDK)/include/xen
	$(Q)for f in $(abspath $(LWIP_DIR))/src/include/* $(abspath guests/lwip/include)/*; do \
		ln -sfn $$f $(SDK)/include-lwip/; done
	@touch $@
SDK_FILES := $(SDK_LIBOS_OBJS) $(SDK)/lib/start.o $(SDK)/lib/libos.ld \
	$(SDK)/lib/lwip.a $(SDK)/modules $(SDK)/cflags $(SDK)/include/.links
$(SDK)/symbols: $(SDK_LIBOS_OBJS) $(SDK)/lib/lwip.a $(SDK)/modules
	$(quiet) GEN $@
	$(Q)awk '!/^#/ && NF { m = $$1; for (i = 2; i <= NF && $$i != "<"; i++) print m, $$i }' \
		$(SDK)/modules | while read -r m o; do \
		case $$o in @*) f=$(SDK)/lib/$${o#@}.a ;; *) f=$(SDK)/lib/libos/$$(echo $$o | tr / _).o ;; esac; \
		nm -g --defined-only "$$f" 2>/dev/null | awk -v m=$$m 'NF == 3 { print $$3, m }'; \
	done | sort -u >$@
# The stamp: every file of the SDK, headers included, through the links.
$(SDK)/stamp: $(SDK_FILES) $(SDK)/symbols $(wildcard guests/libos/include/libos/*.h \
		noxs/include/noxs/*.h guests/lwip/include/*.h guests/lwip/include/arch/*.h)
	$(quiet) GEN $@
	$(Q)cd $(SDK) && find -L include include-lwip lib modules cflags symbols -type f | \
		LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-64 >stamp
ALL_TARGETS += $(SDK)/stamp

# The Linux back end (lvm build --linux): our init, static, and linked
# against this host's C library (init-shared: chosen when the program's
# closure holds that library already), and the box's kernel and its
# modules (links into build/cache, once make deps has fetched them).
$(SDK)/linux/init: unikernel/linux_init.c
	$(quiet) CC-STATIC $@
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -static -s -o $@ $<
$(SDK)/linux/init-shared: unikernel/linux_init.c
	$(quiet) CC $@
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -s -Wl,--as-needed -Wl,--build-id=none -o $@ $<
ALL_TARGETS += $(SDK)/linux/init $(SDK)/linux/init-shared
ifneq ($(wildcard $(BUILD)/cache/box.env),)
SDK_KERNEL := $(shell . $(BUILD)/cache/box.env && echo $$KERNEL)
SDK_KMODS := $(shell . $(BUILD)/cache/box.env && echo $$MODULES)
$(SDK)/linux/.kernel: $(BUILD)/cache/box.env
	@mkdir -p $(@D)
	$(Q)ln -sfn $(abspath $(SDK_KERNEL)) $(SDK)/linux/vmlinuz
	$(Q)ln -sfn $(abspath $(SDK_KMODS)) $(SDK)/linux/modules
	@touch $@
ALL_TARGETS += $(SDK)/linux/.kernel
# A minimal Linux VM of the tests (guests/lsvm), built on the host: the
# box has no compiler's world to build it in.
$(BUILD)/guests/lsvm.cfg: $(BUILD)/bin/lvm-build $(SDK)/stamp $(SDK)/linux/init $(SDK)/linux/init-shared \
		$(SDK)/linux/.kernel guests/lsvm/app.cfg
	$(quiet) BUILD $@
	@mkdir -p $(@D)
	$(Q)$(BUILD)/bin/lvm-build --linux -q --sdk $(SDK) -o $(@D) guests/lsvm
ALL_TARGETS += $(BUILD)/guests/lsvm.cfg
# Debian's lighttpd as a minimal Linux VM (guests/lighttpd; the host's
# lighttpd package, mk/deps.sh). lvm build's cache decides whether
# anything is rewritten.
$(BUILD)/guests/lighttpd.cfg: $(BUILD)/bin/lvm-build $(SDK)/stamp $(SDK)/linux/init $(SDK)/linux/init-shared \
		$(SDK)/linux/.kernel guests/lighttpd/app.cfg \
		$(shell find guests/lighttpd/root -type f 2>/dev/null) $(wildcard /usr/sbin/lighttpd)
	$(quiet) BUILD $@
	@mkdir -p $(@D)
	$(Q)$(BUILD)/bin/lvm-build --linux -q --sdk $(SDK) -o $(@D) guests/lighttpd
	@touch $@
ALL_TARGETS += $(BUILD)/guests/lighttpd.cfg
endif

# With the tailored kernel (make tiny-kernel, mk/tiny-kernel.sh; not part
# of make or make test): the same two VMs under build/guests/tiny/, built
# with --kernel, netfront built in and no modules carried
# (tests/integration/build-linux-tiny.sh, bench/http.sh).
TINY_KERNEL := $(BUILD)/tiny-kernel/vmlinuz
$(BUILD)/guests/tiny/%.cfg: $(BUILD)/bin/lvm-build $(SDK)/stamp $(SDK)/linux/init \
		$(SDK)/linux/init-shared $(TINY_KERNEL) guests/%/app.cfg tiny-always
	$(quiet) BUILD $@
	@mkdir -p $(@D)
	$(Q)$(BUILD)/bin/lvm-build --linux -q --sdk $(SDK) --kernel $(TINY_KERNEL) -o $(@D) guests/$*
	@touch $@
TINY_GUESTS := $(BUILD)/guests/tiny/lsvm.cfg $(BUILD)/guests/tiny/lighttpd.cfg
# always run: lvm build's own cache says whether anything is rewritten
.PHONY: tiny-always
tiny-always:

# The applications under guests/ (APPS, guests/module.mk), each built by
# lvm build from its directory into $(BUILD)/guests/NAME.xen.
define app_rules
$(BUILD)/guests/$(1).xen: $(BUILD)/bin/lvm-build $(SDK)/stamp \
		guests/$(1)/app.cfg $(wildcard guests/$(1)/*.c guests/$(1)/*.h)
	$$(quiet) BUILD $$@
	@mkdir -p $$(@D)
	$(Q)$(BUILD)/bin/lvm-build -q --sdk $(SDK) -o $$(@D) guests/$(1)
ALL_TARGETS += $(BUILD)/guests/$(1).xen
endef
$(foreach a,$(APPS),$(eval $(call app_rules,$(a))))
