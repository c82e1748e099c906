// The bundled environments for the benchmarks, as they are or moved to ECS Express
// Mode in its default layout (what the loader gives `compute.platform: ecs-express`:
// compute.ingress edge, CloudFront on, no tracing; config/loader.cc).
#pragma once
#include <cstdlib>
#include <string>
#include <vector>

#include "config/loader.h"

namespace bench {

inline std::vector<bp::StackConfig> BundledEnvironments(bool on_ecs_express) {
  std::vector<bp::StackConfig> configs;
  bp::Diagnostics d;
  if (!bp::LoadEnvironments(std::string(BLUEPRINT_SOURCE_DIR) + "/environments", {}, &configs, &d)) std::abort();
  if (on_ecs_express)
    for (auto& c : configs) {
      c.app.platform = bp::ComputePlatform::kEcsExpress;
      c.app.ingress = bp::Ingress::kEdge;
      c.app.tracing = false;
      c.features.cloudfront = true;
    }
  return configs;
}

}  // namespace bench
