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
  // VPC connector, aws-facts 1.3, DOC:apprunner/latest/dg/network-vpc.html). No ingress
  // rules: inbound requests reach the app through the platform's own front door.
  std::string id = ctx.Id("AppSecurityGroup");
  t->AddResource(id, "AWS::EC2::SecurityGroup",
                 Json{{"GroupDescription", "App of " + ctx.name_prefix + ": egress only"},
                      {"VpcId", vpc_id},
                      {"SecurityGroupEgress",
                       Json::array({Json{{"IpProtocol", "-1"},
                                         {"CidrIp", "0.0.0.0/0"},
                                         {"Description", "App outbound traffic (database, NAT)"}}})},
                      {"Tags", ctx.TagsWithName(ctx.name_prefix + "-app")}});
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

std::string AppRunnerAlternativeSetting() {
  return std::string("compute.platform: ") + ComputePlatformName(ComputePlatform::kEcsExpress);
}

void CheckComputeConfig(const StackConfig& c, Diagnostics* diags) {
  switch (c.app.platform) {
    case ComputePlatform::kAppRunner: CheckAppRunnerConfig(c, diags); return;
    case ComputePlatform::kEcsExpress: CheckEcsExpressConfig(c, diags); return;
  }
}

}  // namespace bp
