// Compute module, Amazon ECS Express Mode platform (compute.platform: ecs-express): an
// AWS::ECS::ExpressGatewayService in its own Fargate cluster, with the infrastructure
// role Express Mode manages the load balancer, security groups and scaling with, the
// task execution role (image pull, logs, the runtime secrets), the task role (the app's
// own calls: the RuntimeInputs statements), a log group with retention, and the tasks in
// the private subnets with the app's security group. It fulfils the compute contract of
// modules/compute.h; only compute.cc calls it. Facts: reference/aws-facts.md 13 (sources there).
//
// The image comes from the same ImageUri parameter as on App Runner: empty runs the
// public placeholder (port 8000, health path "/"), so the stack deploys before any image
// exists.
//
// Network: Express Mode places its Application Load Balancer in the subnets the tasks use;
// private subnets give an INTERNAL load balancer (reference/aws-facts.md 13.2,
// DOC:AmazonECS/latest/developerguide/express-service-work.html). The service URL then
// resolves only inside the VPC (docs/compute.md says how to reach it).
#pragma once
#include "cfn/template.h"
#include "config/stack_config.h"
#include "modules/common.h"
#include "modules/compute.h"
#include "util/diag.h"

namespace bp {

ComputeOutputs AddEcsExpressCompute(const ModuleContext& ctx, const AppConfig& app, const ComputeInputs& in,
                                    cfn::Template* t);

// Fargate's cpu/memory pairs, Express Mode's scaling floor, and the App Runner-only keys
// (warned when written: they change nothing here).
void CheckEcsExpressConfig(const StackConfig& c, Diagnostics* diags);

// Fargate task size of app.cpu / app.memory as ECS writes it ("256", "512"); false when
// the pair is not one Fargate offers.
bool FargateTaskSize(const std::string& cpu, const std::string& memory, std::string* cpu_units, std::string* memory_mib);

}  // namespace bp
