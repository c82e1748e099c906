// Synthesis of every bundled environment, end to end and by phase. Run with
// `make bench`.
#include <benchmark/benchmark.h>

#include "app/app.h"
#include "cfn/writer.h"
#include "config/loader.h"
#include "deploy/assembly.h"

namespace {

const std::string kEnvironments = std::string(BLUEPRINT_SOURCE_DIR) + "/environments";

std::vector<bp::StackConfig> LoadAll() {
  std::vector<bp::StackConfig> configs;
  bp::Diagnostics d;
  if (!bp::LoadEnvironments(kEnvironments, {}, &configs, &d)) std::abort();
  return configs;
}

void BM_LoadConfigs(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(LoadAll());
}
BENCHMARK(BM_LoadConfigs)->Unit(benchmark::kMicrosecond);

void BM_AssembleAndValidate(benchmark::State& state) {
  auto configs = LoadAll();
  for (auto _ : state) {
    bp::App app;
    bp::Diagnostics d;
    if (!bp::Assemble(configs, &app, &d)) std::abort();
    benchmark::DoNotOptimize(app);
  }
}
BENCHMARK(BM_AssembleAndValidate)->Unit(benchmark::kMicrosecond);

// What `blueprint synth --all` does, minus the file system: load, assemble,
// validate, render templates and the manifest.
void BM_SynthAllEnvironments(benchmark::State& state) {
  size_t bytes = 0;
  for (auto _ : state) {
    bp::App app;
    bp::Diagnostics d;
    if (!bp::Assemble(LoadAll(), &app, &d)) std::abort();
    auto files = bp::BuildAssembly(app, bp::cfn::Format::kJson);
    bytes = 0;
    for (const auto& f : files) bytes += f.contents.size();
    benchmark::DoNotOptimize(files);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_SynthAllEnvironments)->Unit(benchmark::kMicrosecond);

}  // namespace
