# Entry points for a fresh Debian 12 machine (run as root):
#   make demo   install what is needed, build, run the demo topology
#   make test   install what is needed, build, run unit + pkt + e2e tests, then
#               unit + pkt again on the ASan+UBSan build (build-asan) and the
#               fuzz regressions and short runs (build-fuzz)
#   make asan   the ASan+UBSan build in build-asan (meson test -C build-asan)
#   make bench  benchmark (not part of make test) of $(BUILD), built without
#               the test hooks and with libdpdk's baseline -march (corei7);
#               on 2 MiB hugepages it reserves for the run (tests/bench/huge.sh)
#   make bench NATIVE=1
#               the same on build-native, compiled with -march=native
#               (meson_options.txt: native); the report says which
#   make fuzz   build the libFuzzer targets (clang) and fuzz each for FUZZ_SECS
BUILD ?= build
# sanitizer build: AddressSanitizer (with LeakSanitizer) and UBSan, any report
# fatal (doc/testing.md); b_lundef=false is for clang, harmless with gcc
ASAN_BUILD ?= build-asan
ASAN_SETUP = -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dc_args=-fno-sanitize-recover=all
FUZZ_BUILD ?= build-fuzz
FUZZ_SECS ?= 600
# make bench NATIVE=1: the -Dnative=true build
NATIVE ?= 0
NATIVE_BUILD ?= build-native
ifeq ($(NATIVE),1)
BENCH_BUILD = $(NATIVE_BUILD)
BENCH_NATIVE = true
else
BENCH_BUILD = $(BUILD)
BENCH_NATIVE = false
endif

.PHONY: all deps build asan fuzz-build test demo bench fuzz clean

all: build

deps:
	./tests/setup.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) $(ASAN_SETUP)

asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)

# the fuzz build: libvgw and tests/fuzz only, with ASan+UBSan (doc/fuzzing.md)
$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true

fuzz-build: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)

# the tests need the test-only hooks (meson_options.txt: test_hooks), which
# release builds leave out; bench measures the build without them
# (set at the first setup of a clean tree, so CI compiles once)
test: deps asan fuzz-build
	[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) -Dtest_hooks=true
	meson configure -Dtest_hooks=true $(BUILD)
	ninja -C $(BUILD)
	./tests/run.sh $(BUILD) :: $(ASAN_BUILD) --suite unit --suite pkt \
	    :: $(FUZZ_BUILD) --suite fuzz

demo: build
	./tests/demo.sh $(BUILD)

bench: deps
	[ -f $(BENCH_BUILD)/build.ninja ] || meson setup $(BENCH_BUILD)
	meson configure -Dtest_hooks=false -Dnative=$(BENCH_NATIVE) $(BENCH_BUILD)
	ninja -C $(BENCH_BUILD)
	./tests/bench/run.sh $(BENCH_BUILD)

fuzz: fuzz-build
	./tests/fuzz/campaign.sh $(FUZZ_BUILD) $(FUZZ_SECS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(NATIVE_BUILD)
