/* SPDX-License-Identifier: MIT */
/*
 * The full stack (stack_fixture.h) up and down on the fake kernel, and a
 * fault sweep over the seam: each call of a clean run failed in turn.
 *
 * The counts when it was written: the clean up makes 306 seam calls and
 * the down 145; swept with each error that applies, 906 runs of up (EIO
 * 306, ENOMEM 306, EINTR 251, EBUSY 19, ENOSPC 24; 486 go on) and 426 of
 * down (145, 145, 120, 11, 5; 231 go on), in about 3 s under ASan. The
 * line "fault sweep: ..." in the test's output has today's.
 */
#include "stack_fixture.h"

#include <linux/fs.h>
#include <linux/loop.h>

#define CHECK_HAS(hay, text) \
	ATF_CHECK_MSG(strstr(hay, text), "in: %s\nwant: %s", hay, text)

/* The clean runs: everything made, then everything gone. */
ATF_TC_WITHOUT_HEAD(stack_up_down);
ATF_TC_BODY(stack_up_down, tc)
{
	struct outcome o;
	char *start, *full;

	stack_setup();
	start = strdup(fake_kernel_state(SKIP));
	fake_inject_start(true);
	stack_up(&o);
	ATF_REQUIRE_MSG(o.ret == 0, "up: %s: %s", o.node, o.diag);
	printf("up: %lu seam calls\n", fake_inject_calls());
	full = strdup(fake_kernel_state(SKIP));
	CHECK_HAS(full, "loop0 bound to /images/a.img");
	CHECK_HAS(full, "loop1 bound to /images/b.img");
	CHECK_HAS(full, "md127 running, 2 members");
	CHECK_HAS(full, "dm blkasm-pool 0 2048 thin-pool 253:0 253:1 128 1 0");
	CHECK_HAS(full, "dm blkasm-vol 0 16384 thin 253:2 1");
	CHECK_HAS(full, "file /dev/md/r -> ../md127");
	ATF_CHECK_STREQ(fake_dm_messages(), "blkasm-pool@0 create_thin 1; "
			"blkasm-pool@0 set_transaction_id 0 1");
	ATF_CHECK_STREQ(record(), "node a loop created /dev/loop0\n"
			"node b loop created /dev/loop1\n"
			"node r md created /dev/md127\n"
			"node pool thin-pool created /dev/mapper/blkasm-pool\n"
			"node vol thin created /dev/mapper/blkasm-vol\n");
	CHECK_HAS(fake_finit_trace(), "raid1.ko");
	CHECK_HAS(fake_finit_trace(), "dm-thin-pool.ko");
	/* The process has ended: the loop devices it held are closed. */
	ATF_CHECK_EQ(fake_open_fds(), 0);
	fake_inject_start(true);
	stack_down(&o);
	ATF_REQUIRE_MSG(o.ret == 0, "down: %s: %s", o.node, o.diag);
	printf("down: %lu seam calls\n", fake_inject_calls());
	ATF_CHECK_STREQ(fake_kernel_state(SKIP), start);
	ATF_CHECK_EQ(fake_open_fds(), 0);
	ATF_CHECK_EQ(fake_bad_fds(), 0);
	ATF_CHECK_STREQ(record(), "");
	free(start);
	free(full);
}

/* ---- the sweep ---- */

static const int ERRS[] = { EIO, ENOMEM, EINTR, EBUSY, ENOSPC };
#define NERRS (sizeof(ERRS) / sizeof(ERRS[0]))
#define MAX_CALLS_SWEPT 4096
#define SHOWN 40		/* failures given in detail */

/*
 * Where the kernel says EBUSY: a device in use or a name taken. The ioctl
 * requests of that kind (LOOP_CONFIGURE, LOOP_CLR_FD, BLKRRPART,
 * DM_DEV_CREATE, DM_DEV_REMOVE), opens of block device nodes (md_open
 * racing a stop), sysfs writes (md), mount and umount. Not opens of
 * control nodes, nor reads, nor status requests: none of them ever says it.
 */
static bool busy_possible(enum fake_call c, const char *what)
{
	static const unsigned long reqs[] = { LOOP_CONFIGURE, LOOP_CLR_FD, BLKRRPART,
					      DM_DEV_CREATE, DM_DEV_REMOVE };
	const char *arg = strchr(what, ' ');
	unsigned long req;

	arg = arg ? strchr(arg + 1, ' ') : NULL;
	switch (c) {
	case FC_IOCTL:
		req = arg ? strtoul(arg + 1, NULL, 16) : 0;
		for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
			if (req == reqs[i])
				return true;
		return false;
	case FC_OPEN:
		return !strncmp(what, "open /dev/", 10) && !strstr(what, "control");
	case FC_WRITE:
		return !strncmp(what, "write /sys/", 11);
	default:
		return c == FC_MOUNT || c == FC_UMOUNT;
	}
}

/*
 * The errors a call can meet: EIO, ENOMEM and EINTR anywhere, except EINTR
 * where lib/sys.c retries it itself (read, write, pread, pwrite, waitpid,
 * random_bytes); EBUSY where the kernel says it (busy_possible), as a
 * persistent condition: sticky, so retries meet it too and the policy
 * gives up; ENOSPC where something is written or made.
 */
static bool applies(enum fake_call c, const char *what, int err)
{
	switch (err) {
	case EINTR:
		return c != FC_READ && c != FC_WRITE && c != FC_PREAD && c != FC_PWRITE &&
		       c != FC_WAITPID && c != FC_RANDOM_BYTES;
	case EBUSY:
		return busy_possible(c, what);
	case ENOSPC:
		return c == FC_WRITE || c == FC_PWRITE || c == FC_FSYNC || c == FC_MKDIR ||
		       c == FC_MKNOD || c == FC_SYMLINK || c == FC_RENAME;
	default:
		return true;
	}
}

static const char *err_name(int err)
{
	switch (err) {
	case EIO: return "EIO";
	case ENOMEM: return "ENOMEM";
	case EINTR: return "EINTR";
	case EBUSY: return "EBUSY";
	default: return "ENOSPC";
	}
}

/* The clean run: its calls, and the states before and after. */
struct clean {
	unsigned long calls;
	enum fake_call kind[MAX_CALLS_SWEPT];
	char what[MAX_CALLS_SWEPT][128];
	char *start, *full, *record;
};

struct sweep {
	const char *name;	/* "up" or "down" */
	const struct clean *c;
	unsigned long k;
	int err;
	unsigned long runs, failures, tolerated;
	unsigned long per_err[NERRS];
};

/* The first line of a that b lacks, into out ("-" when none). */
static void first_missing(const char *a, const char *b, char *out, size_t size)
{
	snprintf(out, size, "-");
	for (const char *p = a; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n')) {
		int n = (int)strcspn(p, "\n");
		char line[512];

		snprintf(line, sizeof(line), "%.*s\n", n, p);
		if (!strstr(b, line)) {
			snprintf(out, size, "%.*s", n, p);
			return;
		}
	}
}

/* The first line of a that b lacks, and the other way round. */
static void first_diff(const char *a, const char *b, char *out, size_t size)
{
	char la[512], lb[512];

	first_missing(a, b, la, sizeof(la));
	first_missing(b, a, lb, sizeof(lb));
	snprintf(out, size, "now has [%s], lacks [%s]", la, lb);
}

static void failed(struct sweep *s, const char *fmt, const char *detail)
{
	char msg[1400];

	s->failures++;
	snprintf(msg, sizeof(msg), fmt, detail);
	printf("FAIL %s: call %lu (%s) %s: %s\n", s->name, s->k, s->c->what[s->k - 1],
	       err_name(s->err), msg);
	if (s->failures <= SHOWN)
		ATF_CHECK_MSG(false, "%s: call %lu (%s) %s: %s", s->name, s->k,
			      s->c->what[s->k - 1], err_name(s->err), msg);
}

static void check_state(struct sweep *s, const char *want, const char *when)
{
	char diff[1200], msg[1300];
	const char *now = fake_kernel_state(SKIP);

	if (!strcmp(now, want))
		return;
	first_diff(now, want, diff, sizeof(diff));
	snprintf(msg, sizeof(msg), "%s: %s", when, diff);
	failed(s, "%s", msg);
}

static void check_fds(struct sweep *s, const char *when)
{
	char msg[128];

	if (fake_open_fds() == 0 && fake_bad_fds() == 0)
		return;
	snprintf(msg, sizeof(msg), "%s: %u fds left open, %u bad", when, fake_open_fds(),
		 fake_bad_fds());
	failed(s, "%s", msg);
}

/* A failed run must say what failed: the node and why, or the run's error. */
static void check_clear(struct sweep *s, const struct outcome *o)
{
	char line[96];

	if (!o->diag[0]) {
		failed(s, "failed (%s) without a diagnosis", strerror(-o->ret));
		return;
	}
	if (!o->node[0])
		return;
	snprintf(line, sizeof(line), "blkasm: %s: ", o->node);
	if (!strstr(fake_stderr(), line))
		failed(s, "node failure not logged: %s", o->diag);
}

/* Was the record left listing nodes that are not there? */
static void check_record_empty(struct sweep *s, const char *when)
{
	const char *r = record();

	if (strstr(r, "node "))
		failed(s, when, r);
}
/*
 * The full stack an up that went on must leave: all of it, but for the
 * link /dev/md/r when the log says it could not be made (md_link_name:
 * the array serves without it; the one degradation a run may go on with).
 */
static const char *went_on(const char *full, char *buf)
{
	static const char link[] = "file /dev/md/r -> ../md127\n";
	const char *at = strstr(full, link);

	if (!at || !strstr(fake_stderr(), "md127: cannot make the link /dev/md/r: "))
		return full;
	snprintf(buf, 65536, "%.*s%s", (int)(at - full), full, at + strlen(link));
	return buf;
}

/* One up with call k failing: it fails clearly and leaves nothing, or goes on whole. */
static void up_once(struct sweep *s)
{
	static char without[65536];
	struct outcome o;

	stack_setup();
	fake_inject_arm(s->k, -s->err, s->err == EBUSY);
	stack_up(&o);
	if (!fake_inject_fired()) {
		failed(s, "%s", "the call was not reached: the runs differ");
		return;
	}
	if (o.ret < 0) {
		check_clear(s, &o);
		check_fds(s, "after the failed up");
		check_state(s, s->c->start, "after the failed up");
		check_record_empty(s, "the record lists nodes after a failed up: %s");
		return;
	}
	s->tolerated++;
	check_fds(s, "after the up that went on");
	check_state(s, went_on(s->c->full, without), "after the up that went on");
	if (strcmp(record(), s->c->record))
		failed(s, "the record after the up that went on: %s", record());
	stack_down(&o);
	if (o.ret < 0)
		failed(s, "the down that followed failed: %s", o.diag);
	check_state(s, s->c->start, "after the down that followed");
}

/*
 * One down from the full stack with call k failing: it reports the error
 * and a second down finishes the job, or it goes on and leaves nothing.
 */
static void down_once(struct sweep *s)
{
	struct outcome o;

	stack_setup();
	stack_up(&o);
	ATF_REQUIRE_MSG(o.ret == 0, "up: %s", o.diag);
	fake_inject_arm(s->k, -s->err, s->err == EBUSY);
	stack_down(&o);
	if (!fake_inject_fired()) {
		failed(s, "%s", "the call was not reached: the runs differ");
		return;
	}
	check_fds(s, "after the down");
	if (o.ret < 0) {
		check_clear(s, &o);
		stack_down(&o);
		if (o.ret < 0)
			failed(s, "a second down failed too: %s", o.diag);
	} else {
		s->tolerated++;
	}
	check_state(s, s->c->start, o.ret < 0 ? "after a second down" : "after the down");
	check_fds(s, "at the end");
	check_record_empty(s, "the record lists nodes after down: %s");
}

static void keep_calls(struct clean *c)
{
	c->calls = fake_inject_calls();
	ATF_REQUIRE(c->calls <= MAX_CALLS_SWEPT);
	for (unsigned long k = 1; k <= c->calls; k++) {
		c->kind[k - 1] = fake_inject_kind(k);
		snprintf(c->what[k - 1], sizeof(c->what[0]), "%s", fake_inject_what(k));
	}
}

/* The clean up and down, counted; the states before, between and after. */
static void clean_runs(struct clean *up, struct clean *down)
{
	struct outcome o;

	stack_setup();
	up->start = strdup(fake_kernel_state(SKIP));
	fake_inject_start(true);
	stack_up(&o);
	ATF_REQUIRE_MSG(o.ret == 0, "up: %s", o.diag);
	keep_calls(up);
	up->full = strdup(fake_kernel_state(SKIP));
	up->record = strdup(record());
	fake_inject_start(true);
	stack_down(&o);
	ATF_REQUIRE_MSG(o.ret == 0, "down: %s", o.diag);
	keep_calls(down);
	ATF_REQUIRE_STREQ(fake_kernel_state(SKIP), up->start);
	down->start = up->start;
	down->full = up->full;
	down->record = up->record;
}

static void sweep(struct sweep *s, void (*once)(struct sweep *))
{
	for (s->k = 1; s->k <= s->c->calls; s->k++)
		for (unsigned int e = 0; e < NERRS; e++) {
			if (!applies(s->c->kind[s->k - 1], s->c->what[s->k - 1], ERRS[e]))
				continue;
			s->err = ERRS[e];
			s->runs++;
			s->per_err[e]++;
			once(s);
		}
}

static void summary(char *buf, size_t size, const struct sweep *s)
{
	snprintf(buf, size, "%s: %lu calls, %lu runs (EIO %lu, ENOMEM %lu, EINTR %lu, "
		 "EBUSY %lu, ENOSPC %lu), %lu went on, %lu failures", s->name, s->c->calls,
		 s->runs, s->per_err[0], s->per_err[1], s->per_err[2], s->per_err[3],
		 s->per_err[4], s->tolerated, s->failures);
}

/* Every call of the clean up and down failed in turn with each error it can meet. */
ATF_TC_WITHOUT_HEAD(fault_sweep);
ATF_TC_BODY(fault_sweep, tc)
{
	static struct clean up, down;
	struct sweep su = { .name = "up", .c = &up }, sd = { .name = "down", .c = &down };
	char a[300], b[300];

	setvbuf(stdout, NULL, _IOLBF, 0);
	clean_runs(&up, &down);
	sweep(&su, up_once);
	sweep(&sd, down_once);
	summary(a, sizeof(a), &su);
	summary(b, sizeof(b), &sd);
	printf("fault sweep: %s; %s\n", a, b);
	free(up.start);
	free(up.full);
	free(up.record);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, stack_up_down);
	ATF_TP_ADD_TC(tp, fault_sweep);
	return atf_no_error();
}
