# The two entry points: `make demo` and `make test`. Both install missing Debian
# packages through scripts/install-deps.sh (the only list of them).
#   make demo   builds only the tool (Release, -O2, no debug info) in build/ and runs it.
#   make test   builds everything (tool, tests, benchmarks) with AddressSanitizer and
#               UndefinedBehaviorSanitizer in build-asan/ and runs the whole suite there:
#               what CI runs (.ci/run). Every sanitizer finding fails the test it happens in.
#               Then it names every check that was skipped, and why (scripts/report-skips.sh).
#   make build  builds everything (Release) in build/ without running it.
#   make bench  builds Release and runs the benchmarks.
#   make install  builds the tool and installs it under PREFIX (default /usr/local;
#               DESTDIR stages it elsewhere): bin/blueprint, the docs, the example
#               environments in share/apprunner-blueprint/examples.
#   make deb    builds the tool and its Debian package (build/apprunner-blueprint_*.deb).
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
ENVIRONMENTS ?= environments
OUT ?= cdk.out
PREFIX ?= /usr/local
# Ninja for a new build tree: it compiles a layer's sources while the layer below still
# links, where Make's generator waits target by target (docs/build.md has the figures).
# A tree configured before keeps its generator: CMake refuses to switch one in place.
generator = $(if $(wildcard $(1)/CMakeCache.txt),,-G Ninja)

.PHONY: deps configure configure-asan build tool demo test bench docs spec install deb clean

deps:
	@./scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) $(call generator,$(BUILD)) -DCMAKE_BUILD_TYPE=Release >/dev/null

configure-asan: deps
	@cmake -S . -B $(ASAN_BUILD) $(call generator,$(ASAN_BUILD)) -DCMAKE_BUILD_TYPE=Sanitize >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

tool: configure
	@cmake --build $(BUILD) -j $(JOBS) --target blueprint

demo: tool
	@./$(BUILD)/blueprint synth --all --environments $(ENVIRONMENTS) --out $(OUT)
	@./$(BUILD)/blueprint preview --stack dev --environments $(ENVIRONMENTS)

# detect_leaks: a leak fails the run too; halt_on_error with -fno-sanitize-recover:
# the first finding ends the process with a report.
test: configure-asan
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:strict_init_order=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS); \
	  rc=$$?; $(CURDIR)/scripts/report-skips.sh $(abspath $(ASAN_BUILD)); exit $$rc

install: tool
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

deb: tool
	@cd $(BUILD) && cpack -G DEB

bench: build
	@./$(BUILD)/bench/blueprint_bench --benchmark_min_time=0.2

# Regenerates docs/config-reference.md from the config schema table.
docs: tool
	@./$(BUILD)/blueprint docs config > docs/config-reference.md

# Regenerates data/cfn-spec.json from the pinned @aws-cdk/aws-service-spec (needs
# Node.js and npm; the C++ build itself never does). See docs/validation.md.
spec:
	@cd tools/spec-gen && npm ci --no-audit --no-fund --loglevel=error && node generate.js ../../data/cfn-spec.json

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(OUT)
