#include "modules/common.h"

namespace bp {

cfn::Json ModuleContext::TagsWithName(const std::string& name) const {
  auto all = tags;
  all.insert(all.begin(), {"Name", name});
  return cfn::Tags(all);
}

cfn::Json ModuleContext::Tags() const { return cfn::Tags(tags); }

cfn::Json ModuleContext::FixedTags() const { return cfn::Tags(fixed_tags); }

std::string ModuleContext::Id(const std::string& local) const {
  return instance.empty() ? local : cfn::LogicalId({instance, local});
}

ModuleContext ModuleContext::Instance(const std::string& name) const {
  ModuleContext scoped = *this;
  scoped.instance = instance.empty() ? name : instance + "-" + name;
  scoped.name_prefix = name_prefix + "-" + name;
  return scoped;
}

cfn::Json ServiceTrustPolicy(const std::string& service_principal, bool this_account) {
  using cfn::Json;
  Json statement = Object(
      {{"Effect", "Allow"}, {"Principal", Object({{"Service", service_principal}})}, {"Action", "sts:AssumeRole"}});
  if (this_account)
    statement["Condition"] = Object({{"StringEquals", Object({{"aws:SourceAccount", cfn::pseudo::AccountId()}})}});
  return Object({{"Version", "2012-10-17"}, {"Statement", Json::array({std::move(statement)})}});
}

}  // namespace bp
