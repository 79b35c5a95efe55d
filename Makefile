# harden-exec: see README.md. `make`, `make check`, `make install`.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/harden-exec
LIBDIR ?= $(PREFIX)/lib/harden-exec
SYSCONFDIR ?= /etc/harden
VERSION = 0.1.0

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS = libseccomp libcap inih

# Hardening flags first, the user's CFLAGS/LDFLAGS last so they can add to them.
HARDEN_CFLAGS = -std=gnu11 -O2 -g -D_GNU_SOURCE -Wall -Wextra -Werror -Wformat=2 \
	-Wno-format-nonliteral -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE \
	-fstack-clash-protection -fcf-protection
HARDEN_LDFLAGS = -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack

ifeq ($(SANITIZE),1)
HARDEN_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -U_FORTIFY_SOURCE
HARDEN_LDFLAGS += -fsanitize=address,undefined
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

# harden-exec is a static PIE by default: no loader work at every start of
# a service (docs/benchmarks.md), and no loader variable of its caller's
# environment can reach into it. Local users and groups are read from
# /etc/passwd and /etc/group without NSS (wrapper/users.c); glibc's link
# warnings about getpwnam and friends concern only the NSS fallback.
# STATIC=0 links libc dynamically (libseccomp, libcap and inih stay
# static); a sanitizer build is always dynamic.
STATIC ?= 1
ifeq ($(SANITIZE),1)
STATIC = 0
endif
WRAPPER_DYN_LIBS = -Wl,-Bstatic $(PKG_LIBS) -Wl,-Bdynamic
ifeq ($(STATIC),1)
WRAPPER_LINK = -static-pie $(PKG_LIBS)
STATIC_CFLAGS = -DHARDEN_STATIC
else
WRAPPER_LINK = $(WRAPPER_DYN_LIBS)
endif

ALL_CFLAGS = $(HARDEN_CFLAGS) $(STATIC_CFLAGS) -DHARDEN_VERSION='"$(VERSION)"' $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(HARDEN_LDFLAGS) $(LDFLAGS)

# A sanitizer build lives apart, so the two never mix objects.
ifeq ($(SANITIZE),1)
B = build-san
else
B = build
endif
CORE_SRC = core/filter.c core/log.c core/readfile.c core/sysnames.c
WRAPPER_SRC = wrapper/main.c wrapper/policy.c wrapper/plan.c wrapper/apply.c wrapper/late.c wrapper/supervisor.c wrapper/cgroup.c \
	wrapper/names.c wrapper/sets.c wrapper/tools.c wrapper/learn.c wrapper/users.c \
	wrapper/ns.c wrapper/mounts.c wrapper/landlock.c \
	wrapper/argnames.c wrapper/violations.c
OBJ = $(patsubst %.c,$(B)/%.o,$(CORE_SRC) $(WRAPPER_SRC)) $(B)/baseline.o $(B)/sysnames-table.o
HDRS = $(wildcard core/*.h wrapper/*.h)

TEST_BINS = $(B)/harden-exec-dynamic $(B)/tests/probe $(B)/tests/setcheck $(B)/tests/filtertest $(B)/tests/oracle $(B)/tests/shimtest \
	$(B)/tests/lateserver $(B)/tests/llprobe $(B)/tests/latetree
# Adversarial tests (tests/t/7x-*.t): attacker programs and fault injection.
ATTACKS = $(patsubst tests/attacks/%.c,$(B)/tests/attacks/%,$(wildcard tests/attacks/*.c))
TEST_BINS += $(ATTACKS) $(B)/tests/faultinject.so

.DELETE_ON_ERROR:
.PHONY: all check bench install uninstall clean demo lint format-check
.PHONY: fuzz analyze

all: $(B)/harden-exec $(B)/libharden.so $(TEST_BINS)

# The preload shim: no libseccomp, no INI parser, and it exports nothing
# but the symbols it interposes (each marked with HARDEN_EXPORT).
SHIM_SRC = shim/shim.c shim/late.c
SHIM_OBJ = $(patsubst %.c,$(B)/pic/%.o,$(SHIM_SRC))
# Never sanitizer-instrumented: it loads into services that do not carry
# the sanitizer runtime, which must come first in the process.
SHIM_CFLAGS = $(filter-out -fPIE -fsanitize=% -fno-sanitize-recover=%,$(ALL_CFLAGS)) -fPIC -fvisibility=hidden

$(B)/pic/%.o: %.c $(HDRS) $(wildcard shim/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SHIM_CFLAGS) -c -o $@ $<

$(B)/libharden.so: $(SHIM_OBJ)
	$(CC) $(SHIM_CFLAGS) -shared -Wl,-z,relro,-z,now -Wl,-z,noexecstack $(LDFLAGS) -o $@ $(SHIM_OBJ)

$(B)/harden-exec: $(OBJ)
	$(CC) $(ALL_CFLAGS) $(filter-out -pie,$(ALL_LDFLAGS)) $(if $(filter 0,$(STATIC)),-pie) -o $@ $(OBJ) \
		$(WRAPPER_LINK) 2>$@.ldlog || { cat $@.ldlog >&2; rm -f $@.ldlog; exit 1; }
	@cat $@.ldlog >&2; rm -f $@.ldlog

# The same objects with libc shared, for tests that interpose on it
# (fault injection): never installed.
$(B)/harden-exec-dynamic: $(OBJ)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(OBJ) $(WRAPPER_DYN_LIBS)

$(B)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The baseline policy is conf/baseline.ini, compiled in as a string.
$(B)/baseline.c: conf/baseline.ini
	@mkdir -p $(B)
	{ echo '/* generated from conf/baseline.ini */'; \
	  echo 'const char baseline_ini[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

# The native syscall table, from libseccomp at build time.
$(B)/gen-sysnames: tools/gen-sysnames.c wrapper/sets.c wrapper/sets.h
	@mkdir -p $(B)
	$(CC) -std=gnu11 -O1 -Wall -Wextra -Werror $(PKG_CFLAGS) -o $@ tools/gen-sysnames.c wrapper/sets.c $(PKG_LIBS)

$(B)/sysnames-table.c: $(B)/gen-sysnames tools/syscalls-extra.txt
	$(B)/gen-sysnames tools/syscalls-extra.txt > $@

$(B)/sysnames-table.o: $(B)/sysnames-table.c core/sysnames.h
	$(CC) $(ALL_CFLAGS) -Icore -c -o $@ $<

$(B)/baseline.o: $(B)/baseline.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The probe runs as the service, also alone inside a chroot: static.
$(B)/tests/probe: tests/helpers/probe.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

# Landlock's probe (tests/t/55-landlock.t): static, so rules need not
# grant a loader.
$(B)/tests/llprobe: tests/helpers/llprobe.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

# The generator needs the syscall table (core/sysnames.c) wherever it goes.
SYSTABLE = core/sysnames.c $(B)/sysnames-table.c

$(B)/tests/setcheck: tests/helpers/setcheck.c wrapper/sets.c wrapper/sets.h $(SYSTABLE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iwrapper -Icore $(ALL_LDFLAGS) -o $@ tests/helpers/setcheck.c wrapper/sets.c $(SYSTABLE) $(PKG_LIBS)

# The generator's oracle: libseccomp builds the same specs (tests/t/16-oracle.t).
$(B)/tests/oracle: tests/helpers/oracle.c core/filter.c core/filter.h $(SYSTABLE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Icore $(ALL_LDFLAGS) -o $@ tests/helpers/oracle.c core/filter.c $(SYSTABLE) $(PKG_LIBS)

$(B)/tests/filtertest: tests/helpers/filtertest.c core/filter.c core/filter.h $(SYSTABLE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Icore $(ALL_LDFLAGS) -o $@ tests/helpers/filtertest.c core/filter.c $(SYSTABLE)

# Attackers run as the service, also alone in a chroot and as a setuid
# copy: static, like the probe.
$(B)/tests/attacks/%: tests/attacks/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

# LD_PRELOADed into harden-exec by tests/t/77-fault.t to fail one call.
# A test artefact: never installed.
$(B)/tests/faultinject.so: tests/helpers/faultinject.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden $(LDFLAGS) \
		-o $@ $< -ldl

# Parser and plan fuzzing with libFuzzer (clang): see tests/fuzz/fuzz_policy.c.
# A crash is saved as tests/fixtures/fuzz-*.ini, which 75-fuzz-regress.t runs.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR = build/fuzz
FUZZ_CFLAGS = -std=gnu11 -g -O1 -D_GNU_SOURCE -Icore -DHARDEN_VERSION='"$(VERSION)"' \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(PKG_CFLAGS)
FUZZ_SRC = tests/fuzz/fuzz_policy.c $(CORE_SRC) $(filter-out wrapper/main.c,$(WRAPPER_SRC))

FUZZ_GEN = $(B)/baseline.c $(B)/sysnames-table.c

$(FUZZ_DIR)/fuzz_policy: $(FUZZ_SRC) $(HDRS) $(FUZZ_GEN)
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz: needs $(FUZZ_CC) (apt-get install clang)"; exit 1; }
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Wl,--wrap=die -o $@ $(FUZZ_SRC) $(FUZZ_GEN) $(PKG_LIBS)
	touch $(FUZZ_DIR)/libharden.so  # plan_build looks for the shim beside the program

fuzz: $(FUZZ_DIR)/fuzz_policy
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/artifacts
	@rm -f $(FUZZ_DIR)/artifacts/*
	$(FUZZ_DIR)/fuzz_policy -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
		-max_len=4096 -detect_leaks=0 -dict=tests/fuzz/policy.dict -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/artifacts/ $(FUZZ_DIR)/corpus tests/fixtures conf \
	|| { for f in $(FUZZ_DIR)/artifacts/*; do [ -f "$$f" ] || continue; \
		n=tests/fixtures/fuzz-$$(sha1sum "$$f" | cut -c1-12).ini; \
		cp "$$f" "$$n" && chmod 0644 "$$n" && echo "make fuzz: new regression fixture $$n"; \
	     done; exit 1; }

# Static analysis: cppcheck, then clang-tidy with the checks in .clang-tidy.
# cppcheck reads no system header, so it is told what they would say: the
# target (its #if branches) and that <stdnoreturn.h>'s noreturn is one, or
# every die() would look like it returns.
ANALYZE_SRC = $(CORE_SRC) $(WRAPPER_SRC) $(wildcard shim/*.c)
ANALYZE_FLAGS = -D_GNU_SOURCE -DHARDEN_VERSION='"$(VERSION)"' -Icore -Iwrapper -Ishim $(PKG_CFLAGS)
CPPCHECK_TARGET = --platform=unix64 -D__x86_64__ -D__linux__ \
	'-Dnoreturn=__attribute__((noreturn))' '-D_Noreturn=__attribute__((noreturn))'

analyze:
	cppcheck --error-exitcode=1 --enable=warning,portability --inline-suppr -q --std=c11 \
		$(CPPCHECK_TARGET) $(ANALYZE_FLAGS) $(ANALYZE_SRC)
	clang-tidy --quiet $(ANALYZE_SRC) -- -std=gnu11 $(ANALYZE_FLAGS)

# Builds handoff blobs by hand, good and bad, for the shim's tests.
$(B)/tests/shimtest: tests/helpers/shimtest.c core/filter.c core/filter.h core/handoff.h $(SYSTABLE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Icore $(ALL_LDFLAGS) -o $@ tests/helpers/shimtest.c core/filter.c $(SYSTABLE)

# A threaded server for late application: dynamic, so the shim loads,
# and never sanitizer-built, since the shim is preloaded ahead of it.
$(B)/tests/lateserver: tests/helpers/lateserver.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o $@ $< -lpthread

$(B)/tests/latetree: tests/helpers/latetree.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -o $@ $<

# The syscall microbenchmark (scripts/bench): dynamic, so that a late
# apply can preload into it; a static copy for the peak-RSS row.
$(B)/tests/syscallbench: tests/helpers/syscallbench.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

$(B)/tests/syscallbench-static: tests/helpers/syscallbench.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

check: all
	HARDEN_BUILD=$(B) tests/run

# Benchmarks are not tests: see docs/benchmarks.md.
bench: all $(B)/tests/syscallbench $(B)/tests/syscallbench-static
	scripts/bench

demo: all
	scripts/demo

lint:
	mandoc -Tlint -W warning docs/harden-exec.1 docs/harden-exec.ini.5

format-check:
	clang-format --dry-run --Werror core/*.[ch] wrapper/*.[ch] shim/*.[ch] tools/*.c \
		tests/helpers/*.c tests/attacks/*.c tests/fuzz/*.c

install: $(B)/harden-exec $(B)/libharden.so
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(DATADIR)/examples $(DESTDIR)$(DATADIR)/profiles
	install -m 0755 $(B)/harden-exec $(DESTDIR)$(BINDIR)/harden-exec
	install -d $(DESTDIR)$(LIBDIR)
	install -m 0644 $(B)/libharden.so $(DESTDIR)$(LIBDIR)/libharden.so
	install -m 0644 docs/harden-exec.1 $(DESTDIR)$(MANDIR)/man1/harden-exec.1
	install -m 0644 docs/harden-exec.ini.5 $(DESTDIR)$(MANDIR)/man5/harden-exec.ini.5
	install -m 0644 conf/baseline.ini $(DESTDIR)$(DATADIR)/baseline.ini
	install -m 0644 conf/examples/*.ini $(DESTDIR)$(DATADIR)/examples/
	install -d $(DESTDIR)$(DATADIR)/examples/systemd
	install -m 0644 docs/examples/systemd/*.ini docs/examples/systemd/*.service \
		docs/examples/systemd/*.socket $(DESTDIR)$(DATADIR)/examples/systemd/
	install -m 0755 docs/examples/systemd/example-server.py $(DESTDIR)$(DATADIR)/examples/systemd/
	install -m 0644 conf/profiles/*.ini $(DESTDIR)$(DATADIR)/profiles/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/harden-exec $(DESTDIR)$(LIBDIR)/libharden.so \
		$(DESTDIR)$(MANDIR)/man1/harden-exec.1 \
		$(DESTDIR)$(MANDIR)/man5/harden-exec.ini.5
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(B)
