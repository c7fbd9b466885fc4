# needleguide — build, test, demo.  `make help` lists the targets.
.DEFAULT_GOAL := all

BUILD ?= build
SAN ?=
CC ?= gcc

# Dependencies come from scripts/deps.sh (the single source of truth); install them first if
# anything is missing, before pkg-config is asked for flags.
ifeq ($(shell scripts/deps.sh --check >/dev/null 2>&1 || echo missing),missing)
$(info needleguide: installing missing dependencies with scripts/deps.sh)
DEPS_OUT := $(shell scripts/deps.sh >&2 || echo FAILED)
ifeq ($(DEPS_OUT),FAILED)
$(error scripts/deps.sh failed; run it as root)
endif
endif

PKGS := sdl2 SDL2_ttf SDL2_image inih json-c libavutil libavformat libavcodec libswscale
# systemd's notifications (Type=notify, the watchdog) when libsystemd is there; SYSTEMD=no leaves
# them out (the daemon then runs as a simple service).
SYSTEMD ?= $(shell pkg-config --exists libsystemd && echo yes)
ifeq ($(SYSTEMD),yes)
PKGS += libsystemd
SYSTEMD_CFLAGS := -DNG_HAVE_SYSTEMD
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS)) $(SYSTEMD_CFLAGS)
PKG_LIBS := $(shell pkg-config --libs $(PKGS)) -lyuv -lstdc++
CMOCKA_LIBS := $(shell pkg-config --libs cmocka libjpeg)

CFLAGS := -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
          -g -O3 -fno-math-errno -I. $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS := $(PKG_LIBS) -lm -lpthread
# SAN=1: AddressSanitizer + UndefinedBehaviorSanitizer; SAN=thread: ThreadSanitizer;
# SAN=leak: LeakSanitizer alone (make soak: the allocator close to the plain one, so RSS means
# something); SAN=fuzz (with CC=clang): ASan+UBSan and libFuzzer's coverage, for make fuzz.
ifeq ($(SAN),fuzz)
CFLAGS += -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
          -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else ifeq ($(SAN),leak)
CFLAGS += -fsanitize=leak -fno-omit-frame-pointer
LDFLAGS += -fsanitize=leak
else ifeq ($(SAN),thread)
CFLAGS += -O1 -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS += -fsanitize=thread
else ifneq ($(SAN),)
CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

MODULES := util config capture sim tracking guidance overlay record daemon
LIB_SRC := $(filter-out daemon/main.c,$(foreach m,$(MODULES),$(wildcard $(m)/*.c)))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
LIB := $(BUILD)/libneedleguide.a
BIN := $(BUILD)/needleguide

TEST_SRC := $(wildcard tests/test_*.c)
TESTS := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)


.PHONY: install uninstall
.PHONY: all help demo fuzz fuzz-run soak soak-v4l2 check check-plain check-san check-tsan check-baseline check-v4l2 check-systemd bench bench-tracking calibrate-confidence test-run clean
all: $(BIN)

help:
	@echo "make            build $(BIN)"
	@echo "make demo       run the daemon ~10 s on the built-in simulated scan; writes a PNG and telemetry"
	@echo "make check      all tests: plain, ASan+UBSan, TSan, the baseline CPU's loops, V4L2 and systemd in a qemu VM"
	@echo "make check-tsan the threaded tests and the daemon under ThreadSanitizer"
	@echo "make check-baseline  the tracker's x86-64 baseline loops (not AVX2) under qemu-user"
	@echo "make check-v4l2 only the real-kernel V4L2 scenarios (tests/vm/)"
	@echo "make check-systemd  the installed service under systemd in the test VM (tests/vm/)"
	@echo "make fuzz       each libFuzzer target for FUZZ_SECONDS (default 60) with clang, ASan+UBSan"
	@echo "make soak       the daemon for SOAK_SECONDS (default 300) with recording and a control client; no growth, no leaks"
	@echo "make soak-v4l2  the same on vivid (a real V4L2 driver) in the test VM"
	@echo "make bench      the live pipeline at 640x480/720p/1080p, YUYV and NV12, 60 fps (and a frozen 1080p picture): latency per stage, drops, CPU, RSS"
	@echo "make bench-tracking  the tracker over a varied simulated set: accuracy table and ms/frame"
	@echo "make calibrate-confidence  refit the tracker's calibrated confidence on a separate set"
	@echo "make install   binary, systemd unit, man page, example config (PREFIX=/usr/local, DESTDIR)"
	@echo "make uninstall"
	@echo "make clean"

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/obj/daemon/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(LIB) tests/test_util.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DNG_BUILD_DIR='"$(BUILD)"' -MMD -MP -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS) $(CMOCKA_LIBS)

# The real-kernel V4L2 scenarios run inside a qemu VM with vivid (tests/vm/).
VM_TESTS := $(BUILD)/tests/vm/vivid_scenarios
$(BUILD)/tests/vm/%: tests/vm/%.c $(LIB) tests/test_util.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DNG_BUILD_DIR='"$(BUILD)"' -MMD -MP -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS) $(CMOCKA_LIBS)

check-v4l2: $(BIN) $(VM_TESTS)
	tests/vm/run.sh $(BUILD)/vm-results 'SDL_VIDEODRIVER=dummy $(VM_TESTS)'; rc=$$?; \
	cat $(BUILD)/vm-results/output.txt; exit $$rc

# The installed unit under a real systemd: the same VM booted with systemd as PID 1.
check-systemd: $(BIN) $(BUILD)/tests/vm/wedge_thread
	tests/vm/run.sh --systemd $(BUILD)/vm-systemd 'sh tests/vm/systemd_scenarios.sh $(BUILD)'; \
	rc=$$?; cat $(BUILD)/vm-systemd/output.txt; exit $$rc

# make fuzz: each libFuzzer target (tests/fuzz/) for FUZZ_SECONDS, built with clang, ASan+UBSan,
# from the seed corpus (tests/fuzz/corpus/TARGET, read-only) into build/fuzz/corpus/TARGET. A crash
# stops the run with its input in build/fuzz/crashes/; copy it into the seed corpus as crash-NAME
# and test_fuzz_corpus replays it in make check from then on.
FUZZ_TARGETS := config control y4m mjpeg
FUZZ_SECONDS ?= 60
FUZZ_BINS := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/targets.h build/fuzz/libneedleguide.a
	clang $(CFLAGS) -fsanitize=fuzzer -o $@ $< build/fuzz/libneedleguide.a $(LDFLAGS) $(LDLIBS)

fuzz:
	$(MAKE) BUILD=build/fuzz CC=clang SAN=fuzz fuzz-run

fuzz-run: $(FUZZ_BINS)
	@mkdir -p build/fuzz/crashes
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -max_len=8192 \
	      -artifact_prefix=build/fuzz/crashes/$$t- build/fuzz/corpus/$$t tests/fuzz/corpus/$$t \
	      > build/fuzz/$$t.log 2>&1 || { tail -n 60 build/fuzz/$$t.log; exit 1; }; \
	  grep -E '^#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb' build/fuzz/$$t.log; \
	  grep -E '^#[0-9]+' build/fuzz/$$t.log | tail -n 1; \
	done

# make soak: the daemon for SOAK_SECONDS (default 300) with recording cycled and status polled;
# RSS, descriptors and threads must not grow, LeakSanitizer must find nothing (tests/soak/).
# soak_thread_cost, built the same way, measures what a started thread leaves in the sanitizer's
# runtime, which the RSS verdict subtracts (tests/soak/thread_cost.c says why).
SOAK_SECONDS ?= 300
$(BUILD)/soak_thread_cost: tests/soak/thread_cost.c $(LIB)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) -lpthread

soak:
	$(MAKE) BUILD=build/leak SAN=leak build/leak/needleguide build/leak/soak_thread_cost
	SOAK_THREAD_COST=build/leak/soak_thread_cost \
	    tests/soak/soak.sh build/leak/needleguide build/soak $(SOAK_SECONDS)

# The same on a real V4L2 device: vivid in the test VM (see check-v4l2), the card's buffers lent
# on as frames and given back for the whole run. Under qemu's emulation the daemon keeps up with
# few of vivid's frames (the rest are skipped), so it is a soak of the capture path, not of speed.
soak-v4l2:
	$(MAKE) BUILD=build/leak SAN=leak build/leak/needleguide build/leak/soak_thread_cost
	NG_VM_TIMEOUT=$$(($(SOAK_SECONDS) + 600)) tests/vm/run.sh build/vm-soak \
	    'SDL_VIDEODRIVER=dummy SOAK_SOURCE=v4l2:/dev/video0 \
	     SOAK_THREAD_COST=build/leak/soak_thread_cost tests/soak/soak.sh \
	     build/leak/needleguide /tmp/soak $(SOAK_SECONDS); rc=$$?; \
	     cp /tmp/soak/samples.csv /tmp/soak/daemon.log build/vm-soak/; exit $$rc'; \
	rc=$$?; cat build/vm-soak/output.txt; exit $$rc

# make bench: the live pipeline at 640x480, 720p and 1080p, YUYV and NV12, fed at 60 fps;
# per-stage latency, frames dropped, CPU, memory; bench/results.json. BENCH_SECONDS per run.
BENCH_SECONDS ?= 10
BENCH_BIN := $(BUILD)/bench/bench_pipeline
$(BENCH_BIN): bench/bench_pipeline.c bench/paced_card.c bench/convert_floor.c bench/*.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^) $(LIB) $(LDFLAGS) $(LDLIBS)

bench: $(BENCH_BIN)
	$(BENCH_BIN) --seconds $(BENCH_SECONDS) --out bench/results.json

bench-tracking: $(BIN)
	bench/tracking.sh $(BIN) $(BUILD)/bench-tracking

calibrate-confidence: $(BIN)
	bench/tracking.sh $(BIN) $(BUILD)/calibrate-confidence calibrate

DEMO_DIR := $(BUILD)/demo
demo: $(BIN)
	@mkdir -p $(DEMO_DIR)
	$(BIN) run --frames 345 --telemetry $(DEMO_DIR)/telemetry.jsonl --snapshot $(DEMO_DIR)/overlay.png

# The tests run with SDL's dummy video driver: no display is needed.
test-run: $(BIN) $(TESTS)
	@pass=0; fail=0; failed=""; out=$$(mktemp); \
	for t in $(TESTS); do \
	  echo "== $$t"; \
	  SDL_VIDEODRIVER=dummy $$t >$$out 2>&1; st=$$?; cat $$out; \
	  run=$$(grep -c '^\[ RUN      \]' $$out); ok=$$(grep -c '^\[       OK \]' $$out); \
	  pass=$$((pass+ok)); fail=$$((fail+run-ok)); \
	  if [ $$st -ne 0 ]; then failed="$$failed $$t"; [ $$run -gt $$ok ] || fail=$$((fail+1)); fi; \
	done; rm -f $$out; \
	[ -z "$$failed" ] || echo "failed programs:$$failed"; \
	echo "$(BUILD): $$pass passed, $$fail failed"; \
	[ -z "$$failed" ]

check-plain:
	$(MAKE) BUILD=build test-run

check-san:
	$(MAKE) BUILD=build/san SAN=1 test-run

# The threaded tests under ThreadSanitizer: the mailboxes, the pipeline's threads, the capture
# card's buffers lent out and freed on other threads, the recorder's writer, and the daemon itself
# (built with TSan) driven over its control socket, recording, with SIGHUP and SIGTERM. Reports
# (the daemon's too) go to build/tsan/reports; any fails the run.
# test_recording and test_integration are left out: they assert real-time throughput, which
# TSan's 5-15x slowdown breaks without any race.
TSAN_TESTS := $(patsubst %,build/tsan/tests/test_%,mailbox main_wake pipeline record control v4l2_pool)
check-tsan:
	rm -rf build/tsan/reports && mkdir -p build/tsan/reports
	TSAN_OPTIONS="halt_on_error=1 exitcode=66 log_path=$(CURDIR)/build/tsan/reports/tsan $(TSAN_OPTIONS)" \
	$(MAKE) BUILD=build/tsan SAN=thread TESTS="$(TSAN_TESTS)" test-run
	@if [ -n "$$(ls build/tsan/reports)" ]; then cat build/tsan/reports/*; \
	  echo "check-tsan: ThreadSanitizer reports above"; exit 1; fi

# The tracker's hottest loops are built twice (util/vector_clones.h) and this machine runs the AVX2
# build; CPUs without AVX2 (Atom, Celeron boards) run the x86-64 baseline's. That one is tested
# here under qemu-user with qemu's plain x86-64 CPU model: the blur and the Hessian to the bit
# against plain arithmetic (test_ridge, which first checks that the CPU it sees has no AVX2), the
# line scan, a line's pixels and the Hough's cells to the bit against one at a time
# (test_line_cells, the same check first), and the tracker's stages on synthetic frames.
BASELINE_TESTS := $(patsubst %,build/tests/test_%,ridge line_scan line_cells tracker_stages)
check-baseline:
	@if [ "$$(uname -m)" != x86_64 ]; then \
	  echo "check-baseline: SKIPPED — not an x86-64 machine: no AVX2 clones built"; exit 0; fi; \
	if ! command -v qemu-x86_64 >/dev/null; then \
	  echo "check-baseline: SKIPPED — qemu-x86_64 missing (scripts/deps.sh installs qemu-user)"; \
	  exit 0; fi; \
	$(MAKE) BUILD=build $(BASELINE_TESTS) && \
	for t in $(BASELINE_TESTS); do \
	  echo "== $$t under qemu-x86_64 -cpu qemu64"; \
	  NG_EXPECT_BASELINE_CPU=1 qemu-x86_64 -cpu qemu64 $$t || exit 1; \
	done

check: check-plain check-san check-tsan check-baseline check-v4l2 check-systemd

# Installation: the binary, the systemd unit and its user, the man page, an example config (an
# existing one is kept), the README. PREFIX and DESTDIR as usual.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/needleguide
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
SYSCONFDIR ?= /etc
CONFDIR := $(SYSCONFDIR)/needleguide

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/needleguide
	install -d $(DESTDIR)$(UNITDIR)
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@CONFDIR@|$(CONFDIR)|g' dist/needleguide.service.in \
	    > $(DESTDIR)$(UNITDIR)/needleguide.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/needleguide.service
	install -D -m 0644 dist/needleguide.sysusers $(DESTDIR)$(SYSUSERSDIR)/needleguide.conf
	install -D -m 0644 dist/needleguide.8 $(DESTDIR)$(MANDIR)/man8/needleguide.8
	install -D -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	@if [ -e $(DESTDIR)$(CONFDIR)/needleguide.conf ]; then \
	    echo "keeping $(DESTDIR)$(CONFDIR)/needleguide.conf"; \
	else install -D -m 0644 dist/needleguide.conf $(DESTDIR)$(CONFDIR)/needleguide.conf; fi
	@echo "installed. As a service: systemd-sysusers; systemctl daemon-reload;" \
	      "edit $(CONFDIR)/needleguide.conf; systemctl enable --now needleguide"

# The configuration is kept (it may hold the site's plan and masks).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/needleguide $(DESTDIR)$(UNITDIR)/needleguide.service \
	      $(DESTDIR)$(SYSUSERSDIR)/needleguide.conf $(DESTDIR)$(MANDIR)/man8/needleguide.8 \
	      $(DESTDIR)$(DOCDIR)/README.md
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null
	@echo "kept $(DESTDIR)$(CONFDIR)/needleguide.conf and the recordings"

clean:
	rm -rf $(BUILD)

-include $(LIB_OBJ:.o=.d) $(BUILD)/obj/daemon/main.d $(TESTS:=.d)
