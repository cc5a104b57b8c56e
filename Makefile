# bpf-preflight: build, demo, check, vmtest, bench, install.
#
# Every library comes from pkg-config. Debian 12's libdwarf-dev ships no
# .pc file, so its flags fall back to the path Debian installs it at.

PREFIX     ?= /usr/local
DESTDIR    ?=
CC         ?= cc
PKG_CONFIG ?= pkg-config
PKGS       := libbpf libelf libcjson
BUILD      := build
# The command's path: a cross build (tests/vm/arm64.sh) puts it under its
# own BUILD so that the host's stays.
BIN        := bpf-preflight
# The one place the version is defined: --version and the SARIF driver.
VERSION    := 0.1.0

CFLAGS_PKG := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) \
              $(shell $(PKG_CONFIG) --cflags libdwarf 2>/dev/null || echo -I/usr/include/libdwarf)
LIBS_PKG   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) \
              $(shell $(PKG_CONFIG) --libs libdwarf 2>/dev/null || echo -ldwarf)

WARN       := -Wall -Wextra -Werror
CFLAGS     ?= -O2 -g
DEFS       := -D_GNU_SOURCE -DPF_VERSION=\"$(VERSION)\"
# Each object writes its header dependencies next to it (.d, included below).
DEPFLAGS   := -MMD -MP
override CFLAGS += -std=gnu11 $(WARN) -Iinclude -Icli $(CFLAGS_PKG) $(DEFS)
SAN        := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

RULE_DOCS  := $(sort $(wildcard docs/rules/*.md))
GEN_DOCS   := $(BUILD)/gen/rule_docs.c
# The library (analyzer/, rules/, the built-in rule pages) is a static
# archive with one public header, include/bpf_preflight.h; the command line
# (cli/) links it. Every front end links the same archive.
LIB_SRCS   := $(wildcard analyzer/*.c) $(wildcard rules/*.c) $(GEN_DOCS)
CLI_SRCS   := $(wildcard cli/*.c)
LIB        := $(BUILD)/libbpf-preflight.a
SAN_LIB    := $(BUILD)/san/libbpf-preflight.a
LIB_OBJS   := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS   := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
SAN_LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/san/%.o)
SAN_CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/san/%.o)
OBJS       := $(LIB_OBJS) $(CLI_OBJS)
SAN_OBJS   := $(SAN_LIB_OBJS) $(SAN_CLI_OBJS)

# Debian packages: what building needs, and what the test suite needs.
DEPS_BUILD := gcc make pkg-config libbpf-dev libelf-dev libdwarf-dev \
              libcjson-dev zlib1g-dev linux-libc-dev xxd
DEPS_TEST  := clang clang-19 llvm-19 gcc-bpf bpftool qemu-system-x86 \
              busybox-static cpio zstd python3 mandoc bsdextrautils \
              libclang-rt-19-dev valgrind gnuplot-nox time pre-commit tmux nodejs \
              libicu72 libxdp1 xdp-tools xdp-tests \
              golang-github-cilium-ebpf-dev
# make fuzz-afl only: the second fuzzing engine.
DEPS_AFL   := afl++

.PHONY: all deps deps-test demo check test vmtest vmtest-arm64 bench install clean \
        fuzz fuzz-afl memcheck unit FORCE

all: $(BIN)

# The rule pages are built in (xxd -i): `bpf-preflight explain RULE`, SARIF
# help. docs/rules itself is a prerequisite so that a page added or removed
# regenerates the table.
$(GEN_DOCS): $(RULE_DOCS) tools/gen-rule-docs.sh docs/rules
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)tools/gen-rule-docs.sh $@ $(RULE_DOCS)

# V=1 shows the commands.
Q := $(if $(V),,@)

# Rewritten only when VERSION changes (make VERSION=x.y.z too), so that
# every object, compiled with -DPF_VERSION, is rebuilt then and only then.
VERSION_STAMP := $(BUILD)/version
$(VERSION_STAMP): FORCE
	@mkdir -p $(dir $@)
	@[ "$$(cat $@ 2>/dev/null)" = "$(VERSION)" ] || echo "$(VERSION)" >$@

$(LIB): $(LIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(SAN_LIB): $(SAN_LIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(LIBS_PKG) $(LDFLAGS)

$(BUILD)/obj/%.o: %.c $(VERSION_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/bpf-preflight-san: $(SAN_CLI_OBJS) $(SAN_LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(SAN) -o $@ $(SAN_CLI_OBJS) $(SAN_LIB) $(LIBS_PKG)

$(BUILD)/san/%.o: %.c $(VERSION_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (sanitizers)"
	$(Q)$(CC) $(CFLAGS) $(SAN) $(DEPFLAGS) -c -o $@ $<

# ---- C unit tests (tests/unit/, run by tests/t_unit.sh) ----
#
# tests/unit/test_NAME.c links only the objects it exercises (listed below);
# its -san twin links the sanitizer objects. make unit builds both.
UNIT_TESTS := profile
UNIT_BINS  := $(UNIT_TESTS:%=$(BUILD)/unit/test_%) $(UNIT_TESTS:%=$(BUILD)/unit/test_%-san)
UNIT_OBJS  := $(UNIT_TESTS:%=$(BUILD)/obj/tests/unit/test_%.o) \
              $(UNIT_TESTS:%=$(BUILD)/san/tests/unit/test_%.o)
# kept, not removed as intermediates of the pattern rules below
.SECONDARY: $(UNIT_OBJS)

unit: $(UNIT_BINS)

$(BUILD)/unit/test_%: $(BUILD)/obj/tests/unit/test_%.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LIBS_PKG)

$(BUILD)/unit/test_%-san: $(BUILD)/san/tests/unit/test_%.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LIBS_PKG)

$(BUILD)/unit/test_profile: $(LIB)
$(BUILD)/unit/test_profile-san: $(SAN_LIB)

# Installs only what is missing; apt-get update runs once, only if needed.
deps:
	@tools/apt-deps.sh $(DEPS_BUILD)

deps-test:
	@tools/apt-deps.sh $(DEPS_BUILD) $(DEPS_TEST)
	@tools/npm-tools.sh >/dev/null

demo: deps
	@$(MAKE) --no-print-directory all
	@tools/demo.sh

test: all $(BUILD)/bpf-preflight-san unit
	@tests/run.sh

check: deps-test
	@$(MAKE) --no-print-directory test

vmtest: deps-test all
	@tests/vm/vmtest.sh
	@PF_ROOT=$(CURDIR) PF_BIN=$(CURDIR)/bpf-preflight PF_BUILD=$(CURDIR)/$(BUILD) \
		bash tests/t_freplace_vm.sh
	@tests/vm/arm64.sh

# Debian's arm64 cloud kernels under qemu-system-aarch64: probe and compare
# with the fact table's arm64 rows (installs the cross tools it needs).
vmtest-arm64: all
	@tests/vm/arm64.sh

bench: deps-test all
	@tools/bench.sh

install: all
	install -D -m 0755 bpf-preflight $(DESTDIR)$(PREFIX)/bin/bpf-preflight
	install -D -m 0644 man/bpf-preflight.1 $(DESTDIR)$(PREFIX)/share/man/man1/bpf-preflight.1
	install -D -m 0644 completion/bpf-preflight.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/bpf-preflight

clean:
	rm -rf $(BUILD) bpf-preflight

# ---- Fuzzing, valgrind, generated objects (docs/fuzzing.md) ----
#
# make fuzz FUZZ_SECONDS=N: libFuzzer over the whole pipeline on one
# in-memory object (tests/fuzz/fuzz_object.c), seeded from testdata/ and
# ../shared/corpus; a crash is left in build/fuzz/crashes/.
FUZZ_CC      ?= clang-19
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -O1 -g -std=gnu11 -Wall -Wextra -Iinclude -Icli $(CFLAGS_PKG) $(DEFS) $(DEPFLAGS)
# the target links the library and the commands it runs (the CLI without main)
FUZZ_CLI     := $(filter-out cli/main.c,$(CLI_SRCS))
FUZZ_LIB     := $(BUILD)/fuzz/libbpf-preflight.a
AFL_LIB      := $(BUILD)/afl/libbpf-preflight.a
FUZZ_OBJS    := $(LIB_SRCS:%.c=$(BUILD)/fuzz/%.o) $(FUZZ_CLI:%.c=$(BUILD)/fuzz/%.o)
AFL_OBJS     := $(LIB_SRCS:%.c=$(BUILD)/afl/%.o) $(FUZZ_CLI:%.c=$(BUILD)/afl/%.o)

$(FUZZ_LIB): $(LIB_SRCS:%.c=$(BUILD)/fuzz/%.o)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(AFL_LIB): $(LIB_SRCS:%.c=$(BUILD)/afl/%.o)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/fuzz/%.o: %.c $(VERSION_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (libFuzzer)"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

$(BUILD)/fuzz-object: $(FUZZ_CLI:%.c=$(BUILD)/fuzz/%.o) $(BUILD)/fuzz/tests/fuzz/fuzz_object.o $(FUZZ_LIB)
	@echo "  LD      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LIBS_PKG)

fuzz: deps-test $(BUILD)/gen-bpf-elf
	@$(MAKE) --no-print-directory $(BUILD)/fuzz-object
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

# The same target under AFL++ (Debian's afl++, clang-14 based).
$(BUILD)/afl/%.o: %.c $(VERSION_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (AFL++)"
	$(Q)AFL_QUIET=1 afl-clang-fast $(FUZZ_CFLAGS) $(FUZZ_SAN) -c -o $@ $<

$(BUILD)/afl-object: $(FUZZ_CLI:%.c=$(BUILD)/afl/%.o) $(BUILD)/afl/tests/fuzz/fuzz_object.o $(AFL_LIB)
	@echo "  LD      $@"
	$(Q)AFL_QUIET=1 afl-clang-fast $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LIBS_PKG)

fuzz-afl: deps-test $(BUILD)/gen-bpf-elf
	@tools/apt-deps.sh $(DEPS_AFL)
	@$(MAKE) --no-print-directory $(BUILD)/afl-object
	@tests/fuzz/afl.sh $(FUZZ_SECONDS)

# make memcheck: valgrind (memcheck, leaks) over the corpus, plain build.
memcheck: deps-test all
	@tools/memcheck.sh

# Writes valid BPF ELF objects of any size directly (bench, limits, seeds).
$(BUILD)/gen-bpf-elf: tools/gen-bpf-elf.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) -O2 -g -std=gnu11 $(WARN) -o $@ $<

bench: $(BUILD)/gen-bpf-elf
test: $(BUILD)/gen-bpf-elf

# Header dependencies written by -MMD -MP, for every object tree.
ALL_OBJS := $(OBJS) $(SAN_OBJS) $(FUZZ_OBJS) $(AFL_OBJS) \
            $(BUILD)/fuzz/tests/fuzz/fuzz_object.o $(BUILD)/afl/tests/fuzz/fuzz_object.o \
            $(UNIT_OBJS)
-include $(wildcard $(ALL_OBJS:.o=.d))
