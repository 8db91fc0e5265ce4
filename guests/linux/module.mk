# guests/linux/module.mk — a stock Debian Linux PV guest for XenStore
# compatibility tests: the box's kernel (fetched by make deps) plus a tiny
# busybox initramfs, with the kernel's xen-netfront module (no
# dependencies) once make deps has fetched it. Built only once `make deps`
# has fetched the kernel.
# /sbin/poweroff and /sbin/reboot are what the kernel runs when XenStore's
# control/shutdown asks it to stop; there is no init daemon to signal, so
# they stop the machine at once.

LINUX_GUEST_INITRD := $(BUILD)/guests/linux-tiny.cpio.gz
LINUX_GUEST_KERNEL := $(BUILD)/guests/linux.vmlinuz

ifneq ($(wildcard $(BUILD)/cache/box.env),)
LINUX_GUEST_SRC := $(shell . $(BUILD)/cache/box.env && echo $$KERNEL)
LINUX_GUEST_NETFRONT := $(shell . $(BUILD)/cache/box.env && \
	find "$$MODULES" -name xen-netfront.ko -print -quit 2>/dev/null)
endif

$(LINUX_GUEST_INITRD): guests/linux/init guests/linux/module.mk $(LINUX_GUEST_NETFRONT)
	$(quiet) CPIO $@
	@rm -rf $@.root && mkdir -p $@.root/bin $@.root/proc $@.root/sys $@.root/dev $@.root/lib/modules
	$(Q)cp /bin/busybox $@.root/bin/busybox
	$(Q)for a in sh mount echo cat uname sleep poweroff insmod ip ping nc; do \
		ln -s busybox $@.root/bin/$$a; done
	$(Q)$(if $(LINUX_GUEST_NETFRONT),cp $(LINUX_GUEST_NETFRONT) $@.root/lib/modules/,true)
	$(Q)install -m 755 guests/linux/init $@.root/init
	$(Q)mkdir -p $@.root/sbin && for a in poweroff reboot; do \
		printf '#!/bin/sh\nexec /bin/busybox %s -f\n' $$a \
			>$@.root/sbin/$$a && chmod 755 $@.root/sbin/$$a; done
	$(Q)(cd $@.root && find . | LC_ALL=C sort | \
		cpio -o -H newc -R 0:0 --quiet) | gzip -9 >$@.tmp && mv $@.tmp $@
	@rm -rf $@.root

ifneq ($(LINUX_GUEST_SRC),)
$(LINUX_GUEST_KERNEL): $(LINUX_GUEST_SRC)
	$(quiet) CP $@
	@mkdir -p $(@D)
	$(Q)cp $< $@
ALL_TARGETS += $(LINUX_GUEST_KERNEL) $(LINUX_GUEST_INITRD)
endif
