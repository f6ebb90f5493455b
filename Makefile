# blkasm — one non-recursive make: this core (the binary, the unit tests,
# install) and its parts, each named after the make target it serves:
#
#   make [BOARD=qemu-x86_64|qemu-aarch64] [O=build] [V=1]   the static binary
#   make unit        host (glibc) ATF-C test programs, atf-sh scripts and
#                    the libFuzzer targets (clang)
#   make install DESTDIR= PREFIX=      make clean
#   make deps        install the missing Debian packages (rootfs/deps.sh,
#                    apt-get; cheap when nothing is missing)
# rootfs/images.mk:
#   make images      + kernel, busybox, initramfs, root.img, disk.img, the
#                    board test root and disk
#   make run         boot the board (INTERACTIVE=1 for a shell; APPEND=,
#                    CMDLINE=, TIMEOUT= are passed to rootfs/boot.sh)
# rootfs/kernel.mk:
#   make kernel      the board's own kernel from Debian's linux-source-6.1
#                    (KERNEL=tree boots it, KERNEL=debian, the default,
#                    Debian's packaged kernel with its modules)
# tests/check.mk:
#   make check       both boards' images, unit tests, kyua; the last line is
#                    N passed, N failed, N skipped; non-zero on a failure
#   make fuzz [FUZZ_TIME=1800]  each fuzz target FUZZ_TIME seconds (a table:
#                    $(O)/fuzz/fuzz.md)
#   make race [RACE_ITERATIONS=1000] [RACE_ROUNDS=100]   tests/race at full
#                    counts (as root)
#   make race-board [PARTSCAN_ROUNDS=200]   the loop races in the x86_64 guest
#   make powercut [POWERCUT_CUTS=50] [POWERCUT_SEED=N]   power cuts during
#                    first-boot provisioning, tallied by phase
#   make slotcut [SLOTCUT_CUTS=50] [SLOTCUT_SEED=N]   power cuts while the
#                    root rewrites the A/B slot state (slot_power_cut)
# tests/bench/bench.mk:
#   make bench       benchmarks against util-linux, busybox, mdadm, dmsetup
#                    and initramfs-tools (tests/bench/run.sh, as root: its
#                    BENCH_* settings are described there)
# init/initramfs/initramfs.mk:
#   blkasm-initramfs, the initramfs generator: its host build
#                    ($(O)/host/blkasm-initramfs, made by make unit), its
#                    board build ($(BS)/blkasm-initramfs) and its install
#
# Packages: only make deps installs them. make, make images, make unit and
# the like never do (they stop at the first missing tool: the compiler and
# the kernel headers are named with a pointer to make deps); make run, make
# check, make bench and make kernel take make deps first by themselves,
# unless NO_DEPS=1 (a machine whose packages are already there).
#
# Everything lands in $(O)/$(BOARD) (board build), $(O)/host (unit tests,
# fuzz targets) and $(O)/fuzz (fuzz objects, corpus, logs, crash inputs).
# Downloads (util-linux source, kernel and busybox debs, Debian's tools of
# the test roots) are cached in $(DL).

BOARD ?= qemu-x86_64
BOARDS = qemu-x86_64 qemu-aarch64
O ?= build
DL ?= $(HOME)/.cache/blkasm
PREFIX ?= /usr/local
DESTDIR ?=

include board/$(BOARD)/board.mk

# The kernel the board boots: debian or tree (rootfs/kernel.mk). A tree
# kernel's images (kernel, initramfs, test root and disk) live in
# $(O)/$(BOARD)-tree, so that the images of both kernels coexist: B is the
# folder of the images of the kernel asked for. What does not depend on the
# kernel (util-linux, blkasm and its objects, busybox, Debian's tools, the
# prober, the demo root and disk) is built once per board, in BS =
# $(O)/$(BOARD), for both kernels; rootfs/images.mk links the files that the
# scripts taking a build folder look for (blkasm, disk.img) into the tree
# kernel's folder.
KERNEL ?= debian
ifeq ($(filter debian tree,$(KERNEL)),)
$(error KERNEL=$(KERNEL): expected debian or tree)
endif
KSUFFIX := $(if $(filter tree,$(KERNEL)),-tree)

BS := $(O)/$(BOARD)
B := $(BS)$(KSUFFIX)
UL := $(BS)/util-linux
KH := $(BS)/kheaders

ifneq ($(V),1)
Q := @
E := @printf '  %-9s %s\n'
MAKEFLAGS += --no-print-directory
else
Q :=
E := @:
endif

# The goals that take make deps first: every rule that needs a package is
# ordered after it (| $(NEED_DEPS)) when one of them was asked for.
DEPS_GOALS = deps run check bench kernel
ifneq ($(NO_DEPS),1)
NEED_DEPS := $(if $(filter $(DEPS_GOALS),$(MAKECMDGOALS)),deps)
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

# Size (tests/bench/binary_size.sh reports it): -Os, a section per function
# and object so that --gc-sections drops what nothing calls, no unwind
# tables (C without exceptions; nothing walks the stack: .eh_frame was
# 57 KB), position-dependent code (the binary is static at a fixed address
# anyway), no RELRO (musl's static start never applies PT_GNU_RELRO, so it
# only cost a page of padding) and no build-id note; stripped (-s). The
# link map ($(BS)/blkasm.map) is what the size report reads.
CFLAGS ?= -Os
WARN = -Wall -Wextra
BASE_CFLAGS = $(WARN) -std=gnu11 -ffunction-sections -fdata-sections -MMD -MP
# The board build's only (the host's sanitizers want unwind tables, and its
# links are PIE).
SIZE_CFLAGS = -fno-asynchronous-unwind-tables -fno-pie
UL_INC = -I$(UL)/libblkid/src -I$(UL)/libmount/src
BASE_CPPFLAGS = -Ilib -Idrivers $(UL_INC) -isystem $(KH)
BASE_LDFLAGS = -static -no-pie -Wl,--gc-sections -Wl,-z,norelro -Wl,--build-id=none \
	-s $(BOARD_LDFLAGS)
UL_LIBS = $(UL)/.libs/libmount.a $(UL)/.libs/libblkid.a

SRCS = $(wildcard lib/*.c drivers/*.c drivers/*/*.c init/*.c)
OBJS = $(SRCS:%.c=$(BS)/obj/%.o)
# lib never sees a header of drivers/ (docs/DESIGN: kinds come as an
# argument): its objects are compiled without -Idrivers.
$(BS)/obj/lib/%.o: BASE_CPPFLAGS = -Ilib $(UL_INC) -isystem $(KH)

# Environment of the scripts in rootfs/.
SCRIPT_ENV = DL='$(DL)' DEB_ARCH='$(DEB_ARCH)' CC='$(CC)' AR='$(AR)' \
	RANLIB='$(RANLIB)' UL_HOST='$(UL_HOST)' KHDR='$(abspath $(KH))' \
	KERNEL_META='$(KERNEL_META)' KERNEL_SUFFIX='$(KERNEL_SUFFIX)' \
	KERNEL_FORMAT='$(KERNEL_FORMAT)' QEMU_USER='$(QEMU_USER)'

.PHONY: all images run check unit fuzz race race-board powercut slotcut bench deps install clean kernel
.SECONDARY:
.DELETE_ON_ERROR:
all: $(B)/blkasm

deps:
	$(Q)rootfs/deps.sh

# $(call need,PROGRAM): stops with a hint when a tool is missing.
need = command -v $(firstword $(1)) >/dev/null || \
	{ echo "$(firstword $(1)) not found: make deps installs the packages" >&2; exit 1; }

# Kernel headers for musl-gcc's -nostdinc: only the kernel's folders, so no
# glibc header leaks in.
$(KH)/.stamp: | $(NEED_DEPS)
	$(E) KHDR $(KH)
	$(Q)[ -d $(KHDR_ASM) ] || { echo "no $(KHDR_ASM): make deps installs it" >&2; exit 1; }
	$(Q)rm -rf $(KH) && mkdir -p $(KH)
	$(Q)for d in linux asm-generic mtd misc rdma sound video xen; do \
		if [ -d $(KHDR_INC)/$$d ]; then ln -s $(KHDR_INC)/$$d $(KH)/$$d; fi; \
	done; ln -s $(KHDR_ASM) $(KH)/asm && touch $@

$(UL)/.stamp: rootfs/util-linux.sh $(KH)/.stamp | $(NEED_DEPS)
	$(E) UTILLNX $(UL)
	$(Q)$(call need,$(CC))
	$(Q)$(SCRIPT_ENV) rootfs/util-linux.sh $(abspath $(UL)) \
		$(if $(filter 1,$(V)),,>$(BS)/util-linux.log 2>&1 || \
		{ tail -n 30 $(BS)/util-linux.log; exit 1; })
	$(Q)touch $@
$(UL_LIBS): $(UL)/.stamp

$(BS)/obj/%.o: %.c | $(UL)/.stamp
	$(E) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CPPFLAGS) $(CPPFLAGS) $(BASE_CFLAGS) $(SIZE_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BS)/blkasm: $(OBJS) $(UL_LIBS)
	$(E) LD $@
	$(Q)$(CC) $(BASE_CFLAGS) $(SIZE_CFLAGS) $(CFLAGS) $(BASE_LDFLAGS) \
		-Wl,-Map=$@.map $(LDFLAGS) -o $@ $^

# Host (glibc) ATF-C tests, one program per tests/<dir>/*_test.c, in
# $(O)/host/tests (kyua's --build-root). tests/unit links the project code
# with the fake seam (tests/unit/fake_*.c) instead of lib/sys.c;
# tests/host (real loop devices, root) links the real seam.
HOST_CFLAGS ?= -O1 -g
# The host build of the project's code (unit and host tests, the host
# generator) runs under AddressSanitizer and UndefinedBehaviorSanitizer:
# any finding ends the program with an error, so make check fails on it
# (the musl board binary cannot take them). HOST_SANITIZE= builds without.
HOST_SANITIZE ?= -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
HOST_CPPFLAGS = -Ilib -Idrivers -I/usr/include/blkid -I/usr/include/libmount
# -pthread: lib/exec.c runs nodes on threads (musl has them in libc).
HOST_LIBS = -latf-c -lblkid -lmount -pthread
HOST_SRCS = $(filter-out lib/sys.c,$(wildcard lib/*.c drivers/*.c drivers/*/*.c))
HOST_OBJS = $(HOST_SRCS:%.c=$(O)/host/obj/%.o)
LIB_HOST_OBJS = $(filter $(O)/host/obj/lib/%,$(HOST_OBJS))
FAKE_SRCS = $(wildcard tests/unit/fake_*.c)
FAKE_OBJS = $(FAKE_SRCS:%.c=$(O)/host/obj/%.o)
REAL_OBJS = $(O)/host/obj/lib/sys.o
TEST_SRCS = $(wildcard tests/*/*_test.c)
TEST_CPROGS = $(TEST_SRCS:tests/%.c=$(O)/host/tests/%)
UNIT_CPROGS = $(filter $(O)/host/tests/unit/%,$(TEST_CPROGS))

# Unit tests of lib link lib and the fakes only, no object of drivers/, and
# are compiled without -Idrivers: a lib test that needs a driver fails to
# build. Driver-level tests (lib + drivers + fakes) are those named after a
# folder of drivers/ or the first word of a driver's file (loop_, md_, dm_,
# thin_, ...), and plan_test, plan_claim_test and initramfs_wish_test: they
# check the parser's and the conflict checks' messages and the modules each
# kind asks for against the real kinds (drivers/table.c), which fake kinds
# would not have; and fault_sweep_test, which runs the full stack.
# Every other unit test is a lib test (today retry, cmdline, devspec,
# devwait, modules, uevent, file, graph, exec, exec_down, log, plan_values,
# state, and the generator's initramfs_{cpio,modsel,check}: the executor
# and graph tests use tests/unit/fake_driver.c's kinds).
DRIVER_WORDS = $(patsubst drivers/%/,%,$(wildcard drivers/*/)) \
	$(foreach f,$(notdir $(wildcard drivers/*/*.c)),$(firstword $(subst _, ,$(f:.c=))))
DRIVER_CPROGS = $(filter $(addprefix $(O)/host/tests/unit/,$(addsuffix _%,$(sort \
	$(DRIVER_WORDS))) plan_test plan_claim_test initramfs_wish_test \
	fault_sweep_test),$(UNIT_CPROGS))
LIB_CPROGS = $(filter-out $(DRIVER_CPROGS),$(UNIT_CPROGS))
LIB_HOST_CPPFLAGS = -Ilib -I/usr/include/blkid -I/usr/include/libmount
$(LIB_CPROGS:$(O)/host/tests/%=$(O)/host/obj/tests/%.o): HOST_CPPFLAGS = $(LIB_HOST_CPPFLAGS)
$(O)/host/obj/lib/%.o: HOST_CPPFLAGS = $(LIB_HOST_CPPFLAGS)

# atf-sh tests: tests/<dir>/<name>_test.sh runs as
# $(O)/host/tests/<dir>/<name>_test; helpers sourced through
# $(atf_get_srcdir) (tests/<dir>/*.subr) are copied.
TEST_SCRIPTS = $(wildcard tests/*/*_test.sh)
TEST_PROGS = $(TEST_SCRIPTS:tests/%.sh=$(O)/host/tests/%) \
	$(patsubst tests/%,$(O)/host/tests/%,$(wildcard tests/*/*.subr))
# Helper programs the tests run (tests/tools/*.c, glibc, no project code).
TOOL_PROGS = $(O)/host/tests/race/prober

# libFuzzer targets tests/fuzz/<name>_fuzz.c, built with clang and the fake
# seam into $(O)/host/tests/fuzz next to their atf-sh smoke test; their
# objects are kept apart from the gcc ones, in $(O)/fuzz/obj.
FUZZCC ?= clang
FUZZ_CFLAGS = -std=gnu11 $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined
FUZZ_TIME ?= 1800
FUZZ_SRCS = $(wildcard tests/fuzz/*_fuzz.c)
FUZZ_PROGS = $(FUZZ_SRCS:tests/%.c=$(O)/host/tests/%)
FUZZ_OBJS = $(patsubst %.c,$(O)/fuzz/obj/%.o,$(HOST_SRCS) $(FAKE_SRCS))

# Unit tests, atf-sh scripts and fuzz targets, laid out as kyua's --build-root.
# tests/unit/Kyuafile runs every tests/unit/*_test.c by the same wildcard;
# the other folders' Kyuafiles name their programs (with their needs), so a
# test program that none names stops the build instead of never running.
OTHER_TESTS = $(filter-out unit/%,$(basename $(TEST_SRCS:tests/%=%) $(TEST_SCRIPTS:tests/%=%)))
unit: $(TEST_CPROGS) $(TEST_PROGS) $(FUZZ_PROGS) $(TOOL_PROGS)
	$(Q)for t in $(OTHER_TESTS); do \
		grep -q "name=\"$${t#*/}\"" tests/$${t%%/*}/Kyuafile || \
		{ echo "tests/$${t%%/*}/Kyuafile does not run $${t#*/}" >&2; exit 1; }; \
	done

$(O)/host/obj/%.o: %.c
	$(E) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CPPFLAGS) $(BASE_CFLAGS) $(HOST_CFLAGS) $(HOST_SANITIZE) -c -o $@ $<

# Static pattern rules: with two implicit rules for one target, make would
# take the real seam whenever a fake object had not been built yet.
# SAN_OBJS: LeakSanitizer's suppressions (libatf-c's own leaks only).
SAN_OBJS = $(if $(HOST_SANITIZE),$(O)/host/obj/tests/sanitize.o)
$(LIB_CPROGS): $(O)/host/tests/%: $(O)/host/obj/tests/%.o $(LIB_HOST_OBJS) $(FAKE_OBJS) \
		$(SAN_OBJS)
	$(E) HOSTLD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_SANITIZE) -o $@ $^ $(HOST_LIBS)

$(DRIVER_CPROGS): $(O)/host/tests/%: $(O)/host/obj/tests/%.o $(HOST_OBJS) $(FAKE_OBJS) \
		$(SAN_OBJS)
	$(E) HOSTLD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_SANITIZE) -o $@ $^ $(HOST_LIBS)

$(filter-out $(UNIT_CPROGS),$(TEST_CPROGS)): $(O)/host/tests/%: \
		$(O)/host/obj/tests/%.o $(HOST_OBJS) $(REAL_OBJS) $(SAN_OBJS)
	$(E) HOSTLD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_SANITIZE) -o $@ $^ $(HOST_LIBS)

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

$(O)/fuzz/obj/%.o: %.c
	$(E) FUZZCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZCC) $(HOST_CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_PROGS): $(O)/host/tests/%: $(O)/fuzz/obj/tests/%.o $(FUZZ_OBJS)
	$(E) FUZZLD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZCC) $(FUZZ_CFLAGS) -o $@ $^ -lblkid -lmount -pthread

# blkasm itself built for the host (glibc), without the sanitizers, for the
# CLI host tests under valgrind (tests/host/*_vg_test): memcheck sees the
# heap through glibc's malloc, which the static musl binary keeps to itself,
# and it cannot run beside AddressSanitizer. tests/host/valgrind.sh wraps it.
VG_SRCS = $(SRCS)
VG_OBJS = $(VG_SRCS:%.c=$(O)/host/vg/obj/%.o)
$(O)/host/vg/obj/%.o: %.c
	$(E) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CPPFLAGS) $(BASE_CFLAGS) $(HOST_CFLAGS) -c -o $@ $<

$(O)/host/blkasm: $(VG_OBJS)
	$(E) HOSTLD $@
	$(Q)$(HOSTCC) -o $@ $^ -lblkid -lmount -pthread

$(O)/host/tests/host/valgrind: tests/host/valgrind.sh $(O)/host/blkasm
	$(Q)mkdir -p $(@D)
	$(Q)sed 's|@BLKASM@|$(abspath $(O))/host/blkasm|' $< > $@ && chmod +x $@
unit: $(O)/host/tests/host/valgrind

MANDIR ?= $(PREFIX)/share/man
install: $(B)/blkasm
	install -D -m 0755 $(B)/blkasm $(DESTDIR)$(PREFIX)/sbin/blkasm
	install -D -m 0644 docs/blkasm.8 $(DESTDIR)$(MANDIR)/man8/blkasm.8
	install -D -m 0644 docs/blkasm.conf.5 $(DESTDIR)$(MANDIR)/man5/blkasm.conf.5

clean:
	rm -rf $(O)

include rootfs/images.mk rootfs/kernel.mk tests/check.mk tests/bench/bench.mk \
	init/initramfs/initramfs.mk

-include $(OBJS:.o=.d) $(HOST_OBJS:.o=.d) $(VG_OBJS:.o=.d) $(FAKE_OBJS:.o=.d) $(REAL_OBJS:.o=.d) \
	$(TEST_CPROGS:$(O)/host/tests/%=$(O)/host/obj/tests/%.d) \
	$(FUZZ_OBJS:.o=.d) $(FUZZ_PROGS:$(O)/host/tests/%=$(O)/fuzz/obj/tests/%.d)
