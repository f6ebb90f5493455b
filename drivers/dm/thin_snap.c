/* SPDX-License-Identifier: MIT */
/*
 * Thin snapshots and deletes as the pool's metadata wants them: the thin
 * node's provisioning (thin_vol.c) and the A/B slots' snapshot and delete
 * commands (init/slot_snap.c). Every change of the metadata follows the
 * transaction-id rule blkasm keeps: read the pool's transaction id T, send
 * the message, then set_transaction_id T T+1; create_snap needs its origin
 * quiet, so an active origin is suspended around it (kernel docs,
 * device-mapper/thin-provisioning.rst).
 */
#include "thin_node.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int thin_create_snap(const char *pool, uint32_t id, const char *origin_dm, uint32_t origin_id,
		     char *why, size_t size)
{
	struct dm_info info = { 0 };
	bool resume = false;
	char msg[96];
	int r, e;

	if (dm_info(origin_dm, &info) == 0 && info.exists && info.live_table && !info.suspended) {
		r = dm_suspend(origin_dm);
		if (r < 0) {
			snprintf(why, size, "cannot suspend the origin %s: %s", origin_dm,
				 strerror(-r));
			return r;
		}
		resume = true;
	}
	thin_msg_create_snap(msg, sizeof(msg), id, origin_id);
	r = dm_message(pool, 0, msg);
	if (r < 0)
		snprintf(why, size, "pool %s refused %s: %s", pool, msg, strerror(-r));
	if (resume) {
		e = dm_resume(origin_dm);
		if (e < 0) {
			snprintf(why, size, "the origin %s stays suspended: resume failed: %s",
				 origin_dm, strerror(-e));
			return e;
		}
	}
	return r;
}

/* T -> T+1 after a change; a pool that moved on meanwhile is only warned of. */
static void bump(const char *pool, uint64_t t, const char *what)
{
	char msg[96];

	thin_msg_set_transaction_id(msg, sizeof(msg), t, t + 1);
	if (dm_message(pool, 0, msg) < 0)
		log_warn("pool %s: %s, but its transaction id moved on from %llu meanwhile", pool,
			 what, (unsigned long long)t);
}

int thin_replace(const char *pool, uint32_t id, const char *origin_dm, int64_t origin_id,
		 char *why, size_t size)
{
	struct thin_pool_status st;
	char msg[96], what[96];
	int r = thin_pool_read(pool, &st, why, size);

	if (r < 0)
		return r;
	if (!thin_pool_healthy(&st, why, size))
		return -EROFS;
	thin_msg_delete(msg, sizeof(msg), id);
	r = dm_message(pool, 0, msg);
	/* The kernel says ENODATA for an id the pool does not have. */
	if (r < 0 && r != -ENODATA) {
		snprintf(why, size, "pool %s refused %s: %s", pool, msg, strerror(-r));
		return r;
	}
	if (r == 0) {
		snprintf(what, sizeof(what), "thin id %u deleted", id);
		bump(pool, st.transaction_id++, what);
	}
	if (origin_id < 0)
		return 0;
	r = thin_create_snap(pool, id, origin_dm, (uint32_t)origin_id, why, size);
	if (r < 0)
		return r;
	snprintf(what, sizeof(what), "thin id %u made a snapshot of %lld", id,
		 (long long)origin_id);
	bump(pool, st.transaction_id, what);
	return 0;
}
