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

.PHONY: all deps configure build run test clean

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

clean:
	rm -rf $(BUILD_DIR)
