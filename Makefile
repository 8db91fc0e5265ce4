# Top-level Makefile. Each directory adds its targets through a small
# fragment (DIR/module.mk); common rules live in mk/rules.mk.
#
#   make            build everything under build/
#   make deps       install Debian packages, fetch the box's Xen and kernel
#   make test       unit tests, sanitizer builds, fuzzers, integration tests
#   make fuzz       build the libFuzzer targets (tests/fuzz) with clang
#   make check-calls  no call circles among the files (mk/callcircles.sh)
#   make demo       boot the box and run the main job
#   make bench-quick  lvm create against a bare domain build, in the box
#   make bench-http   create to first HTTP reply: the httpd unikernel, the
#                   lighttpd VM and lighttpd in Docker, and their sizes, in
#                   the box (bench/http.sh)
#   make bench      the benchmarks, in the box (QUICK=1: a short run)
#   make tiny-kernel  the tailored guest kernel (Debian's linux-source-6.1,
#                   allnoconfig + unikernel/tiny-kernel.config, mk/
#                   tiny-kernel.sh) and the lsvm and lighttpd VMs with it
#                   under build/guests/tiny/; not part of make test or CI
#   make soak       lvmd over 2 x 10,000 create/destroy cycles, in the box
#                   (CYCLES=N: shorter), its CSV and plot in build/soak/
#   make V=1        show full commands
#
# Host code is hosted C11; guest code is freestanding (see mk/rules.mk).

BUILD ?= build
V ?= 0

.DEFAULT_GOAL := all
.PHONY: all deps test demo bench bench-quick bench-http soak clean distclean format \
	format-check fuzz check-calls tiny-kernel

all:

include mk/rules.mk
include noxs/module.mk
include toolstack/module.mk
include bench/module.mk
include guests/module.mk
include unikernel/module.mk
include tests/module.mk

all: $(ALL_TARGETS)

# OCI=1 (make test OCI=1): the containers layer's packages too, and the
# main box with it, running the OCI runtime's tests after the main group.
deps:
	@CACHE=$(BUILD)/cache $(if $(filter 1,$(OCI)),CONTAINERS=1 )bash mk/deps.sh

test: deps
	@$(MAKE) --no-print-directory all fuzz
	@$(if $(filter 1,$(OCI)),LVM_TEST_OCI=1 )bash tests/run-all

demo: deps
	@$(MAKE) --no-print-directory all
	@tests/demo/run

# The box carries Docker, containerd and runc for the benchmarks.
bench:
	@CACHE=$(BUILD)/cache CONTAINERS=1 bash mk/deps.sh
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) bench/box $(if $(filter 1,$(QUICK)),--quick)

# No file of these directories calls a file that calls back into it,
# directly or around a circle; together, as a circle can cross them.
CALL_CHECK_DIRS := toolstack guests/libos

check-calls:
	@bash mk/callcircles.sh $(CALL_CHECK_DIRS)

# C sources under clang-format's rule (.clang-format).
FORMAT_SRCS = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

format:
	$(Q)clang-format -i $(FORMAT_SRCS)

format-check:
	$(Q)clang-format --dry-run -Werror $(FORMAT_SRCS)

# lvm create against the bare libxenguest build, in the box (bench/quick.sh).
bench-quick: deps
	@$(MAKE) --no-print-directory all
	@tests/xenbox/xenbox -t 600 run bench/quick.sh

# The Docker image is made here (bench/http-image.sh) and carried by the
# box's containers layer.
bench-http:
	@CACHE=$(BUILD)/cache CONTAINERS=1 bash mk/deps.sh
	@$(MAKE) --no-print-directory all
	@bash bench/http-image.sh $(BUILD)/images/lighttpd.tar
	@tests/xenbox/xenbox -m 4096 -d 2560 -c 1 -t 1800 --containers run bench/http.sh $(P) $(ROUNDS)

# The soak (bench/soak.sh), not part of make test: the plot is drawn here,
# since the box has no gnuplot; the soak's verdict is the target's status.
# The box runs with its debug sockets (XENBOX_DEBUG) and stallwatch beside
# it: a console silent for KICK_S seconds (default 300; 0: never) while
# every emulated CPU is halted gets the box kicked (Xen's keys r and 0:
# the box has been seen to stop with a runnable dom0 vCPU that no CPU
# picks up; docs/reliability.md), each kick a line in
# build/soak/debug/kicks.log; one silent for STALL_S seconds (default
# 600) gets QEMU's and Xen's view of the box dumped into
# build/soak/debug/stall-N.txt. The console log is build/soak/console.log.
soak: deps
	@$(MAKE) --no-print-directory all
	@rm -rf $(BUILD)/soak && mkdir -p $(BUILD)/soak
	@XENBOX_DEBUG=$(BUILD)/soak/debug tests/xenbox/xenbox -t 43200 \
		-l $(BUILD)/soak/console.log --out $(BUILD)/soak run bench/soak.sh \
		$(if $(CYCLES),--cycles $(CYCLES)) & box=$$!; \
	tests/xenbox/stallwatch $(BUILD)/soak/debug $(BUILD)/soak/console.log \
		$$box $(or $(STALL_S),600) $(or $(KICK_S),300) & \
	wait $$box; rc=$$?; wait; \
	bench/soak.sh --plot $(BUILD)/soak/soak.csv; exit $$rc

# The tailored kernel: minutes of compiling at nice 19 on two jobs, and the
# kernel's build tools (flex, bison, bc), so outside make and make test.
tiny-kernel: deps
	@CACHE=$(BUILD)/cache OUT=$(BUILD)/tiny-kernel bash mk/tiny-kernel.sh
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory $(TINY_GUESTS)

clean:
	rm -rf $(BUILD)/host $(BUILD)/guest $(BUILD)/san $(BUILD)/bin $(BUILD)/guests $(BUILD)/tests $(BUILD)/xenbox \
		$(BUILD)/pic $(BUILD)/lib $(BUILD)/fuzz

distclean:
	rm -rf $(BUILD)

-include $(DEPFILES)
