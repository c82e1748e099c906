// The resource-specification check next to synthesis (bench/synth_bench.cc): it runs
// on every synth and validate, so it must stay small beside them. Run with `make bench`.
#include <benchmark/benchmark.h>

#include "app/app.h"
#include "cfn/spec.h"
#include "config/loader.h"

namespace {

bp::App AssembleBundledEnvironments() {
  std::vector<bp::StackConfig> configs;
  bp::Diagnostics d;
  if (!bp::LoadEnvironments(std::string(BLUEPRINT_SOURCE_DIR) + "/environments", {}, &configs, &d))
    std::abort();
  bp::App app;
  if (!bp::Assemble(configs, &app, &d)) std::abort();
  return app;
}

// The one-time cost of indexing the embedded data/cfn-spec.json and reading its
// source, paid by the first use in a run (each resource type is parsed later, when first
// checked). Run once; a benchmark of another file may have used the spec before.
void BM_SpecFirstUse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(bp::cfn::SpecSource());
}
BENCHMARK(BM_SpecFirstUse)->Iterations(1)->Unit(benchmark::kMillisecond);

// CheckAgainstSpec over every stack of every bundled environment (the data is parsed
// by then, as for every stack after the first in a real run).
void BM_CheckAgainstSpec(benchmark::State& state) {
  auto app = AssembleBundledEnvironments();
  size_t resources = 0;
  for (const auto& s : app.stacks) resources += s.tmpl.resources().size();
  for (auto _ : state) {
    bp::Diagnostics d;
    for (const auto& s : app.stacks) bp::cfn::CheckAgainstSpec(s.id, s.tmpl, &d);
    if (d.HasErrors()) std::abort();
    benchmark::DoNotOptimize(d);
  }
  state.counters["resources"] = static_cast<double>(resources);
}
BENCHMARK(BM_CheckAgainstSpec)->Unit(benchmark::kMicrosecond);

}  // namespace
