#include "modules/common.h"

namespace bp {

cfn::Json ModuleContext::TagsWithName(const std::string& name) const {
  auto all = tags;
  all.insert(all.begin(), {"Name", name});
  return cfn::Tags(all);
}

cfn::Json ModuleContext::Tags() const { return cfn::Tags(tags); }

}  // namespace bp
