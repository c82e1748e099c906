# The two entry points: `make demo` and `make test`. Both install missing Debian
# packages through scripts/install-deps.sh (the only list of them).
#   make demo   builds only the tool (Release, -O2, no debug info) in build/ and runs it.
#   make test   builds everything (tool, tests, benchmarks) in build/ and runs the suite.
#   make build  builds everything without running it.
BUILD ?= build
JOBS ?= $(shell nproc)
ENVIRONMENTS ?= environments
OUT ?= cdk.out

.PHONY: deps configure build tool demo test bench docs spec clean

deps:
	@./scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

tool: configure
	@cmake --build $(BUILD) -j $(JOBS) --target blueprint

demo: tool
	@./$(BUILD)/blueprint synth --all --environments $(ENVIRONMENTS) --out $(OUT)
	@./$(BUILD)/blueprint preview --stack dev --environments $(ENVIRONMENTS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

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
	rm -rf $(BUILD) $(OUT)
