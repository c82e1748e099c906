// The compute contract: what every compute platform (App Runner today, ECS Express
// Mode later) takes and gives, so the rest of the platform (database, secrets, WAF,
// dashboards, alarms, outputs) never asks which platform runs the app.
//
// The order is fixed and nothing is patched afterwards:
//   1. AddAppSecurityGroup(): the app's security group, before compute and database,
//      so the database can admit it and the platform can attach it;
//   2. the database and secrets modules produce RuntimeInputs;
//   3. AddCompute(): the platform builds the service with those inputs already in.
// Which platform AddCompute() builds, and the platform's own sizing rules
// (CheckComputeConfig), live in the compute modules only.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "cfn/template.h"
#include "config/stack_config.h"
#include "modules/common.h"
#include "modules/networking.h"
#include "util/diag.h"

namespace bp {

// The managed policy a platform's task or instance role gets when tracing is on: X-Ray
// write access (PutTraceSegments, PutTelemetryRecords, sampling rules), the usual choice
// per reference/aws-facts.md 1.3, which marks it unverified against the App Runner X-Ray page.
inline constexpr const char* kXrayWritePolicy = "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess";

// What other modules give the running app, known before the service is built.
struct RuntimeInputs {
  // Plain variables: NAME -> value (a string or an intrinsic such as a GetAtt).
  std::vector<std::pair<std::string, cfn::Json>> env;
  // Runtime secrets: NAME -> full ARN of a Secrets Manager secret or SSM parameter, or
  // "<secretArn>:<jsonKey>::" for one JSON key. Src: reference/aws-facts.md 1.3 (DOC:apprunner/latest/dg/env-variable.html).
  // The app's role must be allowed to read each one: add the statement to policy_statements.
  std::vector<std::pair<std::string, cfn::Json>> secrets;
  // IAM policy statements for the role the app's code runs with.
  std::vector<cfn::Json> policy_statements;

  // Appends `more` (names must stay unique: the platform aborts on a name given twice).
  void Add(const RuntimeInputs& more);
};

// The app's security group: egress only. The database admits its port from it and
// the platform attaches it to the app's network interfaces.
struct AppSecurityGroupOutputs {
  cfn::Json security_group_id;
};
AppSecurityGroupOutputs AddAppSecurityGroup(const ModuleContext& ctx, const cfn::Json& vpc_id, cfn::Template* t);

// Everything a platform is given besides the app's config (AppConfig: port, sizes,
// health check, scaling, tracing; app.env and app.secrets arrive as `runtime`).
struct ComputeInputs {
  NetworkOutputs network;       // the VPC, its subnets, routes and whether private subnets reach the internet
  cfn::Json security_group_id;  // from AddAppSecurityGroup()
  RuntimeInputs runtime;
};

// The CloudWatch metrics dashboards and alarms read, named by the platform.
// Two groups, each read with its own namespace and dimensions:
//   service metrics (cpu_utilization, memory_utilization): metric_namespace + dimensions;
//   traffic metrics (requests, http_4xx, http_5xx, latency, active_instances):
//     traffic_namespace + traffic_dimensions.
// App Runner fills both groups with the same (AWS/AppRunner, the service); ECS Express Mode
// reads CPU and memory from AWS/ECS and traffic from its load balancer (AWS/ApplicationELB,
// per load balancer: a canary deployment moves the traffic between the service's target
// groups, and a reading of one of them would go quiet).
struct ComputeMetrics {
  std::string metric_namespace;                             // "AWS/AppRunner"
  std::vector<std::pair<std::string, cfn::Json>> dimensions;  // Name -> value, service level
  std::string traffic_namespace;                                      // "AWS/AppRunner"
  std::vector<std::pair<std::string, cfn::Json>> traffic_dimensions;  // Name -> value
  std::string requests;                                     // count of HTTP requests (Sum)
  std::string http_2xx;                                     // count of 2xx answers (Sum)
  std::string http_4xx;                                     // count of 4xx answers (Sum)
  std::string http_5xx;                                     // count of 5xx answers (Sum)
  std::string latency;                                      // in latency_unit (p50/p95/p99)
  std::string latency_unit = "Milliseconds";                // CloudWatch unit: Milliseconds | Seconds
  std::string active_instances;                             // count (Average/Minimum)
  // "" when active_instances is published for traffic_dimensions. Else the dimension it is
  // published per besides them ("TargetGroup" on ECS Express): dashboards sum it over every
  // value of that dimension (a SEARCH expression); alarms cannot (CloudWatch alarms take no
  // SEARCH), so no alarm may read active_instances then.
  std::string active_instances_per;
  std::string cpu_utilization;                              // percent
  std::string memory_utilization;                           // percent
};

// The outputs contract: what the rest of the platform reads from any platform.
struct ComputeOutputs {
  std::string service_name;  // physical name
  cfn::Json service_url;     // "https://<host>"
  cfn::Json service_host;    // the bare host name (a CloudFront origin, a DNS record)
  cfn::Json service_arn;
  // The resource a REGIONAL WAFv2 web ACL attaches to (WebACLAssociation.ResourceArn).
  cfn::Json waf_target_arn;
  cfn::Json app_role_arn;  // the role the app's code runs with
  // compute.ingress edge with an entry point nothing outside the VPC reaches (ECS Express
  // Mode's internal load balancer): its ARN, for a CloudFront VPC origin. Null when the
  // entry point is public and CloudFront reaches it over the internet, with the secret
  // origin header the service's web ACL checks (modules/cdn.h).
  cfn::Json vpc_origin_arn;
  ComputeMetrics metrics;
  // Log groups the platform creates itself under names the stack learns only after
  // creation (App Runner's carry the service ID), as Fn::Sub templates of their names:
  // the stack applies app.log_retention_days to them (modules/log_retention.h). Empty
  // when the platform writes to a log group the stack declares (ECS Express Mode).
  std::vector<std::string> created_log_groups;
  // A new image is a stack update of the service alone: what the delivery module's
  // deploy role may do for it (modules/common.h ImageRollout).
  ImageRollout image_rollout;
  // What the deploy asks AWS before creating the platform's service (modules/common.h).
  std::vector<PreflightCheck> preflight;
};

// Builds the app on the environment's compute platform.
ComputeOutputs AddCompute(const ModuleContext& ctx, const AppConfig& app, const ComputeInputs& in, cfn::Template* t);

// The platform's sizing rules (instance sizes, scaling limits), checked after the
// config loaded; errors name the config key at its file:line.
void CheckComputeConfig(const StackConfig& c, Diagnostics* diags);

// What moving a service from one platform to another changes for its users, for
// `preview`: found from the service resource types a deployed template has and the new
// one has (a platform's service type is one of them).
struct PlatformChange {
  std::string from, to;                     // "App Runner", "ECS Express Mode"
  std::vector<std::string> loses, gains;    // what only the old, or only the new, platform offers
};
// False when both templates run the same platform (or either runs none).
bool FindPlatformChange(const std::vector<std::string>& types_before, const std::vector<std::string>& types_after,
                        PlatformChange* out);

}  // namespace bp
