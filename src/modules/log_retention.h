// Log retention for the log groups AWS services create themselves (App Runner's
// `/aws/apprunner/<name>/<service-id>/...`, RDS's `/aws/rds/instance/<id>/postgresql`).
// Their names hold IDs known only once the service exists, and the service may create
// the group at any moment after that, so a template-declared AWS::Logs::LogGroup would
// come either too early (no name yet) or too late (AlreadyExists fails the deploy). A
// small custom resource (Custom::LogRetention, a Lambda function in the stack) does what
// CDK's LogRetention does: CreateLogGroup unless it exists, then PutRetentionPolicy.
// docs/operations.md ("Log retention") says why and how it behaves on update and delete.
#pragma once
#include <string>
#include <vector>

#include "cfn/template.h"
#include "modules/common.h"

namespace bp {

// One owner's log groups: `owner` prefixes the custom resource's logical ID
// ("Service" -> "ServiceLogRetention"); each name is a Fn::Sub template
// ("/aws/rds/instance/${Db}/postgresql").
struct LogRetentionTarget {
  std::string owner;
  std::vector<std::string> log_group_names;
  int retention_days = 0;
};

struct LogRetentionArgs {
  std::vector<LogRetentionTarget> targets;
  int function_log_retention_days = 0;  // the function's own log group
};

// Adds nothing when no target names a log group.
void AddLogRetention(const ModuleContext& ctx, const LogRetentionArgs& args, cfn::Template* t);

// The handler's Python source (the function's inline ZipFile): tests run it against a
// stand-in CloudWatch Logs client.
const char* LogRetentionHandlerSource();

}  // namespace bp
