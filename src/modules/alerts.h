// Alerts module: the environment's SNS alert topic, encrypted with a customer-managed
// KMS key that CloudWatch, AWS Budgets and Cost Anomaly Detection may use (with the
// AWS-managed alias/aws/sns key their messages are dropped), a topic policy letting
// exactly those services publish, one email subscription per address and, when asked,
// an encrypted SQS dead-letter queue for deliveries that fail. docs/operations.md.
#pragma once
#include <string>
#include <vector>

#include "cfn/template.h"
#include "config/stack_config.h"
#include "modules/common.h"
#include "util/diag.h"

namespace bp {

struct AlertsArgs {
  std::vector<std::string> emails;  // each gets an email subscription
  bool dead_letter_queue = false;
  // AWS Budgets and Cost Anomaly Detection may publish too (the main topic); otherwise
  // CloudWatch alarms only (the edge topic in us-east-1).
  bool cost_alerts = true;
};

struct AlertsOutputs {
  std::string topic_id;  // logical ID of the topic
  cfn::Json topic_arn;   // Ref of the topic
  cfn::Json key_arn;     // the key encrypting the topic (and the dead-letter queue)
};

// The service principals the key policy and the topic policy admit.
// Src: reference/aws-facts.md 7.6 (DOC:sns/latest/dg/sns-key-management.html, compatibility with AWS
// services; DOC:cost-management/latest/userguide/budgets-sns-policy.html;
// DOC:cost-management/latest/userguide/ad-SNS.html).
inline constexpr const char* kAlarmsPrincipal = "cloudwatch.amazonaws.com";
inline constexpr const char* kBudgetsPrincipal = "budgets.amazonaws.com";
inline constexpr const char* kCostAnomalyPrincipal = "costalerts.amazonaws.com";

AlertsOutputs AddAlerts(const ModuleContext& ctx, const AlertsArgs& args, cfn::Template* t);

// The logical ID of the subscription of `email` (stable whatever the other addresses).
std::string AlertSubscriptionId(const ModuleContext& ctx, const std::string& email);

// The operations keys' rules beyond their types (alerts.*, budget.*, backup.*): an
// address listed once, at most 10 with cost alerts (a budget notification's limit),
// and a warning for a key that does nothing with the rest of the config.
void CheckOperationsConfig(const StackConfig& c, Diagnostics* diags);

}  // namespace bp
