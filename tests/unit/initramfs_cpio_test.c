/* SPDX-License-Identifier: MIT */
/* init/initramfs/cpio.c: the members and the exact newc bytes. */
#include "ird.h"

#include <atf-c.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes l to memory; returns the bytes (malloc'd) and their count. */
static char *archive(struct ird_list *l, uint32_t mtime, size_t *len, int *r)
{
	char *buf = NULL;
	uint64_t total = 0;
	FILE *f = open_memstream(&buf, len);

	ATF_REQUIRE(f);
	*r = cpio_write(l, f, mtime, &total);
	fclose(f);
	if (*r == 0)
		ATF_CHECK_EQ(total, *len);
	return buf;
}

/* The newc header fields, each 8 hex digits, as the format fixes them. */
#define H(ino, mode, nlink, mtime, size, rmaj, rmin, ns) \
	"070701" ino mode "00000000" "00000000" nlink mtime size "00000000" "00000000" \
	rmaj rmin ns "00000000"

ATF_TC_WITHOUT_HEAD(exact_bytes);
ATF_TC_BODY(exact_bytes, tc)
{
	static const char want[] =
		H("00000001", "000041C0", "00000002", "05F5E100", "00000000",
		  "00000000", "00000000", "00000002") "d\0"
		H("00000002", "00002180", "00000001", "05F5E100", "00000000",
		  "00000005", "00000001", "00000004") "d/c\0" "\0\0"
		H("00000003", "000081A4", "00000001", "05F5E100", "00000002",
		  "00000000", "00000000", "00000004") "d/f\0" "\0\0" "ab\0\0"
		H("00000004", "0000A1FF", "00000001", "05F5E100", "00000003",
		  "00000000", "00000000", "00000002") "l\0" "d/f\0"
		H("00000000", "00000000", "00000001", "00000000", "00000000",
		  "00000000", "00000000", "0000000B") "TRAILER!!!\0" "\0\0\0";
	struct ird_list l = { 0 };
	size_t len;
	char *got;
	int r;

	/* Added out of order: the archive is sorted by name. */
	ATF_REQUIRE_EQ(ird_add_link(&l, "l", "d/f"), 0);
	ATF_REQUIRE_EQ(ird_add_data(&l, "d/f", 0644, "ab", 2), 0);
	ATF_REQUIRE_EQ(ird_add_node(&l, "d/c", 0600, 5, 1), 0);
	ATF_REQUIRE_EQ(ird_add_dir(&l, "d", 0700), 0);	/* after its implicit 0755 */
	got = archive(&l, 100000000, &len, &r);
	ATF_REQUIRE_EQ(r, 0);
	ATF_REQUIRE_EQ(sizeof(want) - 1, 588);
	ATF_REQUIRE_EQ(len, 1024);	/* padded to 512-byte blocks */
	ATF_CHECK(memcmp(got, want, sizeof(want) - 1) == 0);
	for (size_t i = sizeof(want) - 1; i < len; i++)
		ATF_CHECK_EQ(got[i], 0);
	free(got);
	ird_free(&l);
}

ATF_TC_WITHOUT_HEAD(parents_and_modes);
ATF_TC_BODY(parents_and_modes, tc)
{
	struct ird_list l = { 0 };

	ATF_REQUIRE_EQ(ird_add_dir(&l, "tmp", 01777), 0);
	ATF_REQUIRE_EQ(ird_add_data(&l, "a/b/c", 0644, "", 0), 0);
	ATF_REQUIRE_EQ(l.count, 4);
	ATF_CHECK_STREQ(l.e[1].name, "a");
	ATF_CHECK_STREQ(l.e[2].name, "a/b");
	ATF_CHECK_EQ(l.e[2].kind, IRD_DIR);
	ATF_CHECK_EQ(l.e[2].mode, 0755);
	ATF_CHECK_EQ(l.e[0].mode, 01777);
	/* A folder already there keeps its place; a second file is refused. */
	ATF_CHECK_EQ(ird_add_dir(&l, "a", 0700), 0);
	ATF_CHECK_EQ(l.e[1].mode, 0700);
	ATF_CHECK_EQ(ird_add_data(&l, "a/b/c", 0644, "x", 1), -EEXIST);
	ATF_CHECK_EQ(ird_add_link(&l, "a", "b"), -EEXIST);
	ATF_CHECK_EQ(l.count, 4);
	ird_free(&l);
}

ATF_TC_WITHOUT_HEAD(bad_names);
ATF_TC_BODY(bad_names, tc)
{
	struct ird_list l = { 0 };

	ATF_CHECK_EQ(ird_add_data(&l, "/etc/x", 0644, "", 0), -EINVAL);
	ATF_CHECK_EQ(ird_add_data(&l, "lib/../../x", 0644, "", 0), -EINVAL);
	ATF_CHECK_EQ(ird_add_data(&l, "..", 0644, "", 0), -EINVAL);
	ATF_CHECK_EQ(ird_add_dir(&l, "a/", 0755), -EINVAL);
	ATF_CHECK_EQ(ird_add_data(&l, "", 0644, "", 0), -EINVAL);
	ATF_CHECK_EQ(ird_add_data(&l, "a..b/..c", 0644, "", 0), 0);
	ird_free(&l);
}

/* A source file that changed after it was listed makes the write fail. */
ATF_TC_WITHOUT_HEAD(source_changed);
ATF_TC_BODY(source_changed, tc)
{
	struct ird_list l = { 0 };
	FILE *f = fopen("src", "w");
	size_t len;
	int r;

	ATF_REQUIRE(f && fputs("12345", f) >= 0 && fclose(f) == 0);
	ATF_REQUIRE_EQ(ird_add_file(&l, "x", 0644, "src"), 0);
	ATF_CHECK_EQ(l.e[0].size, 5);
	f = fopen("src", "w");
	ATF_REQUIRE(f && fputs("12", f) >= 0 && fclose(f) == 0);
	free(archive(&l, 0, &len, &r));
	ATF_CHECK_EQ(r, -EIO);
	ATF_CHECK_EQ(ird_add_file(&l, "y", 0644, "missing"), -ENOENT);
	ATF_CHECK_EQ(ird_add_file(&l, "z", 0644, "."), -EINVAL);
	ird_free(&l);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, exact_bytes);
	ATF_TP_ADD_TC(tp, parents_and_modes);
	ATF_TP_ADD_TC(tp, bad_names);
	ATF_TP_ADD_TC(tp, source_changed);
	return atf_no_error();
}
