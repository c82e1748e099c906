// Reachability (analysis/reachability.h) over every bundled environment: the paths
// `blueprint check` will evaluate on each run, on both platforms' default layouts.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "analysis/check.h"
#include "analysis/reachability.h"
#include "app/app.h"
#include "bundled.h"
#include "config/loader.h"

namespace {

// Argument 0: the bundled environments as they are (App Runner, public); 1: all of them
// on ECS Express Mode in its default layout (edge: CloudFront and a VPC origin).
void BM_ReachabilityAllEnvironments(benchmark::State& state) {
  std::vector<bp::StackConfig> configs = bench::BundledEnvironments(state.range(0) == 1);
  bp::Diagnostics d;
  bp::App app;
  if (!bp::Assemble(configs, &app, &d)) std::abort();
  size_t broken = 0;
  for (auto _ : state) {
    for (const auto& c : configs) {
      bp::analysis::ReachabilityReport r = bp::analysis::EvaluateReachability(app, c.env);
      // The bundled environments serve: from the internet directly or through CloudFront,
      // and the service reaches what it needs.
      bool serves = r.has_cloudfront ? r.cloudfront_to_origin : r.internet_to_entry;
      broken += !(serves && r.service_to_database && r.service_to_registry && r.service_to_secrets && r.service_to_logs);
      benchmark::DoNotOptimize(r);
    }
  }
  if (broken != 0) state.SkipWithError("a bundled environment has a broken path");
}
BENCHMARK(BM_ReachabilityAllEnvironments)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// `blueprint check --all` once assembled: every rule over every bundled environment,
// their cost estimates (BP-COST-UNKNOWN) and acknowledgements included.
void BM_CheckAllEnvironments(benchmark::State& state) {
  std::vector<bp::StackConfig> configs = bench::BundledEnvironments(state.range(0) == 1);
  bp::Diagnostics d;
  bp::App app;
  if (!bp::Assemble(configs, &app, &d)) std::abort();
  size_t errors = 0;
  for (auto _ : state) {
    std::vector<bp::analysis::Finding> f = bp::analysis::CheckApp(app, configs, "2026-12-07");
    errors += bp::analysis::CheckErrors(f);
    benchmark::DoNotOptimize(f);
  }
  if (errors != 0) state.SkipWithError("a bundled environment has an unacknowledged error");
}
BENCHMARK(BM_CheckAllEnvironments)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
