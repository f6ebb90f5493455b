# make bench (included by the top Makefile): tests/bench/run.sh, as root,
# reports in $(O)/bench/*.md.
#
# The peers that make bench boots next to blkasm (tests/bench/boot_bench.sh):
# a busybox shell /init with Debian's losetup, mdadm and dmsetup, Debian's
# initramfs-tools (mkinitramfs, as root, in a private mount namespace),
# dracut and tiny-initramfs (their Debian packages unpacked, not installed:
# both conflict with initramfs-tools). All take Debian's binaries of this
# host's architecture.
$(B)/peer-busybox.cpio.gz: $(BS)/busybox.stamp $(B)/kernel.stamp $(MODULE_LISTS) \
		rootfs/peer-busybox.sh rootfs/peer-busybox-init.sh \
		rootfs/modules.sh rootfs/debtools.sh | $(NEED_DEPS)
	$(E) CPIO $@
	$(Q)$(SCRIPT_ENV) rootfs/peer-busybox.sh $@ $(BS)/busybox $(B)/kernel $(MODULE_LISTS) \
		$(if $(filter 1,$(V)),,>$@.log 2>&1 || { tail -n 30 $@.log; exit 1; })

$(B)/peer-itools.img: $(B)/kernel.stamp rootfs/peer-itools.sh | $(NEED_DEPS)
	$(E) MKINITRD $@
	$(Q)rootfs/peer-itools.sh $@ $(B)/kernel

$(B)/peer-dracut.img: $(B)/kernel.stamp rootfs/peer-dracut.sh rootfs/peer-debs.sh | $(NEED_DEPS)
	$(E) DRACUT $@
	$(Q)$(SCRIPT_ENV) rootfs/peer-dracut.sh $@ $(B)/kernel

$(B)/peer-tirfs.img: $(B)/kernel.stamp board/$(BOARD)/modules rootfs/peer-tirfs.sh \
		rootfs/peer-debs.sh | $(NEED_DEPS)
	$(E) MKTIRFS $@
	$(Q)$(SCRIPT_ENV) rootfs/peer-tirfs.sh $@ $(B)/kernel board/$(BOARD)/modules

# blkasm's initramfs for the md layout of the boot benchmark (root=/dev/md0).
$(B)/initramfs-benchmd.cpio.gz: $(INITRAMFS_DEPS) tests/bench/boot-md.conf
	$(E) IRD $@
	$(Q)$(call initramfs,$@,tests/bench/boot-md.conf)

# The generator's image for a loop root as a plan (tests/board/loop-plan.conf),
# for the size table next to the full stack's (initramfs-stack.cpio.gz).
$(B)/initramfs-loop.cpio.gz: $(INITRAMFS_DEPS) tests/board/loop-plan.conf
	$(E) IRD $@
	$(Q)$(call initramfs,$@,tests/board/loop-plan.conf)

# The boot benchmark's image layout: the disk of the read-only image root
# scenarios (rootfs/roimage.sh), its root's init the demo root's.
$(BS)/roimg-demo.img: $(BS)/busybox.stamp $(BS)/blkasm rootfs/roimage.sh rootfs/init.sh
	$(E) MKFS $@
	$(Q)rootfs/roimage.sh $@ $(BS)/busybox $(BS)/blkasm rootfs/init.sh

# The binary size report alone (make bench writes it too, with every
# board's binary already built): no boots, no root.
$(O)/bench/size-binary.md: $(BS)/blkasm tests/bench/binary_size.sh
	$(E) SIZE $@
	$(Q)tests/bench/binary_size.sh $@ $(BS)/blkasm

HOST_DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
BENCH_IMAGES = $(B)/initramfs-benchmd.cpio.gz $(B)/initramfs-loop.cpio.gz $(BS)/roimg-demo.img
ifeq ($(DEB_ARCH),$(HOST_DEB_ARCH))
BENCH_IMAGES += $(B)/peer-busybox.cpio.gz $(B)/peer-itools.img $(B)/peer-dracut.img \
	$(B)/peer-tirfs.img
endif
BENCH_PROGS = $(O)/host/tests/bench/hold $(O)/host/tests/race/prober
BENCH_TREE = $(if $(filter tree,$(KERNEL)),,bench-tree)
bench: $(NEED_DEPS) $(B)/blkasm $(BENCH_PROGS) images $(BENCH_IMAGES) $(BENCH_TREE)
	$(Q)tests/bench/run.sh '$(O)' '$(B)'

# The same board on its own kernel, every driver built in (the boot
# benchmark's "tree" rows): its images and its md layout's initramfs, in
# $(O)/$(BOARD)-tree. The kernel build is cached (rootfs/kernel.mk).
.PHONY: bench-tree
bench-tree: $(NEED_DEPS)
	+$(Q)$(MAKE) KERNEL=tree NO_DEPS=1 images $(O)/$(BOARD)-tree/initramfs-benchmd.cpio.gz

$(O)/host/tests/bench/hold: tests/bench/hold.c
	$(E) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(WARN) -std=gnu11 $(HOST_CFLAGS) -o $@ $<
