# lobkiosk — build, run, test, bench.
# Settings
CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
CFLAGS   ?= -O2 -g
WERROR   ?=
SANITIZE ?=

PKGS     := sdl2 SDL2_ttf SDL2_image libqrencode zbar sqlite3 libcurl libsodium jansson inih libturbojpeg libsystemd \
            cairo pangocairo libpng
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_LIBS  := $(shell pkg-config --libs cmocka 2>/dev/null)

LK_CFLAGS  := -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64 -Wall -Wextra -Wpedantic \
              -Wno-unused-parameter -Iinclude -Isrc $(PKG_CFLAGS) $(WERROR) $(SANITIZE) \
              -DLK_DATADIR='"$(PREFIX)/share/lobkiosk"' -MMD -MP
LK_LDFLAGS := $(SANITIZE)
LK_LIBS    := $(PKG_LIBS) -lpthread -lm

# Sources: the folders show the data flow. The core library has no SDL or camera.
CORE_SRC := $(wildcard src/core/*.c)
APP_SRC  := $(filter-out src/cli/main.c,$(wildcard src/scan/*.c src/sync/*.c src/ui/*.c src/print/*.c src/cli/*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
APP_OBJ  := $(APP_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/src/cli/main.o
CORE_LIB := $(BUILD)/liblobkiosk-core.a
APP_LIB  := $(BUILD)/liblobkiosk-app.a
BIN      := $(BUILD)/lobkiosk

TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

DEMO_DIR ?= demo

.PHONY: all run test unit e2e asan tsan bench fuzz cross deps install uninstall clean format

all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) $(LK_CFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJ)
	@mkdir -p $(@D)
	@rm -f $@ && ar rcs $@ $^

$(APP_LIB): $(APP_OBJ)
	@mkdir -p $(@D)
	@rm -f $@ && ar rcs $@ $^

$(BIN): $(MAIN_OBJ) $(APP_LIB) $(CORE_LIB)
	@echo "  LD      $@"
	@$(CC) $(LK_LDFLAGS) -o $@ $(MAIN_OBJ) $(APP_LIB) $(CORE_LIB) $(LK_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(APP_LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS) $(LK_CFLAGS) -o $@ $< $(APP_LIB) $(CORE_LIB) $(LK_LIBS) $(TEST_LIBS) $(LK_LDFLAGS)

$(BUILD)/bench/%: bench/%.c $(APP_LIB) $(CORE_LIB)
	@mkdir -p $(@D)
	@echo "  BENCH   $@"
	@$(CC) $(CFLAGS) $(LK_CFLAGS) -o $@ $< $(APP_LIB) $(CORE_LIB) $(LK_LIBS) $(LK_LDFLAGS)

deps:
	@scripts/deps

# The kiosk on demo data, in a window.
run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-demo $(BIN) $(DEMO_DIR)

# Every test: unit tests (-Werror), then integration tests against the real binary.
test: deps
	@$(MAKE) --no-print-directory WERROR=-Werror BUILD=build/test all unit-bins
	@scripts/run-tests build/test

unit-bins: $(TEST_BIN)

# Unit and integration tests under AddressSanitizer + UBSan.
asan: deps
	@$(MAKE) --no-print-directory CC=clang WERROR=-Werror CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	    SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=undefined" BUILD=build/asan all unit-bins
	@LK_SANITIZED=1 scripts/run-tests build/asan

# The threaded modules (scanner thread, sync thread) under ThreadSanitizer.
TSAN_TESTS := test_framesrc test_sync
tsan: deps
	@$(MAKE) --no-print-directory CC=clang WERROR=-Werror CFLAGS="-O1 -g" SANITIZE=-fsanitize=thread \
	    BUILD=build/tsan $(TSAN_TESTS:%=build/tsan/tests/%)
	@set -e; for t in $(TSAN_TESTS); do TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/$$t; done

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@scripts/bench $(BUILD)

# arm64 build and unit tests under qemu-user, in a Debian root under build/cross
# (needs root, debootstrap, qemu-user-static; not part of make test).
cross:
	@scripts/cross

fuzz: deps
	@scripts/fuzz $(FUZZ_SECONDS)

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/lobkiosk $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/lobkiosk
	cp -r assets/. $(DESTDIR)$(PREFIX)/share/lobkiosk/
	install -m 0644 docs/lobkiosk.1 $(DESTDIR)$(PREFIX)/share/man/man1/lobkiosk.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/lobkiosk
	rm -rf $(DESTDIR)$(PREFIX)/share/lobkiosk
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/lobkiosk.1

format:
	clang-format -i $(wildcard src/*/*.c include/lobkiosk/*.h tests/unit/*.c bench/*.c)

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
