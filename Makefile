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

test: build
	./tests/run.sh $(BUILD)

demo: build
	./tests/demo.sh $(BUILD)

bench: build
	./tests/bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
