#include "modules/compute_image.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace bp {

using cfn::Json;
using cfn::Ref;

ImageParameter AddImageParameter(const ModuleContext& ctx, cfn::Template* t) {
  cfn::Parameter p;
  p.description = "Private ECR image to run (<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag> or @sha256:<digest>). "
                  "Empty runs the public placeholder " + std::string(kPlaceholderImage) + ".";
  p.default_value = "";
  // Src: reference/aws-facts.md 1.3 (SCHEMA:aws-apprunner-service ImageIdentifier pattern, simplified to private ECR);
  // ECS takes the same repo:tag / repo@sha256:digest forms (reference/aws-facts.md 13.1 PrimaryContainer.Image).
  p.allowed_pattern = "^$|^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$";
  p.constraint_description = "empty, or a private ECR image URI with a tag or digest";
  ImageParameter image{ctx.Id("ImageUri"), ctx.Id("UsePlaceholderImage")};
  t->AddParameter(image.parameter, p);
  t->AddCondition(image.placeholder_condition, cfn::Equals(Ref(image.parameter), ""));
  return image;
}

Json WhilePlaceholder(const std::string& placeholder_condition, const Json& placeholder, const Json& own) {
  return placeholder == own ? own : cfn::If(placeholder_condition, placeholder, own);
}

Json SortedNamed(const std::vector<std::pair<std::string, Json>>& items, const char* what, const char* value_key) {
  std::vector<std::pair<std::string, Json>> sorted = items;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Json list = Json::array();
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && sorted[i].first == sorted[i - 1].first) {
      std::fprintf(stderr, "internal error: runtime %s '%s' given twice\n", what, sorted[i].first.c_str());
      std::abort();
    }
    list.push_back(Object({{"Name", sorted[i].first}, {value_key, sorted[i].second}}));
  }
  return list;
}

Json RuntimeAccessPolicies(const RuntimeInputs& runtime) {
  if (runtime.policy_statements.empty()) return nullptr;
  Json statements = Json::array();
  for (const auto& s : runtime.policy_statements) statements.push_back(s);
  return Json::array({Object({{"PolicyName", "runtime-access"},
                              {"PolicyDocument", Object({{"Version", "2012-10-17"}, {"Statement", statements}})}})});
}

void AddServiceOutputs(const ModuleContext& ctx, const ComputeOutputs& out, const std::string& platform, cfn::Template* t,
                       const std::string& url_note) {
  t->AddOutput(ctx.Id("ServiceUrl"), {out.service_url, platform + " service URL" + url_note, "", ""});
  t->AddOutput(ctx.Id("ServiceArn"), {out.service_arn, platform + " service ARN", "", ""});
  t->AddOutput(ctx.Id("ServiceName"), {out.service_name, platform + " service name", "", ""});
}

}  // namespace bp
