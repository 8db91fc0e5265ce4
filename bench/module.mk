# bench/module.mk — the benchmark harness's programs (see bench/README.md).
#
# A tool NAME is built into $(BUILD)/bin/NAME from $(NAME_SRCS) with
# $(NAME_LIBS), statically when NAME_STATIC is set; adding one is three
# lines:
#   BENCH_TOOLS += NAME
#   NAME_SRCS := ...
#   NAME_LIBS := ...

BENCH_COMMON := bench/csv.c bench/sample.c
# The measuring tools' common command line and measurement loop, and the
# clock they time on (timer.h: the TSC at Xen's rate).
BENCH_TIMER := bench/timer.c
BENCH_TIMER_LIBS := -lxenctrl -lxentoollog
CFLAGS_bench/timer.c += $(XEN_HOST_CFLAGS)
BENCH_TOOL := bench/tool.c $(BENCH_TIMER) $(BENCH_COMMON)

BENCH_TOOLS := lvm-bench-stats lvm-bench-spawn lvm-bench-cmd lvm-bench-libxl \
	lvm-bare-build lvm-bench-lvm lvm-bench-reply lvm-bench-stream \
	lvm-bench-evtbind lvm-bench-trivial lvm-bench-floor lvm-bench-daytimed \
	lvm-bench-clock

lvm-bench-stats_SRCS := bench/stats_main.c bench/summary.c bench/stats.c \
	$(BENCH_COMMON)
lvm-bench-stats_LIBS := -lm

lvm-bench-spawn_SRCS := bench/spawn.c $(BENCH_TOOL)
lvm-bench-spawn_LIBS := $(BENCH_TIMER_LIBS)

lvm-bench-cmd_SRCS := bench/cmdtime.c bench/watch.c $(BENCH_TOOL)
lvm-bench-cmd_LIBS := $(BENCH_TIMER_LIBS)

lvm-bench-libxl_SRCS := bench/libxl_create.c bench/watch.c $(BENCH_TOOL)
lvm-bench-libxl_LIBS := -lxenlight $(BENCH_TIMER_LIBS)

# lvm-bench-lvm: lvm's library (liblvm's client API, lvm.h) to lvmd.
lvm-bench-lvm_SRCS := bench/lvm_create.c bench/lvmclock.c $(BENCH_TOOL)
lvm-bench-lvm_LIBS := $(LIBLVM_A) $(LIBLVM_LDLIBS) $(BENCH_TIMER_LIBS) -lm
CFLAGS_bench/lvm_create.c += $(TOOLSTACK_INC)
$(BUILD)/bin/lvm-bench-lvm: $(LIBLVM_A)

# The networking figures (bench/net.sh): create to first reply, and a
# TCP stream to a guest's discard port.
# lvm-bench-reply -L: the library's create (liblvm, as lvm-bench-lvm).
lvm-bench-reply_SRCS := bench/reply.c bench/netconn.c $(BENCH_TIMER)
lvm-bench-reply_LIBS := $(LIBLVM_A) $(LIBLVM_LDLIBS) $(BENCH_TIMER_LIBS) \
	-lpthread
CFLAGS_bench/reply.c += $(TOOLSTACK_INC)
$(BUILD)/bin/lvm-bench-reply: $(LIBLVM_A)
lvm-bench-stream_SRCS := bench/stream.c bench/netconn.c $(BENCH_TIMER)
lvm-bench-stream_LIBS := $(BENCH_TIMER_LIBS)

# lvm-bench-evtbind: an event channel bind's cost against dom0's ports.
lvm-bench-evtbind_SRCS := bench/evtbind.c
lvm-bench-evtbind_LIBS := -lxenevtchn
CFLAGS_bench/evtbind.c += $(XEN_HOST_CFLAGS)

# lvm-bare-build: the libxenctrl + libxenguest baseline for `lvm create`.
lvm-bare-build_SRCS := bench/bare_build.c bench/stats.c $(BENCH_COMMON)
lvm-bare-build_LIBS := -lxenguest -lxenctrl -lm
CFLAGS_bench/bare_build.c += $(XEN_HOST_CFLAGS)

# The trivial work of the process baselines: static, so that starting it
# costs no dynamic loading.
lvm-bench-trivial_SRCS := bench/trivial.c
lvm-bench-trivial_STATIC := 1
# The least a command can pay for a request to lvmd (bench/cmdpath.sh):
# static like the no-op, so the two differ only by the round trip.
lvm-bench-floor_SRCS := bench/floor.c
lvm-bench-floor_STATIC := 1
CFLAGS_bench/floor.c += $(TOOLSTACK_INC)
# Whether dom0's monotonic clock, which times everything, stood still.
lvm-bench-clock_SRCS := bench/clockcheck.c $(BENCH_TIMER)
lvm-bench-clock_LIBS := $(BENCH_TIMER_LIBS) -lpthread
# The daytime process of the create-to-first-reply comparison: static too.
lvm-bench-daytimed_SRCS := bench/daytimed.c bench/netconn.c
lvm-bench-daytimed_STATIC := 1

define bench_tool_rules
$(BUILD)/bin/$(1): $(call host_objs,$($(1)_SRCS))
	$$(quiet) LD $$@
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $(if $($(1)_STATIC),-static )-o $$@ $$^ $($(1)_LIBS)
DEPFILES += $(patsubst %.o,%.d,$(call host_objs,$($(1)_SRCS)))
ALL_TARGETS += $(BUILD)/bin/$(1)
endef
$(foreach t,$(BENCH_TOOLS),$(eval $(call bench_tool_rules,$(t))))

# lvm-engine-try: the engine alone (prepare, finish, unpause one image, or
# many, timed), for testing it by hand and in
# tests/integration/engine-build.sh.
lvm-engine-try_SRCS := bench/engine_try.c bench/stats.c $(BENCH_COMMON)
lvm-engine-try_LIBS := $(ENGINE_LIB) $(ENGINE_LDLIBS) -lxenforeignmemory -lm
CFLAGS_bench/engine_try.c += $(XEN_HOST_CFLAGS)
$(BUILD)/bin/lvm-engine-try: $(ENGINE_LIB)
$(eval $(call bench_tool_rules,lvm-engine-try))
