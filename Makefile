# Agora Santé — build, run and test.
#   make run     build, seed the demo data, serve on http://127.0.0.1:8080
#   make test    everything CI runs: deps, lint, build, unit tests (SQLite), DB tests again on
#                PostgreSQL, the release binary, browser tests (e2e, with the release binary run
#                alone from an empty folder). Fails on the first failing step.
#   make e2e     browser tests only, against the already-built binary
#   make bench   benchmarks (scripts/bench.sh)
#   make lint    swift format lint with .swift-format; make format rewrites the files
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

SWIFT ?= swift
AGORA_BIN ?= .build/debug/agora
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: all build run deps lint format test test-unit test-pg e2e bench clean distclean

all: build

build:
	$(SWIFT) build

# The development conveniences are asked for here, never defaults of the binary.
run: build
	AGORA_ENV=development $(AGORA_BIN) demo
	AGORA_ENV=development AGORA_DEV_OUTBOX=true $(AGORA_BIN) serve --hostname $(HOST) --port $(PORT)

deps:
	scripts/install-deps.sh

# The toolchain's formatter, with the committed .swift-format (4 spaces, lines of 120).
lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Package.swift

format:
	$(SWIFT) format --in-place --recursive --parallel Sources Tests Package.swift

test: deps lint
	$(SWIFT) build --build-tests
	$(MAKE) --no-print-directory test-unit
	$(MAKE) --no-print-directory test-pg
	$(SWIFT) build -c release --product agora
	AGORA_BINARY_UNDER_TEST=.build/release/agora $(MAKE) --no-print-directory e2e

# All unit and integration tests, on SQLite.
test-unit:
	$(SWIFT) test --skip-build

# The database tests (AppTests) again, on a throwaway PostgreSQL cluster.
test-pg:
	scripts/with-pg.sh $(SWIFT) test --skip-build --filter AppTests

e2e:
	AGORA_BIN=$(AGORA_BIN) scripts/e2e.sh

bench:
	scripts/bench.sh

clean:
	$(SWIFT) package clean
	rm -rf e2e/artifacts bench/out

distclean: clean
	rm -rf .build .venv
