# Entry points for a fresh Debian 12 machine (run as root):
#   make demo   install what is needed, build, run the demo topology
#   make test   install what is needed, build, run unit + pkt + e2e tests
#   make bench  benchmark (not part of make test)
#   make fuzz   build the libFuzzer targets (clang) and fuzz each for FUZZ_SECS
BUILD ?= build
FUZZ_BUILD ?= build-fuzz
FUZZ_SECS ?= 600

.PHONY: all deps build fuzz-build test demo bench fuzz clean

all: build

deps:
	./tests/setup.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# the fuzz build: libvgw and tests/fuzz only, with ASan+UBSan (doc/fuzzing.md)
$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true

fuzz-build: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)

# make test also runs the fuzz suite (corpus + regression inputs, short runs)
test: build fuzz-build
	FUZZ_BUILD=$(FUZZ_BUILD) ./tests/run.sh $(BUILD)

demo: build
	./tests/demo.sh $(BUILD)

bench: build
	./tests/bench/run.sh $(BUILD)

fuzz: fuzz-build
	./tests/fuzz/campaign.sh $(FUZZ_BUILD) $(FUZZ_SECS)

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
