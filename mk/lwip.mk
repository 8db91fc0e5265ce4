# mk/lwip.mk — lwIP 2.1.3, built freestanding for the networked guests.
#
# The source is Debian's source package `lwip`, unpacked by `make deps`
# (mk/lwip-src.sh) into $(LWIP_DIR); it is never copied into the tree.
# Only the core, IPv4 and Ethernet are built (NO_SYS, raw API), with the
# configuration in guests/lwip/include (lwipopts.h, arch/cc.h) and the glue
# to libos in guests/lwip/*.c, into $(BUILD)/guest/lwip.a. guests/module.mk
# links it only into the guests listed in NET_GUESTS.

LWIP_DIR ?= $(BUILD)/cache/src/lwip
LWIP_CORE := init.c def.c inet_chksum.c ip.c mem.c memp.c netif.c pbuf.c \
	tcp.c tcp_in.c tcp_out.c timeouts.c udp.c \
	ipv4/etharp.c ipv4/icmp.c ipv4/ip4.c ipv4/ip4_addr.c ipv4/ip4_frag.c
LWIP_SRCS := $(addprefix core/,$(LWIP_CORE)) netif/ethernet.c
LWIP_OBJS := $(patsubst %.c,$(BUILD)/guest/lwip/src/%.o,$(LWIP_SRCS))
LWIP_GLUE_SRCS := $(sort $(wildcard guests/lwip/*.c))
LWIP_GLUE_OBJS := $(call guest_objs,$(LWIP_GLUE_SRCS))
LWIP_LIB := $(BUILD)/guest/lwip.a
LWIP_INC := -Iguests/lwip/include -I$(LWIP_DIR)/src/include

# lwIP's own sources: its headers, our configuration; its code is not held
# to the project's warning set (-Werror dropped, unused-parameter quiet).
LWIP_CFLAGS = $(filter-out -Werror,$(GUEST_CFLAGS)) $(LWIP_INC) \
	-Wno-unused-parameter -Wno-address -Wno-sign-compare

$(LWIP_DIR)/src/core/tcp.c:
	@echo "lwIP's source is missing in $(LWIP_DIR): run make deps" >&2
	@exit 1

$(BUILD)/guest/lwip/src/%.o: $(LWIP_DIR)/src/%.c | $(GUEST_XENINC)/xen
	$(quiet) CC-LWIP $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(LWIP_CFLAGS) -c -o $@ $<

$(LWIP_OBJS): | $(LWIP_DIR)/src/core/tcp.c
$(LWIP_GLUE_OBJS): GUEST_CFLAGS += $(LWIP_INC)

$(LWIP_LIB): $(LWIP_GLUE_OBJS) $(LWIP_OBJS)
	$(quiet) AR $@
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

DEPFILES += $(patsubst %.o,%.d,$(LWIP_OBJS) $(LWIP_GLUE_OBJS))
