# make check, make fuzz, make race, make race-board: the test suites that
# run (included by the top Makefile; make unit, which builds the host test
# programs, is in the Makefile itself). The suites are kyua's:
# tests/Kyuafile includes every tests/*/Kyuafile; tests/summary.sh prints
# the last line, N passed, N failed, N skipped.

KYUA_DB = $(O)/kyua/results.db
KYUA_REPORT = $(O)/kyua/report.txt
# The environment of the board and host tests (tests/board/board.subr).
KYUA_ENV = BLKASM_BUILD='$(abspath $(O))' BLKASM_TOP='$(CURDIR)'

# Both boards' images, both boards on their own kernels too (make kernel
# says whether it reused the cached tree kernel or built it;
# tests/board/tree_test.sh boots them), the host tests, then kyua. The exit
# status is kyua's (non-zero when a test failed or kyua could not run
# them), or summary.sh's.
# The steps after deps run with NO_DEPS=1: deps was taken once, here.
# The build: the host generator first (every board's initramfs needs it),
# then under one jobserver of CHECK_JOBS jobs (the cores) each board's chain
# (its images, make kernel, its tree kernel's images, which reuse what the
# first built in $(O)/<board>) and make unit, next to each other.
# kyua runs CHECK_JOBS cases at a time (its parallelism), except the
# programs whose Kyuafile says is_exclusive (the races; the host tests that
# attach loop devices): kyua runs those after the others, one case at a time.
TREE_BOARDS = $(BOARDS)
CHECK_MAKE = $(MAKE) O='$(O)' NO_DEPS=1
CHECK_JOBS ?= $(shell nproc)
CHECK_BUILDS = $(addprefix check-build-,$(BOARDS)) check-build-host
check: $(NEED_DEPS)
	$(Q)$(CHECK_MAKE) -j$(CHECK_JOBS) $(IRD_HOST)
	$(Q)$(CHECK_MAKE) -j$(CHECK_JOBS) $(CHECK_BUILDS)
	$(Q)rm -rf $(O)/kyua && mkdir -p $(O)/kyua $(O)/host/tests
	$(Q)rc=0; $(KYUA_ENV) BLKASM_BOARDS='$(BOARDS)' kyua -v parallelism=$(CHECK_JOBS) \
		test --kyuafile tests/Kyuafile --build-root $(O)/host/tests \
		--results-file=$(KYUA_DB) || rc=$$?; \
	kyua report --results-file=$(KYUA_DB) --verbose > $(KYUA_REPORT) || :; \
	echo "kyua report: $(KYUA_REPORT)"; \
	tests/summary.sh $(KYUA_REPORT) $$rc

.PHONY: $(CHECK_BUILDS)
# + : make sees $(MAKE) only when a line names it, and CHECK_MAKE hides it;
# without +, the sub-makes would not share the jobserver.
$(addprefix check-build-,$(BOARDS)): check-build-%:
	+$(Q)$(CHECK_MAKE) BOARD=$* images
	+$(Q)$(if $(filter $*,$(TREE_BOARDS)),$(CHECK_MAKE) BOARD=$* kernel && \
		$(CHECK_MAKE) BOARD=$* KERNEL=tree images)

check-build-host:
	+$(Q)$(CHECK_MAKE) unit

# Power cuts during first-boot provisioning (tests/board/powercut.sh) on
# this board: POWERCUT_CUTS instants from POWERCUT_SEED (default: the
# time), the tally by phase at the end. make check runs two per board.
POWERCUT_CUTS ?= 50
POWERCUT_SEED ?= $(shell date +%s)
powercut: $(NEED_DEPS) images
	$(Q)tests/board/powercut.sh $(B) $(O)/powercut-$(BOARD) $(POWERCUT_CUTS) $(POWERCUT_SEED)

# Power cuts while the running root rewrites the A/B slot state
# (tests/board/slots.subr, slot_power_cut) at the full count, on this
# board: SLOTCUT_CUTS instants from SLOTCUT_SEED. make check makes 4.
SLOTCUT_CUTS ?= 50
SLOTCUT_SEED ?= $(shell date +%s)
slotcut: $(NEED_DEPS) images unit
	$(Q)rm -rf $(O)/slotcut-$(BOARD) && mkdir -p $(O)/slotcut-$(BOARD)
	$(Q)rc=0; $(KYUA_ENV) BLKASM_BOARDS='$(BOARD)' BLKASM_SLOTCUT_CUTS='$(SLOTCUT_CUTS)' \
	BLKASM_SLOTCUT_SEED='$(SLOTCUT_SEED)' kyua test --kyuafile tests/board/Kyuafile \
		--build-root $(O)/host/tests/board --results-file=$(O)/slotcut-$(BOARD)/results.db \
		$(BOARD:qemu-%=%)_test:slot_power_cut || rc=$$?; \
	kyua report --results-file=$(O)/slotcut-$(BOARD)/results.db --verbose \
		--results-filter=passed,skipped,xfail,broken,failed > $(O)/slotcut-$(BOARD)/report.txt || :; \
	grep -E '^(cut [0-9]|slot power cuts:)' $(O)/slotcut-$(BOARD)/report.txt || :; \
	tests/summary.sh $(O)/slotcut-$(BOARD)/report.txt $$rc

fuzz: $(FUZZ_PROGS)
	$(Q)tests/fuzz/run.sh $(FUZZ_TIME) $(O)/fuzz $(FUZZ_PROGS)

# tests/race at full counts: blkasm's failure rates next to the naive
# util-linux ones.
RACE_ITERATIONS ?= 1000
RACE_ROUNDS ?= 100
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
	$(Q)$(KYUA_ENV) BLKASM_PARTSCAN_ROUNDS='$(PARTSCAN_ROUNDS)' \
	BLKASM_LOOPMOUNT_ROUNDS='$(PARTSCAN_ROUNDS)' kyua test --kyuafile tests/board/Kyuafile \
		--build-root $(O)/host/tests/board --results-file=$(O)/race-board/results.db \
		x86_64_race_test:partscan_race x86_64_race_test:loop_mount_race || :
	$(Q)kyua report --results-file=$(O)/race-board/results.db --verbose \
		--results-filter=passed,skipped,xfail,broken,failed > $(O)/race-board/report.txt || :
	$(Q)grep -E '^(PARTSCAN|LOOPMOUNT) ' $(O)/race-board/report.txt || :
	$(Q)tests/summary.sh $(O)/race-board/report.txt
