# make kernel, and the kernel the board boots (included by the top
# Makefile): KERNEL=debian (the default) unpacks Debian's packaged kernel
# and its modules (rootfs/kernel.sh); KERNEL=tree boots the board's own,
# everything built in, from Debian's linux-source-6.1 with
# board/$(BOARD)/kernel.config and the patches of rootfs/kernel/
# (rootfs/kernel-tree.sh), built once per source version, config and patch
# set and cached in $(DL)/kernel-tree (it says whether it reused or built).
# make kernel always asks it; the stamp only when an input changed.

KTREE_ENV = DL='$(DL)' KARCH='$(KARCH)' KCROSS='$(KCROSS)' KIMAGE='$(KIMAGE)' \
	KCONFIG='board/$(BOARD)/kernel.config'
KTREE_INPUTS = rootfs/kernel-tree.sh rootfs/kernel/inject.config \
	board/$(BOARD)/kernel.config $(wildcard rootfs/kernel/patches/*.patch) \
	$(wildcard /usr/src/linux-source-6.1.tar.xz)

kernel: $(NEED_DEPS)
	$(Q)$(KTREE_ENV) rootfs/kernel-tree.sh $(O)/$(BOARD)-tree/kernel

ifeq ($(KERNEL),tree)
$(B)/kernel.stamp: $(KTREE_INPUTS) | $(NEED_DEPS)
	$(E) KERNEL $(B)/kernel
	$(Q)$(KTREE_ENV) rootfs/kernel-tree.sh $(B)/kernel
	$(Q)touch $@
else
$(B)/kernel.stamp: rootfs/kernel.sh | $(NEED_DEPS)
	$(E) KERNEL $(B)/kernel
	$(Q)$(SCRIPT_ENV) rootfs/kernel.sh $(B)/kernel
	$(Q)touch $@
endif
