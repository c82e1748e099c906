#include "modules/common.h"

namespace bp {

cfn::Json ModuleContext::TagsWithName(const std::string& name) const {
  auto all = tags;
  all.insert(all.begin(), {"Name", name});
  return cfn::Tags(all);
}

cfn::Json ModuleContext::Tags() const { return cfn::Tags(tags); }

cfn::Json ServiceTrustPolicy(const std::string& service_principal) {
  using cfn::Json;
  return Json{{"Version", "2012-10-17"},
              {"Statement", Json::array({Json{{"Effect", "Allow"},
                                              {"Principal", Json{{"Service", service_principal}}},
                                              {"Action", "sts:AssumeRole"}}})}};
}

}  // namespace bp
