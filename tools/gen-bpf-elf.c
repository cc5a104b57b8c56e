// SPDX-License-Identifier: MIT
/*
 * gen-bpf-elf: write a valid relocatable BPF ELF object of any size
 * directly, without a compiler: the objects `make bench` times (1k to 1M
 * instructions) and the hostile shapes tests/t_limits.sh feeds.
 *
 *   gen-bpf-elf -n INSNS [-f FUNC_INSNS] [--big-endian] -o OUT
 *       entry programs in SEC("socket"), each followed by a static
 *       subprogram in .text it calls, both of about FUNC_INSNS slots
 *       (default 4096); straight code with stack spills and reloads,
 *       forward branches and helper calls, which the kernel verifier
 *       accepts (socket filters, GPL).
 *   --funcs M --fanout K      one entry and a chain of M-1 subprograms,
 *                             each calling the next K times
 *   --sections S              S more code sections (legacy one-section
 *                             programs, "r0 = 0; exit"); extended section
 *                             numbering past 65279
 *   --syms K                  K more local symbols
 *   --relocs K                K more (R_BPF_64_NONE) relocations of .text
 *   --jump-out                the last entry jumps past its end
 * Calls are relocated against the callee's STT_FUNC symbol, as LLVM does.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EM_BPF		247
#define SHT_PROGBITS	1
#define SHT_SYMTAB	2
#define SHT_STRTAB	3
#define SHT_REL		9
#define SHF_ALLOC	0x2
#define SHF_EXECINSTR	0x4
#define SHF_INFO_LINK	0x40
#define R_BPF_64_32	10
#define SHN_LORESERVE	0xff00

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static bool big;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "gen-bpf-elf: out of memory\n");
		exit(1);
	}
	return p;
}

static void put(struct buf *b, const void *src, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 4096;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

static void put8(struct buf *b, uint8_t v)
{
	put(b, &v, 1);
}

static void putn(struct buf *b, uint64_t v, int n)
{
	uint8_t x[8];
	int i;

	for (i = 0; i < n; i++)
		x[big ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
	put(b, x, n);
}

#define put16(b, v) putn(b, v, 2)
#define put32(b, v) putn(b, v, 4)
#define put64(b, v) putn(b, v, 8)

static void insn(struct buf *b, uint8_t code, uint8_t dst, uint8_t src, int16_t off,
		 int32_t imm)
{
	put8(b, code);
	put8(b, big ? (uint8_t)(dst << 4 | src) : (uint8_t)(src << 4 | dst));
	put16(b, (uint16_t)off);
	put32(b, (uint32_t)imm);
}

/* struct bpf_insn opcodes used below */
#define MOV64_X	0xbf
#define MOV64_K	0xb7
#define ADD64_K	0x07
#define ADD64_X	0x0f
#define AND64_K	0x57
#define XOR64_X	0xaf
#define STX_DW	0x7b
#define LDX_DW	0x79
#define JGT_K	0x25
#define JA	0x05
#define CALL	0x85
#define EXIT	0x95

struct func {
	const char *sec;	/* "socket" or ".text" */
	char name[32];
	size_t size;		/* slots */
	size_t off;		/* slot offset inside its section */
	int callee;		/* function called, -1 */
	size_t calls;		/* how many times */
	int sym;		/* symbol index */
};

struct reloc {
	uint64_t off;
	uint32_t sym, type;
};

struct sec {
	struct buf data;
	struct reloc *rel;
	size_t rel_cnt, rel_cap;
};

static void add_rel(struct sec *s, uint64_t off, uint32_t sym, uint32_t type)
{
	if (s->rel_cnt == s->rel_cap) {
		s->rel_cap = s->rel_cap ? s->rel_cap * 2 : 64;
		s->rel = xrealloc(s->rel, s->rel_cap * sizeof(*s->rel));
	}
	s->rel[s->rel_cnt++] = (struct reloc){ off, sym, type };
}

/* One function: prologue, blocks, calls spread through it, epilogue. */
static void emit_func(struct sec *s, struct func *f, const struct func *funcs,
		      bool entry, bool jump_out)
{
	size_t start = s->data.len / 8, used, blocks, i, c = 0, every;
	size_t call_sz = 4, body;

	if (entry) {
		insn(&s->data, MOV64_X, 6, 1, 0, 0);
		insn(&s->data, MOV64_K, 7, 0, 0, 0);
	} else {
		insn(&s->data, MOV64_X, 7, 1, 0, 0);
		insn(&s->data, AND64_K, 7, 0, 0, 0xff);
	}
	body = f->size - 4 - (f->callee >= 0 ? f->calls * call_sz : 0);
	blocks = body / 10;
	every = f->callee >= 0 && f->calls ? blocks / f->calls + 1 : 0;
	for (i = 0; i < blocks || (f->callee >= 0 && c < f->calls); i++) {
		if (f->callee >= 0 && c < f->calls && (!every || i % every == every / 2 || i >= blocks)) {
			insn(&s->data, MOV64_X, 1, 7, 0, 0);
			add_rel(s, s->data.len, (uint32_t)funcs[f->callee].sym, R_BPF_64_32);
			insn(&s->data, CALL, 0, 1, 0, -1);
			insn(&s->data, ADD64_X, 7, 0, 0, 0);
			insn(&s->data, AND64_K, 7, 0, 0, 0xffff);
			c++;
		}
		if (i < blocks) {
			int16_t off = (int16_t)(-8 * (int)(1 + i % 8));

			insn(&s->data, MOV64_X, 1, 7, 0, 0);
			insn(&s->data, ADD64_K, 1, 0, 0, (int32_t)(i % 1000));
			insn(&s->data, STX_DW, 10, 1, off, 0);
			insn(&s->data, LDX_DW, 2, 10, off, 0);
			insn(&s->data, JGT_K, 2, 0, 2, 1000);
			insn(&s->data, ADD64_X, 7, 2, 0, 0);
			insn(&s->data, AND64_K, 7, 0, 0, 0xffff);
			insn(&s->data, CALL, 0, 0, 0, 7);	/* bpf_get_prandom_u32 */
			insn(&s->data, XOR64_X, 7, 0, 0, 0);
			insn(&s->data, AND64_K, 7, 0, 0, 0xffff);
		}
	}
	used = s->data.len / 8 - start;
	while (used + 2 < f->size) {
		insn(&s->data, ADD64_K, 7, 0, 0, 1);
		used++;
	}
	if (jump_out)
		insn(&s->data, JA, 0, 0, 4, 0);
	else if (entry)
		insn(&s->data, MOV64_K, 0, 0, 0, 0);
	else
		insn(&s->data, MOV64_X, 0, 7, 0, 0);
	insn(&s->data, EXIT, 0, 0, 0, 0);
	f->size = s->data.len / 8 - start;
}

struct shdr {
	uint32_t name, type;
	uint64_t flags, offset, size;
	uint32_t link, info;
	uint64_t align, entsize;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: gen-bpf-elf -n INSNS [-f FUNC_INSNS] [--big-endian] [--funcs M --fanout K]\n"
		"                   [--sections S] [--syms K] [--relocs K] [--jump-out] -o OUT\n");
	exit(2);
}

static size_t num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s)
		usage();
	return (size_t)v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "big-endian", no_argument, NULL, 'B' },
		{ "funcs", required_argument, NULL, 'M' },
		{ "fanout", required_argument, NULL, 'K' },
		{ "sections", required_argument, NULL, 'S' },
		{ "syms", required_argument, NULL, 'Y' },
		{ "relocs", required_argument, NULL, 'R' },
		{ "jump-out", no_argument, NULL, 'J' },
		{ 0 }
	};
	size_t n = 1000, fmax = 4096, nfuncs = 0, fanout = 0, nsec = 0, nsyms = 0, nrel = 0;
	size_t i, nf, per, nshdr, shnum_real;
	const char *out = NULL;
	bool jump_out = false;
	struct func *funcs;
	struct sec text = { 0 }, sock = { 0 };
	struct buf shstr = { 0 }, str = { 0 }, sym = { 0 }, file = { 0 };
	struct shdr *sh;
	uint32_t n_text = 0, n_sock, n_rtext, n_rsock, n_lic, n_symtab, n_strtab, n_shstr;
	size_t first_global, sym_cnt;
	int c;
	FILE *fp;

	while ((c = getopt_long(argc, argv, "n:f:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': n = num(optarg); break;
		case 'f': fmax = num(optarg); break;
		case 'o': out = optarg; break;
		case 'B': big = true; break;
		case 'M': nfuncs = num(optarg); break;
		case 'K': fanout = num(optarg); break;
		case 'S': nsec = num(optarg); break;
		case 'Y': nsyms = num(optarg); break;
		case 'R': nrel = num(optarg); break;
		case 'J': jump_out = true; break;
		default: usage();
		}
	}
	if (!out || fmax < 4)
		usage();

	/* The functions and their sizes. */
	if (nfuncs) {
		nf = nfuncs;
	} else {
		nf = (n + fmax - 1) / fmax;
		if (!nf)
			nf = 1;
	}
	funcs = calloc(nf, sizeof(*funcs));
	if (!funcs)
		return 1;
	per = n / nf;
	for (i = 0; i < nf; i++) {
		struct func *f = &funcs[i];
		bool entry = nfuncs ? i == 0 : i % 2 == 0;

		f->sec = entry ? "socket" : ".text";
		f->callee = -1;
		if (nfuncs && i + 1 < nf) {
			f->callee = (int)i + 1;
			f->calls = fanout ? fanout : 1;
		} else if (!nfuncs && entry && i + 1 < nf) {
			f->callee = (int)i + 1;
			f->calls = 1;
		}
		f->size = i + 1 < nf ? per : n - per * (nf - 1);
		if (f->size < 4 + f->calls * 4)
			f->size = 4 + f->calls * 4;
		snprintf(f->name, sizeof(f->name), "%s_%zu", entry ? "prog" : "sub", i);
	}

	/* Symbols: null, local subprograms, extra locals, then entry programs. */
	put8(&str, 0);
	sym_cnt = 1;
	for (i = 0; i < nf; i++)
		if (!strcmp(funcs[i].sec, ".text"))
			funcs[i].sym = (int)sym_cnt++;
	sym_cnt += nsyms;
	first_global = sym_cnt;
	for (i = 0; i < nf; i++)
		if (strcmp(funcs[i].sec, ".text"))
			funcs[i].sym = (int)sym_cnt++;

	/* Code, in each function's section. */
	for (i = 0; i < nf; i++) {
		struct func *f = &funcs[i];
		bool entry = strcmp(f->sec, ".text");
		struct sec *s = entry ? &sock : &text;

		f->off = s->data.len / 8;
		emit_func(s, f, funcs, entry, jump_out && i == nf - 1);
	}
	for (i = 0; i < nrel; i++)
		add_rel(&text, 0, 0, 0);
	if (nrel && !text.data.len)
		insn(&text.data, EXIT, 0, 0, 0, 0);

	/* Section header string table. */
	put8(&shstr, 0);
#define NAME(var, s) do { var = (uint32_t)shstr.len; put(&shstr, s, strlen(s) + 1); } while (0)
	NAME(n_shstr, ".shstrtab");
	NAME(n_strtab, ".strtab");
	NAME(n_symtab, ".symtab");
	if (text.data.len)
		NAME(n_text, ".text");
	NAME(n_rtext, ".rel.text");
	NAME(n_sock, "socket");
	NAME(n_rsock, ".rel.socket");
	NAME(n_lic, "license");

	/* Section indices: 1 shstrtab, 2 strtab, 3 symtab, then code. */
	{
		uint32_t idx_text = 0, idx_sock, idx_rtext = 0, idx_rsock = 0, idx_lic, k = 4;
		size_t extra_first;
		uint64_t off;

		if (text.data.len)
			idx_text = k++;
		idx_sock = k++;
		if (text.rel_cnt)
			idx_rtext = k++;
		if (sock.rel_cnt)
			idx_rsock = k++;
		idx_lic = k++;
		extra_first = k;
		nshdr = k + nsec;
		shnum_real = nshdr;
		sh = calloc(nshdr, sizeof(*sh));
		if (!sh)
			return 1;

		/* Symbols. */
		put64(&sym, 0), put64(&sym, 0), put64(&sym, 0);
		for (i = 0; i < nf; i++)
			if (!strcmp(funcs[i].sec, ".text")) {
				uint32_t name = (uint32_t)str.len;

				put(&str, funcs[i].name, strlen(funcs[i].name) + 1);
				put32(&sym, name);
				put8(&sym, 0x02);	/* STB_LOCAL, STT_FUNC */
				put8(&sym, 0);
				put16(&sym, idx_text);
				put64(&sym, funcs[i].off * 8);
				put64(&sym, funcs[i].size * 8);
			}
		for (i = 0; i < nsyms; i++) {
			put32(&sym, 0);
			put8(&sym, 0x00);	/* STB_LOCAL, STT_NOTYPE */
			put8(&sym, 0);
			put16(&sym, idx_text ? idx_text : idx_sock);
			put64(&sym, 0);
			put64(&sym, 0);
		}
		for (i = 0; i < nf; i++)
			if (strcmp(funcs[i].sec, ".text")) {
				uint32_t name = (uint32_t)str.len;

				put(&str, funcs[i].name, strlen(funcs[i].name) + 1);
				put32(&sym, name);
				put8(&sym, 0x12);	/* STB_GLOBAL, STT_FUNC */
				put8(&sym, 0);
				put16(&sym, idx_sock);
				put64(&sym, funcs[i].off * 8);
				put64(&sym, funcs[i].size * 8);
			}

		/* File: header, section contents, section headers. */
		off = 64;
		file.len = 0;
		{
			uint8_t zero[64] = { 0 };

			put(&file, zero, 64);
		}
#define SEC(idx, nm, ty, fl, b, lk, inf, al, es) do {				\
		sh[idx] = (struct shdr){ .name = nm, .type = ty, .flags = fl,	\
			.offset = file.len, .size = (b)->len, .link = lk,	\
			.info = inf, .align = al, .entsize = es };		\
		put(&file, (b)->p, (b)->len);					\
		while (file.len % 8)						\
			put8(&file, 0);						\
	} while (0)
		SEC(1, n_shstr, SHT_STRTAB, 0, &shstr, 0, 0, 1, 0);
		SEC(2, n_strtab, SHT_STRTAB, 0, &str, 0, 0, 1, 0);
		SEC(3, n_symtab, SHT_SYMTAB, 0, &sym, 2, (uint32_t)first_global, 8, 24);
		if (idx_text)
			SEC(idx_text, n_text, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, &text.data,
			    0, 0, 8, 0);
		SEC(idx_sock, n_sock, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, &sock.data,
		    0, 0, 8, 0);
		if (idx_rtext || idx_rsock) {
			struct sec *rs[2] = { &text, &sock };
			uint32_t ri[2] = { idx_rtext, idx_rsock }, tgt[2] = { idx_text, idx_sock };
			uint32_t rn[2] = { n_rtext, n_rsock };
			int j;

			for (j = 0; j < 2; j++) {
				struct buf rb = { 0 };
				size_t r;

				if (!ri[j])
					continue;
				for (r = 0; r < rs[j]->rel_cnt; r++) {
					put64(&rb, rs[j]->rel[r].off);
					put64(&rb, (uint64_t)rs[j]->rel[r].sym << 32 | rs[j]->rel[r].type);
				}
				SEC(ri[j], rn[j], SHT_REL, SHF_INFO_LINK, &rb, 3, tgt[j], 8, 16);
				free(rb.p);
			}
		}
		{
			struct buf lic = { 0 };

			put(&lic, "GPL", 4);
			SEC(idx_lic, n_lic, SHT_PROGBITS, SHF_ALLOC | 0x1, &lic, 0, 0, 1, 0);
			free(lic.p);
		}
		if (nsec) {
			struct buf code = { 0 };
			uint64_t code_off;

			insn(&code, MOV64_K, 0, 0, 0, 0);
			insn(&code, EXIT, 0, 0, 0, 0);
			code_off = file.len;
			put(&file, code.p, code.len);
			for (i = 0; i < nsec; i++)
				sh[extra_first + i] = (struct shdr){ .name = n_sock,
					.type = SHT_PROGBITS, .flags = SHF_ALLOC | SHF_EXECINSTR,
					.offset = code_off, .size = code.len, .align = 8 };
			free(code.p);
		}
		while (file.len % 8)
			put8(&file, 0);
		off = file.len;

		/* Extended numbering: e_shnum 0, the count in section 0's size. */
		if (shnum_real >= SHN_LORESERVE)
			sh[0].size = shnum_real;
		for (i = 0; i < nshdr; i++) {
			put32(&file, sh[i].name);
			put32(&file, sh[i].type);
			put64(&file, sh[i].flags);
			put64(&file, 0);	/* addr */
			put64(&file, sh[i].offset);
			put64(&file, sh[i].size);
			put32(&file, sh[i].link);
			put32(&file, sh[i].info);
			put64(&file, sh[i].align);
			put64(&file, sh[i].entsize);
		}

		/* ELF header, written last over the zeros. */
		{
			struct buf eh = { 0 };
			static const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
			uint8_t id[16];

			memcpy(id, ident, 16);
			id[5] = big ? 2 : 1;
			put(&eh, id, 16);
			put16(&eh, 1);		/* ET_REL */
			put16(&eh, EM_BPF);
			put32(&eh, 1);		/* EV_CURRENT */
			put64(&eh, 0);		/* entry */
			put64(&eh, 0);		/* phoff */
			put64(&eh, off);	/* shoff */
			put32(&eh, 0);		/* flags */
			put16(&eh, 64);		/* ehsize */
			put16(&eh, 0);		/* phentsize */
			put16(&eh, 0);		/* phnum */
			put16(&eh, 64);		/* shentsize */
			put16(&eh, shnum_real >= SHN_LORESERVE ? 0 : shnum_real);
			put16(&eh, 1);		/* shstrndx */
			memcpy(file.p, eh.p, 64);
			free(eh.p);
		}
	}

	fp = fopen(out, "wb");
	if (!fp || fwrite(file.p, 1, file.len, fp) != file.len || fclose(fp)) {
		fprintf(stderr, "gen-bpf-elf: %s: %s\n", out, strerror(errno));
		return 1;
	}
	free(file.p), free(shstr.p), free(str.p), free(sym.p);
	free(text.data.p), free(text.rel), free(sock.data.p), free(sock.rel);
	free(funcs), free(sh);
	return 0;
}
