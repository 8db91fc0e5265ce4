# tests/unit/module.mk — the list of unit tests (see tests/module.mk).

# Guest library OS logic, built hosted.
UNIT_TESTS += fmt
fmt_SRCS := tests/unit/test_fmt.c guests/libos/fmt.c
fmt_CFLAGS := -Iguests/libos/include

UNIT_TESTS += timer
timer_SRCS := tests/unit/test_timer.c guests/libos/timer.c
timer_CFLAGS := -Iguests/libos/include

UNIT_TESTS += console_ring
console_ring_SRCS := tests/unit/test_console_ring.c guests/libos/console_ring.c
console_ring_CFLAGS := -Iguests/libos/include

UNIT_TESTS += xs_compat
xs_compat_SRCS := tests/unit/test_xs_compat.c toolstack/engine/xs_compat.c \
	toolstack/engine/uuid.c toolstack/engine/error.c toolstack/proto/escape.c
xs_compat_LIBS := -Wl,--wrap=xs_write -Wl,--wrap=xs_mkdir -Wl,--wrap=xs_rm \
	-Wl,--wrap=xs_set_permissions -Wl,--wrap=xs_transaction_start \
	-Wl,--wrap=xs_transaction_end -Wl,--wrap=xs_introduce_domain \
	-Wl,--wrap=xs_release_domain -lxenstore

# The toolstack's client library and protocol.
UNIT_TESTS += proto
proto_SRCS := tests/unit/test_proto.c $(PROTO_SRCS)
proto_LIBS := -ljson-c
proto_CFLAGS := -Itoolstack/include

UNIT_TESTS += escape
escape_SRCS := tests/unit/test_escape.c toolstack/proto/escape.c
escape_CFLAGS := -Itoolstack/include

UNIT_TESTS += cfgkeys
cfgkeys_SRCS := tests/unit/test_cfgkeys.c toolstack/liblvm/cfgkeys.c

UNIT_TESTS += config
config_SRCS := tests/unit/test_config.c toolstack/liblvm/config.c \
	toolstack/proto/escape.c \
	toolstack/liblvm/cfgkeys.c toolstack/proto/proto_info.c \
	toolstack/proto/proto_json.c toolstack/liblvm/xlu.c \
	toolstack/proto/proto_vif.c toolstack/proto/vif.c
config_LIBS := -ljson-c
config_CFLAGS := -Itoolstack/include

# liblvm's engine: images (libelf) and shells (libxenctrl/libxenguest
# replaced by the stubs in the test, through -Wl,--wrap).
UNIT_TESTS += image
image_SRCS := tests/unit/test_image.c toolstack/engine/image.c \
	toolstack/engine/bzimage.c toolstack/engine/fileid.c \
	toolstack/engine/elfnote.c toolstack/engine/error.c toolstack/proto/escape.c \
	unikernel/appnote.c noxs/noxs.c \
	toolstack/engine/regfile.c
image_LIBS := -lelf
image_CFLAGS := $(XEN_HOST_CFLAGS)
CFLAGS_tests/unit/test_image.c += -DTEST_GUESTS_DIR='"$(abspath $(BUILD)/guests)"'

UNIT_TESTS += shell
shell_SRCS := tests/unit/test_shell.c toolstack/engine/shell.c noxs/noxs.c \
	toolstack/engine/finish.c toolstack/engine/devpage.c \
	toolstack/engine/warm.c toolstack/engine/destroy.c \
	toolstack/engine/fileid.c toolstack/engine/error.c toolstack/proto/escape.c \
	toolstack/engine/regfile.c toolstack/engine/pvbuild.c \
	toolstack/engine/layout.c toolstack/engine/steps.c \
	toolstack/engine/code.c toolstack/engine/uuid.c
SHELL_TEST_WRAPS := xc_domain_create xc_domain_max_vcpus \
	xc_domain_setmaxmem xc_evtchn_alloc_unbound xc_domain_destroy \
	xc_domain_sethandle xc_physinfo xc_dom_allocate xc_dom_release \
	xc_dom_boot_xen_init xc_dom_mem_init xc_dom_boot_mem_init \
	xc_dom_strdup xc_dom_kernel_mem xc_dom_module_file \
	xc_dom_parse_image xc_dom_build_image xc_dom_virt_base \
	xc_dom_vaddr_to_ptr xc_dom_boot_image xc_dom_gnttab_init \
	xc_dom_translated xc_dom_pfn_to_ptr xc_dom_unmap_all \
	xc_map_foreign_pages xc_domain_populate_physmap_exact \
	xc_domain_getinfolist xc_domctl xc_mmuext_op xc_vcpu_setcontext \
	xc_map_foreign_range xc__hypercall_buffer_alloc_pages \
	xc__hypercall_buffer_free_pages munmap
shell_LIBS := $(foreach f,$(SHELL_TEST_WRAPS),-Wl,--wrap=$(f)) -lxenctrl -lxencall
shell_CFLAGS := $(XEN_HOST_CFLAGS)

# The clock steps are timed on: TSC ticks in nanoseconds, the choice.
UNIT_TESTS += steps
steps_SRCS := tests/unit/test_steps.c toolstack/engine/steps.c

# Our own PV builder's layout: frames and page tables (pure).
UNIT_TESTS += layout
layout_SRCS := tests/unit/test_layout.c toolstack/engine/layout.c

# Our own PV builder, through the shell calls, over stubs of libxenctrl
# and real images.
UNIT_TESTS += pvbuild
pvbuild_SRCS := tests/unit/test_pvbuild.c toolstack/engine/pvbuild.c \
	toolstack/engine/layout.c toolstack/engine/shell.c \
	toolstack/engine/finish.c toolstack/engine/devpage.c \
	toolstack/engine/warm.c toolstack/engine/destroy.c \
	toolstack/engine/fileid.c toolstack/engine/error.c \
	toolstack/proto/escape.c toolstack/engine/regfile.c \
	toolstack/engine/image.c toolstack/engine/elfnote.c \
	toolstack/engine/bzimage.c unikernel/appnote.c noxs/noxs.c \
	toolstack/engine/steps.c toolstack/engine/code.c \
	toolstack/engine/uuid.c
PVBUILD_TEST_WRAPS := xc_domain_create xc_domain_max_vcpus \
	xc_domain_setmaxmem xc_evtchn_alloc_unbound xc_domain_destroy \
	xc_domain_sethandle xc_physinfo xc_domain_populate_physmap_exact \
	xc_domain_getinfolist xc_map_foreign_range xc_map_foreign_pages \
	xc_domctl xc_mmuext_op xc__hypercall_buffer_alloc_pages \
	xc__hypercall_buffer_free_pages munmap xc_interface_xcall_handle \
	xencall_alloc_buffer xencall_free_buffer xencall4
pvbuild_LIBS := $(foreach f,$(PVBUILD_TEST_WRAPS),-Wl,--wrap=$(f)) \
	-lelf -lxenguest -lxenctrl -lxencall
pvbuild_CFLAGS := $(XEN_HOST_CFLAGS)
CFLAGS_tests/unit/test_pvbuild.c += -DTEST_GUESTS_DIR='"$(abspath $(BUILD)/guests)"'
$(BUILD)/tests/unit/pvbuild $(BUILD)/tests/san/pvbuild: | \
	$(BUILD)/guests/noop.xen $(BUILD)/guests/hello.xen \
	$(BUILD)/guests/fat.xen $(BUILD)/guests/hello-plain.xen

UNIT_TESTS += bzimage
bzimage_SRCS := tests/unit/test_bzimage.c toolstack/engine/bzimage.c
CFLAGS_tests/unit/test_bzimage.c += -DTEST_GUESTS_DIR='"$(abspath $(BUILD)/guests)"'

# The noxs device-page codec (noxs/), shared by the toolstack and guests.
UNIT_TESTS += noxs
noxs_SRCS := tests/unit/test_noxs.c $(NOXS_SRCS)

# The vif rings (noxs/vring.c), both sides' use of one rings page.
UNIT_TESTS += vring
vring_SRCS := tests/unit/test_vring.c $(NOXS_VRING_SRCS)

# lvmd's pure parts.
UNIT_TESTS += registry
registry_SRCS := tests/unit/test_registry.c toolstack/lvmd/registry.c \
	toolstack/engine/uuid.c \
	toolstack/proto/proto_info.c toolstack/proto/proto_json.c \
	toolstack/proto/proto_vif.c toolstack/proto/vif.c \
	toolstack/proto/escape.c
registry_LIBS := -ljson-c -Wl,--wrap=write
registry_CFLAGS := -Itoolstack/include

UNIT_TESTS += restart
restart_SRCS := tests/unit/test_restart.c toolstack/lvmd/restart.c

UNIT_TESTS += log
log_SRCS := tests/unit/test_log.c toolstack/engine/log.c
log_LIBS := -lpthread

UNIT_TESTS += pool
pool_SRCS := tests/unit/test_pool.c toolstack/lvmd/pool.c
pool_CFLAGS := -Itoolstack/include

# The engine's uuids (layout, generator, classifier, instance).
UNIT_TESTS += uuid
uuid_SRCS := tests/unit/test_uuid.c toolstack/engine/uuid.c

# What a restarted lvmd does with each domain it finds.
UNIT_TESTS += settle
settle_SRCS := tests/unit/test_settle.c toolstack/lvmd/settle.c \
	toolstack/engine/uuid.c

UNIT_TESTS += cons_ring
cons_ring_SRCS := tests/unit/test_cons_ring.c toolstack/lvmd/cons_ring.c

# lvmd's limits: a port's event budget, the console logs kept.
UNIT_TESTS += bucket
bucket_SRCS := tests/unit/test_bucket.c toolstack/lvmd/bucket.c

# lvmd's vif data path: one vif's frame copies and checks (netcopy.c),
# over in-memory rings and a socket pair for the TAP.
UNIT_TESTS += netpath
netpath_SRCS := tests/unit/test_netpath.c toolstack/lvmd/netcopy.c \
	$(NOXS_VRING_SRCS)

# The data path thread itself (netpath.c), its Xen handles faked through
# -Wl,--wrap: a memfd for the guest's frames, a pipe for pending ports.
UNIT_TESTS += netpath_thread
netpath_thread_SRCS := tests/unit/test_netpath_thread.c \
	toolstack/lvmd/netpath.c toolstack/lvmd/netcopy.c \
	toolstack/lvmd/netyield.c \
	toolstack/lvmd/bucket.c toolstack/engine/log.c $(NOXS_VRING_SRCS)
NETPATH_TEST_WRAPS := xenevtchn_open xenevtchn_close xenevtchn_fd \
	xenevtchn_pending xenevtchn_unmask xenevtchn_notify \
	xenevtchn_bind_interdomain xenevtchn_unbind xenforeignmemory_open \
	xenforeignmemory_close xenforeignmemory_map xenforeignmemory_unmap
netpath_thread_LIBS := $(foreach f,$(NETPATH_TEST_WRAPS),-Wl,--wrap=$(f)) \
	-lxenevtchn -lxenforeignmemory -lpthread
netpath_thread_CFLAGS := $(XEN_HOST_CFLAGS) $(TOOLSTACK_INC)

# The data path thread's scheduling class: its moves, its readings'
# parsers, and a thread starved on this machine's kernel.
UNIT_TESTS += netyield
netyield_SRCS := tests/unit/test_netyield.c toolstack/lvmd/netyield.c \
	toolstack/engine/log.c
netyield_LIBS := -lpthread
netyield_CFLAGS := $(TOOLSTACK_INC)

UNIT_TESTS += logprune
logprune_SRCS := tests/unit/test_logprune.c toolstack/lvmd/logprune.c

# The vifs' addresses and MACs, lvmd's network settings.
UNIT_TESTS += vifaddr
vifaddr_SRCS := tests/unit/test_vifaddr.c toolstack/lvmd/vifaddr.c \
	toolstack/lvmd/vifindex.c \
	toolstack/lvmd/conf.c toolstack/proto/vif.c toolstack/proto/escape.c \
	toolstack/engine/log.c
vifaddr_LIBS := -lpthread
vifaddr_CFLAGS := $(XEN_HOST_CFLAGS) $(TOOLSTACK_INC)

# lvmd's clients and their socket turns, over real socket pairs.
UNIT_TESTS += lvmd_clients
lvmd_clients_SRCS := tests/unit/test_lvmd_clients.c toolstack/lvmd/client.c \
	toolstack/lvmd/server.c toolstack/engine/log.c $(PROTO_SRCS)
lvmd_clients_LIBS := -ljson-c
lvmd_clients_CFLAGS := $(XEN_HOST_CFLAGS) $(TOOLSTACK_INC)

# lvmd's backend table and port routing, over fake backends.
UNIT_TESTS += backends
backends_SRCS := tests/unit/test_backends.c toolstack/lvmd/backends.c \
	toolstack/lvmd/ports.c toolstack/lvmd/bucket.c toolstack/engine/log.c \
	toolstack/engine/steps.c
backends_LIBS := -Wl,--wrap=xenevtchn_bind_interdomain \
	-Wl,--wrap=xenevtchn_unbind -lxenevtchn
backends_CFLAGS := $(XEN_HOST_CFLAGS) $(TOOLSTACK_INC)

# The lvm command's parsing.
UNIT_TESTS += cli_args
cli_args_SRCS := tests/unit/test_cli_args.c toolstack/lvm/args.c \
	toolstack/proto/escape.c toolstack/proto/vif.c
cli_args_CFLAGS := -Itoolstack/include

# lvm.h's JSON forms: as objects (what the command prints) and as text.
UNIT_TESTS += jsonform
jsonform_SRCS := tests/unit/test_jsonform.c toolstack/liblvm/json.c \
	$(PROTO_SRCS)
jsonform_LIBS := -ljson-c
jsonform_CFLAGS := -Itoolstack/include

# lvm top's view: rates and frames.
UNIT_TESTS += topview
topview_SRCS := tests/unit/test_topview.c toolstack/lvm/topview.c \
	toolstack/lvm/fmt.c toolstack/liblvm/client.c toolstack/liblvm/json.c \
	toolstack/liblvm/config.c toolstack/liblvm/cfgkeys.c \
	toolstack/liblvm/xlu.c $(PROTO_SRCS)
topview_LIBS := -ljson-c
topview_CFLAGS := -Itoolstack/include

UNIT_TESTS += client
client_SRCS := tests/unit/test_client.c toolstack/liblvm/client.c \
	toolstack/liblvm/config.c toolstack/liblvm/cfgkeys.c \
	toolstack/liblvm/xlu.c $(PROTO_SRCS)
client_LIBS := -ljson-c
client_CFLAGS := -Itoolstack/include

# The benchmark harness's statistics, CSV, summary, console watch and
# lvm's clocks.
UNIT_TESTS += bench_stats
bench_stats_SRCS := tests/unit/test_bench_stats.c bench/stats.c
bench_stats_LIBS := -lm

UNIT_TESTS += bench_netconn
bench_netconn_SRCS := tests/unit/test_bench_netconn.c bench/netconn.c
bench_netconn_LIBS := -lpthread

UNIT_TESTS += bench_csv
bench_csv_SRCS := tests/unit/test_bench_csv.c bench/csv.c

UNIT_TESTS += bench_summary
bench_summary_SRCS := tests/unit/test_bench_summary.c bench/summary.c \
	bench/stats.c bench/csv.c bench/sample.c
bench_summary_LIBS := -lm

UNIT_TESTS += bench_watch
bench_watch_SRCS := tests/unit/test_bench_watch.c bench/watch.c

UNIT_TESTS += bench_lvmclock
bench_lvmclock_SRCS := tests/unit/test_bench_lvmclock.c bench/lvmclock.c
bench_lvmclock_LIBS := -lm

UNIT_TESTS += bench_timer
bench_timer_SRCS := tests/unit/test_bench_timer.c bench/timer.c
bench_timer_LIBS := -lxenctrl -lxentoollog
bench_timer_CFLAGS := $(XEN_HOST_CFLAGS)

# lvmd's image cache, over a stub of the engine's image loading.
UNIT_TESTS += images
images_SRCS := tests/unit/test_images.c toolstack/lvmd/images.c \
	toolstack/engine/fileid.c toolstack/engine/error.c toolstack/proto/escape.c
images_CFLAGS := $(XEN_HOST_CFLAGS) -Itoolstack/include
images_LIBS := -ljson-c

# The image loader's bookkeeping: loads and the requests parked on them.
UNIT_TESTS += park
park_SRCS := tests/unit/test_park.c toolstack/lvmd/park.c

UNIT_TESTS += bench_tool
bench_tool_SRCS := tests/unit/test_bench_tool.c bench/tool.c bench/sample.c \
	bench/csv.c

# lvmd's guest table: lookups by domid through its bucket chains.
UNIT_TESTS += table
table_SRCS := tests/unit/test_table.c toolstack/lvmd/table.c \
	toolstack/lvmd/vifindex.c \
	toolstack/lvmd/registry.c toolstack/engine/log.c toolstack/engine/uuid.c \
	$(PROTO_SRCS)
table_LIBS := -ljson-c -lxenctrl
table_CFLAGS := $(XEN_HOST_CFLAGS) $(TOOLSTACK_INC)

# The image generator (unikernel/): the manifest, the application note,
# the SDK's module table.
UNIT_TESTS += manifest
manifest_SRCS := tests/unit/test_manifest.c unikernel/manifest.c \
	toolstack/liblvm/cfgkeys.c
manifest_LIBS := -lxlutil
manifest_CFLAGS := $(XEN_HOST_CFLAGS)

UNIT_TESTS += appnote
appnote_SRCS := tests/unit/test_appnote.c unikernel/appnote.c \
	unikernel/manifest.c toolstack/liblvm/cfgkeys.c
appnote_LIBS := -lxlutil
appnote_CFLAGS := $(XEN_HOST_CFLAGS)

UNIT_TESTS += sdk
sdk_SRCS := tests/unit/test_sdk.c unikernel/sdk.c unikernel/file.c

UNIT_TESTS += filecopy
filecopy_SRCS := tests/unit/test_filecopy.c toolstack/common/filecopy.c

UNIT_TESTS += closure
closure_SRCS := tests/unit/test_closure.c unikernel/closure.c toolstack/common/rootpath.c
closure_LIBS := -lelf
CFLAGS_tests/unit/test_closure.c += -DTEST_ELFTREE='"$(abspath $(BUILD)/tests/elftree)"'

# lightvm-oci: a bundle's config.json and the containers' state files.
UNIT_TESTS += oci
oci_SRCS := tests/unit/test_oci.c toolstack/oci/spec.c toolstack/oci/state.c \
	toolstack/common/rootpath.c \
	$(PROTO_SRCS)
oci_LIBS := -ljson-c
oci_CFLAGS := -Itoolstack/include -I.
