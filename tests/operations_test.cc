// Operations (issue 13): alert topic, alarms, dashboard, budgets, cost anomaly
// detection and AWS Backup, asserted on the assembled stacks of real configs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "cfn/spec.h"
#include "cfn/writer.h"
#include "config/loader.h"
#include "modules/alerts.h"
#include "modules/cost_controls.h"
#include "modules/monitoring.h"
#include "naming/names.h"
#include "test_util.h"

namespace bp {
namespace {

using cfn::Json;

std::string Config(const std::string& profile, const std::string& nat, const std::string& extra = "") {
  return "profile: " + profile + "\nregion: eu-west-3\napp: {name: orders-api}\nnetwork: {cidr: 10.0.0.0/22, nat: " +
         nat + "}\n" + extra;
}

const char* const kProdExtra = "alerts: {emails: [oncall@acme.example, second@acme.example]}\n";

const Stack& Main(const App& app) { return testing::MainStack(app); }

using testing::OfType;

// Every (config, NAT mode) combination the alarms must hold for.
std::vector<App> Combinations() {
  std::vector<App> out;
  for (const std::string nat : {"gateway", "gateway-per-az", "instance", "none"}) {
    out.push_back(testing::SynthFromYaml(Config("dev", nat), "dev"));
    out.push_back(testing::SynthFromYaml(Config("prod", nat, kProdExtra), "prod"));
  }
  // ECS Express Mode (it needs a NAT: not `none`).
  const char* const kEcs = "compute: {platform: ecs-express}\n";
  for (const std::string nat : {"gateway", "gateway-per-az", "instance"}) {
    out.push_back(testing::SynthFromYaml(Config("dev", nat, kEcs), "dev"));
    out.push_back(testing::SynthFromYaml(Config("prod", nat, std::string(kProdExtra) + kEcs), "prod"));
  }
  // CloudFront: its alarm lives in the global stack (us-east-1), with its own topic.
  out.push_back(testing::SynthFromYaml(Config("prod", "gateway", std::string(kProdExtra) + "features: {cloudfront: true}\n"),
                                       "prod"));
  return out;
}

// The metrics an alarm reads: (namespace, name, dimensions) of a single metric or of
// each metric-math query.
std::vector<std::pair<MetricRef, Json>> AlarmMetrics(const Json& p) {
  std::vector<std::pair<MetricRef, Json>> out;
  auto add = [&](const Json& m) {
    MetricRef ref{m.at("Namespace"), m.at("MetricName"), {}};
    for (const auto& d : m.at("Dimensions")) ref.dimensions.push_back(d.at("Name"));
    out.emplace_back(ref, m.at("Dimensions"));
  };
  if (p.contains("Metrics")) {
    for (const auto& q : p.at("Metrics"))
      if (q.contains("MetricStat")) add(q.at("MetricStat").at("Metric"));
  } else {
    add(p);
  }
  return out;
}

TEST(Operations, EveryAlarmReadsADocumentedMetricWithItsDimensions) {
  bool edge_alarm = false;
  for (const App& app : Combinations()) {
    ASSERT_GE(OfType(Main(app).tmpl, "AWS::CloudWatch::Alarm").size(), 6u) << Main(app).id;
    for (const Stack& stack : app.stacks)  // every stack's alarms (the global stack's CloudFront alarm)
    for (const auto& [id, r] : OfType(stack.tmpl, "AWS::CloudWatch::Alarm")) {
      SCOPED_TRACE(stack.id + " " + id);
      edge_alarm |= stack.role == StackRole::kGlobal;
      auto metrics = AlarmMetrics(r->properties);
      ASSERT_FALSE(metrics.empty());
      for (const auto& [m, dims] : metrics) {
        bool known = std::any_of(KnownMetrics().begin(), KnownMetrics().end(), [&](const MetricRef& k) {
          return k.metric_namespace == m.metric_namespace && k.name == m.name && k.dimensions == m.dimensions;
        });
        EXPECT_TRUE(known) << m.metric_namespace << " " << m.name;
        // Each dimension's value names a resource of this stack of the right type.
        for (const auto& d : dims) {
          const std::string name = d.at("Name");
          const Json& v = d.at("Value");
          static const std::map<std::string, std::pair<std::string, std::string>> kTargets = {
              {"ServiceID", {"AWS::AppRunner::Service", "ServiceId"}},
              {"DBInstanceIdentifier", {"AWS::RDS::DBInstance", ""}},
              {"NatGatewayId", {"AWS::EC2::NatGateway", ""}},
              {"AutoScalingGroupName", {"AWS::AutoScaling::AutoScalingGroup", ""}},
              {"ClusterName", {"AWS::ECS::Cluster", ""}},
              {"DistributionId", {"AWS::CloudFront::Distribution", ""}},
          };
          if (name == "Region") {  // CloudFront's: always "Global"
            EXPECT_EQ(v, "Global");
            continue;
          }
          // The load balancer's id, cut from the ARN the Express service reports (reference/aws-facts.md
          // 13.7); never one target group (tests/rollout_test.cc).
          if (name == "LoadBalancer") {
            std::string text = v.dump();
            EXPECT_TRUE(v.contains("Fn::Select")) << text;
            EXPECT_THAT(text, ::testing::HasSubstr("ECSManagedResourceArns.IngressPath.LoadBalancerArn")) << text;
            continue;
          }
          auto target = kTargets.find(name);
          if (target == kTargets.end()) {
            EXPECT_TRUE(v.is_string()) << name;  // ServiceName: the physical name
            continue;
          }
          std::string ref = target->second.second.empty() ? v.at("Ref").get<std::string>()
                                                          : v.at("Fn::GetAtt")[0].get<std::string>();
          if (!target->second.second.empty()) {
            EXPECT_EQ(v.at("Fn::GetAtt")[1], target->second.second);
          }
          const cfn::Resource* res = stack.tmpl.resources().Find(ref);
          ASSERT_NE(res, nullptr) << ref;
          EXPECT_EQ(res->type, target->second.first);
        }
      }
    }
  }
  EXPECT_TRUE(edge_alarm);
}

// In every stack that has alarms, they notify that stack's one alert topic (an alarm
// notifies a topic of its own region only): the main stack's AlertsTopic, the global
// stack's EdgeAlertsTopic.
TEST(Operations, EveryAlarmAndOkActionIsTheAlertTopic) {
  for (const App& app : Combinations()) {
    for (const Stack& stack : app.stacks) {
      auto alarms = OfType(stack.tmpl, "AWS::CloudWatch::Alarm");
      if (alarms.empty()) continue;
      auto topics = OfType(stack.tmpl, "AWS::SNS::Topic");
      ASSERT_EQ(topics.size(), 1u) << stack.id;
      EXPECT_EQ(topics[0].first, stack.role == StackRole::kMain ? "AlertsTopic" : "EdgeAlertsTopic");
      Json topic = cfn::Ref(topics[0].first);
      for (const auto& [id, r] : alarms) {
        SCOPED_TRACE(stack.id + " " + id);
        EXPECT_EQ(r->properties.at("AlarmActions"), Json::array({topic}));
        EXPECT_EQ(r->properties.at("OKActions"), Json::array({topic}));
        EXPECT_TRUE(r->properties.contains("TreatMissingData"));
        EXPECT_EQ(CheckName(NameKind::kCloudWatchAlarm, r->properties.at("AlarmName")), "");
      }
    }
  }
}

TEST(Operations, NatHealthIsWatchedInEveryNatMode) {
  auto count = [](const std::string& nat, const std::string& ns) {
    App app = testing::SynthFromYaml(Config("dev", nat), "dev");
    int n = 0;
    for (const auto& [id, r] : OfType(Main(app).tmpl, "AWS::CloudWatch::Alarm"))
      n += r->properties.value("Namespace", "") == ns;
    return n;
  };
  EXPECT_EQ(count("gateway", "AWS/NATGateway"), 1);
  EXPECT_EQ(count("gateway-per-az", "AWS/NATGateway"), 2);
  EXPECT_EQ(count("instance", "AWS/AutoScaling"), 2);
  EXPECT_EQ(count("instance", "AWS/EC2"), 0);  // no status-check alarm: a dead instance sends none
  EXPECT_EQ(count("none", "AWS/AutoScaling") + count("none", "AWS/NATGateway"), 0);
  // What fails: the group has no instance in service, by the group's own metric, which
  // it sends every minute once its collection is on (DOC:autoscaling/ec2/userguide/
  // ec2-auto-scaling-metrics.html), so a gap in the data is CloudWatch's, not a dead NAT.
  App app = testing::SynthFromYaml(Config("dev", "instance"), "dev");
  for (std::string n : {"1", "2"}) {
    const auto* health = Main(app).tmpl.resources().Find("NatInstance" + n + "HealthAlarm");
    ASSERT_NE(health, nullptr);
    const Json& p = health->properties;
    EXPECT_EQ(p.at("MetricName"), "GroupInServiceInstances");
    EXPECT_EQ(p.at("Dimensions"), Json::array({{{"Name", "AutoScalingGroupName"},
                                                {"Value", cfn::Ref("NatAutoScalingGroup" + n)}}}));
    EXPECT_EQ(p.at("ComparisonOperator"), "LessThanThreshold");
    EXPECT_EQ(p.at("Threshold"), 1.0);
    EXPECT_EQ(p.at("Period"), 60);
    EXPECT_EQ(p.at("TreatMissingData"), "ignore");
    // The metric is collected by the group the alarm names.
    const auto* group = Main(app).tmpl.resources().Find("NatAutoScalingGroup" + n);
    ASSERT_NE(group, nullptr);
    EXPECT_EQ(group->properties.at("MetricsCollection").at(0).at("Metrics"), Json::array({"GroupInServiceInstances"}));
  }
  // The groups tell the topic when they replace an instance.
  for (const auto& [id, r] : OfType(Main(app).tmpl, "AWS::AutoScaling::AutoScalingGroup")) {
    const Json& n = r->properties.at("NotificationConfigurations").at(0);
    EXPECT_EQ(n.at("TopicARN"), cfn::Ref("AlertsTopic")) << id;
    EXPECT_EQ(n.at("NotificationTypes").size(), 4u);
  }
}

TEST(Operations, DatabaseThresholdsFollowItsSize) {
  App app = testing::SynthFromYaml(Config("dev", "none", "database: {allocated_storage: 40, max_connections: 200}\n"
                                                         "alerts: {db_free_storage_percent: 25, db_connections_percent: 50}\n"),
                                   "dev");
  const auto& t = Main(app).tmpl;
  EXPECT_EQ(t.resources().Find("DbFreeStorageAlarm")->properties.at("Threshold"), 40.0 * 1024 * 1024 * 1024 * 0.25);
  EXPECT_EQ(t.resources().Find("DbFreeStorageAlarm")->properties.at("ComparisonOperator"), "LessThanThreshold");
  EXPECT_EQ(t.resources().Find("DbConnectionsAlarm")->properties.at("Threshold"), 100.0);
}

TEST(Operations, KeyAndTopicPolicyAdmitTheThreeAlertSources) {
  App app = testing::SynthFromYaml(Config("prod", "gateway", kProdExtra), "prod");
  const auto& t = Main(app).tmpl;
  const std::set<std::string> sources = {"cloudwatch.amazonaws.com", "budgets.amazonaws.com", "costalerts.amazonaws.com"};
  EXPECT_EQ(t.resources().Find("AlertsTopic")->properties.at("KmsMasterKeyId"), cfn::GetAtt("AlertsKey", "Arn"));
  std::set<std::string> key_services;
  for (const auto& s : t.resources().Find("AlertsKey")->properties.at("KeyPolicy").at("Statement"))
    if (s.at("Principal").contains("Service"))
      for (const auto& p : s.at("Principal").at("Service")) key_services.insert(p);
  for (const auto& s : sources) EXPECT_TRUE(key_services.count(s)) << s;
  // The topic policy: those three may publish for this account, nobody else is allowed.
  std::set<std::string> publishers;
  for (const auto& s : t.resources().Find("AlertsTopicPolicy")->properties.at("PolicyDocument").at("Statement")) {
    if (s.at("Effect") == "Deny") continue;
    EXPECT_EQ(s.at("Action"), "sns:Publish");
    EXPECT_EQ(s.at("Condition").at("StringEquals").at("aws:SourceAccount"), cfn::Ref("AWS::AccountId"));
    publishers.insert(s.at("Principal").at("Service").get<std::string>());
  }
  EXPECT_EQ(publishers, sources);
  // No alias/aws/sns anywhere: its messages from these services would be dropped.
  EXPECT_THAT(cfn::WriteJson(t.ToJson()), ::testing::Not(::testing::HasSubstr("alias/aws/sns")));
}

TEST(Operations, ProdHasDeadLetterQueueFlowLogsAndBackupDevHasNone) {
  App prod = testing::SynthFromYaml(Config("prod", "gateway", kProdExtra), "prod");
  const auto& t = Main(prod).tmpl;
  ASSERT_EQ(OfType(t, "AWS::SQS::Queue").size(), 1u);
  const Json& queue = t.resources().Find("AlertsDeadLetterQueue")->properties;
  EXPECT_EQ(queue.at("KmsMasterKeyId"), cfn::GetAtt("AlertsKey", "Arn"));
  const Json& qp = t.resources().Find("AlertsDeadLetterQueuePolicy")->properties.at("PolicyDocument").at("Statement")[0];
  EXPECT_EQ(qp.at("Principal").at("Service"), "sns.amazonaws.com");
  EXPECT_EQ(qp.at("Condition").at("ArnEquals").at("aws:SourceArn"), cfn::Ref("AlertsTopic"));
  auto subs = OfType(t, "AWS::SNS::Subscription");
  ASSERT_EQ(subs.size(), 2u);
  for (const auto& [id, r] : subs)
    EXPECT_EQ(r->properties.at("RedrivePolicy").at("deadLetterTargetArn"), cfn::GetAtt("AlertsDeadLetterQueue", "Arn"));
  // The backup selection selects the database instance itself.
  auto selections = OfType(t, "AWS::Backup::BackupSelection");
  ASSERT_EQ(selections.size(), 1u);
  const Json& sel = selections[0].second->properties.at("BackupSelection");
  ASSERT_EQ(sel.at("Resources").size(), 1u);
  EXPECT_EQ(sel.at("Resources")[0], cfn::GetAtt("Db", "DBInstanceArn"));
  EXPECT_EQ(sel.at("IamRoleArn"), cfn::GetAtt("BackupRole", "Arn"));
  EXPECT_EQ(t.resources().Find("BackupVault")->deletion_policy, "Retain");
  const Json& rule = t.resources().Find("BackupPlan")->properties.at("BackupPlan").at("BackupPlanRule")[0];
  EXPECT_EQ(rule.at("TargetBackupVault"), cfn::Ref("BackupVault"));
  EXPECT_EQ(rule.at("Lifecycle").at("DeleteAfterDays"), 35);
  EXPECT_FALSE(rule.at("Lifecycle").contains("MoveToColdStorageAfterDays"));
  EXPECT_NE(t.outputs().Find("BackupVaultArn"), nullptr);
  // VPC flow logs (network.flow_logs, on in the prod profile), to a group that expires.
  auto flow = OfType(t, "AWS::EC2::FlowLog");
  ASSERT_EQ(flow.size(), 1u);
  EXPECT_EQ(flow[0].second->properties.at("ResourceId"), cfn::Ref("Vpc"));
  EXPECT_EQ(t.resources().Find("FlowLogGroup")->properties.at("RetentionInDays"), 90);

  App dev = testing::SynthFromYaml(Config("dev", "gateway", "alerts: {emails: [dev@acme.example]}\n"), "dev");
  const auto& d = Main(dev).tmpl;
  EXPECT_TRUE(OfType(d, "AWS::SQS::Queue").empty());
  EXPECT_TRUE(OfType(d, "AWS::Backup::BackupSelection").empty());
  EXPECT_TRUE(OfType(d, "AWS::EC2::FlowLog").empty());
  EXPECT_FALSE(OfType(d, "AWS::SNS::Subscription")[0].second->properties.contains("RedrivePolicy"));
}

TEST(Operations, ProdWithoutAlertEmailNeedsAWrittenReason) {
  std::string yaml = Config("prod", "gateway");
  StackConfig c;
  Diagnostics without, with;
  EXPECT_FALSE(ParseStackConfig(yaml, "prod/stack.yaml", "prod", &c, &without));
  EXPECT_THAT(without.FormatAll(), ::testing::HasSubstr("allow_no_alerts")) << without.FormatAll();
  EXPECT_TRUE(ParseStackConfig(yaml + "guards: {allow_no_alerts: \"alerts go to the ops pager\"}\n", "prod/stack.yaml",
                               "prod", &c, &with))
      << with.FormatAll();
}

TEST(Operations, BudgetFiltersOnTheEnvironmentCostAllocationTag) {
  EXPECT_EQ(EnvironmentCostFilter("prod"), Json::parse(R"({"TagKeyValue": ["user:Environment$prod"]})"));
  App app = testing::SynthFromYaml(
      Config("dev", "none", "features: {cost_budget: true}\nalerts: {emails: [a@acme.example]}\nbudget: {monthly_usd: 75}\n"),
      "dev");
  const Stack* global = nullptr;
  for (const auto& s : app.stacks)
    if (s.role == StackRole::kGlobal) global = &s;
  ASSERT_NE(global, nullptr);
  EXPECT_EQ(global->region, "us-east-1");
  auto budgets = OfType(global->tmpl, "AWS::Budgets::Budget");
  ASSERT_EQ(budgets.size(), 1u);
  const Json& p = budgets[0].second->properties;
  EXPECT_EQ(p.at("Budget").at("CostFilters"), EnvironmentCostFilter("dev"));
  EXPECT_EQ(p.at("Budget").at("BudgetLimit").at("Amount"), 75.0);
  EXPECT_FALSE(p.at("Budget").contains("BudgetName"));  // create-only notifications: replaceable
  const Json& n = p.at("NotificationsWithSubscribers");
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[0].at("Notification").at("NotificationType"), "ACTUAL");
  EXPECT_EQ(n[0].at("Notification").at("Threshold"), 80);
  EXPECT_EQ(n[1].at("Notification").at("NotificationType"), "FORECASTED");
  EXPECT_EQ(n[1].at("Notification").at("Threshold"), 100);
  // Email directly, and the alert topic, whose ARN crosses regions as a parameter.
  const Json& subs = n[0].at("Subscribers");
  EXPECT_EQ(subs[0], Json::parse(R"({"SubscriptionType": "EMAIL", "Address": "a@acme.example"})"));
  EXPECT_EQ(subs[1].at("SubscriptionType"), "SNS");
  ASSERT_EQ(global->inputs.size(), 1u);
  EXPECT_EQ(global->inputs[0].output, "AlertTopicArn");
  EXPECT_EQ(global->inputs[0].producer_region, "eu-west-3");
  EXPECT_EQ(subs[1].at("Address"), cfn::Ref(global->inputs[0].parameter));
  EXPECT_NE(global->tmpl.outputs().Find("BudgetName"), nullptr);
}

TEST(Operations, AnomalyMonitorsOfTwoEnvironmentsInOneAccountDoNotClash) {
  std::vector<StackConfig> configs;
  for (const std::string env : {"dev", "staging"}) {
    StackConfig c;
    Diagnostics d;
    ASSERT_TRUE(ParseStackConfig("profile: dev\naccount: '111111111111'\nregion: eu-west-3\napp: {name: orders-api}\n"
                                 "features: {cost_anomaly: true}\nalerts: {emails: [a@acme.example]}\n",
                                 env + "/stack.yaml", env, &c, &d))
        << d.FormatAll();
    configs.push_back(c);
  }
  App app;
  Diagnostics d;
  ASSERT_TRUE(Assemble(configs, &app, &d)) << d.FormatAll();
  std::set<std::string> specs, names;
  for (const auto& s : app.stacks) {
    for (const auto& [id, r] : OfType(s.tmpl, "AWS::CE::AnomalyMonitor")) {
      EXPECT_EQ(s.role, StackRole::kGlobal);
      EXPECT_EQ(s.region, "us-east-1");
      // Never the account's single DIMENSIONAL SERVICE monitor.
      EXPECT_EQ(r->properties.at("MonitorType"), "CUSTOM");
      EXPECT_FALSE(r->properties.contains("MonitorDimension"));
      specs.insert(r->properties.at("MonitorSpecification"));
      names.insert(r->properties.at("MonitorName"));
    }
    for (const auto& [id, r] : OfType(s.tmpl, "AWS::CE::AnomalySubscription")) {
      EXPECT_EQ(r->properties.at("Frequency"), "DAILY");  // DAILY takes EMAIL subscribers
      for (const auto& sub : r->properties.at("Subscribers")) EXPECT_EQ(sub.at("Type"), "EMAIL");
    }
  }
  EXPECT_EQ(specs.size(), 2u);
  EXPECT_EQ(names.size(), 2u);
  EXPECT_EQ(*specs.begin(), AnomalyMonitorSpecification("dev"));
}

TEST(Operations, OutputsNameTheDashboardTopicBudgetAndVault) {
  std::string text = testing::ReadFileOrDie(testing::SourceDir() + "/environments/prod/stack.yaml");
  App app = testing::SynthFromYaml(text, "prod");
  std::set<std::string> outputs;
  for (const auto& s : app.stacks)
    for (const auto& [name, o] : s.tmpl.outputs().entries()) outputs.insert(name);
  for (const char* o : {"DashboardUrl", "AlertTopicArn", "BudgetName", "BackupVaultArn"})
    EXPECT_TRUE(outputs.count(o)) << o;
}

TEST(Operations, EveryTaggableResourceCarriesTheFourTags) {
  for (const std::string env : {"dev", "staging", "prod"}) {
    std::string text = testing::ReadFileOrDie(testing::SourceDir() + "/environments/" + env + "/stack.yaml");
    App app = testing::SynthFromYaml(text, env);
    for (const auto& s : app.stacks) {
      if (s.role == StackRole::kAccount) continue;  // shared by apps: no app's tags (architecture.md)
      for (const auto& [id, r] : s.tmpl.resources().entries()) {
        std::string property = cfn::TagPropertyOf(r.type);
        // Dashboards take no tags, in every region (modules/monitoring.cc, AddDashboard:
        // the us-east-1 schema has none; tags_test.cc checks both dashboards).
        if (property.empty() || r.type == "AWS::CloudWatch::Dashboard") continue;
        SCOPED_TRACE(s.id + " " + id + " " + r.type);
        ASSERT_TRUE(r.properties.contains(property)) << "no " << property;
        const Json& tags = r.properties.at(property);
        std::set<std::string> keys;
        if (tags.is_object()) {
          for (const auto& [k, v] : tags.items()) keys.insert(k);
        } else {
          for (const auto& tag : tags) keys.insert(tag.at("Key"));
        }
        // Create-only tags (App Runner) carry only what never changes (issue 10's decision):
        // a changed CostCenter must not replace the service.
        bool create_only = cfn::ReplacementOf(r.type, property) == cfn::Replacement::kAlways;
        for (const char* k : {"Project", "Environment", "ManagedBy", "CostCenter"})
          if (!create_only || std::string(k) != "CostCenter") {
            EXPECT_TRUE(keys.count(k)) << k;
          }
      }
    }
  }
}

}  // namespace
}  // namespace bp

namespace bp {
namespace {

// On ECS Express Mode the traffic metrics are the load balancer's (modules/compute.h):
// the alarms read them there, with the latency threshold in the metric's seconds.
TEST(Operations, EcsExpressAlarmsReadTheLoadBalancersTrafficMetrics) {
  App app = testing::SynthFromYaml(Config("prod", "gateway", std::string(kProdExtra) + "compute: {platform: ecs-express}\n"),
                                   "prod");
  const Stack& main = Main(app);
  const cfn::Resource* errors = main.tmpl.resources().Find("ServiceHttp5xxAlarm");
  const cfn::Resource* latency = main.tmpl.resources().Find("ServiceLatencyAlarm");
  ASSERT_NE(errors, nullptr);
  ASSERT_NE(latency, nullptr);
  EXPECT_EQ(errors->properties["Namespace"], "AWS/ApplicationELB");
  EXPECT_EQ(latency->properties["Namespace"], "AWS/ApplicationELB");
  App on_app_runner = testing::SynthFromYaml(Config("prod", "gateway", kProdExtra), "prod");
  const cfn::Resource* ms = Main(on_app_runner).tmpl.resources().Find("ServiceLatencyAlarm");
  ASSERT_NE(ms, nullptr);
  EXPECT_EQ(ms->properties["Namespace"], "AWS/AppRunner");
  EXPECT_DOUBLE_EQ(latency->properties["Threshold"].get<double>() * 1000, ms->properties["Threshold"].get<double>());
}

}  // namespace
}  // namespace bp
