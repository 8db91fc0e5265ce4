# noxs/module.mk — the device-page codec, built for host and guest.
