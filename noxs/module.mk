# noxs/module.mk — the device-page codec, built for host and guest.
#
# One source, no dependencies beyond <stddef.h>/<stdint.h>:
#   guests   guests/module.mk adds $(NOXS_SRCS) to the libos archive, so
#            every guest image links it (freestanding flags)
#   host     host programs list $(NOXS_SRCS) among their sources; it builds
#            with HOST_CFLAGS and SAN_CFLAGS like any other host file
# Tested by tests/unit/test_noxs.c and fuzzed by tests/fuzz/fuzz_noxs_page.c.

NOXS_SRCS := noxs/noxs.c

# The vif rings (noxs/vring.h): compiled into libos for the netfront and,
# by the dom0 backend, into host programs. Tested by tests/unit/test_vring.c
# and fuzzed by tests/fuzz/fuzz_vring.c.
NOXS_VRING_SRCS := noxs/vring.c
