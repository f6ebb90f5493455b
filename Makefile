# blkasm — one non-recursive Makefile.
#
#   make [BOARD=qemu-x86_64|qemu-aarch64] [O=build] [V=1]   the static binary
#   make images      + kernel, busybox, initramfs, root.img, disk.img
#   make run         boot the board (INTERACTIVE=1 for a shell; APPEND=,
#                    CMDLINE=, TIMEOUT= are passed to rootfs/boot.sh)
#   make unit        host (glibc) ATF-C test programs, atf-sh scripts and
#                    the libFuzzer targets (clang)
#   make fuzz [FUZZ_TIME=600]   run each fuzz target FUZZ_TIME seconds in
#                    turn on the corpus kept in $(O)/fuzz/corpus (seeded
#                    from tests/fuzz/corpus); fails if any of them crashed
#   make check       both boards' images, unit tests, kyua, summary line
#   make kernel      the board's own kernel from Debian's linux-source-6.1
#                    (board/$(BOARD)/kernel.config, rootfs/kernel/), built
#                    once per source version, config and patch set and
#                    cached in $(DL)/kernel-tree; KERNEL=tree boots it
#                    (make run KERNEL=tree), KERNEL=debian (the default)
#                    boots Debian's packaged kernel with its modules
#   make race [RACE_ITERATIONS=1000] [RACE_ROUNDS=100]   tests/race (loop
#                    devices under a udev-like prober, as root) at full
#                    counts; prints blkasm's failure rates next to the naive
#                    util-linux ones
#   make race-board [PARTSCAN_ROUNDS=200]   the loop races in the x86_64
#                    guest (partition scans; attach/mount/umount/detach),
#                    under the prober, at the full count
#   make bench       benchmarks (tests/bench/run.sh, as root): loop attach+
#                    detach per device against util-linux and busybox
#                    losetup, and detach under a holder of T ms; md raid1
#                    and raid5 assemble/stop against mdadm, thin pool and
#                    16/64/256 thin volumes against dmsetup, in the guest
#                    (x86_64 board); boot time of blkasm against a busybox
#                    script and Debian's initramfs-tools, and blkasm at 1 to
#                    256 nodes; reports in $(O)/bench/*.md, chart
#                    $(O)/bench/boot.png (BENCH_N,
#                    BENCH_RUNS, BENCH_HOLD_MS, BENCH_HOLD_RUNS,
#                    BENCH_POLL_MS: see loop_bench.sh; BENCH_MD_RUNS:
#                    md_bench.sh; BENCH_THIN_RUNS: thin_bench.sh;
#                    BENCH_BOOT_RUNS, BENCH_SCALE_RUNS: boot_bench.sh)
#   make deps        install missing Debian packages (cheap when warm)
#   make install DESTDIR= PREFIX=      make clean
#
# Everything lands in $(O)/$(BOARD) (board build), $(O)/host (unit tests,
# fuzz targets) and $(O)/fuzz (fuzz objects, corpus, logs, crash inputs).
# Downloads (util-linux source, kernel and busybox debs, the Debian tools of
# the x86_64 test root) are cached in $(DL).

BOARD ?= qemu-x86_64
BOARDS = qemu-x86_64 qemu-aarch64
O ?= build
DL ?= $(HOME)/.cache/blkasm
PREFIX ?= /usr/local
DESTDIR ?=

include board/$(BOARD)/board.mk

# The kernel the board boots: debian (Debian's package with its modules) or
# tree (the board's own, everything built in: rootfs/kernel-tree.sh). A tree
# kernel's board build lives in $(O)/$(BOARD)-tree, so that the images of
# both kernels coexist.
KERNEL ?= debian
ifeq ($(filter debian tree,$(KERNEL)),)
$(error KERNEL=$(KERNEL): expected debian or tree)
endif
KSUFFIX := $(if $(filter tree,$(KERNEL)),-tree)

B := $(O)/$(BOARD)$(KSUFFIX)
UL := $(B)/util-linux
KH := $(B)/kheaders

ifneq ($(V),1)
Q := @
E := @printf '  %-9s %s\n'
MAKEFLAGS += --no-print-directory
else
Q :=
E := @:
endif

# Target toolchain: the board's musl wrapper unless CC or CROSS_COMPILE is
# given (then $(CROSS_COMPILE)gcc, e.g. a real musl cross compiler).
ifeq ($(origin CC),default)
ifneq ($(filter command line environment,$(origin CROSS_COMPILE)),)
CC = $(CROSS_COMPILE)gcc
else
CC = $(BOARD_CC)
endif
endif
ifeq ($(origin AR),default)
AR = $(CROSS_COMPILE)ar
endif
RANLIB ?= $(CROSS_COMPILE)ranlib
HOSTCC ?= gcc

CFLAGS ?= -Os
WARN = -Wall -Wextra
BASE_CFLAGS = $(WARN) -std=gnu11 -ffunction-sections -fdata-sections -MMD -MP
BASE_CPPFLAGS = -Ilib -Idrivers -I$(UL)/libblkid/src -I$(UL)/libmount/src \
	-isystem $(KH)
BASE_LDFLAGS = -static -Wl,--gc-sections -s $(BOARD_LDFLAGS)
UL_LIBS = $(UL)/.libs/libmount.a $(UL)/.libs/libblkid.a

SRCS = $(wildcard lib/*.c drivers/*.c drivers/*/*.c init/*.c)
OBJS = $(SRCS:%.c=$(B)/obj/%.o)

# Host (glibc) ATF-C tests, one program per tests/<dir>/*_test.c, in
# $(O)/host/tests (kyua's --build-root). tests/unit links the project code
# with the fake seam (tests/unit/fake_*.c) instead of lib/sys.c;
# tests/host (real loop devices, root) links the real seam.
HOST_CFLAGS ?= -O1 -g
HOST_CPPFLAGS = -Ilib -Idrivers -I/usr/include/blkid -I/usr/include/libmount
# -pthread: lib/exec.c runs nodes on threads (musl has them in libc).
HOST_LIBS = -latf-c -lblkid -lmount -pthread
HOST_SRCS = $(filter-out lib/sys.c,$(wildcard lib/*.c drivers/*.c drivers/*/*.c))
HOST_OBJS = $(HOST_SRCS:%.c=$(O)/host/obj/%.o)
FAKE_SRCS = $(wildcard tests/unit/fake_*.c)
FAKE_OBJS = $(FAKE_SRCS:%.c=$(O)/host/obj/%.o)
REAL_OBJS = $(O)/host/obj/lib/sys.o
TEST_SRCS = $(wildcard tests/*/*_test.c)
TEST_CPROGS = $(TEST_SRCS:tests/%.c=$(O)/host/tests/%)
UNIT_CPROGS = $(filter $(O)/host/tests/unit/%,$(TEST_CPROGS))
# atf-sh tests: tests/<dir>/<name>_test.sh runs as
# $(O)/host/tests/<dir>/<name>_test; helpers sourced through
# $(atf_get_srcdir) (tests/<dir>/*.subr) are copied.
TEST_SCRIPTS = $(wildcard tests/*/*_test.sh)
TEST_PROGS = $(TEST_SCRIPTS:tests/%.sh=$(O)/host/tests/%) \
	$(patsubst tests/%,$(O)/host/tests/%,$(wildcard tests/*/*.subr))
# Helper programs the tests run (tests/tools/*.c, glibc, no project code).
TOOL_PROGS = $(O)/host/tests/race/prober
RACE_ITERATIONS ?= 1000
RACE_ROUNDS ?= 100

# libFuzzer targets tests/fuzz/<name>_fuzz.c, built with clang and the fake
# seam into $(O)/host/tests/fuzz next to their atf-sh smoke test; their
# objects are kept apart from the gcc ones, in $(O)/fuzz/obj.
FUZZCC ?= clang
FUZZ_CFLAGS = -std=gnu11 $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined
FUZZ_TIME ?= 600
FUZZ_SRCS = $(wildcard tests/fuzz/*_fuzz.c)
FUZZ_PROGS = $(FUZZ_SRCS:tests/%.c=$(O)/host/tests/%)
FUZZ_OBJS = $(patsubst %.c,$(O)/fuzz/obj/%.o,$(HOST_SRCS) $(FAKE_SRCS))

IMAGES = $(B)/blkasm $(B)/kernel.stamp $(B)/initramfs.cpio.gz $(B)/disk.img \
	$(B)/board.env $(B)/test-disk.img $(B)/initramfs-plan.cpio.gz \
	$(B)/initramfs-stack.cpio.gz

# Environment of the scripts in rootfs/.
SCRIPT_ENV = DL='$(DL)' DEB_ARCH='$(DEB_ARCH)' CC='$(CC)' AR='$(AR)' \
	RANLIB='$(RANLIB)' UL_HOST='$(UL_HOST)' KHDR='$(abspath $(KH))' \
	KERNEL_META='$(KERNEL_META)' KERNEL_SUFFIX='$(KERNEL_SUFFIX)' \
	KERNEL_FORMAT='$(KERNEL_FORMAT)' QEMU_USER='$(QEMU_USER)'

.PHONY: all images run check unit fuzz race race-board bench deps install clean kernel
.SECONDARY:
.DELETE_ON_ERROR:
all: $(B)/blkasm

images: $(IMAGES)

deps:
	$(Q)rootfs/deps.sh

# Kernel headers for musl-gcc's -nostdinc: only the kernel's folders, so no
# glibc header leaks in.
$(KH)/.stamp:
	$(E) KHDR $(KH)
	$(Q)rm -rf $(KH) && mkdir -p $(KH)
	$(Q)for d in linux asm-generic mtd misc rdma sound video xen; do \
		if [ -d $(KHDR_INC)/$$d ]; then ln -s $(KHDR_INC)/$$d $(KH)/$$d; fi; \
	done; ln -s $(KHDR_ASM) $(KH)/asm && touch $@

$(UL)/.stamp: rootfs/util-linux.sh $(KH)/.stamp | deps
	$(E) UTILLNX $(UL)
	$(Q)$(SCRIPT_ENV) rootfs/util-linux.sh $(abspath $(UL)) \
		$(if $(filter 1,$(V)),,>$(B)/util-linux.log 2>&1 || \
		{ tail -n 30 $(B)/util-linux.log; exit 1; })
	$(Q)touch $@
$(UL_LIBS): $(UL)/.stamp

$(B)/obj/%.o: %.c | $(UL)/.stamp
	$(E) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/blkasm: $(OBJS) $(UL_LIBS)
	$(E) LD $@
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(BASE_LDFLAGS) $(LDFLAGS) -o $@ $^

# The board's own kernel (KERNEL=tree): rootfs/kernel-tree.sh builds it
# from linux-source-6.1 with the board's config fragment and the project's
# patches, or reuses the build of the same inputs cached in $(DL)/kernel-tree
# (it says which). make kernel always asks it; the stamp only when an input
# changed.
KTREE_ENV = DL='$(DL)' KARCH='$(KARCH)' KCROSS='$(KCROSS)' KIMAGE='$(KIMAGE)' \
	KCONFIG='board/$(BOARD)/kernel.config'
KTREE_INPUTS = rootfs/kernel-tree.sh rootfs/kernel/inject.config \
	board/$(BOARD)/kernel.config $(wildcard rootfs/kernel/patches/*.patch) \
	$(wildcard /usr/src/linux-source-6.1.tar.xz)

kernel: | deps
	$(Q)$(KTREE_ENV) rootfs/kernel-tree.sh $(O)/$(BOARD)-tree/kernel

ifeq ($(KERNEL),tree)
$(B)/kernel.stamp: $(KTREE_INPUTS) | deps
	$(E) KERNEL $(B)/kernel
	$(Q)$(KTREE_ENV) rootfs/kernel-tree.sh $(B)/kernel
	$(Q)touch $@
else
$(B)/kernel.stamp: rootfs/kernel.sh | deps
	$(E) KERNEL $(B)/kernel
	$(Q)$(SCRIPT_ENV) rootfs/kernel.sh $(B)/kernel
	$(Q)touch $@
endif

$(B)/busybox.stamp: rootfs/busybox.sh | deps
	$(E) BUSYBOX $(B)/busybox
	$(Q)$(SCRIPT_ENV) rootfs/busybox.sh $(B)/busybox
	$(Q)touch $@

# Both module lists are packed; only board/$(BOARD)/modules is loaded at
# boot, modules.ondemand when a driver needs it.
MODULE_LISTS = board/$(BOARD)/modules board/$(BOARD)/modules.ondemand
$(B)/initramfs.cpio.gz: $(B)/blkasm $(B)/busybox.stamp $(B)/kernel.stamp \
		$(MODULE_LISTS) rootfs/initramfs.sh rootfs/modules.sh
	$(E) CPIO $@
	$(Q)rootfs/initramfs.sh -o board/$(BOARD)/modules.ondemand $@ $(B)/blkasm \
		$(B)/busybox $(B)/kernel board/$(BOARD)/modules

# The same initramfs with a plan file, for the board test of a boot that
# brings up the plan's nodes in the root's graph.
$(B)/initramfs-plan.cpio.gz: $(B)/blkasm $(B)/busybox.stamp $(B)/kernel.stamp \
		$(MODULE_LISTS) rootfs/initramfs.sh rootfs/modules.sh tests/board/boot-plan.conf
	$(E) CPIO $@
	$(Q)rootfs/initramfs.sh -o board/$(BOARD)/modules.ondemand $@ $(B)/blkasm \
		$(B)/busybox $(B)/kernel board/$(BOARD)/modules tests/board/boot-plan.conf

# And with the full-stack plan (root on a thin volume on md on loops),
# booted with root=/dev/mapper/blkasm-root by the stack board tests.
$(B)/initramfs-stack.cpio.gz: $(B)/blkasm $(B)/busybox.stamp $(B)/kernel.stamp \
		$(MODULE_LISTS) rootfs/initramfs.sh rootfs/modules.sh \
		tests/board/guest/stack-plan.conf
	$(E) CPIO $@
	$(Q)rootfs/initramfs.sh -o board/$(BOARD)/modules.ondemand $@ $(B)/blkasm \
		$(B)/busybox $(B)/kernel board/$(BOARD)/modules tests/board/guest/stack-plan.conf

$(B)/root.img: $(B)/busybox.stamp rootfs/root-image.sh rootfs/init.sh
	$(E) MKFS $@
	$(Q)rootfs/root-image.sh $@ $(B)/busybox

$(B)/disk.img: $(B)/root.img rootfs/disk-image.sh
	$(E) MKFS $@
	$(Q)rootfs/disk-image.sh $@ $(B)/root.img

# The board test root: blkasm, a static prober and aio_stress, tests/board/guest and both
# module lists in the guest, on a disk that also holds a partitioned image.
# A board of this host's architecture also gets Debian's mdadm, dmsetup,
# thin tools and e2fsprogs (rootfs/debtools.sh resolves their libraries
# with the host's ldd), cached in $(DL)/debtools.
HOST_DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
ifeq ($(DEB_ARCH),$(HOST_DEB_ARCH))
GUEST_TOOLS = $(B)/debtools.stamp
GUEST_TOOLS_OPT = -t $(B)/debtools/root
endif

$(B)/debtools.stamp: rootfs/debtools.sh | deps
	$(E) DEBTOOLS $(B)/debtools
	$(Q)$(SCRIPT_ENV) rootfs/debtools.sh $(B)/debtools \
		$(if $(filter 1,$(V)),,>$(B)/debtools.log 2>&1 || \
		{ tail -n 30 $(B)/debtools.log; exit 1; })
	$(Q)touch $@

$(B)/prober: tests/tools/prober.c | $(KH)/.stamp
	$(E) CC $@
	$(Q)$(CC) -isystem $(KH) $(BASE_CFLAGS) $(CFLAGS) $(BASE_LDFLAGS) -pthread -o $@ $<

# AIO/DIO against fallocate and punch-hole (xfstests generic/300's idea),
# run on ext4 on a thin volume by tests/board/guest/thin_stack.sh.
$(B)/aio_stress: tests/tools/aio_stress.c | $(KH)/.stamp
	$(E) CC $@
	$(Q)$(CC) -isystem $(KH) $(BASE_CFLAGS) $(CFLAGS) $(BASE_LDFLAGS) -pthread -o $@ $<

$(B)/parts.img: rootfs/parts-image.sh | deps
	$(E) SFDISK $@
	$(Q)rootfs/parts-image.sh $@

$(B)/test-root.img: $(B)/blkasm $(B)/prober $(B)/aio_stress $(B)/busybox.stamp rootfs/test-image.sh \
		rootfs/test-init.sh $(wildcard tests/board/guest/*.sh tests/board/guest/*.conf) \
		$(B)/kernel.stamp \
		$(MODULE_LISTS) rootfs/modules.sh $(GUEST_TOOLS)
	$(E) MKFS $@
	$(Q)rootfs/test-image.sh -k $(B)/kernel $(addprefix -m ,$(MODULE_LISTS)) \
		$(GUEST_TOOLS_OPT) -x $(B)/aio_stress $@ $(B)/busybox $(B)/blkasm $(B)/prober \
		tests/board/guest

$(B)/fs.img: rootfs/fs-image.sh
	$(E) MKFS $@
	$(Q)rootfs/fs-image.sh $@

# Two blank images: the boot plan (tests/board/boot-plan.conf) makes an md
# raid1 of them at the first boot and assembles it at the next.
$(B)/md-a.img $(B)/md-b.img:
	$(Q)mkdir -p $(@D) && rm -f $@ && truncate -s 16M $@

$(B)/test-disk.img: $(B)/test-root.img $(B)/parts.img $(B)/fs.img $(B)/md-a.img \
		$(B)/md-b.img rootfs/disk-image.sh
	$(E) MKFS $@
	$(Q)DISK_SIZE=256M rootfs/disk-image.sh $@ $(B)/test-root.img $(B)/parts.img \
		$(B)/fs.img $(B)/md-a.img $(B)/md-b.img

# Board settings for rootfs/boot.sh, which does not read make syntax.
$(B)/board.env: board/$(BOARD)/board.mk Makefile
	$(E) GEN $@
	$(Q)mkdir -p $(@D)
	$(Q)printf "%s='%s'\n" BOARD '$(BOARD)' ARCH '$(ARCH)' QEMU '$(QEMU)' \
		QEMU_ARGS '$(QEMU_ARGS)' CMDLINE '$(KERNEL_CMDLINE)' > $@

run: images | deps
	$(Q)BOOT_APPEND='$(APPEND)' BOOT_CMDLINE='$(CMDLINE)' \
	BOOT_TIMEOUT='$(TIMEOUT)' BOOT_INTERACTIVE='$(INTERACTIVE)' \
	BOOT_MARKER='$(if $(INTERACTIVE),,BLKASM-ROOT-OK)' rootfs/boot.sh $(B)

# Unit tests, atf-sh scripts and fuzz targets, laid out as kyua's --build-root.
unit: $(TEST_CPROGS) $(TEST_PROGS) $(FUZZ_PROGS) $(TOOL_PROGS)

$(O)/host/obj/%.o: %.c | deps
	$(E) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CPPFLAGS) $(BASE_CFLAGS) $(HOST_CFLAGS) -c -o $@ $<

# Static pattern rules: with two implicit rules for one target, make would
# take the real seam whenever a fake object had not been built yet.
$(UNIT_CPROGS): $(O)/host/tests/%: $(O)/host/obj/tests/%.o $(HOST_OBJS) $(FAKE_OBJS)
	$(E) HOSTLD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) -o $@ $^ $(HOST_LIBS)

$(filter-out $(UNIT_CPROGS),$(TEST_CPROGS)): $(O)/host/tests/%: \
		$(O)/host/obj/tests/%.o $(HOST_OBJS) $(REAL_OBJS)
	$(E) HOSTLD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) -o $@ $^ $(HOST_LIBS)

$(O)/host/tests/%: tests/%.sh
	$(Q)mkdir -p $(@D)
	$(Q)cp $< $@ && chmod +x $@

$(O)/host/tests/%.subr: tests/%.subr
	$(Q)mkdir -p $(@D)
	$(Q)cp $< $@

$(O)/host/tests/race/prober: tests/tools/prober.c
	$(E) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(WARN) -std=gnu11 $(HOST_CFLAGS) -o $@ $< -pthread

$(O)/fuzz/obj/%.o: %.c | deps
	$(E) FUZZCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZCC) $(HOST_CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_PROGS): $(O)/host/tests/%: $(O)/fuzz/obj/tests/%.o $(FUZZ_OBJS)
	$(E) FUZZLD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZCC) $(FUZZ_CFLAGS) -o $@ $^ -lblkid -lmount -pthread

fuzz: $(FUZZ_PROGS)
	$(Q)tests/fuzz/run.sh $(FUZZ_TIME) $(O)/fuzz $(FUZZ_PROGS)

KYUA_DB = $(O)/kyua/results.db
KYUA_REPORT = $(O)/kyua/report.txt

# Both boards on both kernels: make kernel says whether it reused the
# cached tree kernel or built it (tests/board/tree_test.sh boots them).
TREE_BOARDS = $(BOARDS)
check: | deps
	$(Q)for b in $(BOARDS); do $(MAKE) BOARD=$$b O='$(O)' images || exit; done
	$(Q)for b in $(TREE_BOARDS); do $(MAKE) BOARD=$$b O='$(O)' kernel && \
		$(MAKE) BOARD=$$b O='$(O)' KERNEL=tree images || exit; done
	$(Q)$(MAKE) O='$(O)' unit
	$(Q)rm -rf $(O)/kyua && mkdir -p $(O)/kyua $(O)/host/tests
	$(Q)BLKASM_BUILD='$(abspath $(O))' BLKASM_TOP='$(CURDIR)' \
	BLKASM_BOARDS='$(BOARDS)' kyua test --kyuafile tests/Kyuafile \
		--build-root $(O)/host/tests --results-file=$(KYUA_DB) || :
	$(Q)kyua report --results-file=$(KYUA_DB) --verbose > $(KYUA_REPORT) || :
	$(Q)echo "kyua report: $(KYUA_REPORT)"
	$(Q)tests/summary.sh $(KYUA_REPORT)

race: $(B)/blkasm $(TOOL_PROGS) $(filter $(O)/host/tests/race/%,$(TEST_PROGS))
	$(Q)rm -rf $(O)/race && mkdir -p $(O)/race
	$(Q)BLKASM_BUILD='$(abspath $(O))' BLKASM_RACE_ITERATIONS='$(RACE_ITERATIONS)' \
	BLKASM_RACE_ROUNDS='$(RACE_ROUNDS)' kyua test --kyuafile tests/race/Kyuafile \
		--build-root $(O)/host/tests/race --results-file=$(O)/race/results.db || :
	$(Q)kyua report --results-file=$(O)/race/results.db --verbose \
		--results-filter=passed,skipped,xfail,broken,failed > $(O)/race/report.txt || :
	$(Q)grep -E '^(race|note):' $(O)/race/report.txt || :
	$(Q)tests/summary.sh $(O)/race/report.txt

# The board side of the loop races (partition scans under a prober), at the
# full count; x86_64 board.
PARTSCAN_ROUNDS ?= 200
race-board: images unit
	$(Q)rm -rf $(O)/race-board && mkdir -p $(O)/race-board
	$(Q)BLKASM_BUILD='$(abspath $(O))' BLKASM_TOP='$(CURDIR)' \
	BLKASM_PARTSCAN_ROUNDS='$(PARTSCAN_ROUNDS)' BLKASM_LOOPMOUNT_ROUNDS='$(PARTSCAN_ROUNDS)' kyua test --kyuafile tests/board/Kyuafile \
		--build-root $(O)/host/tests/board --results-file=$(O)/race-board/results.db \
		x86_64_test:partscan_race x86_64_test:loop_mount_race || :
	$(Q)kyua report --results-file=$(O)/race-board/results.db --verbose \
		--results-filter=passed,skipped,xfail,broken,failed > $(O)/race-board/report.txt || :
	$(Q)grep -E '^(PARTSCAN|LOOPMOUNT) ' $(O)/race-board/report.txt || :
	$(Q)tests/summary.sh $(O)/race-board/report.txt

# The peers that make bench boots next to blkasm (tests/bench/boot_bench.sh):
# a busybox shell /init with Debian's losetup, mdadm and dmsetup, and
# Debian's initramfs-tools (mkinitramfs, as root, in a private mount
# namespace). Both take Debian's binaries of this host's architecture.
$(B)/peer-busybox.cpio.gz: $(B)/busybox.stamp $(B)/kernel.stamp $(MODULE_LISTS) \
		rootfs/peer-busybox.sh rootfs/peer-busybox-init.sh rootfs/initramfs.sh \
		rootfs/modules.sh rootfs/debtools.sh | deps
	$(E) CPIO $@
	$(Q)$(SCRIPT_ENV) rootfs/peer-busybox.sh $@ $(B)/busybox $(B)/kernel $(MODULE_LISTS) \
		$(if $(filter 1,$(V)),,>$@.log 2>&1 || { tail -n 30 $@.log; exit 1; })

$(B)/peer-itools.img: $(B)/kernel.stamp rootfs/peer-itools.sh | deps
	$(E) MKINITRD $@
	$(Q)rootfs/peer-itools.sh $@ $(B)/kernel

# blkasm's initramfs for the md layout of the boot benchmark (root=/dev/md0).
$(B)/initramfs-benchmd.cpio.gz: $(B)/blkasm $(B)/busybox.stamp $(B)/kernel.stamp \
		$(MODULE_LISTS) rootfs/initramfs.sh rootfs/modules.sh tests/bench/boot-md.conf
	$(E) CPIO $@
	$(Q)rootfs/initramfs.sh -o board/$(BOARD)/modules.ondemand $@ $(B)/blkasm \
		$(B)/busybox $(B)/kernel board/$(BOARD)/modules tests/bench/boot-md.conf

BENCH_IMAGES = $(B)/initramfs-benchmd.cpio.gz
ifeq ($(DEB_ARCH),$(HOST_DEB_ARCH))
BENCH_IMAGES += $(B)/peer-busybox.cpio.gz $(B)/peer-itools.img
endif
BENCH_PROGS = $(O)/host/tests/bench/hold $(O)/host/tests/race/prober
bench: $(B)/blkasm $(BENCH_PROGS) images $(BENCH_IMAGES)
	$(Q)tests/bench/run.sh '$(O)' '$(B)'

$(O)/host/tests/bench/hold: tests/bench/hold.c
	$(E) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(WARN) -std=gnu11 $(HOST_CFLAGS) -o $@ $<

MANDIR ?= $(PREFIX)/share/man
install: $(B)/blkasm
	install -D -m 0755 $(B)/blkasm $(DESTDIR)$(PREFIX)/sbin/blkasm
	install -D -m 0644 docs/blkasm.8 $(DESTDIR)$(MANDIR)/man8/blkasm.8
	install -D -m 0644 docs/blkasm.conf.5 $(DESTDIR)$(MANDIR)/man5/blkasm.conf.5

clean:
	rm -rf $(O)

-include $(OBJS:.o=.d) $(HOST_OBJS:.o=.d) $(FAKE_OBJS:.o=.d) $(REAL_OBJS:.o=.d) \
	$(TEST_CPROGS:$(O)/host/tests/%=$(O)/host/obj/tests/%.d) \
	$(FUZZ_OBJS:.o=.d) $(FUZZ_PROGS:$(O)/host/tests/%=$(O)/fuzz/obj/tests/%.d)

# ---- blkasm-initramfs: the initramfs generator (init/initramfs/) ----------
# Kept in one block. The program links lib/ and drivers/ (plan validation,
# modules.dep, each kind's modules op) with init/initramfs/*.c:
#   $(O)/host/blkasm-initramfs   glibc host build (tests, packing on this
#                                machine), against the host's libblkid/libmount
#   $(B)/blkasm-initramfs        the board toolchain's static build, installed
#                                by make install beside blkasm
# tests/unit/initramfs_*_test link init/initramfs/'s parts; the fuzz
# targets tests/fuzz/{softdep,alias,kconfig}_fuzz link its parsers.
IRD_SRCS = $(wildcard init/initramfs/*.c)
# The parts the tests link: everything but the program's own flow.
IRD_LIB_SRCS = $(filter-out $(addprefix init/initramfs/,main.c tree.c pack.c out.c), \
	$(IRD_SRCS))
IRD_DEFS = -Iinit/initramfs -DIRD_DEFAULT_BLKASM='"$(PREFIX)/sbin/blkasm"'
IRD_HOST_OBJS = $(IRD_SRCS:%.c=$(O)/host/obj/%.o)
IRD_HOST_LIB_OBJS = $(IRD_LIB_SRCS:%.c=$(O)/host/obj/%.o)
IRD_OBJS = $(IRD_SRCS:%.c=$(B)/obj/%.o)
IRD_UNIT_PROGS = $(filter $(O)/host/tests/unit/initramfs_%,$(UNIT_CPROGS))
IRD_FUZZ_PROGS = $(filter $(addprefix $(O)/host/tests/fuzz/,softdep_fuzz alias_fuzz \
	kconfig_fuzz),$(FUZZ_PROGS))
IRD_FUZZ_OBJS = $(IRD_LIB_SRCS:%.c=$(O)/fuzz/obj/%.o)

$(IRD_HOST_OBJS) $(IRD_UNIT_PROGS:$(O)/host/tests/%=$(O)/host/obj/tests/%.o): \
	HOST_CPPFLAGS += $(IRD_DEFS)
$(IRD_FUZZ_OBJS) $(IRD_FUZZ_PROGS:$(O)/host/tests/%=$(O)/fuzz/obj/tests/%.o): \
	HOST_CPPFLAGS += $(IRD_DEFS)
$(IRD_OBJS): BASE_CPPFLAGS += $(IRD_DEFS)

$(O)/host/blkasm-initramfs: $(IRD_HOST_OBJS) $(HOST_OBJS) $(REAL_OBJS)
	$(E) HOSTLD $@
	$(Q)$(HOSTCC) -o $@ $^ -lblkid -lmount -pthread

$(B)/blkasm-initramfs: $(IRD_OBJS) $(filter-out $(B)/obj/init/%,$(OBJS)) $(UL_LIBS)
	$(E) LD $@
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(BASE_LDFLAGS) $(LDFLAGS) -o $@ $^

$(IRD_UNIT_PROGS): $(IRD_HOST_LIB_OBJS)
$(IRD_FUZZ_PROGS): $(IRD_FUZZ_OBJS)
unit: $(O)/host/blkasm-initramfs

.PHONY: install-initramfs
install: install-initramfs
install-initramfs: $(B)/blkasm-initramfs
	install -D -m 0755 $(B)/blkasm-initramfs $(DESTDIR)$(PREFIX)/sbin/blkasm-initramfs
	install -D -m 0644 docs/blkasm-initramfs.8 $(DESTDIR)$(MANDIR)/man8/blkasm-initramfs.8

-include $(IRD_HOST_OBJS:.o=.d) $(IRD_OBJS:.o=.d) $(IRD_FUZZ_OBJS:.o=.d)
# ---- end of blkasm-initramfs ------------------------------------------------
