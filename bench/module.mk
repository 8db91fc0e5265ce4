# bench/module.mk — benchmark tools (host code).

# lvm-bare-build: the libxenctrl + libxenguest baseline for `lvm create`.
BARE_BUILD_SRCS := bench/bare_build.c
$(BUILD)/bin/lvm-bare-build: $(call host_objs,$(BARE_BUILD_SRCS))
	$(quiet) LD $@
	@mkdir -p $(@D)
	$(Q)$(CC) -o $@ $^ -lxenguest -lxenctrl
$(foreach s,$(BARE_BUILD_SRCS),$(eval CFLAGS_$(s) += $(XEN_HOST_CFLAGS)))
DEPFILES += $(patsubst %.o,%.d,$(call host_objs,$(BARE_BUILD_SRCS)))
ALL_TARGETS += $(BUILD)/bin/lvm-bare-build

# lvm-bench-spawn: fork + exec + wait of a static binary, the process
# baseline for bench/pool.sh. Linked statically: it execs itself.
SPAWN_SRCS := bench/spawn.c
$(BUILD)/bin/lvm-bench-spawn: $(call host_objs,$(SPAWN_SRCS))
	$(quiet) LD $@
	@mkdir -p $(@D)
	$(Q)$(CC) -static -o $@ $^
DEPFILES += $(patsubst %.o,%.d,$(call host_objs,$(SPAWN_SRCS)))
ALL_TARGETS += $(BUILD)/bin/lvm-bench-spawn
