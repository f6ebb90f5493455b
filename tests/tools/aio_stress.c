/* SPDX-License-Identifier: MIT */
/*
 * aio_stress: direct AIO against fallocate and punch-hole on one
 * filesystem, in the spirit of xfstests generic/300 (which drives fio):
 * ext4 with dioread_nolock converts unwritten extents when a direct write
 * completes, and a conversion racing a punch-hole or a fallocate of the
 * same inode has corrupted data before. No libaio: io_setup, io_submit and
 * io_getevents are called directly.
 *
 * In DIR it makes two files, both preallocated (fallocate) at the start:
 *   racer   WRITERS threads, each with its own AIO context, submit random
 *           O_DIRECT overwrites of 4K, 32K and 128K (generic/300's sizes)
 *           while a falloc thread allocates random ranges, a punch thread
 *           punches random 4K holes and an fsync thread flushes both files.
 *           Its content is undefined, but every block a read returns
 *           either carries no header or says it is this file's block at
 *           this offset: a write that lands elsewhere is caught.
 *   verify  VERIFIERS threads, each owning one slice, submit random
 *           O_DIRECT writes and read-backs of 1 to 8 blocks, and punch,
 *           zero or allocate ranges of their slice. A thread never touches
 *           a block it has I/O in flight on, so it knows what each block
 *           must hold (a per-block pattern with a generation, or zeros);
 *           every read is checked, and the whole file once more at the end.
 *
 * usage: aio_stress [-t SECONDS] [-w WRITERS] [-v VERIFIERS] [-d DEPTH]
 *                   [-r RACER_MIB] [-V VERIFY_MIB] [-p SECONDS] [-S SEED] DIR
 * Prints one AIO-STRESS line of counts at the end (and one every -p
 * seconds); exit status 0 only when no I/O failed, no check failed and
 * every submitted I/O completed within 30 s of the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef FALLOC_FL_ZERO_RANGE
#define FALLOC_FL_ZERO_RANGE 0x10
#endif

#define BLK 4096u
#define MAGIC 0x31306f69616b6c62ull	/* "blkaio01" */
#define RACER_ID 1u
#define VERIFY_ID 2u
#define UNKNOWN 0xffffffffu	/* expectation lost (a failed write or punch) */
#define MAX_BLOCKS 32u		/* per I/O: 128 KiB */
#define DRAIN_MS 30000u		/* in-flight I/O must complete within this after the end */
#define MAX_REPORTS 20		/* error lines printed */

struct hdr {
	uint64_t magic;
	uint64_t block;
	uint32_t file, gen;
	uint64_t pad;
};

struct file {
	const char *name;
	uint32_t id;
	int fd;
	uint64_t blocks;
};

struct slot {
	struct iocb cb;
	unsigned char *buf;
	uint64_t block;		/* first block, in the file */
	unsigned int n;
	uint32_t gen;
	bool write, busy;
};

struct worker {
	pthread_t tid;
	struct file *f;
	bool verifier;
	uint64_t first, count;	/* the blocks it works on */
	uint32_t *expect;	/* verifier: per block of its slice */
	uint8_t *busy;
	aio_context_t ctx;
	struct slot *slots;
	unsigned int depth, inflight;
	uint64_t rng;
	uint32_t gen;
};

static struct {
	atomic_ullong submitted, completed, writes, reads, fallocs, punches, zeroes, fsyncs;
	atomic_ullong verified, errors, failures, stuck;
} n;

static atomic_bool stopping;
static atomic_int reports, running;
static struct file racer = { "racer", RACER_ID, -1, 0 }, verify = { "verify", VERIFY_ID, -1, 0 };

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void report(const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&reports, 1) >= MAX_REPORTS)
		return;
	va_start(ap, fmt);
	fputs("aio_stress: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000u + (unsigned long long)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* ---- the kernel's AIO, without libaio ---- */

static int aio_setup(unsigned int nr, aio_context_t *ctx)
{
	*ctx = 0;
	return syscall(SYS_io_setup, nr, ctx) < 0 ? -errno : 0;
}

static int aio_submit(aio_context_t ctx, long nr, struct iocb **cbs)
{
	long r = syscall(SYS_io_submit, ctx, nr, cbs);

	return r < 0 ? -errno : (int)r;
}

static int aio_getevents(aio_context_t ctx, long min, long max, struct io_event *ev,
			 unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	long r = syscall(SYS_io_getevents, ctx, min, max, ev, &ts);

	return r < 0 ? -errno : (int)r;
}

/* ---- block content: a header, then words derived from it ---- */

static void fill(unsigned char *buf, uint32_t file, uint64_t block, uint32_t gen)
{
	struct hdr h = { MAGIC, block, file, gen, 0 };
	uint64_t s = (block + 1) * 0x9e3779b97f4a7c15ull ^ ((uint64_t)file << 32 | gen), w;

	memcpy(buf, &h, sizeof(h));
	for (size_t i = sizeof(h); i < BLK; i += sizeof(w)) {
		w = rnd(&s);
		memcpy(buf + i, &w, sizeof(w));
	}
}

static bool all_zero(const unsigned char *buf)
{
	for (size_t i = 0; i < BLK; i++)
		if (buf[i])
			return false;
	return true;
}

/* A verify block against its expectation; a failure is described in why. */
static bool check_block(const unsigned char *buf, uint64_t block, uint32_t expect,
			char *why, size_t size)
{
	static __thread unsigned char want[BLK];
	struct hdr h;

	if (expect == UNKNOWN)
		return true;
	if (expect == 0) {
		if (all_zero(buf))
			return true;
		memcpy(&h, buf, sizeof(h));
		snprintf(why, size, "should be zeros, holds %s", h.magic == MAGIC ?
			 "a written block" : "other data");
		return false;
	}
	memcpy(&h, buf, sizeof(h));
	fill(want, VERIFY_ID, block, expect);
	if (!memcmp(buf, want, BLK))
		return true;
	if (all_zero(buf))
		snprintf(why, size, "should be generation %u, reads zeros", expect);
	else if (h.magic != MAGIC)
		snprintf(why, size, "should be generation %u, holds no header", expect);
	else
		snprintf(why, size, "should be %s block %llu generation %u, holds %s block %llu "
			 "generation %u%s", verify.name, (unsigned long long)block, expect,
			 h.file == RACER_ID ? racer.name : h.file == VERIFY_ID ? verify.name : "?",
			 (unsigned long long)h.block, h.gen,
			 h.file == VERIFY_ID && h.block == block ? " (stale)" : "");
	return false;
}

/* A racer block: no header, or this file's block at this offset. */
static bool placed(const unsigned char *buf, uint64_t block)
{
	struct hdr h;

	memcpy(&h, buf, sizeof(h));
	if (h.magic != MAGIC || (h.file == RACER_ID && h.block == block))
		return true;
	report("racer block %llu holds %s block %llu generation %u", (unsigned long long)block,
	       h.file == VERIFY_ID ? verify.name : "another file's",
	       (unsigned long long)h.block, h.gen);
	return false;
}

static void verify_read(struct worker *w, const struct slot *s)
{
	char why[160];

	for (unsigned int i = 0; i < s->n; i++) {
		uint64_t b = s->block + i;
		const unsigned char *buf = s->buf + (size_t)i * BLK;
		bool ok = w->verifier ? check_block(buf, b, w->expect[b - w->first], why,
						   sizeof(why)) : placed(buf, b);

		if (!ok && w->verifier)
			report("%s block %llu %s", w->f->name, (unsigned long long)b, why);
		atomic_fetch_add(ok ? &n.verified : &n.failures, 1);
	}
}

/* ---- one AIO worker ---- */

/* A range of free blocks for a verifier; false when it found none. */
static bool pick_free(struct worker *w, unsigned int max, uint64_t *block, unsigned int *len)
{
	for (int tries = 0; tries < 8; tries++) {
		unsigned int k = 1 + (unsigned int)(rnd(&w->rng) % max);
		uint64_t b = rnd(&w->rng) % (w->count - k + 1);
		unsigned int i = 0;

		while (i < k && !w->busy[b + i])
			i++;
		if (i == k) {
			*block = w->first + b;
			*len = k;
			return true;
		}
	}
	return false;
}

/* A racer range: 4K, 32K or 128K (10/10/80, as generic/300's sizes), aligned to its size. */
static void pick_racer(struct worker *w, uint64_t *block, unsigned int *len)
{
	unsigned int p = (unsigned int)(rnd(&w->rng) % 10);
	unsigned int k = p == 0 ? 1 : p == 1 ? 8 : MAX_BLOCKS;

	*len = k;
	*block = rnd(&w->rng) % (w->count / k) * k;
}

static bool prepare(struct worker *w, struct slot *s)
{
	bool write = rnd(&w->rng) % 100 < (w->verifier ? 65u : 88u);

	if (!w->verifier)
		pick_racer(w, &s->block, &s->n);
	else if (!pick_free(w, 8, &s->block, &s->n))
		return false;
	s->write = write;
	s->gen = write ? ++w->gen : 0;
	for (unsigned int i = 0; write && i < s->n; i++)
		fill(s->buf + (size_t)i * BLK, w->f->id, s->block + i, s->gen);
	for (unsigned int i = 0; w->verifier && i < s->n; i++)
		w->busy[s->block - w->first + i] = 1;
	memset(&s->cb, 0, sizeof(s->cb));
	s->cb.aio_data = (uint64_t)(uintptr_t)s;
	s->cb.aio_lio_opcode = write ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD;
	s->cb.aio_fildes = (uint32_t)w->f->fd;
	s->cb.aio_buf = (uint64_t)(uintptr_t)s->buf;
	s->cb.aio_nbytes = (uint64_t)s->n * BLK;
	s->cb.aio_offset = (int64_t)(s->block * BLK);
	s->busy = true;
	return true;
}

static void release(struct worker *w, struct slot *s)
{
	for (unsigned int i = 0; w->verifier && i < s->n; i++)
		w->busy[s->block - w->first + i] = 0;
	s->busy = false;
}

static void complete(struct worker *w, struct slot *s, int64_t res)
{
	int64_t want = (int64_t)s->n * BLK;

	atomic_fetch_add(&n.completed, 1);
	atomic_fetch_add(s->write ? &n.writes : &n.reads, 1);
	if (res != want) {
		atomic_fetch_add(&n.errors, 1);
		report("%s of %s blocks %llu+%u: %s", s->write ? "write" : "read", w->f->name,
		       (unsigned long long)s->block, s->n, res < 0 ? strerror((int)-res) :
		       "short transfer");
	} else if (!s->write) {
		verify_read(w, s);
	}
	for (unsigned int i = 0; w->verifier && s->write && i < s->n; i++)
		w->expect[s->block - w->first + i] = res == want ? s->gen : UNKNOWN;
	release(w, s);
	w->inflight--;
}

/* Fills free slots and submits them in one io_submit. */
static void submit_batch(struct worker *w)
{
	struct iocb *cbs[256];
	struct slot *batch[256];
	int nr = 0, r;

	for (unsigned int i = 0; i < w->depth && nr < 256; i++)
		if (!w->slots[i].busy && prepare(w, &w->slots[i])) {
			batch[nr] = &w->slots[i];
			cbs[nr++] = &w->slots[i].cb;
		}
	if (nr == 0)
		return;
	r = aio_submit(w->ctx, nr, cbs);
	if (r < 0 && r != -EAGAIN) {
		atomic_fetch_add(&n.errors, 1);
		report("io_submit on %s: %s", w->f->name, strerror(-r));
	}
	if (r < 0)
		r = 0;
	atomic_fetch_add(&n.submitted, (unsigned long long)r);
	w->inflight += (unsigned int)r;
	for (int i = r; i < nr; i++)	/* not taken: nothing was written */
		release(w, batch[i]);
}

/* A verifier now and then punches, zeroes or allocates a free range of its slice. */
static void change_range(struct worker *w)
{
	static const int modes[] = { FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				     FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 0 };
	unsigned int k, m = (unsigned int)(rnd(&w->rng) % 3);
	uint64_t b;

	if (!pick_free(w, 16, &b, &k))
		return;
	if (fallocate(w->f->fd, modes[m], (off_t)(b * BLK), (off_t)k * BLK) < 0) {
		atomic_fetch_add(&n.errors, 1);
		report("fallocate mode %#x of %s blocks %llu+%u: %s", modes[m], w->f->name,
		       (unsigned long long)b, k, strerror(errno));
		for (unsigned int i = 0; m < 2 && i < k; i++)
			w->expect[b - w->first + i] = UNKNOWN;
		return;
	}
	atomic_fetch_add(m == 0 ? &n.punches : m == 1 ? &n.zeroes : &n.fallocs, 1);
	for (unsigned int i = 0; m < 2 && i < k; i++)
		w->expect[b - w->first + i] = 0;
}

static void reap(struct worker *w, unsigned int ms)
{
	struct io_event ev[256];
	int got = aio_getevents(w->ctx, 1, w->depth < 256 ? w->depth : 256, ev, ms);

	if (got < 0 && got != -EINTR) {
		atomic_fetch_add(&n.errors, 1);
		report("io_getevents on %s: %s", w->f->name, strerror(-got));
		sleep_ms(10);
	}
	for (int i = 0; i < got; i++)
		complete(w, (struct slot *)(uintptr_t)ev[i].data, ev[i].res);
}

static void *aio_worker(void *arg)
{
	struct worker *w = arg;
	unsigned long long until;

	while (!atomic_load(&stopping)) {
		submit_batch(w);
		if (w->verifier && rnd(&w->rng) % 16 == 0)
			change_range(w);
		if (w->inflight)
			reap(w, 200);
	}
	until = now_ms() + DRAIN_MS;
	while (w->inflight && now_ms() < until)
		reap(w, 500);
	if (w->inflight) {
		atomic_fetch_add(&n.stuck, w->inflight);
		report("%u I/Os on %s still in flight %u s after the end", w->inflight,
		       w->f->name, DRAIN_MS / 1000);
	} else {
		syscall(SYS_io_destroy, w->ctx);
	}
	atomic_fetch_sub(&running, 1);
	return NULL;
}

/* ---- the racer's companions: falloc, punch, fsync (generic/300's other jobs) ---- */

static void *falloc_thread(void *arg)
{
	uint64_t rng = (uintptr_t)arg | 1;

	while (!atomic_load(&stopping)) {
		unsigned int p = (unsigned int)(rnd(&rng) % 10);
		uint64_t k = p == 0 ? 8 : p == 1 ? 128 : 32;	/* 32K/512K/128K at 10/10/80 */
		uint64_t b = rnd(&rng) % (racer.blocks - k + 1);

		if (fallocate(racer.fd, 0, (off_t)(b * BLK), (off_t)(k * BLK)) < 0) {
			atomic_fetch_add(&n.errors, 1);
			report("fallocate of racer blocks %llu+%llu: %s", (unsigned long long)b,
			       (unsigned long long)k, strerror(errno));
			sleep_ms(10);
		} else {
			atomic_fetch_add(&n.fallocs, 1);
		}
	}
	atomic_fetch_sub(&running, 1);
	return NULL;
}

static void *punch_thread(void *arg)
{
	uint64_t rng = (uintptr_t)arg | 1;

	while (!atomic_load(&stopping)) {
		uint64_t b = rnd(&rng) % racer.blocks;

		if (fallocate(racer.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      (off_t)(b * BLK), BLK) < 0) {
			atomic_fetch_add(&n.errors, 1);
			report("punch of racer block %llu: %s", (unsigned long long)b,
			       strerror(errno));
			sleep_ms(10);
		} else {
			atomic_fetch_add(&n.punches, 1);
		}
	}
	atomic_fetch_sub(&running, 1);
	return NULL;
}

static void *fsync_thread(void *arg)
{
	(void)arg;
	while (!atomic_load(&stopping)) {
		if (fsync(racer.fd) < 0 || fdatasync(verify.fd) < 0) {
			atomic_fetch_add(&n.errors, 1);
			report("fsync: %s", strerror(errno));
		} else {
			atomic_fetch_add(&n.fsyncs, 1);
		}
		sleep_ms(20);
	}
	atomic_fetch_sub(&running, 1);
	return NULL;
}

/* ---- setup, the final check, main ---- */

static int open_file(const char *dir, struct file *f, uint64_t mib)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, f->name);
	f->blocks = mib * (1u << 20) / BLK;
	f->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_DIRECT | O_CLOEXEC, 0644);
	if (f->fd < 0 || fallocate(f->fd, 0, 0, (off_t)(f->blocks * BLK)) < 0) {
		fprintf(stderr, "aio_stress: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int worker_init(struct worker *w, struct file *f, uint64_t first, uint64_t count,
		       unsigned int depth, uint64_t seed)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->verifier = f == &verify;
	w->first = first;
	w->count = count;
	w->depth = depth;
	w->rng = seed | 1;
	w->slots = calloc(depth, sizeof(*w->slots));
	w->expect = w->verifier ? calloc(count, sizeof(*w->expect)) : NULL;
	w->busy = w->verifier ? calloc(count, 1) : NULL;
	if (!w->slots || (w->verifier && (!w->expect || !w->busy)))
		return -ENOMEM;
	for (unsigned int i = 0; i < depth; i++)
		if (posix_memalign((void **)&w->slots[i].buf, BLK, MAX_BLOCKS * BLK))
			return -ENOMEM;
	return aio_setup(depth, &w->ctx);
}

/* After the run: every verify block as expected, every racer block in place. */
static void final_check(struct worker *ws, unsigned int nw)
{
	unsigned char *buf;
	char why[160];

	if (posix_memalign((void **)&buf, BLK, 256 * BLK))
		return;
	for (unsigned int i = 0; i < nw; i++) {
		struct worker *w = &ws[i];

		if (i > 0 && !w->verifier)
			continue;	/* the racers share one file: checked once */
		for (uint64_t b = 0; b < w->count; b += 256) {
			uint64_t k = w->count - b < 256 ? w->count - b : 256;
			ssize_t got = pread(w->f->fd, buf, k * BLK, (off_t)((w->first + b) * BLK));

			if (got != (ssize_t)(k * BLK)) {
				atomic_fetch_add(&n.errors, 1);
				report("final read of %s blocks %llu+%llu: %s", w->f->name,
				       (unsigned long long)(w->first + b), (unsigned long long)k,
				       got < 0 ? strerror(errno) : "short");
				continue;
			}
			for (uint64_t j = 0; j < k; j++) {
				uint64_t blk = w->first + b + j;
				bool ok = w->verifier ? check_block(buf + j * BLK, blk,
					w->expect[b + j], why, sizeof(why)) : placed(buf + j * BLK, blk);

				if (!ok && w->verifier)
					report("final: %s block %llu %s", w->f->name,
					       (unsigned long long)blk, why);
				atomic_fetch_add(ok ? &n.verified : &n.failures, 1);
			}
		}
	}
	free(buf);
}

static void print_counts(const char *when, unsigned long long ms)
{
	printf("AIO-STRESS %s ms=%llu submitted=%llu completed=%llu writes=%llu reads=%llu "
	       "fallocs=%llu punches=%llu zeroes=%llu fsyncs=%llu verified=%llu errors=%llu "
	       "verify_failures=%llu stuck=%llu\n", when, ms, n.submitted, n.completed, n.writes,
	       n.reads, n.fallocs, n.punches, n.zeroes, n.fsyncs, n.verified, n.errors,
	       n.failures, n.stuck);
	fflush(stdout);
}

static unsigned long num(const char *s, unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v < min || v > max) {
		fprintf(stderr, "aio_stress: '%s' is not a number from %lu to %lu\n", s, min, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long secs = 20, nw = 2, nv = 2, depth = 16, rmib = 32, vmib = 16, every = 0;
	uint64_t seed = (uint64_t)time(NULL) * 2654435761u;
	struct worker *ws;
	pthread_t helper[3];
	void *(*helpers[3])(void *) = { falloc_thread, punch_thread, fsync_thread };
	unsigned long long t0, next;
	int opt;

	while ((opt = getopt(argc, argv, "t:w:v:d:r:V:p:S:")) != -1) {
		switch (opt) {
		case 't': secs = num(optarg, 1, 86400); break;
		case 'w': nw = num(optarg, 1, 64); break;
		case 'v': nv = num(optarg, 1, 64); break;
		case 'd': depth = num(optarg, 1, 256); break;
		case 'r': rmib = num(optarg, 1, 1u << 20); break;
		case 'V': vmib = num(optarg, 1, 1u << 20); break;
		case 'p': every = num(optarg, 1, 86400); break;
		case 'S': seed = num(optarg, 1, ~0ul); break;
		default:
			fprintf(stderr, "usage: aio_stress [-t SECONDS] [-w WRITERS] [-v VERIFIERS] "
				"[-d DEPTH] [-r RACER_MIB] [-V VERIFY_MIB] [-p SECONDS] [-S SEED] DIR\n");
			return 2;
		}
	}
	if (optind != argc - 1)
		return 2;
	if (open_file(argv[optind], &racer, rmib) < 0 || open_file(argv[optind], &verify, vmib) < 0)
		return 2;
	if (verify.blocks / nv < 16 || racer.blocks < 2 * MAX_BLOCKS) {
		fprintf(stderr, "aio_stress: the files are too small for that many threads\n");
		return 2;
	}
	printf("AIO-STRESS start seconds=%lu writers=%lu verifiers=%lu depth=%lu racer=%luM "
	       "verify=%luM seed=%llu\n", secs, nw, nv, depth, rmib, vmib, (unsigned long long)seed);
	fflush(stdout);
	ws = calloc(nw + nv, sizeof(*ws));
	for (unsigned long i = 0; ws && i < nw + nv; i++) {
		uint64_t slice = verify.blocks / nv, j = i - nw;
		int r = i < nw ? worker_init(&ws[i], &racer, 0, racer.blocks, depth, seed + i) :
			worker_init(&ws[i], &verify, j * slice, slice, depth, seed + i);

		if (r < 0) {
			fprintf(stderr, "aio_stress: worker setup: %s\n", strerror(-r));
			return 2;
		}
	}
	if (!ws)
		return 2;
	t0 = now_ms();
	atomic_store(&running, (int)(nw + nv + 3));
	for (unsigned long i = 0; i < nw + nv; i++)
		pthread_create(&ws[i].tid, NULL, aio_worker, &ws[i]);
	for (int i = 0; i < 3; i++)
		pthread_create(&helper[i], NULL, helpers[i], (void *)(uintptr_t)(seed * 7 + (uint64_t)i));
	next = t0 + every * 1000;
	while (now_ms() < t0 + secs * 1000) {
		sleep_ms(100);
		if (every && now_ms() >= next) {
			print_counts("progress", now_ms() - t0);
			next += every * 1000;
		}
	}
	atomic_store(&stopping, true);
	/* Bounded: a worker stuck in the kernel is reported, not waited for. */
	while (atomic_load(&running) > 0 && now_ms() < t0 + secs * 1000 + DRAIN_MS + 5000)
		sleep_ms(50);
	if (atomic_load(&running) > 0 || n.stuck) {
		if (!n.stuck)
			n.stuck = 1;
		print_counts("end", now_ms() - t0);
		fflush(stderr);
		_exit(1);
	}
	final_check(ws, (unsigned int)(nw + nv));
	print_counts("end", now_ms() - t0);
	return n.errors || n.failures || n.submitted != n.completed ? 1 : 0;
}
