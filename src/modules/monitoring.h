// Monitoring module: the environment's CloudWatch alarms and dashboard. Everything it
// reads comes from the compute contract (ComputeMetrics: namespace, dimensions, metric
// names), the database (its instance) and the network (NAT gateways or NAT instance
// groups), so it works on any compute platform. Every alarm notifies the alert topic
// on ALARM and on OK. docs/operations.md lists the alarms and why each treats missing
// data as it does.
#pragma once
#include <string>
#include <vector>

#include "cfn/template.h"
#include "config/stack_config.h"
#include "modules/common.h"
#include "modules/compute.h"

namespace bp {

struct MonitoringArgs {
  ComputeMetrics service;
  std::string db_instance_id;  // logical ID of the RDS instance
  int db_allocated_storage_gb = 0;
  int db_max_connections = 0;
  std::vector<cfn::Json> nat_gateway_ids;      // Ref of each NAT gateway
  std::vector<cfn::Json> nat_instance_groups;  // Ref (name) of each NAT instance's Auto Scaling group
  AlertsConfig thresholds;
  cfn::Json topic_arn;  // alarm and OK actions
};

// A metric an alarm or the dashboard reads, as CloudWatch names it.
struct MetricRef {
  std::string metric_namespace;
  std::string name;
  std::vector<std::string> dimensions;  // dimension names
};

struct MonitoringOutputs {
  std::vector<std::string> alarm_ids;  // logical IDs
  std::string dashboard_id;
  cfn::Json dashboard_url;
};

MonitoringOutputs AddMonitoring(const ModuleContext& ctx, const MonitoringArgs& args, cfn::Template* t);

// The CloudFront distribution's alarm and dashboard. The alarm: its 5xx error rate (the
// answers viewers got, CloudFront's own 502/504 included) above
// alerts.error_rate_percent. The dashboard "<app>-<env>-edge" (output EdgeDashboardUrl):
// the alarm, requests, error rates (4xx, 5xx, total) and bytes served. CloudFront
// publishes its metrics in us-east-1 only (dimensions DistributionId and Region=Global)
// and an alarm reads metrics of its own region, so the caller puts both in the stack that
// holds the distribution, with `topic_arn` a topic of that region.
struct EdgeMonitoringArgs {
  cfn::Json distribution_id;  // Ref of the distribution
  AlertsConfig thresholds;
  cfn::Json topic_arn;  // alarm and OK actions
};
void AddEdgeMonitoring(const ModuleContext& ctx, const EdgeMonitoringArgs& args, cfn::Template* t);

// The metrics CloudWatch publishes that the alarms may read, per namespace, from AWS's
// documentation (the test checks every alarm against it).
const std::vector<MetricRef>& KnownMetrics();

}  // namespace bp
