#include "modules/monitoring.h"

#include <cstdio>

#include "cfn/writer.h"
#include "naming/names.h"

namespace bp {

using cfn::Json;
using cfn::Ref;

namespace {

constexpr int kFiveMinutes = 300;
constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// What one alarm watches and when it fires.
struct AlarmSpec {
  std::string local_id;     // "ServiceHttp5xxAlarm"
  std::string name_suffix;  // "-5xx"
  std::string description;
  std::string comparison;  // GreaterThanOrEqualToThreshold | GreaterThanThreshold | LessThanThreshold
  double threshold = 0;
  int evaluation_periods = 1;
  int datapoints_to_alarm = 0;  // 0: all of them
  // Src: reference/aws-facts.md 7.4 (breaching | notBreaching | ignore | missing), chosen per alarm.
  std::string missing_data;
  Json metric;  // the single-metric properties, or {"Metrics": [...]} for metric math
};

Json Dimensions(const std::vector<std::pair<std::string, Json>>& dims) {
  Json out = Json::array();
  for (const auto& [name, value] : dims) out.push_back(Object({{"Name", name}, {"Value", value}}));
  return out;
}

// Single-metric alarm properties. Src: reference/aws-facts.md 7.4 (SCHEMA:aws-cloudwatch-alarm).
Json SingleMetric(const std::string& ns, const std::string& name, const std::vector<std::pair<std::string, Json>>& dims,
                  const std::string& statistic, int period) {
  Json m = Object({{"Namespace", ns}, {"MetricName", name}, {"Dimensions", Dimensions(dims)}, {"Period", period}});
  // Percentiles go in ExtendedStatistic ("p95"), the five basic statistics in Statistic.
  m[statistic[0] == 'p' ? "ExtendedStatistic" : "Statistic"] = statistic;
  return m;
}

// A query of a metric-math alarm. Src: reference/aws-facts.md 7.4 (MetricDataQuery, MetricStat).
Json MetricQuery(const std::string& id, const ComputeMetrics& s, const std::string& name) {
  return Object({{"Id", id},
                 {"MetricStat", Object({{"Metric", Object({{"Namespace", s.traffic_namespace},
                                                           {"MetricName", name},
                                                           {"Dimensions", Dimensions(s.traffic_dimensions)}})},
                                        {"Period", kFiveMinutes},
                                        {"Stat", "Sum"}})},
                 {"ReturnData", false}});
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// The p95 threshold in the unit the platform's latency metric reports (the load balancer's
// TargetResponseTime is in seconds, App Runner's RequestLatency in milliseconds).
double LatencyThreshold(const ComputeMetrics& s, int milliseconds) {
  return s.latency_unit == "Seconds" ? milliseconds / 1000.0 : static_cast<double>(milliseconds);
}

std::vector<AlarmSpec> Alarms(const MonitoringArgs& a) {
  const ComputeMetrics& s = a.service;
  const AlertsConfig& th = a.thresholds;
  std::vector<AlarmSpec> out;
  // No traffic means no errors: missing data is not breaching for the service alarms.
  out.push_back({"ServiceHttp5xxAlarm", "-5xx", "The service answered " + std::to_string(th.http_5xx_count) +
                                                    " or more 5xx in 5 minutes",
                 "GreaterThanOrEqualToThreshold", static_cast<double>(th.http_5xx_count), 1, 0, "notBreaching",
                 SingleMetric(s.traffic_namespace, s.http_5xx, s.traffic_dimensions, "Sum", kFiveMinutes)});
  // Src: reference/aws-facts.md 7.4 (the 5xx error-rate example; IF guards against no requests).
  out.push_back(
      {"ServiceErrorRateAlarm", "-5xx-rate",
       "More than " + Number(th.error_rate_percent) + "% of requests answered 5xx (2 of 3 periods of 5 minutes)",
       "GreaterThanThreshold", th.error_rate_percent, 3, 2, "notBreaching",
       Object({{"Metrics", Json::array({MetricQuery("errors", s, s.http_5xx), MetricQuery("requests", s, s.requests),
                                        Object({{"Id", "rate"},
                                                {"Expression", "IF(requests > 0, 100 * errors / requests, 0)"},
                                                {"Label", "5xx percent of requests"},
                                                {"ReturnData", true}})})}})});
  out.push_back({"ServiceLatencyAlarm", "-latency-p95",
                 "p95 request latency above " + std::to_string(th.latency_p95_ms) + " ms (2 of 3 periods of 5 minutes)",
                 "GreaterThanThreshold", LatencyThreshold(s, th.latency_p95_ms), 3, 2, "notBreaching",
                 SingleMetric(s.traffic_namespace, s.latency, s.traffic_dimensions, "p95", kFiveMinutes)});

  // Src: reference/aws-facts.md 7.3 (DOC:AmazonRDS/latest/UserGuide/rds-metrics.html): namespace AWS/RDS,
  // dimension DBInstanceIdentifier (the instance's Ref), FreeStorageSpace in bytes.
  std::vector<std::pair<std::string, Json>> db{{"DBInstanceIdentifier", Ref(a.db_instance_id)}};
  // A running instance reports every minute: silence means it is down or stopped.
  out.push_back({"DbCpuAlarm", "-db-cpu",
                 "Database CPU above " + std::to_string(th.db_cpu_percent) + "% for 15 minutes, or no data", "GreaterThanThreshold",
                 static_cast<double>(th.db_cpu_percent), 3, 0, "breaching",
                 SingleMetric("AWS/RDS", "CPUUtilization", db, "Average", kFiveMinutes)});
  double free_bytes = a.db_allocated_storage_gb * kGiB * th.db_free_storage_percent / 100.0;
  // The CPU alarm reports silence; these keep their state through a gap.
  out.push_back({"DbFreeStorageAlarm", "-db-storage",
                 "Free database storage below " + std::to_string(th.db_free_storage_percent) + "% of the " +
                     std::to_string(a.db_allocated_storage_gb) + " GiB allocated",
                 "LessThanThreshold", free_bytes, 1, 0, "ignore",
                 SingleMetric("AWS/RDS", "FreeStorageSpace", db, "Minimum", kFiveMinutes)});
  double connections = a.db_max_connections * th.db_connections_percent / 100.0;
  out.push_back({"DbConnectionsAlarm", "-db-connections",
                 "Database connections above " + std::to_string(th.db_connections_percent) + "% of max_connections (" +
                     std::to_string(a.db_max_connections) + ") for 10 minutes",
                 "GreaterThanThreshold", connections, 2, 0, "ignore",
                 SingleMetric("AWS/RDS", "DatabaseConnections", db, "Maximum", kFiveMinutes)});

  // Src: DOC:vpc/latest/userguide/vpc-nat-gateway-cloudwatch.html (AWS/NATGateway,
  // dimension NatGatewayId; ErrorPortAllocation counts connections the gateway could not
  // give a source port, i.e. dropped egress). Only reported with traffic.
  for (size_t i = 0; i < a.nat_gateway_ids.size(); ++i) {
    std::string n = std::to_string(i + 1);
    out.push_back({"NatGateway" + n + "PortAllocationAlarm", "-nat-" + n + "-port-allocation",
                   "NAT gateway " + n + " could not allocate source ports (connections from the private subnets dropped)",
                   "GreaterThanThreshold", 0, 1, 0, "notBreaching",
                   SingleMetric("AWS/NATGateway", "ErrorPortAllocation", {{"NatGatewayId", a.nat_gateway_ids[i]}}, "Sum",
                                kFiveMinutes)});
  }
  // What fails is the group holding no instance in service (a dead, unhealthy or
  // replaced NAT): AWS/AutoScaling GroupInServiceInstances, dimension AutoScalingGroupName,
  // which the group sends every minute once its metrics collection is on
  // (modules/networking.cc), with or without instances. So missing data is not a dead NAT
  // but a gap in CloudWatch, which sends these on a best-effort basis and does not
  // backfill: the alarm keeps its state through it (ignore).
  // Src: DOC:autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html.
  for (size_t i = 0; i < a.nat_instance_groups.size(); ++i) {
    std::string n = std::to_string(i + 1);
    out.push_back({"NatInstance" + n + "HealthAlarm", "-nat-" + n + "-health",
                   "NAT instance " + n + " out of service for 3 minutes: its private subnet has no internet",
                   "LessThanThreshold", 1, 3, 0, "ignore",
                   SingleMetric("AWS/AutoScaling", "GroupInServiceInstances",
                                {{"AutoScalingGroupName", a.nat_instance_groups[i]}}, "Minimum", 60)});
  }
  return out;
}

// The alarm resource of `a`, notifying `topic_arn` on ALARM and on OK; its logical ID.
std::string AddAlarm(const ModuleContext& ctx, const AlarmSpec& a, const Json& topic_arn, cfn::Template* t) {
  Json actions = Json::array({topic_arn});
  Json p = Object({{"AlarmName", FitName(NameKind::kCloudWatchAlarm, ctx.name_prefix + a.name_suffix)},
                   {"AlarmDescription", a.description},
                   {"ComparisonOperator", a.comparison},
                   {"Threshold", a.threshold},
                   {"EvaluationPeriods", a.evaluation_periods}});
  if (a.datapoints_to_alarm > 0) p["DatapointsToAlarm"] = a.datapoints_to_alarm;
  p["TreatMissingData"] = a.missing_data;
  for (const auto& [k, v] : a.metric.items()) p[k] = v;
  p["AlarmActions"] = actions;
  p["OKActions"] = actions;
  p["Tags"] = ctx.Tags();
  std::string id = ctx.Id(a.local_id);
  t->AddResource(id, "AWS::CloudWatch::Alarm", p);
  return id;
}

// --- Dashboard ---

// Dashboard bodies are a JSON string (reference/aws-facts.md 7.5); values only known at deploy time
// (the service ID, the DB instance) enter through Fn::Sub variables.
struct BodyBuilder {
  Json variables = Json::object();
  std::string Value(const Json& v) {
    if (v.is_string()) return v.get<std::string>();
    for (const auto& [name, value] : variables.items())
      if (value == v) return "${" + name + "}";  // one variable per value
    std::string name = "V" + std::to_string(variables.size());
    variables[name] = v;
    return "${" + name + "}";
  }
};

// A metric widget. Src: reference/aws-facts.md 7.5 (DOC:AmazonCloudWatch/latest/APIReference/
// CloudWatch-Dashboard-Body-Structure.html: metrics [Namespace, MetricName, DimName,
// DimValue, ..., {options}], a 24-unit grid, region per widget).
Json Widget(const std::string& title, Json metrics, int x, int y, int width = 8, int height = 6) {
  return Object({{"type", "metric"},
                 {"x", x},
                 {"y", y},
                 {"width", width},
                 {"height", height},
                 {"properties", Object({{"title", title},
                                        {"region", "${AWS::Region}"},
                                        {"view", "timeSeries"},
                                        {"period", kFiveMinutes},
                                        {"metrics", std::move(metrics)}})}});
}

Json Line(BodyBuilder* b, const std::string& ns, const std::string& name,
          const std::vector<std::pair<std::string, Json>>& dims, Json options) {
  Json line = Json::array({ns, name});
  for (const auto& [k, v] : dims) {
    line.push_back(k);
    line.push_back(b->Value(v));
  }
  line.push_back(std::move(options));
  return line;
}

// The state of `alarm_ids`, the dashboard's top row.
Json AlarmWidget(BodyBuilder* b, const std::vector<std::string>& alarm_ids) {
  Json alarms = Json::array();
  for (const auto& id : alarm_ids) alarms.push_back(b->Value(cfn::GetAtt(id, "Arn")));
  return Object({{"type", "alarm"},
                 {"x", 0},
                 {"y", 0},
                 {"width", 24},
                 {"height", 3},
                 {"properties", Object({{"title", "Alarms"}, {"alarms", alarms}})}});
}

// The dashboard resource `local_id` named `name` with `body`, and its console URL as the
// output `output_id`. Src: DOC:AmazonCloudWatch/latest/monitoring/create_dashboard.html
// (console URL form #dashboards/dashboard/NAME).
// No Tags on any dashboard, in every region: CloudWatch took dashboard tags only on
// 2026-06-24 (https://aws.amazon.com/about-aws/whats-new/2026/06/amazon-cloudwatch-tags-on-dashboards/,
// linked from https://github.com/hashicorp/terraform-provider-aws/issues/48548),
// the us-east-1 registry schema that cfn-lint 1.51 carries still has no Tags property
// (E3002 there, and the edge dashboard always lives in us-east-1), and the Resource Groups
// Tagging API does not take a dashboard's region-less ARN
// (https://github.com/cloud-custodian/cloud-custodian/issues/11029), so tag-based views
// would not find them anyway. A dashboard costs the same untagged; its name says whose it is.
Json AddDashboard(const ModuleContext& ctx, const std::string& local_id, const std::string& name, const Json& body,
                  const BodyBuilder& b, const std::string& output_id, const std::string& description,
                  cfn::Template* t) {
  std::string id = ctx.Id(local_id);
  Json props = Object({{"DashboardName", FitName(NameKind::kCloudWatchDashboard, name)},
                       {"DashboardBody", b.variables.empty() ? cfn::Sub(cfn::WriteCompactJson(body))
                                                             : cfn::Sub(cfn::WriteCompactJson(body), b.variables)}});
  t->AddResource(id, "AWS::CloudWatch::Dashboard", props);
  Json url = cfn::Sub("https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=${AWS::Region}"
                      "#dashboards/dashboard/${" + id + "}");
  t->AddOutput(ctx.Id(output_id), {url, description, "", ""});
  return url;
}

// The active instances line: the metric itself, or, when the platform publishes it per one
// more dimension (ECS Express: per target group, modules/compute.h), its sum over every
// value of that dimension, the Maximum of each: a SEARCH expression in a metric-math
// SUM. Src: DOC:AmazonCloudWatch/latest/monitoring/search-expression-syntax.html (schema in
// braces, exact-match terms, statistic, period; graphs only, no alarm);
// DOC:AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
// (an expression line is [{expression, label, id}]).
Json ActiveInstancesLine(BodyBuilder* b, const ComputeMetrics& s) {
  const std::string label = "active instances";
  if (s.active_instances_per.empty())
    return Line(b, s.traffic_namespace, s.active_instances, s.traffic_dimensions,
                Object({{"stat", "Maximum"}, {"label", label}}));
  std::string schema = "{" + s.traffic_namespace, terms = "MetricName=\"" + s.active_instances + "\"";
  for (const auto& [name, value] : s.traffic_dimensions) {
    schema += "," + name;
    terms += " " + name + "=\"" + b->Value(value) + "\"";
  }
  schema += "," + s.active_instances_per + "}";
  return Json::array({Object(
      {{"expression", "SUM(SEARCH('" + schema + " " + terms + "', 'Maximum', " + std::to_string(kFiveMinutes) + "))"},
       {"label", label},
       {"id", "active"}})});
}

Json DashboardBody(const MonitoringArgs& a, const std::vector<std::string>& alarm_ids, BodyBuilder* b) {
  const ComputeMetrics& s = a.service;
  // CPU and memory from the service's namespace; requests, answers, latency and instances
  // from the traffic namespace (the load balancer's on ECS Express Mode, modules/compute.h).
  auto svc = [&](const std::string& name, const std::string& stat, const std::string& label) {
    return Line(b, s.metric_namespace, name, s.dimensions, Object({{"stat", stat}, {"label", label}}));
  };
  auto traffic = [&](const std::string& name, const std::string& stat, const std::string& label) {
    return Line(b, s.traffic_namespace, name, s.traffic_dimensions, Object({{"stat", stat}, {"label", label}}));
  };
  Json answers = Json::array({traffic(s.requests, "Sum", "requests")});
  if (!s.http_2xx.empty()) answers.push_back(traffic(s.http_2xx, "Sum", "2xx"));
  answers.push_back(traffic(s.http_4xx, "Sum", "4xx"));
  answers.push_back(traffic(s.http_5xx, "Sum", "5xx"));
  std::vector<std::pair<std::string, Json>> db{{"DBInstanceIdentifier", Ref(a.db_instance_id)}};
  auto rds = [&](const std::string& name, const std::string& stat) {
    return Line(b, "AWS/RDS", name, db, Object({{"stat", stat}, {"label", name}}));
  };
  Json widgets = Json::array({AlarmWidget(b, alarm_ids)});
  widgets.push_back(Widget("Requests and responses", answers, 0, 3));
  widgets.push_back(Widget(s.latency_unit == "Seconds" ? "Latency (s)" : "Latency (ms)",
                           Json::array({traffic(s.latency, "p50", "p50"), traffic(s.latency, "p95", "p95")}), 8, 3));
  widgets.push_back(Widget("Instances, CPU and memory",
                           Json::array({ActiveInstancesLine(b, s),
                                        svc(s.cpu_utilization, "Average", "CPU %"),
                                        svc(s.memory_utilization, "Average", "memory %")}),
                           16, 3));
  widgets.push_back(Widget("Database CPU and connections",
                           Json::array({rds("CPUUtilization", "Average"), rds("DatabaseConnections", "Maximum")}), 0, 9));
  widgets.push_back(Widget("Database memory and storage (bytes)",
                           Json::array({rds("FreeableMemory", "Minimum"), rds("FreeStorageSpace", "Minimum")}), 8, 9));
  widgets.push_back(Widget("Database latency (s)",
                           Json::array({rds("ReadLatency", "Average"), rds("WriteLatency", "Average")}), 16, 9));
  Json nat = Json::array();
  for (size_t i = 0; i < a.nat_gateway_ids.size(); ++i) {
    std::vector<std::pair<std::string, Json>> d{{"NatGatewayId", a.nat_gateway_ids[i]}};
    std::string n = " " + std::to_string(i + 1);
    nat.push_back(
        Line(b, "AWS/NATGateway", "BytesOutToDestination", d, Object({{"stat", "Sum"}, {"label", "bytes out" + n}})));
    nat.push_back(
        Line(b, "AWS/NATGateway", "ErrorPortAllocation", d, Object({{"stat", "Sum"}, {"label", "port errors" + n}})));
    nat.push_back(
        Line(b, "AWS/NATGateway", "PacketsDropCount", d, Object({{"stat", "Sum"}, {"label", "dropped packets" + n}})));
  }
  for (size_t i = 0; i < a.nat_instance_groups.size(); ++i) {
    std::vector<std::pair<std::string, Json>> d{{"AutoScalingGroupName", a.nat_instance_groups[i]}};
    std::string n = " " + std::to_string(i + 1);
    nat.push_back(Line(b, "AWS/EC2", "NetworkOut", d, Object({{"stat", "Sum"}, {"label", "bytes out" + n}})));
    nat.push_back(Line(b, "AWS/AutoScaling", "GroupInServiceInstances", d,
                       Object({{"stat", "Minimum"}, {"label", "instances in service" + n}})));
  }
  if (!nat.empty()) widgets.push_back(Widget("NAT", nat, 0, 15, 24));
  return Object({{"widgets", widgets}});
}

}  // namespace

const std::vector<MetricRef>& KnownMetrics() {
  static const std::vector<MetricRef> kMetrics = {
      // Src: reference/aws-facts.md 7.1 (DOC:apprunner/latest/dg/monitor-cw.html).
      {"AWS/AppRunner", "Requests", {"ServiceName", "ServiceID"}},
      {"AWS/AppRunner", "2xxStatusResponses", {"ServiceName", "ServiceID"}},
      {"AWS/AppRunner", "4xxStatusResponses", {"ServiceName", "ServiceID"}},
      {"AWS/AppRunner", "5xxStatusResponses", {"ServiceName", "ServiceID"}},
      {"AWS/AppRunner", "RequestLatency", {"ServiceName", "ServiceID"}},
      {"AWS/AppRunner", "ActiveInstances", {"ServiceName", "ServiceID"}},
      {"AWS/AppRunner", "CPUUtilization", {"ServiceName", "ServiceID"}},
      {"AWS/AppRunner", "MemoryUtilization", {"ServiceName", "ServiceID"}},
      // Src: reference/aws-facts.md 7.3 (DOC:AmazonRDS/latest/UserGuide/rds-metrics.html).
      {"AWS/RDS", "CPUUtilization", {"DBInstanceIdentifier"}},
      {"AWS/RDS", "FreeStorageSpace", {"DBInstanceIdentifier"}},
      {"AWS/RDS", "DatabaseConnections", {"DBInstanceIdentifier"}},
      {"AWS/RDS", "FreeableMemory", {"DBInstanceIdentifier"}},
      {"AWS/RDS", "ReadLatency", {"DBInstanceIdentifier"}},
      {"AWS/RDS", "WriteLatency", {"DBInstanceIdentifier"}},
      // Src: DOC:vpc/latest/userguide/vpc-nat-gateway-cloudwatch.html.
      {"AWS/NATGateway", "ErrorPortAllocation", {"NatGatewayId"}},
      {"AWS/NATGateway", "BytesOutToDestination", {"NatGatewayId"}},
      {"AWS/NATGateway", "PacketsDropCount", {"NatGatewayId"}},
      // Src: DOC:AWSEC2/latest/UserGuide/viewing_metrics_with_cloudwatch.html.
      {"AWS/EC2", "NetworkOut", {"AutoScalingGroupName"}},
      // Src: DOC:autoscaling/ec2/userguide/ec2-auto-scaling-metrics.html (sent once the
      // group's metrics collection is enabled).
      {"AWS/AutoScaling", "GroupInServiceInstances", {"AutoScalingGroupName"}},
      // ECS Express Mode: the service's own metrics and its load balancer's traffic (the
      // LoadBalancer dimension alone); HealthyHostCount only per target group, read on the
      // dashboard by a SEARCH over every target group. Src: reference/aws-facts.md 13.7
      // (DOC:AmazonECS/latest/developerguide/available-metrics.html);
      // DOC:elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
      // (the dimension sets of each metric).
      {"AWS/ECS", "CPUUtilization", {"ClusterName", "ServiceName"}},
      {"AWS/ECS", "MemoryUtilization", {"ClusterName", "ServiceName"}},
      {"AWS/ApplicationELB", "RequestCount", {"LoadBalancer"}},
      {"AWS/ApplicationELB", "HTTPCode_Target_4XX_Count", {"LoadBalancer"}},
      {"AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", {"LoadBalancer"}},
      {"AWS/ApplicationELB", "TargetResponseTime", {"LoadBalancer"}},
      {"AWS/ApplicationELB", "HealthyHostCount", {"LoadBalancer", "TargetGroup"}},
      // Src: DOC:AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
      // (us-east-1 only; dimensions DistributionId and Region, whose value is "Global";
      // the error rates are percentages of all viewer requests, statistic Average).
      {"AWS/CloudFront", "5xxErrorRate", {"DistributionId", "Region"}},
  };
  return kMetrics;
}

MonitoringOutputs AddMonitoring(const ModuleContext& ctx, const MonitoringArgs& args, cfn::Template* t) {
  MonitoringOutputs out;
  for (const AlarmSpec& a : Alarms(args)) out.alarm_ids.push_back(AddAlarm(ctx, a, args.topic_arn, t));

  BodyBuilder b;
  Json body = DashboardBody(args, out.alarm_ids, &b);
  out.dashboard_id = ctx.Id("Dashboard");
  out.dashboard_url = AddDashboard(ctx, "Dashboard", ctx.name_prefix, body, b, "DashboardUrl",
                                   "CloudWatch dashboard of the environment", t);
  return out;
}

void AddEdgeMonitoring(const ModuleContext& ctx, const EdgeMonitoringArgs& args, cfn::Template* t) {
  const AlertsConfig& th = args.thresholds;
  std::vector<std::pair<std::string, Json>> dims{{"DistributionId", args.distribution_id}, {"Region", Json("Global")}};
  // CloudFront reports its error rates only for periods with requests: no traffic, no
  // errors (notBreaching), as for the service's own rate.
  AlarmSpec rate{"Edge5xxRateAlarm", "-edge-5xx-rate",
                 "More than " + Number(th.error_rate_percent) +
                     "% of CloudFront's answers were 5xx (2 of 3 periods of 5 minutes)",
                 "GreaterThanThreshold", th.error_rate_percent, 3, 2, "notBreaching",
                 SingleMetric("AWS/CloudFront", "5xxErrorRate", dims, "Average", kFiveMinutes)};
  std::vector<std::string> alarm_ids = {AddAlarm(ctx, rate, args.topic_arn, t)};

  // Src: DOC:AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
  // (Requests, BytesDownloaded: Sum; 4xxErrorRate, 5xxErrorRate, TotalErrorRate: Average, percent).
  BodyBuilder b;
  auto line = [&](const std::string& metric, const std::string& stat, const std::string& label) {
    return Line(&b, "AWS/CloudFront", metric, dims, Object({{"stat", stat}, {"label", label}}));
  };
  Json body = Object(
      {{"widgets",
        Json::array(
            {AlarmWidget(&b, alarm_ids),
             Widget("CloudFront requests", Json::array({line("Requests", "Sum", "requests")}), 0, 3),
             Widget("CloudFront error rates (%)",
                    Json::array({line("4xxErrorRate", "Average", "4xx"), line("5xxErrorRate", "Average", "5xx"),
                                 line("TotalErrorRate", "Average", "all errors")}),
                    8, 3),
             Widget("CloudFront bytes served", Json::array({line("BytesDownloaded", "Sum", "bytes")}), 16, 3)})}});
  AddDashboard(ctx, "EdgeDashboard", ctx.name_prefix + "-edge", body, b, "EdgeDashboardUrl",
               "CloudWatch dashboard of the CloudFront distribution", t);
}

}  // namespace bp
