# chimed's two set-up commands (see README.md):
#   make run   installs missing Debian packages, builds, and serves on the embedded SQLite store
#   make test  installs missing Debian packages, builds, and runs every test
# Both work on a fresh Debian 12 machine as root (or with sudo).

BUILD_DIR  ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc)
CHIMED_LISTEN   ?= 127.0.0.1:8080
CHIMED_DATA_DIR ?= ./var

# Debian packages the build and the tests need.
DEB_PACKAGES := build-essential cmake ninja-build ccache pkg-config git \
                libboost-dev rapidjson-dev libcli11-dev libssl-dev libsqlite3-dev \
                libgtest-dev libgmock-dev python3 nodejs npm postgresql libpq-dev

.PHONY: all deps configure build run test clean bench

# `make bench`: a Release build of chimed in its own build dir, measured beside nginx on loopback
# (bench/README.md). BENCH_ARGS picks one mode, e.g. BENCH_ARGS="--users 1000000".
BENCH_DIR      ?= build-bench
BENCH_ARGS     ?= --all
BENCH_PACKAGES := wrk nginx-light valgrind $(shell python3 -c 'import botocore' 2>/dev/null || echo python3-botocore)

all: build

deps:
	@./scripts/install-deps.sh $(DEB_PACKAGES)

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@CHIMED_LISTEN=$(CHIMED_LISTEN) CHIMED_DATA_DIR=$(CHIMED_DATA_DIR) ./scripts/run-chimed.sh $(BUILD_DIR)/src/main/chimed

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j 2 --timeout 900

bench:
	@./scripts/install-deps.sh $(DEB_PACKAGES) $(BENCH_PACKAGES)
	@cmake -S . -B $(BENCH_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCHIMED_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(BENCH_DIR) -j $(JOBS) --target chimed
	@python3 bench/bench.py --chimed $(BENCH_DIR)/src/main/chimed --work $(BENCH_DIR)/bench-work $(BENCH_ARGS)

clean:
	rm -rf $(BUILD_DIR)
