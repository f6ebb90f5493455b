/* SPDX-License-Identifier: MIT */
/*
 * blkasm-initramfs: a reproducible, compressed initramfs with blkasm as
 * /init, the plan, and the kernel modules the plan and the root need
 * (docs/blkasm-initramfs.8).
 */
#include "gen.h"
#include "file.h"
#include "table.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>

#ifndef IRD_DEFAULT_BLKASM
#define IRD_DEFAULT_BLKASM "/usr/local/sbin/blkasm"
#endif

static const char usage[] =
	"usage: blkasm-initramfs [-k VERSION] [-m DIR] [-b BLKASM] [-c PLAN] [-C COMP]\n"
	"           [-K CONFIG] [--fstype TYPE] [--add MODULE]... [--pack MODULE]...\n"
	"           [--host-only] [--busybox DIR] [--list] -o OUTPUT\n"
	"  -k VERSION     the kernel's modules in /lib/modules/VERSION (or under -m)\n"
	"  -m DIR         a folder made by the kernel build's modules_install\n"
	"  -b BLKASM      the blkasm binary for the target (default " IRD_DEFAULT_BLKASM ")\n"
	"  -c PLAN        the plan, becomes /etc/blkasm.conf\n"
	"  -C COMP        gzip (default), zstd, xz, lz4 or none\n"
	"  -K CONFIG      the kernel's .config (default: /boot/config-VERSION, build/.config)\n"
	"  --fstype TYPE  the root filesystem's type\n"
	"  --add MODULE   a module to load at boot (repeatable)\n"
	"  --pack MODULE  a module packed, not loaded at boot: blkasm's drivers load it\n"
	"                 when a plan needs it (repeatable)\n"
	"  --host-only    this machine's root disk drivers and root filesystem type\n"
	"  --busybox DIR  a rescue shell: DIR/busybox and DIR/applets\n"
	"  --list         print what was packed\n";

int gen_fail(int r, const char *fmt, ...)
{
	va_list ap;

	fputs("blkasm-initramfs: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return r;
}

static int parse_epoch(struct gen *g)
{
	const char *v = getenv("SOURCE_DATE_EPOCH");
	char *end;
	unsigned long long t;

	if (!v || !*v)
		return 0;
	t = strtoull(v, &end, 10);
	if (*end || t > 0xffffffffull || *v == '-')
		return gen_fail(-EINVAL, "SOURCE_DATE_EPOCH=%s: expected seconds since 1970", v);
	g->mtime = (uint32_t)t;
	return 0;
}

enum { LOPT_FSTYPE = 256, LOPT_ADD, LOPT_PACK, LOPT_HOST_ONLY, LOPT_BUSYBOX, LOPT_LIST };

static const struct option longopts[] = {
	{ "fstype", required_argument, NULL, LOPT_FSTYPE },
	{ "add", required_argument, NULL, LOPT_ADD },
	{ "pack", required_argument, NULL, LOPT_PACK },
	{ "host-only", no_argument, NULL, LOPT_HOST_ONLY },
	{ "busybox", required_argument, NULL, LOPT_BUSYBOX },
	{ "list", no_argument, NULL, LOPT_LIST },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int option(struct gen *g, int c, const char **comp)
{
	switch (c) {
	case 'k': snprintf(g->kver, sizeof(g->kver), "%s", optarg); return 0;
	case 'm': g->moddir_arg = optarg; return 0;
	case 'b': g->blkasm = optarg; return 0;
	case 'c': g->plan_path = optarg; return 0;
	case 'o': g->out = optarg; return 0;
	case 'C': *comp = optarg; return 0;
	case 'K': g->config_arg = optarg; return 0;
	case LOPT_FSTYPE: g->fstype = optarg; return 0;
	case LOPT_HOST_ONLY: g->host_only = true; return 0;
	case LOPT_BUSYBOX: g->busybox = optarg; return 0;
	case LOPT_LIST: g->list = true; return 0;
	case LOPT_ADD:
		if (g->nadds == GEN_MAX_ADD)
			return gen_fail(-E2BIG, "more than %d --add", GEN_MAX_ADD);
		g->adds[g->nadds++] = optarg;
		return 0;
	case LOPT_PACK:
		if (g->npacks == GEN_MAX_ADD)
			return gen_fail(-E2BIG, "more than %d --pack", GEN_MAX_ADD);
		g->packs[g->npacks++] = optarg;
		return 0;
	case 'h': fputs(usage, stdout); exit(0);
	default: fputs(usage, stderr); return -EINVAL;
	}
}

static int parse_args(struct gen *g, int argc, char **argv)
{
	const char *comp = "gzip";
	int c, r;

	while ((c = getopt_long(argc, argv, "k:m:b:c:o:C:K:h", longopts, NULL)) != -1)
		if ((r = option(g, c, &comp)) < 0)
			return r;
	if (optind < argc)
		return gen_fail(-EINVAL, "unexpected argument %s", argv[optind]);
	if (!g->out)
		return gen_fail(-EINVAL, "no output file: -o FILE");
	g->comp = compress_find(comp);
	if (!g->comp)
		return gen_fail(-EINVAL, "unknown compression %s: expected gzip, zstd, xz, lz4 "
				"or none", comp);
	if (!g->blkasm)
		g->blkasm = IRD_DEFAULT_BLKASM;
	return parse_epoch(g);
}

/* The plan, checked as `blkasm plan` checks it, and what its nodes need. */
static int load_plan(struct gen *g)
{
	struct plan_error err;
	char buf[1024];

	if (!g->plan_path)
		return 0;
	memset(&err, 0, sizeof(err));
	if (plan_load(&g->plan, driver_table, g->plan_path, &err) < 0) {
		gen_fail(-EINVAL, "%s", plan_error_str(&err, buf, sizeof(buf)));
		plan_free(&g->plan);
		return -EINVAL;
	}
	g->have_plan = true;
	for (unsigned int i = 0; i < g->plan.count; i++) {
		const struct plan_node *n = &g->plan.nodes[i];

		if (n->drv && n->drv->modules)
			n->drv->modules(n, &g->wish);
	}
	return 0;
}

/* --host-only: the running kernel's tree, root disk drivers and root type. */
static int host_only(struct gen *g)
{
	struct stat st;
	struct utsname u;
	char *mi = NULL, type[64];
	int r;

	if (!g->kver[0] && !g->moddir_arg && uname(&u) == 0)
		snprintf(g->kver, sizeof(g->kver), "%s", u.release);
	if (stat("/", &st) < 0)
		return gen_fail(-errno, "cannot stat /: %s", strerror(errno));
	r = hostonly_drivers("/sys", major(st.st_dev), minor(st.st_dev), &g->wish);
	if (r < 0 && r != -ENOENT)
		return gen_fail(r, "cannot find the drivers of / (%u:%u) in /sys: %s",
				major(st.st_dev), minor(st.st_dev), strerror(-r));
	r = file_slurp("/proc/self/mountinfo", 4u << 20, &mi, NULL);
	if (r == 0 && hostonly_root_fstype(mi, type, sizeof(type)) == 0)
		mod_wish_add(&g->wish, type, true);
	free(mi);
	return 0;
}

static int wishes(struct gen *g)
{
	int r = 0;

	for (unsigned int i = 0; i < g->nadds; i++)
		mod_wish_add(&g->wish, g->adds[i], true);
	for (unsigned int i = 0; i < g->npacks; i++)
		mod_wish_add(&g->wish, g->packs[i], false);
	if (g->host_only)
		r = host_only(g);
	r = r ?: load_plan(g);
	if (r == 0 && g->fstype)
		mod_wish_add(&g->wish, g->fstype, true);
	if (r == 0 && g->wish.err)
		r = gen_fail(g->wish.err, "too many modules or a name too long: %s",
			     strerror(-g->wish.err));
	return r;
}

/* Everything the run found and built (LeakSanitizer checks the host build). */
static void gen_free(struct gen *g)
{
	if (g->have_dep)
		mod_free(&g->dep);
	free(g->builtin);
	free(g->kconfig);
	modidx_free(&g->idx);
	modsel_free(&g->sel);
	if (g->have_plan)
		plan_free(&g->plan);
	ird_free(&g->files);
	free(g);
}

int main(int argc, char **argv)
{
	struct gen *g = calloc(1, sizeof(*g));
	int r;

	if (!g)
		return 1;
	r = parse_args(g, argc, argv);
	r = r ?: wishes(g);
	r = r ?: tree_locate(g);
	r = r ?: pack_select(g);
	r = r ?: pack_check_kernel(g);
	r = r ?: pack_members(g);
	r = r ?: pack_write(g);
	gen_free(g);
	return r < 0 ? 1 : 0;
}
