// What `blueprint cost` adds to synth: pricing every stack of every bundled
// environment from its assembled template. Run with `make bench`; compare with
// BM_SynthAllEnvironments (synth_bench.cc). The target is under a millisecond.
#include <benchmark/benchmark.h>

#include "analysis/cost.h"
#include "app/app.h"
#include "bundled.h"
#include "config/loader.h"

namespace {

// Argument 0: the bundled environments as they are (App Runner); 1: all of them on
// ECS Express Mode (compute.platform: ecs-express).
void BM_CostAllEnvironments(benchmark::State& state) {
  std::vector<bp::StackConfig> configs = bench::BundledEnvironments(state.range(0) == 1);
  bp::Diagnostics d;
  bp::App app;
  if (!bp::Assemble(configs, &app, &d)) std::abort();
  size_t resources = 0;
  for (auto _ : state) {
    resources = 0;
    for (const auto& c : configs) {
      bp::analysis::EnvCost cost = bp::analysis::CostApp(app, c.env, c.usage);
      for (const auto& s : cost.stacks) resources += s.resources.size();
      benchmark::DoNotOptimize(cost);
    }
  }
  state.counters["resources"] = static_cast<double>(resources);
}
BENCHMARK(BM_CostAllEnvironments)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
