# make kernel, and the kernel the board boots (included by the top
# Makefile): KERNEL=debian (the default) unpacks Debian's packaged kernel
# and its modules (rootfs/kernel.sh); KERNEL=tree boots the board's own,
# everything built in, from Debian's linux-source-6.1 with
# board/$(BOARD)/kernel.config and the patches of rootfs/kernel/
# (rootfs/kernel-tree.sh), built once per source version, config and patch
# set and cached in $(DL)/kernel-tree (it says whether it reused or built).
# make kernel always asks it; the stamp only when an input changed.
#
# The one-file kernel (KERNEL=tree): kernel/image-initramfs, the same
# kernel with initramfs-builtin.cpio (rootfs/images.mk) linked in as its
# built-in initramfs (kernel-tree.sh -i), boots with no initrd
# (rootfs/boot.sh -R). make images makes it for KERNEL=tree; make kernel
# too, after the kernel, with what the initramfs needs (blkasm, busybox,
# the generator) for $(O)/$(BOARD)-tree. It is linked again when the
# initramfs or the kernel changed, else left alone.

KTREE_ENV = DL='$(DL)' KARCH='$(KARCH)' KCROSS='$(KCROSS)' KIMAGE='$(KIMAGE)' \
	KCONFIG='board/$(BOARD)/kernel.config'
KTREE_INPUTS = rootfs/kernel-tree.sh rootfs/kernel/inject.config \
	board/$(BOARD)/kernel.config $(wildcard rootfs/kernel/patches/*.patch) \
	$(wildcard /usr/src/linux-source-6.1.tar.xz)

kernel: $(NEED_DEPS)
	$(Q)$(KTREE_ENV) rootfs/kernel-tree.sh $(O)/$(BOARD)-tree/kernel
	$(Q)$(MAKE) KERNEL=tree NO_DEPS=1 $(O)/$(BOARD)-tree/kernel/image-initramfs

ifeq ($(KERNEL),tree)
$(B)/kernel.stamp: $(KTREE_INPUTS) | $(NEED_DEPS)
	$(E) KERNEL $(B)/kernel
	$(Q)$(KTREE_ENV) rootfs/kernel-tree.sh $(B)/kernel
	$(Q)touch $@

$(B)/kernel/image-initramfs: $(B)/kernel.stamp $(B)/initramfs-builtin.cpio
	$(E) KERNEL $@
	$(Q)$(KTREE_ENV) rootfs/kernel-tree.sh -i $(B)/initramfs-builtin.cpio $(B)/kernel
else
$(B)/kernel.stamp: rootfs/kernel.sh | $(NEED_DEPS)
	$(E) KERNEL $(B)/kernel
	$(Q)$(SCRIPT_ENV) rootfs/kernel.sh $(B)/kernel
	$(Q)touch $@
endif
