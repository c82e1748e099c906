// AWS name rules in one table (source: reference/aws-facts.md section 2,
// which cites the CloudFormation registry schemas and the service API models), and
// FitName, which turns a wanted name into one that satisfies its rule: characters
// outside the rule become '-', and a name over the limit is cut and given a stable
// hash suffix of the full name, so every synth gives the same name.
#pragma once
#include <string>
#include <vector>

namespace bp {

enum class NameKind {
  kAppRunnerService,
  kAppRunnerAutoScaling,
  kAppRunnerVpcConnector,
  kAppRunnerObservability,
  kEcsCluster,
  kEcsExpressService,
  kRdsInstance,
  kRdsParameterGroup,
  kRdsSubnetGroup,
  kRdsDbName,
  kRdsMasterUsername,
  kEcrRepository,
  kIamRole,
  kIamPolicy,
  kWafWebAcl,
  kWafMetricName,
  kSnsTopic,
  kCloudWatchDashboard,
  kCloudWatchAlarm,
  kLogGroup,
  kBudget,
  kSecret,
  kBackupVault,
  kBackupSelection,
  kStack,
  kSecurityGroup,
  kVpcOrigin,
};

struct NameRule {
  NameKind kind;
  const char* what;    // "App Runner service name"
  int min_length;
  int max_length;
  const char* charset;  // human description of the allowed characters
  const char* source;
};

const NameRule& RuleFor(NameKind kind);
const std::vector<NameRule>& AllNameRules();

// Empty when `name` satisfies the rule; otherwise what is wrong.
std::string CheckName(NameKind kind, const std::string& name);

// A valid name derived from `wanted` (see the header comment). `wanted` must
// contain at least one letter or digit.
std::string FitName(NameKind kind, const std::string& wanted);

// FitName of `wanted` followed by the rule's separator and `suffix`, the whole within the
// rule's limit: `wanted` is fitted into what the suffix leaves, so the suffix is never
// cut. `suffix` must satisfy the rule's character set (hex digits do for every rule).
// For names that must change when something else does (a hash of create-only
// properties: a replacement then gets a new name, modules/compute_apprunner.cc).
std::string FitName(NameKind kind, const std::string& wanted, const std::string& suffix);

}  // namespace bp
