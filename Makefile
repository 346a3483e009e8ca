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
                libgtest-dev libgmock-dev libmimalloc-dev python3 nodejs npm postgresql libpq-dev \
                clang libclang-rt-14-dev

.PHONY: all deps configure build run test clean bench test-sanitize test-fuzz fuzz soak

# `make bench`: a Release build of chimed in its own build dir, measured beside nginx on loopback
# (bench/README.md), then on PostgreSQL beside pgbench (bench-postgres, below). BENCH_ARGS picks
# one mode of the first, e.g. BENCH_ARGS="--users 1000000", and skips the second.
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

test: build test-sanitize test-fuzz
	@cd $(BUILD_DIR) && ctest --output-on-failure -j 2 --timeout 900

# The whole test suite built with ASan+UBSan, in its own build dir: the unit tests, and the
# end-to-end tests driving a sanitized chimed (an error aborts it, and a leak at exit makes its
# SIGTERM exit code non-zero, which the harness checks). client_package_test is left out: it
# builds a separate consumer project against the installed libraries, which cannot link
# sanitized archives (the normal build runs it).
SAN_DIR ?= build-asan
test-sanitize: deps
	@cmake -S . -B $(SAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCHIMED_SANITIZE=ON >/dev/null
	@cmake --build $(SAN_DIR) -j $(JOBS)
	@cd $(SAN_DIR) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j 2 --timeout 900 \
	  -E '^client_package_test$$'

# libFuzzer targets (fuzz/): clang, ASan+UBSan, their own build dir. test-fuzz runs each for
# FUZZ_RUNS inputs from its seed corpus; `make fuzz` runs each for FUZZ_SECONDS.
FUZZ_DIR     ?= build-fuzz
FUZZ_RUNS    ?= 50000
FUZZ_SECONDS ?= 300
fuzz-build: deps
	@cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_COMPILER=clang++ -DCHIMED_FUZZ=ON -DCHIMED_SANITIZE=ON \
	  -DCHIMED_BUILD_TESTS=OFF -DCHIMED_FUZZ_RUNS=$(FUZZ_RUNS) >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets

test-fuzz: fuzz-build
	@cd $(FUZZ_DIR)/fuzz && ctest --output-on-failure -L fuzz

fuzz: fuzz-build
	@for t in fuzz_http_request fuzz_sigv4 fuzz_router fuzz_api_bodies; do \
	  mkdir -p $(FUZZ_DIR)/fuzz/corpus-$$t && \
	  (cd $(FUZZ_DIR)/fuzz && ./$$t -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	    -print_final_stats=1 corpus-$$t $(CURDIR)/fuzz/corpus/$$t) || exit 1; \
	done

# The kill -9 loop for longer: SOAK_KILLS restarts (CI runs 50 in `make test`).
SOAK_KILLS ?= 500
soak: build
	@cd tests/integration && CHIMED_BIN=$(CURDIR)/$(BUILD_DIR)/src/main/chimed \
	  CHIMED_KILL_LOOPS=$(SOAK_KILLS) ./run.sh test_crash_safety

bench:
	@./scripts/install-deps.sh $(DEB_PACKAGES) $(BENCH_PACKAGES)
	@cmake -S . -B $(BENCH_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCHIMED_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(BENCH_DIR) -j $(JOBS) --target chimed
	@python3 bench/bench.py --chimed $(BENCH_DIR)/src/main/chimed --work $(BENCH_DIR)/bench-work $(BENCH_ARGS)
	@if [ "$(BENCH_ARGS)" = "--all" ]; then $(MAKE) --no-print-directory bench-postgres; fi

# `make bench-postgres`: chimed on PostgreSQL at c8 beside pgbench running the same single-row
# UPDATE at c8 on the same server (issue 8's target); writes bench/RESULTS-postgres.md.
.PHONY: bench-postgres
PG_BENCH_ARGS ?=
bench-postgres:
	@./scripts/install-deps.sh $(DEB_PACKAGES) $(BENCH_PACKAGES)
	@cmake -S . -B $(BENCH_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCHIMED_BUILD_TESTS=OFF >/dev/null
	@cmake --build $(BENCH_DIR) -j $(JOBS) --target chimed store_reset_driver pg_reset_loop
	@python3 bench/pg_bench.py --chimed $(BENCH_DIR)/src/main/chimed \
	  --drivers $(BENCH_DIR)/bench --work $(BENCH_DIR)/pg-bench-work $(PG_BENCH_ARGS)

clean:
	rm -rf $(BUILD_DIR)
