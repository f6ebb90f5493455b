# make images, make run: the board's kernel, busybox, initramfs, root and
# disk images, and the board test root (included by the top Makefile; the
# scripts are rootfs/*.sh). The kernel itself: rootfs/kernel.mk.

IMAGES = $(B)/blkasm $(B)/kernel.stamp $(B)/initramfs.cpio.gz $(B)/disk.img \
	$(B)/board.env $(B)/test-disk.img $(B)/initramfs-plan.cpio.gz \
	$(B)/initramfs-stack.cpio.gz $(B)/initramfs-deadline.cpio.gz \
	$(B)/initramfs-powercut.cpio.gz $(B)/initramfs-slots.cpio.gz $(BS)/roimg.img \
	$(if $(filter tree,$(KERNEL)),$(B)/kernel/image-initramfs)

images: $(IMAGES)

$(BS)/busybox.stamp: rootfs/busybox.sh | $(NEED_DEPS)
	$(E) BUSYBOX $(BS)/busybox
	$(Q)$(SCRIPT_ENV) rootfs/busybox.sh $(BS)/busybox
	$(Q)touch $@

# Every board initramfs is written by the generator, blkasm-initramfs
# (init/initramfs/; its host build runs here, for either board: the
# aarch64 one is a cross build), from the board kernel's module tree and
# config, the board's blkasm and busybox (the rescue shell), with
# SOURCE_DATE_EPOCH=0. board/$(BOARD)/modules is loaded at boot (--add);
# the plain initramfs also packs board/$(BOARD)/modules.ondemand, loaded by
# blkasm's drivers when needed (--pack). An image with a plan packs what
# the generator derives from that plan, not the on-demand list:
# initramfs-plan (tests/board/boot-plan.conf: the plan's nodes come up in
# the root's graph at boot) and initramfs-stack (the full stack, root on a
# thin volume on md on loops, booted with root=/dev/mapper/blkasm-root).
# Each image's module list is kept beside it (OUT.list, --list).
# KERNEL=tree adds initramfs-builtin.cpio: the plain image's contents,
# uncompressed (-C none), which rootfs/kernel.mk links into the tree
# kernel (kernel/image-initramfs, the one-file kernel).
MODULE_LISTS = board/$(BOARD)/modules board/$(BOARD)/modules.ondemand
modlist = $(shell sed -e 's/\#.*//' $(1))
BOOT_MODULES := $(call modlist,board/$(BOARD)/modules)
ONDEMAND_MODULES := $(call modlist,board/$(BOARD)/modules.ondemand)
IRD_HOST = $(O)/host/blkasm-initramfs
INITRAMFS_DEPS = $(BS)/blkasm $(BS)/busybox.stamp $(B)/kernel.stamp $(MODULE_LISTS) $(IRD_HOST)
# $(call initramfs,OUT,PLAN[,OPTIONS]): PLAN empty for the plain image;
# OPTIONS go to the generator as they are.
initramfs = SOURCE_DATE_EPOCH=0 $(IRD_HOST) -m $(B)/kernel/modules -K $(B)/kernel/config \
	-b $(BS)/blkasm --busybox $(BS)/busybox $(addprefix --add ,$(BOOT_MODULES)) \
	$(if $(2),-c $(2),$(addprefix --pack ,$(ONDEMAND_MODULES))) $(3) --list -o $(1) > $(1).list

$(B)/initramfs.cpio.gz: $(INITRAMFS_DEPS)
	$(E) IRD $@
	$(Q)$(call initramfs,$@)

$(B)/initramfs-builtin.cpio: $(INITRAMFS_DEPS)
	$(E) IRD $@
	$(Q)$(call initramfs,$@,,-C none)

$(B)/initramfs-plan.cpio.gz: $(INITRAMFS_DEPS) tests/board/boot-plan.conf
	$(E) IRD $@
	$(Q)$(call initramfs,$@,tests/board/boot-plan.conf)

# initramfs-powercut: first-boot provisioning under power cuts
# (tests/board/powercut.sh).
$(B)/initramfs-powercut.cpio.gz: $(INITRAMFS_DEPS) tests/board/guest/powercut-plan.conf
	$(E) IRD $@
	$(Q)$(call initramfs,$@,tests/board/guest/powercut-plan.conf)

# initramfs-deadline: a plan whose devices never appear (boot_deadline).
$(B)/initramfs-deadline.cpio.gz: $(INITRAMFS_DEPS) tests/board/deadline-plan.conf
	$(E) IRD $@
	$(Q)$(call initramfs,$@,tests/board/deadline-plan.conf)

$(B)/initramfs-stack.cpio.gz: $(INITRAMFS_DEPS) tests/board/guest/stack-plan.conf
	$(E) IRD $@
	$(Q)$(call initramfs,$@,tests/board/guest/stack-plan.conf)

# initramfs-slots: thin volumes as A/B root slots (slot_thin_snapshot).
$(B)/initramfs-slots.cpio.gz: $(INITRAMFS_DEPS) tests/board/guest/slots-thin-plan.conf
	$(E) IRD $@
	$(Q)$(call initramfs,$@,tests/board/guest/slots-thin-plan.conf)

$(BS)/root.img: $(BS)/busybox.stamp rootfs/root-image.sh rootfs/init.sh
	$(E) MKFS $@
	$(Q)rootfs/root-image.sh $@ $(BS)/busybox

# The read-only image roots' disk (squashfs, erofs, dm-verity: rootfs/roimage.sh;
# its .env beside it), booted by tests/board/roimage.subr.
$(BS)/roimg.img: $(BS)/busybox.stamp $(BS)/blkasm rootfs/roimage.sh tests/board/roimage-init.sh
	$(E) MKFS $@
	$(Q)rootfs/roimage.sh $@ $(BS)/busybox $(BS)/blkasm tests/board/roimage-init.sh

$(BS)/disk.img: $(BS)/root.img rootfs/disk-image.sh
	$(E) MKFS $@
	$(Q)rootfs/disk-image.sh $@ $(BS)/root.img

# A tree kernel's folder gets hard links to what the scripts that take a
# build folder look for there (rootfs/boot.sh: disk.img; make install and
# tests/bench/run.sh: blkasm), built once in $(BS) (the Makefile's BS).
ifneq ($(B),$(BS))
$(B)/blkasm $(B)/disk.img: $(B)/%: $(BS)/%
	$(Q)mkdir -p $(@D) && ln -f $< $@
endif

# The board test root: blkasm, a static prober and aio_stress,
# tests/board/guest and both module lists in the guest, on a disk that also
# holds a partitioned image; with Debian's mdadm, dmsetup, thin tools and
# e2fsprogs of the board's architecture (rootfs/debtools.sh unpacks their
# packages and reads their libraries from the ELF files; an arm64 set is
# checked under qemu-user), cached in $(DL)/debtools.
$(BS)/debtools.stamp: rootfs/debtools.sh | $(NEED_DEPS)
	$(E) DEBTOOLS $(BS)/debtools
	$(Q)mkdir -p $(@D)
	$(Q)$(SCRIPT_ENV) rootfs/debtools.sh $(BS)/debtools \
		$(if $(filter 1,$(V)),,>$(BS)/debtools.log 2>&1 || \
		{ tail -n 30 $(BS)/debtools.log; exit 1; })
	$(Q)touch $@

$(BS)/prober: tests/tools/prober.c | $(KH)/.stamp
	$(E) CC $@
	$(Q)$(CC) -isystem $(KH) $(BASE_CFLAGS) $(CFLAGS) $(BASE_LDFLAGS) -pthread -o $@ $<

# AIO/DIO against fallocate and punch-hole (xfstests generic/300's idea),
# run on ext4 on a thin volume by tests/board/guest/thin_stack.sh.
$(BS)/aio_stress: tests/tools/aio_stress.c | $(KH)/.stamp
	$(E) CC $@
	$(Q)$(CC) -isystem $(KH) $(BASE_CFLAGS) $(CFLAGS) $(BASE_LDFLAGS) -pthread -o $@ $<

$(BS)/parts.img: rootfs/parts-image.sh | $(NEED_DEPS)
	$(E) SFDISK $@
	$(Q)mkdir -p $(@D) && rootfs/parts-image.sh $@

$(B)/test-root.img: $(BS)/blkasm $(BS)/prober $(BS)/aio_stress $(BS)/busybox.stamp \
		rootfs/test-image.sh rootfs/test-init.sh \
		$(wildcard tests/board/guest/*.sh tests/board/guest/*.conf) \
		$(B)/kernel.stamp $(MODULE_LISTS) rootfs/modules.sh $(BS)/debtools.stamp
	$(E) MKFS $@
	$(Q)rootfs/test-image.sh -k $(B)/kernel $(addprefix -m ,$(MODULE_LISTS)) \
		-t $(BS)/debtools/root -x $(BS)/aio_stress $@ $(BS)/busybox $(BS)/blkasm \
		$(BS)/prober tests/board/guest

$(BS)/fs.img: rootfs/fs-image.sh | $(NEED_DEPS)
	$(E) MKFS $@
	$(Q)rootfs/fs-image.sh $@

# Two blank images: the boot plan (tests/board/boot-plan.conf) makes an md
# raid1 of them at the first boot and assembles it at the next.
$(BS)/md-a.img $(BS)/md-b.img:
	$(Q)mkdir -p $(@D) && rm -f $@ && truncate -s 16M $@

$(B)/test-disk.img: $(B)/test-root.img $(BS)/parts.img $(BS)/fs.img $(BS)/md-a.img \
		$(BS)/md-b.img rootfs/disk-image.sh
	$(E) MKFS $@
	$(Q)DISK_SIZE=256M rootfs/disk-image.sh $@ $(B)/test-root.img $(BS)/parts.img \
		$(BS)/fs.img $(BS)/md-a.img $(BS)/md-b.img

# Board settings for rootfs/boot.sh and the board tests (tests/board/
# board.subr), which do not read make syntax.
$(B)/board.env: board/$(BOARD)/board.mk rootfs/images.mk
	$(E) GEN $@
	$(Q)mkdir -p $(@D)
	$(Q)printf "%s='%s'\n" BOARD '$(BOARD)' ARCH '$(ARCH)' QEMU '$(QEMU)' \
		QEMU_ARGS '$(QEMU_ARGS)' CMDLINE '$(KERNEL_CMDLINE)' \
		CONSOLE '$(CONSOLE)' > $@

run: $(NEED_DEPS) images
	$(Q)BOOT_APPEND='$(APPEND)' BOOT_CMDLINE='$(CMDLINE)' \
	BOOT_TIMEOUT='$(TIMEOUT)' BOOT_INTERACTIVE='$(INTERACTIVE)' \
	BOOT_MARKER='$(if $(INTERACTIVE),,BLKASM-ROOT-OK)' rootfs/boot.sh $(B)
