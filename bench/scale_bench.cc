// Scale: a platform of N copies of the bundled dev environment (environments/dev
// copied to e001, e002, ... in a temporary directory), sized by its resource count:
// about 500, 1,000, 2,000 and 5,000 resources. Each benchmark reports `resources` and
// `per_resource` (CPU time per resource): growth is linear when per_resource stays
// flat from one size to the next. Run with `make bench`, or
//   build/bench/blueprint_bench --benchmark_filter=Scale
// BM_ScalePlatform is the whole of it (load, assemble and validate, render the cloud
// assembly, price every environment, diff every stack); the others are its phases.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

#include "analysis/cost.h"
#include "analysis/diff.h"
#include "app/app.h"
#include "config/loader.h"
#include "deploy/assembly.h"

namespace {

namespace fs = std::filesystem;

// The directories of N copies of dev, made once per N and removed at exit.
class Platforms {
 public:
  ~Platforms() {
    std::error_code ec;
    if (!root_.empty()) fs::remove_all(root_, ec);
  }
  // An environments directory holding `copies` copies of environments/dev.
  const std::string& Dir(int copies) {
    auto it = dirs_.find(copies);
    if (it != dirs_.end()) return it->second;
    if (root_.empty()) {
      root_ = fs::temp_directory_path() / ("blueprint-scale-bench-" + std::to_string(::getpid()));
      fs::create_directories(root_);
    }
    fs::path dir = root_ / std::to_string(copies);
    fs::path dev = fs::path(BLUEPRINT_SOURCE_DIR) / "environments" / "dev";
    for (int i = 1; i <= copies; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "e%03d", i);
      fs::create_directories(dir / name);
      fs::copy(dev, dir / name, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    }
    return dirs_.emplace(copies, dir.string()).first->second;
  }

 private:
  fs::path root_;
  std::map<int, std::string> dirs_;
};

Platforms& ThePlatforms() {
  static Platforms p;
  return p;
}

std::vector<bp::StackConfig> Load(const std::string& dir) {
  std::vector<bp::StackConfig> configs;
  bp::Diagnostics d;
  if (!bp::LoadEnvironments(dir, {}, &configs, &d)) std::abort();
  return configs;
}

bp::App Assemble(const std::vector<bp::StackConfig>& configs) {
  bp::App app;
  bp::Diagnostics d;
  if (!bp::Assemble(configs, &app, &d)) std::abort();
  return app;
}

size_t Resources(const bp::App& app) {
  size_t n = 0;
  for (const auto& s : app.stacks) n += s.tmpl.resources().size();
  return n;
}

// How many copies of dev make about `resources` resources.
int CopiesFor(int resources) {
  static const size_t per_copy = Resources(Assemble(Load(ThePlatforms().Dir(1))));
  return std::max(1, static_cast<int>(std::lround(static_cast<double>(resources) / per_copy)));
}

void Report(benchmark::State& state, size_t resources) {
  state.counters["resources"] = static_cast<double>(resources);
  state.counters["per_resource"] = benchmark::Counter(
      static_cast<double>(resources), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// The templates of `app` as documents, and the same platform with each service on
// another port: what `preview` compares after a routine change.
std::vector<bp::cfn::Json> Documents(const bp::App& app) {
  std::vector<bp::cfn::Json> docs;
  for (const auto& s : app.stacks) docs.push_back(s.tmpl.ToJson());
  return docs;
}

std::vector<bp::cfn::Json> ChangedDocuments(std::vector<bp::StackConfig> configs) {
  for (auto& c : configs) c.app.port += 1;
  return Documents(Assemble(configs));
}

// Everything, as the commands do it one after the other: load, assemble and validate
// (synth, validate), render the cloud assembly (synth), price each environment
// (cost), diff each stack against the platform before a change (preview).
void BM_ScalePlatform(benchmark::State& state) {
  const std::string& dir = ThePlatforms().Dir(CopiesFor(static_cast<int>(state.range(0))));
  std::vector<bp::cfn::Json> before = ChangedDocuments(Load(dir));
  size_t resources = 0;
  for (auto _ : state) {
    std::vector<bp::StackConfig> configs = Load(dir);
    bp::App app = Assemble(configs);
    std::vector<bp::AssemblyFile> files = bp::BuildAssembly(app, bp::cfn::Format::kJson);
    benchmark::DoNotOptimize(files);
    for (const auto& c : configs) benchmark::DoNotOptimize(bp::analysis::CostApp(app, c.env, c.usage));
    for (size_t i = 0; i < app.stacks.size() && i < before.size(); ++i)
      benchmark::DoNotOptimize(bp::analysis::DiffTemplates(before[i], app.stacks[i].tmpl.ToJson()));
    resources = Resources(app);
  }
  Report(state, resources);
}
BENCHMARK(BM_ScalePlatform)->Arg(500)->Arg(1000)->Arg(2000)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_ScaleLoad(benchmark::State& state) {
  const std::string& dir = ThePlatforms().Dir(CopiesFor(static_cast<int>(state.range(0))));
  for (auto _ : state) benchmark::DoNotOptimize(Load(dir));
  Report(state, Resources(Assemble(Load(dir))));
}
BENCHMARK(BM_ScaleLoad)->Arg(500)->Arg(1000)->Arg(2000)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_ScaleAssembleAndValidate(benchmark::State& state) {
  auto configs = Load(ThePlatforms().Dir(CopiesFor(static_cast<int>(state.range(0)))));
  size_t resources = 0;
  for (auto _ : state) {
    bp::App app = Assemble(configs);
    resources = Resources(app);
    benchmark::DoNotOptimize(app);
  }
  Report(state, resources);
}
BENCHMARK(BM_ScaleAssembleAndValidate)->Arg(500)->Arg(1000)->Arg(2000)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_ScaleRender(benchmark::State& state) {
  bp::App app = Assemble(Load(ThePlatforms().Dir(CopiesFor(static_cast<int>(state.range(0))))));
  for (auto _ : state) benchmark::DoNotOptimize(bp::BuildAssembly(app, bp::cfn::Format::kJson));
  Report(state, Resources(app));
}
BENCHMARK(BM_ScaleRender)->Arg(500)->Arg(1000)->Arg(2000)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_ScaleCost(benchmark::State& state) {
  auto configs = Load(ThePlatforms().Dir(CopiesFor(static_cast<int>(state.range(0)))));
  bp::App app = Assemble(configs);
  for (auto _ : state)
    for (const auto& c : configs) benchmark::DoNotOptimize(bp::analysis::CostApp(app, c.env, c.usage));
  Report(state, Resources(app));
}
BENCHMARK(BM_ScaleCost)->Arg(500)->Arg(1000)->Arg(2000)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_ScaleDiff(benchmark::State& state) {
  auto configs = Load(ThePlatforms().Dir(CopiesFor(static_cast<int>(state.range(0)))));
  std::vector<bp::cfn::Json> before = ChangedDocuments(configs);
  bp::App app = Assemble(configs);
  std::vector<bp::cfn::Json> after = Documents(app);
  for (auto _ : state)
    for (size_t i = 0; i < after.size() && i < before.size(); ++i)
      benchmark::DoNotOptimize(bp::analysis::DiffTemplates(before[i], after[i]));
  Report(state, Resources(app));
}
BENCHMARK(BM_ScaleDiff)->Arg(500)->Arg(1000)->Arg(2000)->Arg(5000)->Unit(benchmark::kMillisecond);

}  // namespace
