#include "modules/cost_controls.h"

#include <algorithm>
#include <cmath>

#include "cfn/writer.h"

namespace bp {

using cfn::Json;
using cfn::Ref;

namespace {

constexpr const char* kEnvironmentTag = "Environment";

}  // namespace

Json EnvironmentCostFilter(const std::string& environment) {
  // "user:" marks a user-defined cost allocation tag; "$" separates key and value.
  return Object({{"TagKeyValue", Json::array({std::string("user:") + kEnvironmentTag + "$" + environment})}});
}

std::string AnomalyMonitorSpecification(const std::string& environment) {
  // Src: reference/aws-facts.md 8.2 (a CUSTOM monitor scoped to a tag; the key without "user:"; BOTO:ce
  // Expression.Tags {Key, Values}).
  return cfn::WriteCompactJson(
      Object({{"Tags", Object({{"Key", kEnvironmentTag}, {"Values", Json::array({environment})}})}}));
}

void AddCostControls(const ModuleContext& ctx, const CostControlsArgs& a, cfn::Template* t) {
  Json email_subscribers = Json::array();
  for (const auto& e : a.emails) email_subscribers.push_back(Object({{"SubscriptionType", "EMAIL"}, {"Address", e}}));

  if (a.budget) {
    Json subscribers = email_subscribers;
    if (!a.topic_arn.is_null()) subscribers.push_back(Object({{"SubscriptionType", "SNS"}, {"Address", a.topic_arn}}));
    auto notification = [&](const char* type, int percent) {
      return Object({{"Notification", Object({{"NotificationType", type},
                                              {"ComparisonOperator", "GREATER_THAN"},
                                              {"Threshold", percent},
                                              {"ThresholdType", "PERCENTAGE"}})},
                     {"Subscribers", subscribers}});
    };
    // Src: reference/aws-facts.md 8.1 (SCHEMA:aws-budgets-budget; BOTO:budgets). No BudgetName:
    // NotificationsWithSubscribers is create-only, so a changed address replaces the
    // budget, and a fixed name would make that replacement fail; Ref gives the name.
    t->AddResource(ctx.Id("Budget"), "AWS::Budgets::Budget",
                   Object({{"Budget", Object({{"BudgetType", "COST"},
                                              {"TimeUnit", "MONTHLY"},
                                              {"BudgetLimit", Object({{"Amount", a.monthly_usd}, {"Unit", "USD"}})},
                                              {"CostFilters", EnvironmentCostFilter(a.environment_tag)}})},
                           {"NotificationsWithSubscribers",
                            Json::array({notification("ACTUAL", 80), notification("FORECASTED", 100)})},
                           {"ResourceTags", ctx.Tags()}}));
    t->AddOutput(ctx.Id("BudgetName"), {Ref(ctx.Id("Budget")), "AWS Budget of the environment", "", ""});
  }

  if (a.anomaly) {
    // Src: reference/aws-facts.md 8.2 (SCHEMA:aws-ce-anomalymonitor: MonitorType CUSTOM with a
    // MonitorSpecification; one DIMENSIONAL SERVICE monitor per account is why not that).
    t->AddResource(ctx.Id("CostAnomalyMonitor"), "AWS::CE::AnomalyMonitor",
                   Object({{"MonitorName", ctx.name_prefix + " (Environment tag " + a.environment_tag + ")"},
                           {"MonitorType", "CUSTOM"},
                           {"MonitorSpecification", AnomalyMonitorSpecification(a.environment_tag)},
                           {"ResourceTags", ctx.Tags()}}));
    // 10% of the monthly budget, at least 1 USD. Src: reference/aws-facts.md 8.2 (ThresholdExpression
    // ANOMALY_TOTAL_IMPACT_ABSOLUTE; DAILY and WEEKLY take EMAIL subscribers only).
    double threshold = std::max(1.0, std::round(a.monthly_usd * 0.1));
    Json expression = Object(
        {{"Dimensions", Object({{"Key", "ANOMALY_TOTAL_IMPACT_ABSOLUTE"},
                                {"MatchOptions", Json::array({"GREATER_THAN_OR_EQUAL"})},
                                {"Values", Json::array({std::to_string(static_cast<long long>(threshold))})}})}});
    Json subscribers = Json::array();
    for (const auto& e : a.emails) subscribers.push_back(Object({{"Type", "EMAIL"}, {"Address", e}}));
    t->AddResource(ctx.Id("CostAnomalySubscription"), "AWS::CE::AnomalySubscription",
                   Object({{"SubscriptionName", ctx.name_prefix + " cost anomalies"},
                           {"MonitorArnList", Json::array({cfn::GetAtt(ctx.Id("CostAnomalyMonitor"), "MonitorArn")})},
                           {"Frequency", "DAILY"},
                           {"Subscribers", subscribers},
                           {"ThresholdExpression", cfn::WriteCompactJson(expression)},
                           {"ResourceTags", ctx.Tags()}}));
    t->AddOutput(ctx.Id("AnomalyMonitorArn"),
                 {cfn::GetAtt(ctx.Id("CostAnomalyMonitor"), "MonitorArn"), "Cost anomaly monitor of the environment", "", ""});
  }
}

}  // namespace bp
