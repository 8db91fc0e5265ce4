# toolstack/module.mk — liblvm, lvm and lvmd.
