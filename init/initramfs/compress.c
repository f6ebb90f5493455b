/* SPDX-License-Identifier: MIT */
/*
 * Compression by the host's own tools, with flags the kernel's
 * decompressors (lib/decompress_*.c) accept and that give the same bytes
 * for the same input: gzip without a name or time stamp, xz with CRC32
 * checks (the kernel's xz knows no CRC64 or SHA-256) in one thread, lz4 in
 * the legacy frame format (the only one the kernel reads), zstd in one
 * thread.
 */
#include "ird.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct ird_compressor compressors[] = {
	{ "gzip", "CONFIG_RD_GZIP", { "gzip", "-9", "-n", "-c", NULL } },
	{ "zstd", "CONFIG_RD_ZSTD", { "zstd", "-19", "-T1", "-q", "-c", NULL } },
	{ "xz", "CONFIG_RD_XZ", { "xz", "--check=crc32", "--lzma2=dict=1MiB", "-T1", "-c", NULL } },
	{ "lz4", "CONFIG_RD_LZ4", { "lz4", "-l", "-9", "-q", "-c", NULL } },
	{ "none", NULL, { NULL } },
};

const struct ird_compressor *compress_find(const char *name)
{
	for (size_t i = 0; i < sizeof(compressors) / sizeof(compressors[0]); i++)
		if (!strcmp(compressors[i].name, name))
			return &compressors[i];
	return NULL;
}

/* In the child: stdin from in, stdout to out, then the tool; 127 if absent. */
static void child(const struct ird_compressor *c, int in, int out)
{
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0)
		_exit(126);
	execvp(c->argv[0], (char *const *)c->argv);
	_exit(127);
}

int compress_run(const struct ird_compressor *c, const char *in, const char *out,
		 char *why, size_t size)
{
	int fi = open(in, O_RDONLY | O_CLOEXEC), fo, status = 0;
	pid_t pid;

	if (fi < 0) {
		snprintf(why, size, "cannot open %s: %s", in, strerror(errno));
		return -errno;
	}
	fo = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fo < 0) {
		snprintf(why, size, "cannot create %s: %s", out, strerror(errno));
		close(fi);
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child(c, fi, fo);
	close(fi);
	close(fo);
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		snprintf(why, size, "cannot run %s: %s", c->argv[0], strerror(errno));
		return -ECHILD;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(why, size, "cannot run %s: not installed on this machine", c->argv[0]);
	else
		snprintf(why, size, "%s failed (status %d)", c->argv[0], status);
	return -EIO;
}
