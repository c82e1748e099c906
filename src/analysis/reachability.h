// Reachability on the synthesized templates (issue 21): does traffic flow internet →
// (CloudFront →) entry point → service, and service → database, image registry,
// secrets and logs? It reads the templates only, never the StackConfig, so what it
// says holds for what would be deployed, add-ons and overrides included: subnets,
// route tables, internet and NAT gateways, NAT instance interfaces, VPC endpoints,
// security groups, the platform's network settings, CloudFront origins and the
// service's REGIONAL web ACL. What AWS manages outside the template (App Runner's front
// door, the load balancer and security groups ECS Express Mode creates) is modelled as
// facts, each with its source, in reachability.cc. `blueprint check` builds on this.
#pragma once
#include <string>
#include <vector>

#include "app/app.h"
#include "cfn/intrinsics.h"

namespace bp::analysis {

// One environment's reachability. A path is true when every hop admits the traffic.
struct ReachabilityReport {
  bool internet_to_entry = false;     // a viewer on the internet reaches the service's entry point directly
  bool has_cloudfront = false;        // a CloudFront distribution fronts the service
  bool cloudfront_to_origin = false;  // CloudFront reaches its origin (false without a distribution)
  bool service_to_database = false;   // false too when the environment has no database
  bool service_to_registry = false;
  bool service_to_secrets = false;
  bool service_to_logs = false;
  std::vector<std::string> why;  // one line per false path: the hop that fails and why, by logical ID
};

// One stack's template as JSON: what EvaluateReachability reads of a Stack. Tests
// build these from edited JSON.
struct StackTemplate {
  std::string id;  // Stack::id, which StackInput::producer names
  StackRole role = StackRole::kMain;
  cfn::Json tmpl;
  std::vector<StackInput> inputs;  // parameters filled from another stack's outputs
  std::string region = {};         // where the stack deploys (prices, for check's cost rules)
};

// Environment `env` of an assembled app (its main and global stacks).
ReachabilityReport EvaluateReachability(const App& app, const std::string& env);

// One environment's stacks: one main stack, at most one global stack.
ReachabilityReport EvaluateReachability(const std::vector<StackTemplate>& stacks);

// The stacks of `env` in `app` as JSON templates (to edit before evaluating).
std::vector<StackTemplate> TemplatesOf(const App& app, const std::string& env);

}  // namespace bp::analysis
