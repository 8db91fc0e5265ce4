# toolstack/module.mk — the toolstack's products, one directory each:
#   toolstack/engine/  building domains: a static archive for lvmd and the
#                      dom0 tools of bench/ (never in liblvm.so)
#   toolstack/proto/   the wire protocol, shared by liblvm and lvmd
#   toolstack/liblvm/  the client library: liblvm.so is built from it and
#                      proto/ alone
#   toolstack/lvm/     the command, over lvm.h and liblvm.so only
#   toolstack/lvmd/    the daemon, over the engine and proto/

# Xen's tool headers (xenctrl.h pulls in xen/foreign/x86_64.h) need GNU C:
# under strict -std=c11 they do not compile. Sources that include them get
# this through CFLAGS_<source>:
#   $(foreach s,SOURCES,$(eval CFLAGS_$(s) += $(XEN_HOST_CFLAGS)))
XEN_HOST_CFLAGS := -std=gnu11

# ---------------------------------------------------------------------------
# The engine: images, shells, building (toolstack/engine/engine.h).
# A static archive that lvmd, the benchmarks and the engine's tests link:
#   $(ENGINE_LIB)  with $(ENGINE_LDLIBS) after it.
# noxs/noxs.c, the device-page codec, is part of it.
ENGINE_SRCS := $(addprefix toolstack/engine/, \
	bzimage.c code.c destroy.c devpage.c elfnote.c error.c fileid.c \
	finish.c warm.c image.c layout.c log.c pvbuild.c regfile.c shell.c \
	steps.c uuid.c \
	xs_compat.c) \
	toolstack/proto/escape.c \
	unikernel/appnote.c \
	noxs/noxs.c
ENGINE_OBJS := $(call host_objs,$(ENGINE_SRCS))
ENGINE_LIB := $(BUILD)/host/toolstack/engine.a
ENGINE_LDLIBS := -lxenguest -lxenctrl -lxencall -lxenstore -lelf

$(ENGINE_LIB): $(ENGINE_OBJS)
	$(quiet) AR $@
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(foreach s,$(ENGINE_SRCS),$(eval CFLAGS_$(s) += $(XEN_HOST_CFLAGS)))
DEPFILES += $(patsubst %.o,%.d,$(ENGINE_OBJS))
ALL_TARGETS += $(ENGINE_LIB)


# ---------------------------------------------------------------------------
# liblvm: the public API (toolstack/include/lvm.h): the client, config
# files, and the protocol shared with lvmd (toolstack/proto/). Built twice:
# position-independent objects for $(BUILD)/lib/liblvm.so (exporting only
# lvm.h's functions, through liblvm.map), which the `lvm` command links,
# and plain ones for $(BUILD)/lib/liblvm.a, which the bench's tools link.
TOOLSTACK_INC := -Itoolstack/include
PROTO_SRCS := \
	toolstack/proto/escape.c \
	toolstack/proto/proto.c \
	toolstack/proto/proto_info.c \
	toolstack/proto/proto_json.c \
	toolstack/proto/proto_top.c \
	toolstack/proto/proto_vif.c \
	toolstack/proto/vif.c
LIBLVM_SRCS := \
	$(PROTO_SRCS) \
	toolstack/liblvm/cfgkeys.c \
	toolstack/liblvm/client.c \
	toolstack/liblvm/config.c \
	toolstack/liblvm/json.c \
	toolstack/liblvm/xlu.c
LIBLVM_LDLIBS := -ljson-c
LIBLVM_MAP := toolstack/liblvm/liblvm.map
LIBLVM_SO := $(BUILD)/lib/liblvm.so
LIBLVM_A := $(BUILD)/lib/liblvm.a
LIBLVM_SONAME := liblvm.so.0

pic_objs = $(patsubst %.c,$(BUILD)/pic/%.o,$(1))
$(BUILD)/pic/%.o: %.c
	$(quiet) CC-PIC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -fPIC $(CFLAGS_$(<)) -c -o $@ $<

$(LIBLVM_SO): $(call pic_objs,$(LIBLVM_SRCS)) $(LIBLVM_MAP)
	$(quiet) LD $@
	@mkdir -p $(@D)
	$(Q)$(CC) -shared -o $@ -Wl,-soname,$(LIBLVM_SONAME) \
		-Wl,--version-script=$(LIBLVM_MAP) -Wl,--no-undefined \
		$(call pic_objs,$(LIBLVM_SRCS)) $(LIBLVM_LDLIBS)
	$(Q)ln -sf liblvm.so $(BUILD)/lib/$(LIBLVM_SONAME)
$(LIBLVM_A): $(call host_objs,$(LIBLVM_SRCS))
	$(quiet) AR $@
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# Every toolstack source sees the public header as <lvm.h>.
$(foreach s,$(LIBLVM_SRCS),$(eval CFLAGS_$(s) += $(TOOLSTACK_INC)))
# libxlutil's header pulls in libxl.h, which wants GNU C.
CFLAGS_toolstack/liblvm/config.c += $(XEN_HOST_CFLAGS)
CFLAGS_toolstack/liblvm/xlu.c += $(XEN_HOST_CFLAGS)
DEPFILES += $(patsubst %.o,%.d,$(call pic_objs,$(LIBLVM_SRCS)) \
	$(call host_objs,$(LIBLVM_SRCS)))
ALL_TARGETS += $(LIBLVM_SO) $(LIBLVM_A)

# The headers check: lvm.h compiles on its own, as C11 and as C++.
LVM_HEADERS_CHK := $(BUILD)/host/toolstack/headers.chk
$(LVM_HEADERS_CHK): toolstack/include/lvm.h
	$(quiet) HDRCHK $<
	@mkdir -p $(@D)
	$(Q)$(CC) -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only \
		-x c $< && \
	if command -v c++ >/dev/null; then \
		c++ -Wall -Wextra -Werror -fsyntax-only -x c++ $<; fi && touch $@
ALL_TARGETS += $(LVM_HEADERS_CHK)

# ---------------------------------------------------------------------------
# lvmd: the daemon (toolstack/lvmd/lvmd.h). Links the engine archive (which
# carries the noxs codec, noxs/noxs.c) and the protocol.
LVMD_SRCS := $(addprefix toolstack/lvmd/, \
	adopt.c backends.c client.c conf.c cons_ring.c console.c \
	create.c guest.c images.c loader.c loop.c main.c ops.c park.c \
	pool.c poolthr.c ports.c reaper.c reboot.c registry.c restart.c \
	server.c sysctl.c table.c xenstore.c)
LVMD_SRCS += toolstack/lvmd/settle.c
LVMD_SRCS += $(addprefix toolstack/lvmd/, bucket.c logprune.c)
# The vifs' data path thread (netpath.h) and its pure copy logic, over the
# vif rings' checks.
LVMD_SRCS += $(addprefix toolstack/lvmd/, netcopy.c netpath.c netyield.c) \
	$(NOXS_VRING_SRCS)
LVMD_SRCS += toolstack/lvmd/vifaddr.c toolstack/lvmd/vifindex.c
LVMD_LDLIBS := -lxenevtchn -lxenforeignmemory -ljson-c -lpthread
# The vif backend and dom0's network devices (libnl: links, bridge, addresses).
LVMD_SRCS += $(addprefix toolstack/lvmd/, vif.c netdev.c)
# XenStore-mode guests' vifs: the kernel's netback, vifD.N put on a bridge.
LVMD_SRCS += toolstack/lvmd/xsvif.c
# noxs guests' names in XenStore for xl list and xentop (its own thread).
LVMD_SRCS += toolstack/lvmd/xsname.c
LVMD_NL_CFLAGS := $(shell pkg-config --cflags libnl-3.0 libnl-route-3.0)
LVMD_LDLIBS += $(shell pkg-config --libs libnl-3.0 libnl-route-3.0)
CFLAGS_toolstack/lvmd/netdev.c += $(LVMD_NL_CFLAGS)

$(BUILD)/bin/lvmd: $(call host_objs,$(LVMD_SRCS) $(PROTO_SRCS)) \
		$(ENGINE_LIB)
	$(quiet) LD $@
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $^ $(LVMD_LDLIBS) $(ENGINE_LDLIBS)
$(foreach s,$(LVMD_SRCS),$(eval CFLAGS_$(s) += $(XEN_HOST_CFLAGS) $(TOOLSTACK_INC)))
DEPFILES += $(patsubst %.o,%.d,$(call host_objs,$(LVMD_SRCS)))
ALL_TARGETS += $(BUILD)/bin/lvmd

# ---------------------------------------------------------------------------
# lvm: the command (toolstack/lvm/cli.h), one verb per file, over lvm.h.
# Linked statically, with only what it uses: liblvm's objects (the
# library's code, not liblvm.so), json-c's and libxlutil's archives and
# glibc's: an exec of it maps no shared library, which in a PV dom0 is
# most of a short command's time (bench/cmdpath.sh). libxlutil's config
# objects are linked in directly (xlu_static.c) instead of the library
# being loaded on first use as liblvm.so does (toolstack/liblvm/xlu.c).
LVM_CLI_SRCS := $(addprefix toolstack/lvm/, \
	args.c connect.c console.c create.c destroy.c fmt.c info.c \
	list.c main.c pause.c pool.c shutdown.c top.c topview.c)
LVM_CLI_STATIC_SRCS := toolstack/lvm/xlu_static.c
LVM_CLI_LIB_SRCS := $(filter-out toolstack/liblvm/xlu.c,$(LIBLVM_SRCS))
LVM_CLI_LDLIBS := -static -Wl,--gc-sections -l:libxlutil.a -ljson-c

$(BUILD)/bin/lvm: $(call host_objs,$(LVM_CLI_SRCS) $(LVM_CLI_STATIC_SRCS) \
		$(LVM_CLI_LIB_SRCS))
	$(quiet) LD $@
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $^ $(LVM_CLI_LDLIBS)
$(foreach s,$(LVM_CLI_SRCS) $(LVM_CLI_STATIC_SRCS),$(eval CFLAGS_$(s) += $(TOOLSTACK_INC)))
CFLAGS_toolstack/lvm/xlu_static.c += $(XEN_HOST_CFLAGS)
DEPFILES += $(patsubst %.o,%.d,$(call host_objs,$(LVM_CLI_SRCS) $(LVM_CLI_STATIC_SRCS)))
ALL_TARGETS += $(BUILD)/bin/lvm

# ---------------------------------------------------------------------------
# make install: see toolstack/scripts/install.sh (lightvm, lvmd, liblvm, and
# an `lvm` link only where it shadows no other lvm, such as LVM2's).
PREFIX ?= /usr/local
.PHONY: install
install: $(LIBLVM_SO) $(LIBLVM_A) $(BUILD)/bin/lvm $(BUILD)/bin/lvmd \
		$(BUILD)/bin/lightvm-oci
	@PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) BUILD=$(BUILD) \
		sh toolstack/scripts/install.sh

# The symbols check: liblvm.so exports exactly the functions lvm.h declares.
LVM_SYMBOLS_CHK := $(BUILD)/host/toolstack/symbols.chk
$(LVM_SYMBOLS_CHK): $(LIBLVM_SO) toolstack/include/lvm.h
	$(quiet) SYMCHK $<
	@mkdir -p $(@D)
	$(Q)nm -D --defined-only $< | awk '$$2 == "T" { sub(/@.*/, "", $$3); print $$3 }' | \
		sort >$@.so && \
	sed -n 's/^[a-z].*[ *]\(lvm_[a-z_]*\)(.*/\1/p' toolstack/include/lvm.h | \
		sort -u >$@.h && \
	if ! cmp -s $@.so $@.h; then \
		echo "liblvm.so exports differ from lvm.h (< exported, > declared):"; \
		diff $@.so $@.h; exit 1; fi && touch $@
ALL_TARGETS += $(LVM_SYMBOLS_CHK)

# ---------------------------------------------------------------------------
# lightvm-oci: the OCI runtime (toolstack/oci/oci.h, docs/oci.md), a liblvm
# client like the lvm command, with json-c for config.json and its state.
OCI_SRCS := $(addprefix toolstack/oci/, log.c main.c spec.c standin.c state.c) \
	toolstack/common/rootpath.c toolstack/common/filecopy.c

$(BUILD)/bin/lightvm-oci: $(call host_objs,$(OCI_SRCS)) $(LIBLVM_SO)
	$(quiet) LD $@
	@mkdir -p $(@D) $(BUILD)/lib
	$(Q)ln -sf liblvm.so $(BUILD)/lib/$(LIBLVM_SONAME)
	$(Q)$(CC) -o $@ $(call host_objs,$(OCI_SRCS)) -L$(BUILD)/lib -llvm \
		-Wl,-rpath,'$$ORIGIN/../lib' -ljson-c
$(foreach s,$(OCI_SRCS),$(eval CFLAGS_$(s) += $(TOOLSTACK_INC)))
DEPFILES += $(patsubst %.o,%.d,$(call host_objs,$(OCI_SRCS)))
ALL_TARGETS += $(BUILD)/bin/lightvm-oci
