#include "modules/compute.h"

#include <cstdlib>

#include "modules/compute_apprunner.h"
#include "modules/compute_ecs_express.h"

namespace bp {

using cfn::GetAtt;
using cfn::Json;

void RuntimeInputs::Add(const RuntimeInputs& more) {
  env.insert(env.end(), more.env.begin(), more.env.end());
  secrets.insert(secrets.end(), more.secrets.begin(), more.secrets.end());
  policy_statements.insert(policy_statements.end(), more.policy_statements.begin(), more.policy_statements.end());
}

AppSecurityGroupOutputs AddAppSecurityGroup(const ModuleContext& ctx, const cfn::Json& vpc_id, cfn::Template* t) {
  // The app's outbound traffic enters the VPC with this group (App Runner: through the
  // VPC connector, reference/aws-facts.md 1.3, DOC:apprunner/latest/dg/network-vpc.html). No ingress
  // rules: inbound requests reach the app through the platform's own front door.
  std::string id = ctx.Id("AppSecurityGroup");
  t->AddResource(
      id, "AWS::EC2::SecurityGroup",
      Object({{"GroupDescription", "App of " + ctx.name_prefix + ": egress only"},
              {"VpcId", vpc_id},
              {"SecurityGroupEgress", Json::array({Object({{"IpProtocol", "-1"},
                                                           {"CidrIp", "0.0.0.0/0"},
                                                           {"Description", "App outbound traffic (database, NAT)"}})})},
              {"Tags", ctx.TagsWithName(ctx.name_prefix + "-app")}}));
  return {GetAtt(id, "GroupId")};
}

// The one place that asks which platform runs the app (compute.platform).
ComputeOutputs AddCompute(const ModuleContext& ctx, const AppConfig& app, const ComputeInputs& in, cfn::Template* t) {
  switch (app.platform) {
    case ComputePlatform::kAppRunner: return AddAppRunnerCompute(ctx, app, in, t);
    case ComputePlatform::kEcsExpress: return AddEcsExpressCompute(ctx, app, in, t);
  }
  std::abort();
}

namespace {

// What each platform offers that the other does not. Sources: docs/compute.md (App
// Runner: AutoDeploymentsEnabled, pause-service, MaxConcurrency; Express: canary with
// automatic rollback, Fargate sizes) and docs/facts/ingress.md (VPC origins carry no
// WebSockets).
struct PlatformOffer {
  const char* service_type;
  const char* name;
  std::vector<std::string> offers;
};
const std::vector<PlatformOffer>& PlatformOffers() {
  static const std::vector<PlatformOffer> kOffers = {
      {"AWS::AppRunner::Service",
       "App Runner",
       {"automatic deployments when an image is pushed (App Runner's own; the blueprint deploys by stack update)",
        "pausing the service (apprunner pause-service: no instance billed while paused)",
        "scaling on concurrent requests per instance (app.scaling.max_concurrency)",
        "X-Ray tracing through the observability configuration (app.tracing)"}},
      {"AWS::ECS::ExpressGatewayService",
       "ECS Express Mode",
       {"canary deployments with automatic rollback (5% for 3 minutes; rolled back when 4xx+5xx exceed 1%)",
        "WebSockets and long-lived connections (compute.ingress public or private: CloudFront's VPC origins carry "
        "none)",
        "task sizes up to 16 vCPU and 120 GB"}},
  };
  return kOffers;
}

const PlatformOffer* PlatformOf(const std::vector<std::string>& types) {
  for (const auto& p : PlatformOffers())
    for (const auto& t : types)
      if (t == p.service_type) return &p;
  return nullptr;
}

}  // namespace

bool FindPlatformChange(const std::vector<std::string>& types_before, const std::vector<std::string>& types_after,
                        PlatformChange* out) {
  const PlatformOffer *from = PlatformOf(types_before), *to = PlatformOf(types_after);
  if (!from || !to || from == to) return false;
  *out = PlatformChange{from->name, to->name, from->offers, to->offers};
  return true;
}

void CheckComputeConfig(const StackConfig& c, Diagnostics* diags) {
  switch (c.app.platform) {
    case ComputePlatform::kAppRunner: CheckAppRunnerConfig(c, diags); return;
    case ComputePlatform::kEcsExpress: CheckEcsExpressConfig(c, diags); return;
  }
}

}  // namespace bp
