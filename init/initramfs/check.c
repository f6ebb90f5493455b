/* SPDX-License-Identifier: MIT */
/*
 * What the target kernel can take: its .config (which initramfs
 * compressions it unpacks) and its architecture (the e_machine of its
 * modules' ELF headers), checked against the blkasm binary before packing.
 */
#include "ird.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

int kconfig_value(const char *text, const char *sym, char *out, size_t size)
{
	size_t sl = strlen(sym);
	const char *val = NULL, *end = NULL;

	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		const char *stop = nl ? nl : line + strlen(line);

		/* "CONFIG_X=v"; "# CONFIG_X is not set" or no line: unset. */
		if ((size_t)(stop - line) > sl && !strncmp(line, sym, sl) && line[sl] == '=') {
			val = line + sl + 1;
			end = stop;
		}
		line = nl ? nl + 1 : NULL;
	}
	if (!val || val == end)
		return -ENOENT;
	if (end > val && end[-1] == '\r')
		end--;
	if ((size_t)(end - val) >= size)
		return -ENAMETOOLONG;
	memcpy(out, val, (size_t)(end - val));
	out[end - val] = '\0';
	return 0;
}

int elf_machine(const char *path, unsigned int *machine)
{
	unsigned char h[20];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n < (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG))
		return -ENOEXEC;
	/* e_machine sits at 18 in both classes, in the file's byte order. */
	if (h[EI_DATA] == ELFDATA2LSB)
		*machine = h[18] | (unsigned int)h[19] << 8;
	else if (h[EI_DATA] == ELFDATA2MSB)
		*machine = (unsigned int)h[18] << 8 | h[19];
	else
		return -ENOEXEC;
	return 0;
}

static uint64_t field(const unsigned char *p, unsigned int size, bool le)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint64_t)p[le ? i : size - 1 - i] << (8 * i);
	return v;
}

int elf_interp(const char *path, bool *dynamic)
{
	unsigned char h[64], ph[56];
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;
	bool le, is64;
	uint64_t off, num, size;

	if (fd < 0)
		return -errno;
	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG)) {
		close(fd);
		return -ENOEXEC;
	}
	le = h[EI_DATA] == ELFDATA2LSB;
	is64 = h[EI_CLASS] == ELFCLASS64;
	/* e_phoff, e_phentsize, e_phnum of Elf64_Ehdr or Elf32_Ehdr. */
	off = is64 ? field(h + 32, 8, le) : field(h + 28, 4, le);
	size = field(h + (is64 ? 54 : 42), 2, le);
	num = field(h + (is64 ? 56 : 44), 2, le);
	*dynamic = false;
	for (uint64_t i = 0; i < num && size >= 4 && size <= sizeof(ph) && r == 0; i++) {
		if (pread(fd, ph, size, (off_t)(off + i * size)) != (ssize_t)size)
			r = -ENOEXEC;
		else if (field(ph, 4, le) == PT_INTERP)
			*dynamic = true;
	}
	close(fd);
	return r;
}

static const struct { const char *uname; unsigned int em; const char *name; } arches[] = {
	{ "x86_64", EM_X86_64, "x86-64" },
	{ "aarch64", EM_AARCH64, "AArch64" },
	{ "i686", EM_386, "i386" },
	{ "i586", EM_386, "i386" },
	{ "i386", EM_386, "i386" },
	{ "armv7l", EM_ARM, "ARM" },
	{ "armv6l", EM_ARM, "ARM" },
	{ "riscv64", EM_RISCV, "RISC-V" },
	{ "ppc64le", EM_PPC64, "PowerPC64" },
	{ "s390x", EM_S390, "S/390" },
};

unsigned int elf_machine_host(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (!strcmp(arches[i].uname, u.machine))
			return arches[i].em;
	return 0;
}

const char *elf_machine_name(unsigned int machine)
{
	static char buf[32];

	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i].em == machine)
			return arches[i].name;
	snprintf(buf, sizeof(buf), "machine %u", machine);
	return buf;
}
