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

CFLAGS_PKG := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) \
              $(shell $(PKG_CONFIG) --cflags libdwarf 2>/dev/null || echo -I/usr/include/libdwarf)
LIBS_PKG   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) \
              $(shell $(PKG_CONFIG) --libs libdwarf 2>/dev/null || echo -ldwarf)

WARN       := -Wall -Wextra -Werror
CFLAGS     ?= -O2 -g
override CFLAGS += -std=gnu11 $(WARN) -Iinclude $(CFLAGS_PKG) -D_GNU_SOURCE
SAN        := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

SRCS       := $(wildcard analyzer/*.c) $(wildcard rules/*.c)
OBJS       := $(SRCS:%.c=$(BUILD)/obj/%.o)
SAN_OBJS   := $(SRCS:%.c=$(BUILD)/san/%.o)
HDRS       := $(wildcard include/*.h)

# Debian packages: what building needs, and what the test suite needs.
DEPS_BUILD := gcc make pkg-config libbpf-dev libelf-dev libdwarf-dev \
              libcjson-dev zlib1g-dev linux-libc-dev
DEPS_TEST  := clang clang-19 llvm-19 gcc-bpf bpftool qemu-system-x86 \
              busybox-static cpio zstd python3 mandoc bsdextrautils

.PHONY: all deps deps-test demo check test vmtest bench install clean

all: bpf-preflight

# V=1 shows the commands.
Q := $(if $(V),,@)

bpf-preflight: $(OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LIBS_PKG)

$(BUILD)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/bpf-preflight-san: $(SAN_OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LIBS_PKG)

$(BUILD)/san/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (sanitizers)"
	$(Q)$(CC) $(CFLAGS) $(SAN) -c -o $@ $<

# Installs only what is missing; apt-get update runs once, only if needed.
deps:
	@tools/apt-deps.sh $(DEPS_BUILD)

deps-test:
	@tools/apt-deps.sh $(DEPS_BUILD) $(DEPS_TEST)

demo: deps
	@$(MAKE) --no-print-directory all
	@tools/demo.sh

test: all $(BUILD)/bpf-preflight-san
	@tests/run.sh

check: deps-test
	@$(MAKE) --no-print-directory test

vmtest: deps-test all
	@tests/vm/vmtest.sh

bench: deps-test all
	@tools/bench.sh

install: all
	install -D -m 0755 bpf-preflight $(DESTDIR)$(PREFIX)/bin/bpf-preflight
	install -D -m 0644 man/bpf-preflight.1 $(DESTDIR)$(PREFIX)/share/man/man1/bpf-preflight.1

clean:
	rm -rf $(BUILD) bpf-preflight
