// SPDX-License-Identifier: MIT
/*
 * disasm_check: list every instruction of every executable section of BPF
 * ELF objects as "SECTION\tINDEX\tTEXT" in PF_DISASM_LLVM syntax, so that
 * t_disasm_llvm.sh can diff our disassembler against llvm-objdump-19.
 *
 * It reads the ELF with libelf only (not the analyser's loader) so that
 * the disassembler is tested on its own. An ld_imm64 takes two slots and
 * one line, as in llvm-objdump; INDEX is the slot index in the section.
 *
 * Exit status: 0 on success, 2 if any file could not be read or is
 * malformed (the message goes to stderr, the listing stops for that file).
 */
/* open(), close() and O_CLOEXEC under -std=c11. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "insn.h"

static int pf_check__fail(const char *path, const char *what)
{
	const char *msg = elf_errmsg(-1);

	fprintf(stderr, "disasm_check: %s: %s%s%s\n", path, what,
		msg ? ": " : "", msg ? msg : "");
	return 2;
}

static int pf_check__section(const char *path, const char *name,
			     const uint8_t *data, size_t size, bool big_endian)
{
	size_t cnt = size / PF_INSN_SZ;
	char text[256];

	for (size_t i = 0; i < cnt;) {
		struct pf_insn insn, next;
		bool has_next = i + 1 < cnt;
		int used;

		pf_insn__decode(data + i * PF_INSN_SZ, big_endian, &insn);
		if (has_next)
			pf_insn__decode(data + (i + 1) * PF_INSN_SZ, big_endian,
					&next);
		used = pf_insn__disasm(&insn, has_next ? &next : NULL,
				       PF_DISASM_LLVM, text, sizeof(text));
		printf("%s\t%zu\t%s\n", name, i, text);
		i += (size_t)used;
	}
	if (size % PF_INSN_SZ) {
		fprintf(stderr,
			"disasm_check: %s: section %s: size %zu is not a multiple of %d\n",
			path, name, size, PF_INSN_SZ);
		return 2;
	}
	return 0;
}

static int pf_check__elf(const char *path, Elf *elf)
{
	GElf_Ehdr ehdr;
	size_t shstrndx, shnum;
	Elf_Scn *scn = NULL;
	bool big_endian;
	int ret = 0;

	if (elf_kind(elf) != ELF_K_ELF)
		return pf_check__fail(path, "not an ELF file");
	if (!gelf_getehdr(elf, &ehdr))
		return pf_check__fail(path, "bad ELF header");
	/* Instruction byte order follows the file's, not the host's. */
	switch (ehdr.e_ident[EI_DATA]) {
	case ELFDATA2LSB:
		big_endian = false;
		break;
	case ELFDATA2MSB:
		big_endian = true;
		break;
	default:
		fprintf(stderr, "disasm_check: %s: unknown byte order %u\n",
			path, ehdr.e_ident[EI_DATA]);
		return 2;
	}
	/*
	 * elfutils quietly reports no sections at all when the section header
	 * table lies past the end of the file; an object always has some.
	 */
	if (elf_getshdrnum(elf, &shnum))
		return pf_check__fail(path, "bad section count");
	if (shnum == 0 || (ehdr.e_shnum && shnum != ehdr.e_shnum)) {
		fprintf(stderr,
			"disasm_check: %s: section header table missing or outside the file\n",
			path);
		return 2;
	}
	if (elf_getshdrstrndx(elf, &shstrndx))
		return pf_check__fail(path, "no section name table");

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		Elf_Data *data;
		const char *name;

		if (!gelf_getshdr(scn, &shdr))
			return pf_check__fail(path, "bad section header");
		if (shdr.sh_type != SHT_PROGBITS ||
		    !(shdr.sh_flags & SHF_EXECINSTR))
			continue;
		name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (!name)
			return pf_check__fail(path, "bad section name");
		/* Raw: libelf must not byte-swap instructions for us. */
		data = elf_rawdata(scn, NULL);
		if (!data)
			return pf_check__fail(path, "unreadable section");
		if (!data->d_buf && data->d_size)
			return pf_check__fail(path, "section without data");
		if (pf_check__section(path, name, data->d_buf, data->d_size,
				      big_endian))
			ret = 2;
	}
	return ret;
}

static int pf_check__file(const char *path)
{
	Elf *elf;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "disasm_check: %s: %s\n", path, strerror(errno));
		return 2;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf) {
		ret = pf_check__fail(path, "cannot read ELF");
	} else {
		ret = pf_check__elf(path, elf);
		elf_end(elf);
	}
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	int ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE.o...\n", argv[0]);
		return 2;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		fprintf(stderr, "disasm_check: libelf: %s\n", elf_errmsg(-1));
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		/* Several files: name each listing so they can be told apart. */
		if (argc > 2)
			printf("# %s\n", argv[i]);
		if (pf_check__file(argv[i]))
			ret = 2;
	}
	return ret;
}
