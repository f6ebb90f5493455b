/* SPDX-License-Identifier: MIT */
/* A thin pool's state: its status line read, judged and described. */
#include "thin_node.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int thin_pool_read(const char *dm_name, struct thin_pool_status *st, char *why, size_t size)
{
	struct dm_target *t = calloc(1, sizeof(*t));
	char w[200];
	int r;

	if (!t)
		return -ENOMEM;
	r = dm_status(dm_name, false, t, 1);
	if (r == 1 && strcmp(t->type, "thin-pool"))
		r = -EPROTO, snprintf(why, size, "%s is a %s device, not a thin pool", dm_name,
				      t->type);
	else if (r == 1 && thin_pool_status_parse(t->params, st, w, sizeof(w)) < 0)
		r = -EPROTO, snprintf(why, size, "%s: unreadable pool status: %s", dm_name, w);
	else if (r == 1)
		r = 0;
	else if (r >= 0)
		r = -ENODATA, snprintf(why, size, "%s has no live table", dm_name);
	else
		snprintf(why, size, "%s: cannot read the pool status: %s", dm_name, strerror(-r));
	free(t);
	return r;
}

bool thin_pool_healthy(const struct thin_pool_status *st, char *why, size_t size)
{
	const char *what = st->fail ? "has failed (status Fail)" :
		st->error ? "cannot report its state (status Error)" :
		st->needs_check ? "needs its metadata checked (needs_check)" :
		st->mode == THIN_POOL_RO ? "is read-only (metadata damaged or full)" :
		st->mode == THIN_POOL_OUT_OF_DATA ? "is out of data space" : NULL;

	if (what)
		snprintf(why, size, "%s", what);
	return !what;
}

void thin_pool_describe(const struct thin_pool_status *st, uint64_t low_water,
			char *buf, size_t size)
{
	uint64_t free_blocks = st->data_total - st->data_used;

	if (st->fail || st->error) {
		snprintf(buf, size, "%s", st->fail ? "FAILED" : "ERROR");
		return;
	}
	snprintf(buf, size, "%s%s, data %llu%% used (%llu of %llu blocks), metadata %llu%% "
		 "(%llu of %llu), transaction %llu, low water %llu blocks%s",
		 st->mode == THIN_POOL_RW ? "rw" : st->mode == THIN_POOL_RO ? "ro" :
		 "out of data space", st->needs_check ? ", NEEDS CHECK" : "",
		 (unsigned long long)(st->data_total ? st->data_used * 100 / st->data_total : 0),
		 (unsigned long long)st->data_used, (unsigned long long)st->data_total,
		 (unsigned long long)(st->meta_total ? st->meta_used * 100 / st->meta_total : 0),
		 (unsigned long long)st->meta_used, (unsigned long long)st->meta_total,
		 (unsigned long long)st->transaction_id, (unsigned long long)low_water,
		 low_water && free_blocks <= low_water ? " (REACHED)" : "");
}

int thin_pool_health(struct plan_node *n)
{
	const struct thin_pool_conf *pc = n->conf;
	struct thin_pool_status st;
	char why[200], what[300];
	int r = thin_pool_read(pc->dm_name, &st, why, sizeof(why));

	if (r < 0) {
		driver_say(n->why, NODE_WHY_SIZE, "%s", why);
		return r;
	}
	thin_pool_describe(&st, thin_low_water(pc, st.data_total), what, sizeof(what));
	driver_say(n->device, NODE_DEVICE_SIZE, "/dev/mapper/%s", pc->dm_name);
	driver_say(n->summary, NODE_SUMMARY_SIZE, "/dev/mapper/%s thin-pool %s", pc->dm_name,
		   what);
	if (thin_pool_healthy(&st, why, sizeof(why)) || (pc->read_only && !st.fail && !st.error))
		return 0;
	driver_say(n->why, NODE_WHY_SIZE, "pool %s %s: it is never used read-write; %s",
		   pc->dm_name, why, st.needs_check || st.mode == THIN_POOL_RO ?
		   "check it with thin_check (or repair it with thin_repair)" :
		   st.mode == THIN_POOL_OUT_OF_DATA ? "extend the data device" :
		   "see the kernel log");
	return st.fail ? -EIO : st.mode == THIN_POOL_OUT_OF_DATA ? -ENOSPC : -EROFS;
}
