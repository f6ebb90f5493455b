# blkasm-initramfs, the initramfs generator (init/initramfs/), included by
# the Makefile. The program links lib/ and drivers/ (plan validation,
# modules.dep, each kind's modules op) with init/initramfs/*.c:
#   $(O)/host/blkasm-initramfs   glibc host build (tests, packing on this
#                                machine), against the host's libblkid/libmount
#   $(BS)/blkasm-initramfs       the board toolchain's static build, installed
#                                by make install beside blkasm
# make install also puts kernel-hook.sh in /etc/kernel/postinst.d and
# postrm.d as zz-blkasm-initramfs (Debian's kernel hooks, pointed at the
# installed generator), and initramfs.conf.example in share/doc/blkasm: the
# hooks do nothing until /etc/blkasm/initramfs.conf enables them, and make
# install never writes that file.
# tests/unit/initramfs_*_test link init/initramfs/'s parts; the fuzz
# targets tests/fuzz/{softdep,alias,kconfig}_fuzz link its parsers.
IRD_SRCS = $(wildcard init/initramfs/*.c)
# The parts the tests link: everything but the program's own flow.
IRD_LIB_SRCS = $(filter-out $(addprefix init/initramfs/,main.c tree.c pack.c out.c), \
	$(IRD_SRCS))
IRD_DEFS = -Iinit/initramfs -DIRD_DEFAULT_BLKASM='"$(PREFIX)/sbin/blkasm"'
IRD_HOST_OBJS = $(IRD_SRCS:%.c=$(O)/host/obj/%.o)
IRD_HOST_LIB_OBJS = $(IRD_LIB_SRCS:%.c=$(O)/host/obj/%.o)
IRD_OBJS = $(IRD_SRCS:%.c=$(BS)/obj/%.o)
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
	$(Q)$(HOSTCC) $(HOST_SANITIZE) -o $@ $^ -lblkid -lmount -pthread

$(BS)/blkasm-initramfs: $(IRD_OBJS) $(filter-out $(BS)/obj/init/%,$(OBJS)) $(UL_LIBS)
	$(E) LD $@
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(BASE_LDFLAGS) $(LDFLAGS) -o $@ $^

$(IRD_UNIT_PROGS): $(IRD_HOST_LIB_OBJS)
$(IRD_FUZZ_PROGS): $(IRD_FUZZ_OBJS)
unit: $(O)/host/blkasm-initramfs

.PHONY: install-initramfs
install: install-initramfs
install-initramfs: $(BS)/blkasm-initramfs
	install -D -m 0755 $(BS)/blkasm-initramfs $(DESTDIR)$(PREFIX)/sbin/blkasm-initramfs
	install -D -m 0644 docs/blkasm-initramfs.8 $(DESTDIR)$(MANDIR)/man8/blkasm-initramfs.8
	$(foreach d,postinst.d postrm.d,install -d $(DESTDIR)/etc/kernel/$(d) && \
		sed 's|/usr/local/sbin/blkasm-initramfs|$(PREFIX)/sbin/blkasm-initramfs|' \
		init/initramfs/kernel-hook.sh > $(DESTDIR)/etc/kernel/$(d)/zz-blkasm-initramfs && \
		chmod 0755 $(DESTDIR)/etc/kernel/$(d)/zz-blkasm-initramfs;)
	install -D -m 0644 init/initramfs/initramfs.conf.example \
		$(DESTDIR)$(PREFIX)/share/doc/blkasm/initramfs.conf.example

-include $(IRD_HOST_OBJS:.o=.d) $(IRD_OBJS:.o=.d) $(IRD_FUZZ_OBJS:.o=.d)
