# Entry points for a fresh Debian 12 machine (run as root):
#   make demo   install what is needed, build, run the demo topology
#   make test   install what is needed, build, run unit + pkt + e2e tests
#   make bench  benchmark (not part of make test)
BUILD ?= build

.PHONY: all deps build test demo bench clean

all: build

deps:
	./tests/setup.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# the tests need the test-only hooks (meson_options.txt: test_hooks), which
# release builds leave out; bench measures the build without them
# (set at the first setup of a clean tree, so CI compiles once)
test: deps
	[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) -Dtest_hooks=true
	meson configure -Dtest_hooks=true $(BUILD)
	ninja -C $(BUILD)
	./tests/run.sh $(BUILD)

demo: build
	./tests/demo.sh $(BUILD)

bench: deps
	[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD)
	meson configure -Dtest_hooks=false $(BUILD)
	ninja -C $(BUILD)
	./tests/bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
