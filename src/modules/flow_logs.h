// VPC flow logs (network.flow_logs): every accepted and rejected flow of the VPC's
// network interfaces, to a CloudWatch Logs group that expires after
// network.flow_logs_retention_days, delivered with a role only the flow logs service of
// this account may assume and that may write to that one group only.
#pragma once
#include "cfn/template.h"
#include "modules/common.h"

namespace bp {

struct FlowLogsArgs {
  cfn::Json vpc_id;
  int retention_days = 0;
};

struct FlowLogsOutputs {
  cfn::Json log_group_name;
};

FlowLogsOutputs AddFlowLogs(const ModuleContext& ctx, const FlowLogsArgs& args, cfn::Template* t);

}  // namespace bp
