/* SPDX-License-Identifier: MIT */
/* The A/B slot parameters of the kernel command line (lib/cmdline_slot.c). */
#include "cmdline.h"
#include "cmdline_fixture.h"

#include <atf-c.h>
#include <errno.h>
#include <string.h>

#define NAME "a slot name: 1-23 of a-z 0-9 _ - (not starting with -)"
#define NEED_SLOTS "blkasm.slots= or blkasm.slotdev= too (where the slot state is)"
#define NEED_MARK "loop= too, with {slot} once where the slot's name goes " \
		  "(loop=/images/root-{slot}.img)"

/* line is refused at column col, naming param, expecting want. */
static void parse_bad(const char *line, unsigned int col, const char *param, const char *want)
{
	ATF_REQUIRE_EQ_MSG(cmdline_parse(line, &bp, &err), -EINVAL, "'%s' accepted", line);
	ATF_CHECK_EQ_MSG(err.column, col, "'%s': column %u", line, err.column);
	ATF_CHECK_STREQ(err.param, param);
	ATF_CHECK_STREQ(err.expected, want);
}

ATF_TC_WITHOUT_HEAD(slots_taken);
ATF_TC_BODY(slots_taken, tc)
{
	char buf[64];

	parse_ok("root=/dev/vda loop=/images/root-{slot}.img blkasm.slots=/boot/slots "
		 "blkasm.slot=b blkasm.slotfallback=a_1");
	ATF_CHECK_STREQ(bp.slots, "/boot/slots");
	ATF_CHECK_STREQ(bp.slot, "b");
	ATF_CHECK_STREQ(bp.slot_fallback, "a_1");
	ATF_CHECK(!bp.have_slot_dev);
	ATF_REQUIRE_EQ(cmdline_slot_subst(bp.loop, "b", buf, sizeof(buf)), 0);
	ATF_CHECK_STREQ(buf, "/images/root-b.img");
	ATF_CHECK_EQ(cmdline_slot_subst(bp.loop, "b", buf, 10), -ENAMETOOLONG);
	/* Without blkasm.slots= nothing changes. */
	parse_ok("root=/dev/vda loop=/images/root.img");
	ATF_CHECK_STREQ(bp.slots, "");
	ATF_CHECK(!bp.have_slot_dev);
	ATF_CHECK_EQ(cmdline_slot_subst(bp.loop, "b", buf, sizeof(buf)), -EINVAL);
	/* Block device slots: the state on a device, {slot} in root=. */
	parse_ok("root=PARTLABEL=root_{slot} blkasm.slotdev=PARTLABEL=slots");
	ATF_CHECK(bp.have_slot_dev);
	ATF_CHECK_STREQ(bp.slot_dev.value, "slots");
	ATF_REQUIRE_EQ(cmdline_slot_subst(bp.root.value, "a", buf, sizeof(buf)), 0);
	ATF_CHECK_STREQ(buf, "root_a");
	/* Image slots with the state on a device. */
	parse_ok("root=/dev/vda loop=/i/{slot}.img blkasm.slotdev=/dev/vdb");
	ATF_CHECK_STREQ(bp.slot_dev.value, "/dev/vdb");
}

ATF_TC_WITHOUT_HEAD(slots_refused);
ATF_TC_BODY(slots_refused, tc)
{
	parse_bad("root=/dev/vda loop=/i/r-{slot}.img", 15, "loop=/i/r-{slot}.img",
		  "blkasm.slots= or blkasm.slotdev= too (the slot state that picks the name "
		  "for {slot}), or an image path without {slot}");
	parse_bad("root=/dev/vda loop=/i/r.img blkasm.slots=/s", 29, "blkasm.slots=/s", NEED_MARK);
	parse_bad("root=/dev/vda loop=/i/{slot}{slot} blkasm.slots=/s", 36, "blkasm.slots=/s",
		  NEED_MARK);
	parse_bad("root=/dev/vda blkasm.slots=s", 15, "blkasm.slots=s",
		  "the absolute path of the slot state file on root=");
	parse_bad("root=/dev/vda blkasm.slot=b", 15, "blkasm.slot=b", NEED_SLOTS);
	parse_bad("root=/dev/vda blkasm.slotfallback=a", 15, "blkasm.slotfallback=a", NEED_SLOTS);
	parse_bad("blkasm.slot=B", 1, "blkasm.slot=B", NAME);
	parse_bad("blkasm.slot=-a", 1, "blkasm.slot=-a", NAME);
	parse_bad("blkasm.slotfallback=abcdefghijklmnopqrstuvwx", 1,
		  "blkasm.slotfallback=abcdefghijklmnopqrstuvwx", NAME);
	parse_bad("root=LABEL=r{slot}", 1, "root=LABEL=r{slot}", "blkasm.slotdev= too (the "
		  "device whose slot state picks the name for {slot}), or a root without {slot}");
	parse_bad("root=LABEL=r{slot} blkasm.slots=/s", 20, "blkasm.slots=/s", NEED_MARK);
	parse_bad("root=LABEL=r{slot} loop=/{slot} blkasm.slotdev=LABEL=s", 33,
		  "blkasm.slotdev=LABEL=s", "{slot} once in root= or loop=, where the slot's "
		  "name goes (root=PARTLABEL=root_{slot})");
	parse_bad("root=LABEL=r blkasm.slotdev=LABEL=s", 14, "blkasm.slotdev=LABEL=s",
		  "{slot} once in root= or loop=, where the slot's name goes "
		  "(root=PARTLABEL=root_{slot})");
	parse_bad("root=/dev/vda loop=/{slot} blkasm.slotdev=LABEL=s blkasm.slots=/s", 28,
		  "blkasm.slotdev=LABEL=s", "no blkasm.slots= too (the state is in a file on "
		  "root= or on a device, not both)");
	parse_bad("blkasm.slotdev=sda", 1, "blkasm.slotdev=sda", "the device that holds the "
		  "slot state: /dev/NAME, UUID=, LABEL=, PARTUUID=, PARTLABEL= or MAJOR:MINOR");
	parse_bad("root=/dev/vda loop=/r-{slot}.img blkasm.slots=/s roothash="
		  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 34,
		  "blkasm.slots=/s", "no roothash= (each slot's image has a root hash of its own)");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, slots_taken);
	ATF_TP_ADD_TC(tp, slots_refused);
	return atf_no_error();
}
