// Compute module, App Runner platform: the service, its auto scaling and (optional)
// X-Ray observability configurations, a VPC connector into the private subnets with
// an egress-only security group, the ECR access role and the instance role.
//
// The image comes from the template parameter ImageUri: empty (the default) runs a
// public placeholder image, so the stack deploys before any image exists; a private
// ECR image URI runs that image through the access role.
//
// Later modules (database, secrets) feed the running app through RuntimeInputs: pass
// them in AppRunnerArgs, or add them after the fact with ExtendAppRunnerRuntime().
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "cfn/template.h"
#include "config/stack_config.h"
#include "modules/common.h"

namespace bp {

// Public placeholder image: listens on 8000, answers on "/". Src: issue 4 ("the first
// deployable platform"); image source github.com/aws-containers/hello-app-runner.
inline constexpr const char* kPlaceholderImage = "public.ecr.aws/aws-containers/hello-app-runner:latest";
inline constexpr int kPlaceholderPort = 8000;
inline constexpr const char* kPlaceholderHealthPath = "/";

// What other modules give the running app.
struct RuntimeInputs {
  // Plain variables: NAME -> value (a string or an intrinsic such as a GetAtt).
  std::vector<std::pair<std::string, cfn::Json>> env;
  // Runtime secrets: NAME -> full ARN of a Secrets Manager secret or SSM parameter, or
  // "<secretArn>:<jsonKey>::" for one JSON key. Src: aws-facts 1.3 (DOC:apprunner/latest/dg/env-variable.html).
  // The instance role must be allowed to read each one: add the statement to policy_statements.
  std::vector<std::pair<std::string, cfn::Json>> secrets;
  // IAM policy statements added to the instance role (e.g. secretsmanager:GetSecretValue).
  std::vector<cfn::Json> policy_statements;
};

struct AppRunnerArgs {
  int port = 8080;
  std::string cpu = "1 vCPU";    // aws-facts 1.3: valid pairs only (checked by the config loader)
  std::string memory = "2 GB";
  std::string start_command;     // empty: the image's own entrypoint/command
  HealthCheckConfig health_check;
  ScalingConfig scaling;
  bool tracing = false;          // @default true in prod: X-Ray through an observability configuration
  cfn::Json vpc_id;
  std::vector<cfn::Json> private_subnet_ids;  // the VPC connector's subnets
  RuntimeInputs runtime;
};

// The compute platform's outputs contract.
struct ComputeOutputs {
  std::string service_name;       // physical name
  cfn::Json service_arn;
  cfn::Json service_url;          // https://...
  // The connector's security group: the database admits 5432 from it.
  cfn::Json connector_security_group_id;
  cfn::Json instance_role_arn;
  // A new image is a stack update of the service alone (the delivery module's deploy role).
  ImageRollout image_rollout;
  // Logical IDs, for ExtendAppRunnerRuntime().
  std::string service_id;
  std::string instance_role_id;
};

ComputeOutputs AddAppRunnerCompute(const ModuleContext& ctx, const AppRunnerArgs& args, cfn::Template* t);

// Adds variables, secrets and instance-role statements to a service AddAppRunnerCompute
// created. Names are kept sorted; a name given twice is a programming error (aborts).
void ExtendAppRunnerRuntime(const ComputeOutputs& compute, const RuntimeInputs& extra, cfn::Template* t);

}  // namespace bp
