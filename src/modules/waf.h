// WAF module: a WAFv2 web ACL (AWS managed rule groups, a per-IP rate limit, default
// allow), its logging to a CloudWatch Logs group with the credentials headers redacted,
// and the association with the resource a REGIONAL web ACL protects (the compute
// contract's waf_target_arn). A CLOUDFRONT-scoped web ACL exists only in us-east-1 and is
// not associated but named in the distribution's WebACLId (reference/aws-facts.md 4.2); the module
// does not know which stack it is in, the caller puts it in the right one.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "cfn/template.h"
#include "config/stack_config.h"
#include "modules/common.h"

namespace bp {

enum class WafScope { kRegional, kCloudFront };

// Origin protection: block every request whose `header` carries none of `accepted`
// (a CloudFront origin's secret header; modules/cdn.h).
struct OriginGuard {
  std::string header;              // lowercase header name
  std::vector<cfn::Json> accepted;  // values (Refs to NoEcho parameters), one or more
};

struct WebAclArgs {
  WafScope scope = WafScope::kRegional;
  WafConfig waf;  // waf.*: rate limit, optional groups, log retention
  // The rate limit and the managed rule groups (features.waf). Off for the service's web
  // ACL behind CloudFront: the CLOUDFRONT-scoped ACL inspects the viewers' requests there,
  // and a per-IP limit on the service would count CloudFront's addresses.
  bool inspect = true;
  // Priority 0 when set: requests without the origin secret are blocked.
  std::optional<OriginGuard> origin_guard = std::nullopt;
  // Request logs to aws-waf-logs-<name> (waf.log_retention_days); the origin guard's
  // header is redacted there with authorization and cookie.
  bool logging = true;
};

struct WebAclOutputs {
  std::string name;       // physical name
  cfn::Json arn;          // GetAtt Arn: WebACLAssociation.WebACLArn or DistributionConfig.WebACLId
  std::string log_group;  // physical name of the log group ("aws-waf-logs-..."), "" without logging
};

// The managed rule groups the web ACL references, in priority order after the rate rule.
// Src: reference/aws-facts.md 4.1 (DOC:waf/latest/developerguide/aws-managed-rule-groups-list.html).
std::vector<std::string> ManagedRuleGroups(const WafConfig& waf);

WebAclOutputs AddWebAcl(const ModuleContext& ctx, const WebAclArgs& args, cfn::Template* t);

// Attaches a REGIONAL web ACL to `resource_arn` (an App Runner service, a load balancer).
void AssociateWebAcl(const ModuleContext& ctx, const cfn::Json& web_acl_arn, const cfn::Json& resource_arn,
                     cfn::Template* t);

}  // namespace bp
