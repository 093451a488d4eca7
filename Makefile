# dealboard — a terminal pipeline board. `make demo` and `make test` are all the
# set-up there is on Debian 12: both install missing packages first (scripts/deps.sh).

O        ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   := $(PREFIX)/bin
MANDIR   := $(PREFIX)/share/man/man1
DATADIR  := $(PREFIX)/share/dealboard
COMPDIR  := $(PREFIX)/share/bash-completion/completions
VERSION  := 0.1.0

CC       ?= cc
PKGS     := ncursesw libgit2 libcjson
OPT      ?= -O2 -g
SAN      ?=
CFLAGS   := -std=c11 -Wall -Wextra -Werror -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE \
            -DDEALBOARD_VERSION='"$(VERSION)"' -DDEALBOARD_DATADIR='"$(DATADIR)"' \
            $(OPT) $(SAN) $(filter-out -D_XOPEN_SOURCE=% -D_DEFAULT_SOURCE,$(shell pkg-config --cflags $(PKGS) 2>/dev/null)) $(EXTRA_CFLAGS)
LDFLAGS  += $(SAN)
# Debian's shared libraries: libgit2, ncurses, cJSON and libcsv are linked
# dynamically, so a security update of any of them reaches dealboard without
# a rebuild. STATIC=1 instead links libgit2 and the libraries only it brings
# in (mbedTLS, libssh2 with the libcrypto it needs, http-parser, PCRE2,
# zlib), ncurses and libcsv from Debian's .a files (pkg-config --static);
# Kerberos (GSSAPI, for libgit2's Negotiate) and cJSON stay shared even then:
# Debian has no static ones. (No ld --wrap and no deferred CA parse in
# either: libgit2's init loads the system's CA certificates itself.)
STATIC   ?=
ifeq ($(STATIC),1)
GIT_STATIC := $(filter-out -lrt -ldl -lpthread,$(shell pkg-config --static --libs-only-l libgit2 libcrypto 2>/dev/null))
NCURSES_STATIC := $(shell pkg-config --static --libs-only-l ncursesw 2>/dev/null)
LDLIBS   := -Wl,-Bstatic $(GIT_STATIC) $(NCURSES_STATIC) -lcsv -Wl,-Bdynamic \
            $(shell pkg-config --libs libcjson krb5-gssapi 2>/dev/null) -lm -ldl -lrt -pthread
else
LDLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm -pthread
endif
# Switching between the two relinks (the stamp names the kind last linked).
LINK_KIND := $(O)/link-$(if $(filter 1,$(STATIC)),static,shared)
TEST_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

# Short build lines ("CC file.c"); V=1 shows the full commands.
V        ?= 0
Q        := $(if $(filter 1,$(V)),,@)
say       = $(if $(filter 1,$(V)),,@printf '  %-6s %s\n' $(1) $(2);)

# The binary is ./dealboard for the default build, $(O)/dealboard otherwise.
BIN      ?= $(if $(filter build,$(O)),dealboard,$(O)/dealboard)

LIB_SRC  := $(wildcard pipeline/*.c store/*.c keymaps/*.c tui/*.c) \
            $(filter-out cli/main.c,$(wildcard cli/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(O)/%.o) $(O)/gen/keys_text.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
KEYFILES := $(wildcard keymaps/*.keys)

.PHONY: all deps test unit check demo install uninstall clean bench fuzz fuzz-smoke \
        deps-deb deb deb-check
.DEFAULT_GOAL := all

all: $(BIN)

deps:
	@STATIC=$(STATIC) sh scripts/deps.sh

$(BIN): $(O)/cli/main.o $(O)/libdealboard.a $(LINK_KIND)
	$(call say,LINK,$@) $(CC) $(LDFLAGS) -o $@ $(filter-out $(LINK_KIND),$^) $(LDLIBS)

$(LINK_KIND):
	@mkdir -p $(dir $@)
	@rm -f $(O)/link-static $(O)/link-shared
	@touch $@

$(O)/libdealboard.a: $(LIB_OBJ)
	@rm -f $@
	$(call say,AR,$@) ar rcs $@ $^

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<) $(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# default.keys is compiled in and read by the same parser as user files.
$(O)/gen/keys_text.c: $(KEYFILES) scripts/embed-keys.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-keys.sh $(KEYFILES) > $@

$(O)/gen/keys_text.o: $(O)/gen/keys_text.c
	$(call say,CC,$<) $(CC) $(CFLAGS) -c -o $@ $<

$(O)/tests/%: tests/unit/%.c $(O)/libdealboard.a $(LINK_KIND)
	@mkdir -p $(dir $@)
	$(call say,TEST,$@) $(CC) $(CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< $(O)/libdealboard.a \
	    $(LDFLAGS) $(LDLIBS) $(TEST_LIBS)

unit: $(UNIT_BIN)

# Every test: unit (cmocka), CLI, TUI (script mode and tmux), sync.
test: deps
	@$(MAKE) --no-print-directory all unit
	@DEALBOARD="$(abspath $(BIN))" UNIT_DIR="$(abspath $(O)/tests)" sh tests/run.sh

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
check: deps
	@$(MAKE) --no-print-directory O=build-san OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" all unit
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    DEALBOARD="$(abspath build-san/dealboard)" UNIT_DIR="$(abspath build-san/tests)" \
	    sh tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	DEALBOARD_EXAMPLES="$(CURDIR)/examples/pipeline" ./$(BIN) demo

# libFuzzer harnesses (tests/fuzz/): the parsers of untrusted input, built
# again with clang in build-fuzz/. fuzz-smoke runs each one for a few seconds on
# its seed corpus; FUZZ_TIME=600 make fuzz-smoke for a long run.
FUZZ_CC    ?= clang
FUZZ_TIME  ?= 5
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=c11 -Wall -Wextra -Werror -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -g -O1 \
              -fno-omit-frame-pointer $(FUZZ_SAN) \
              $(filter-out -D_XOPEN_SOURCE=% -D_DEFAULT_SOURCE,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
FUZZ_SRC   := $(wildcard pipeline/*.c keymaps/*.c) store/codec.c store/json_print.c \
              store/config_load.c store/json_merge.c store/csv_io.c
FUZZ_OBJ   := $(FUZZ_SRC:%.c=build-fuzz/%.o) build-fuzz/gen/keys_text.o
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN   := $(FUZZ_NAMES:%=build-fuzz/fuzz_%)

fuzz: deps $(FUZZ_BIN)

build-fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

build-fuzz/gen/keys_text.c: $(KEYFILES) scripts/embed-keys.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-keys.sh $(KEYFILES) > $@

build-fuzz/gen/keys_text.o: build-fuzz/gen/keys_text.c
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

.SECONDARY: $(FUZZ_OBJ) build-fuzz/gen/keys_text.c

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ \
	    $(shell pkg-config --libs libcjson ncursesw 2>/dev/null) -lcsv -lm

# Each harness for FUZZ_TIME seconds on a scratch copy of its seed corpus.
fuzz-smoke: fuzz
	@for name in $(FUZZ_NAMES); do \
	    work=build-fuzz/corpus/$$name; mkdir -p $$work; \
	    echo "fuzz $$name: $(FUZZ_TIME) s"; \
	    dict=; [ -f tests/fuzz/$$name.dict ] && dict=-dict=tests/fuzz/$$name.dict; \
	    build-fuzz/fuzz_$$name -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=2048 \
	        -print_final_stats=1 $$dict $$work tests/fuzz/corpus/$$name 2> build-fuzz/$$name.log || \
	        { tail -60 build-fuzz/$$name.log; exit 1; }; \
	    grep -E 'stat::number_of_executed_units' build-fuzz/$$name.log; \
	done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DATADIR)/keymaps
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/dealboard
	install -m 644 dealboard.1 $(DESTDIR)$(MANDIR)/dealboard.1
	$(if $(KEYFILES),install -m 644 $(KEYFILES) $(DESTDIR)$(DATADIR)/keymaps/)
	cp -R examples $(DESTDIR)$(DATADIR)/
	@if [ -f completion/dealboard.bash ]; then \
	    install -d $(DESTDIR)$(COMPDIR) && \
	    install -m 644 completion/dealboard.bash $(DESTDIR)$(COMPDIR)/dealboard; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dealboard $(DESTDIR)$(MANDIR)/dealboard.1 \
	      $(DESTDIR)$(COMPDIR)/dealboard
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-* dealboard

-include $(LIB_OBJ:.o=.d) $(O)/cli/main.d

# Speed and memory on synthetic pipelines (not a test: nothing fails on a slow machine).
BENCH_SIZES ?= 1000 10000 100000
bench: deps
	@$(MAKE) --no-print-directory all
	python3 tests/bench/bench.py $(BIN) $(BENCH_SIZES)
-include $(FUZZ_OBJ:.o=.d)

# The Debian package (debian/): dpkg-buildpackage -us -uc -b on a copy of the
# working tree in build-deb/, so nothing is built or written beside the
# checkout; the .deb (with its .buildinfo and .changes) lands in build-deb/.
# It installs under /usr and its binary looks in /usr/share/dealboard.
# deb-check then tests the package's files (tests/cli/package.sh, from a
# dpkg -x root) and runs lintian on it (the .changes: both .debs and the
# .buildinfo), which must report no error. DEB_BUILD_OPTIONS=nocheck make deb
# skips the unit tests the package build runs.
DEB_SRC := build-deb/dealboard-$(VERSION)

deps-deb:
	@DEB=1 sh scripts/deps.sh

deb: deps-deb
	rm -rf build-deb
	mkdir -p $(DEB_SRC)
	tar -cf - --exclude=./.git --exclude=./build --exclude='./build-*' --exclude=./dealboard \
	    --exclude='*.o' --exclude='*.d' --exclude=./debian/.debhelper --exclude=./debian/dealboard \
	    --exclude=./debian/files --exclude='./debian/*.substvars' --exclude=./debian/debhelper-build-stamp \
	    --exclude='./debian/*.debhelper.log' \
	    . | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL dpkg-buildpackage -us -uc -b -Jauto
	rm -rf $(DEB_SRC)
	@ls -l build-deb/*.deb

deb-check:
	@ls build-deb/dealboard_*.deb > /dev/null 2>&1 || { echo "no package in build-deb/: make deb first" >&2; exit 1; }
	@DEALBOARD_DEB="$(abspath $(firstword $(wildcard build-deb/dealboard_*.deb)))" \
	    DEALBOARD=/nonexistent UNIT_DIR=/nonexistent TESTS=cli/package.sh sh tests/run.sh
	lintian --fail-on error $(wildcard build-deb/dealboard_*.changes)
