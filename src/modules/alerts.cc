#include "modules/alerts.h"

#include <set>

#include "naming/names.h"
#include "util/strings.h"

namespace bp {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;

namespace {

Json AccountRoot() { return cfn::Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root"); }

struct Publisher {
  const char* sid;        // of its topic policy statement
  const char* principal;  // the service that publishes
};

// The services that publish to the topic: CloudWatch alarms, and with `cost_alerts`
// AWS Budgets and Cost Anomaly Detection.
std::vector<Publisher> Publishers(bool cost_alerts) {
  std::vector<Publisher> out = {{"AlarmsPublish", kAlarmsPrincipal}};
  if (cost_alerts) {
    out.push_back({"BudgetsPublish", kBudgetsPrincipal});
    out.push_back({"CostAnomalyDetectionPublish", kCostAnomalyPrincipal});
  }
  return out;
}

// The key's policy. Src: reference/aws-facts.md 7.6 (DOC:sns/latest/dg/sns-key-management.html,
// "Enable compatibility between event sources from AWS services and encrypted topics":
// the publishing service principal needs kms:GenerateDataKey* and kms:Decrypt).
Json KeyPolicy(bool dead_letter_queue, bool cost_alerts) {
  Json publishers = Json::array();
  for (const Publisher& p : Publishers(cost_alerts)) publishers.push_back(p.principal);
  // SNS encrypts what it moves to an SSE-KMS dead-letter queue with the queue's key.
  // Src: reference/aws-facts.md 7.6 (DOC:sns/latest/dg/sns-configure-dead-letter-queue.html).
  if (dead_letter_queue) publishers.push_back("sns.amazonaws.com");
  Json statements = Json::array({
      // The account administers the key through IAM (without it the key is unmanageable).
      // Src: DOC:kms/latest/developerguide/key-policy-default.html.
      Object({{"Sid", "AccountAdministersKey"},
              {"Effect", "Allow"},
              {"Principal", Object({{"AWS", AccountRoot()}})},
              {"Action", "kms:*"},
              {"Resource", "*"}}),
      Object({{"Sid", "AlertSourcesEncrypt"},
              {"Effect", "Allow"},
              {"Principal", Object({{"Service", publishers}})},
              {"Action", Json::array({"kms:Decrypt", "kms:GenerateDataKey*"})},
              {"Resource", "*"}}),
      // Principals of this account publishing through SNS, as the AWS-managed aws/sns key
      // allows: the NAT Auto Scaling groups' service-linked role sends its notifications
      // this way. Src: DOC:kms/latest/developerguide/conditions-kms.html (kms:ViaService,
      // kms:CallerAccount).
      Object({{"Sid", "AccountPublishesThroughSns"},
              {"Effect", "Allow"},
              {"Principal", Object({{"AWS", "*"}})},
              {"Action", Json::array({"kms:Decrypt", "kms:GenerateDataKey*"})},
              {"Resource", "*"},
              {"Condition", Object({{"StringEquals",
                                     Object({{"kms:CallerAccount", cfn::pseudo::AccountId()},
                                             {"kms:ViaService", cfn::Sub("sns.${AWS::Region}.amazonaws.com")}})}})}}),
  });
  return Object({{"Version", "2012-10-17"}, {"Statement", statements}});
}

// Who may publish: the alert sources on behalf of this account, over TLS.
// Src: reference/aws-facts.md 7.6 (DOC:cost-management/latest/userguide/budgets-sns-policy.html and
// ad-SNS.html show sns:Publish for budgets/costalerts with aws:SourceAccount).
Json TopicPolicy(const Json& topic, bool cost_alerts) {
  Json statements = Json::array();
  for (const auto& [sid, principal] : Publishers(cost_alerts))
    statements.push_back(
        Object({{"Sid", sid},
                {"Effect", "Allow"},
                {"Principal", Object({{"Service", principal}})},
                {"Action", "sns:Publish"},
                {"Resource", topic},
                {"Condition", Object({{"StringEquals", Object({{"aws:SourceAccount", cfn::pseudo::AccountId()}})}})}}));
  // Src: DOC:sns/latest/dg/sns-security-best-practices.html (enforce encryption in transit).
  statements.push_back(Object({{"Sid", "DenyInsecureTransport"},
                               {"Effect", "Deny"},
                               {"Principal", "*"},
                               {"Action", "sns:Publish"},
                               {"Resource", topic},
                               {"Condition", Object({{"Bool", Object({{"aws:SecureTransport", "false"}})}})}}));
  return Object({{"Version", "2012-10-17"}, {"Statement", statements}});
}

}  // namespace

std::string AlertSubscriptionId(const ModuleContext& ctx, const std::string& email) {
  // The readable part plus a hash of the whole address: "a.b@x" and "ab@x" differ.
  return ctx.Id(cfn::LogicalId({"AlertEmail", email.substr(0, email.find('@')), StableHashHex(ToLower(email), 8)}));
}

AlertsOutputs AddAlerts(const ModuleContext& ctx, const AlertsArgs& args, cfn::Template* t) {
  AlertsOutputs out;
  std::string key = ctx.Id("AlertsKey"), topic = ctx.Id("AlertsTopic");
  // The queue serves the subscriptions: none without an address.
  bool dead_letter_queue = args.dead_letter_queue && !args.emails.empty();
  // Src: reference/aws-facts.md 7.6 (a customer-managed key, not alias/aws/sns); SCHEMA:aws-kms-key.
  t->AddResource(key, "AWS::KMS::Key",
                 Object({{"Description", "Encrypts the alert topic of " + ctx.name_prefix},
                         {"EnableKeyRotation", true},
                         {"KeyPolicy", KeyPolicy(dead_letter_queue, args.cost_alerts)},
                         {"Tags", ctx.Tags()}}));
  out.key_arn = GetAtt(key, "Arn");

  std::string display = ctx.name_prefix + " alerts";
  // Src: reference/aws-facts.md 7.6 (SCHEMA:aws-sns-topic; Ref is the ARN). DisplayName: 100 characters.
  t->AddResource(topic, "AWS::SNS::Topic",
                 Object({{"TopicName", FitName(NameKind::kSnsTopic, ctx.name_prefix + "-alerts")},
                         {"DisplayName", display.substr(0, 100)},
                         {"KmsMasterKeyId", out.key_arn},
                         {"Tags", ctx.Tags()}}));
  out.topic_id = topic;
  out.topic_arn = Ref(topic);
  t->AddResource(ctx.Id("AlertsTopicPolicy"), "AWS::SNS::TopicPolicy",
                 Object({{"Topics", Json::array({out.topic_arn})},
                         {"PolicyDocument", TopicPolicy(out.topic_arn, args.cost_alerts)}}));

  Json redrive = nullptr;
  if (dead_letter_queue) {
    // Src: reference/aws-facts.md 7.6 (DOC:sns/latest/dg/sns-configure-dead-letter-queue.html): a
    // standard queue in the topic's account and region; the queue policy lets SNS send
    // from this topic only. 14 days is SQS's longest retention (SCHEMA:aws-sqs-queue).
    std::string queue = ctx.Id("AlertsDeadLetterQueue");
    t->AddResource(
        queue, "AWS::SQS::Queue",
        Object({{"KmsMasterKeyId", out.key_arn}, {"MessageRetentionPeriod", 1209600}, {"Tags", ctx.Tags()}}));
    t->AddResource(
        ctx.Id("AlertsDeadLetterQueuePolicy"), "AWS::SQS::QueuePolicy",
        Object(
            {{"Queues", Json::array({Ref(queue)})},
             {"PolicyDocument",
              Object({{"Version", "2012-10-17"},
                      {"Statement",
                       Json::array(
                           {Json{{"Sid", "AlertTopicDeadLetters"},
                                 {"Effect", "Allow"},
                                 {"Principal", Object({{"Service", "sns.amazonaws.com"}})},
                                 {"Action", "sqs:SendMessage"},
                                 {"Resource", GetAtt(queue, "Arn")},
                                 {"Condition", Object({{"ArnEquals", Object({{"aws:SourceArn", out.topic_arn}})}})}},
                            // TLS only, as the topic's policy. SNS delivers over HTTPS.
                            // Src: DOC:AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html
                            // (enforce encryption of data in transit: Deny aws:SecureTransport false).
                            Object({{"Sid", "DenyInsecureTransport"},
                                    {"Effect", "Deny"},
                                    {"Principal", "*"},
                                    {"Action", "sqs:*"},
                                    {"Resource", GetAtt(queue, "Arn")},
                                    {"Condition",
                                     Object({{"Bool", Object({{"aws:SecureTransport", "false"}})}})}})})}})}}));
    redrive = Object({{"deadLetterTargetArn", GetAtt(queue, "Arn")}});
    t->AddOutput(ctx.Id("AlertsDeadLetterQueueUrl"),
                 {Ref(queue), "Alert messages SNS could not deliver (SQS queue URL)", "", ""});
  }
  // Src: reference/aws-facts.md 7.6 (SCHEMA:aws-sns-subscription; email subscriptions wait for the
  // recipient's confirmation, CloudFormation does not).
  for (const auto& email : args.emails) {
    Json sub = Object({{"TopicArn", out.topic_arn}, {"Protocol", "email"}, {"Endpoint", email}});
    if (!redrive.is_null()) sub["RedrivePolicy"] = redrive;
    t->AddResource(AlertSubscriptionId(ctx, email), "AWS::SNS::Subscription", sub);
  }
  t->AddOutput(ctx.Id("AlertTopicArn"), {out.topic_arn, "SNS alert topic of " + ctx.name_prefix, "", ""});
  return out;
}

void CheckOperationsConfig(const StackConfig& c, Diagnostics* d) {
  std::set<std::string> seen;
  for (const auto& e : c.alert_emails)
    if (!seen.insert(ToLower(e)).second)
      d->Error(c.LocationOf("alerts.emails"), "alerts.emails", "'" + e + "' is listed twice; list each address once");
  // Src: reference/aws-facts.md 8.1 (a budget notification takes at most 10 email subscribers).
  if ((c.features.cost_budget || c.features.cost_anomaly) && c.alert_emails.size() > 10)
    d->Error(c.LocationOf("alerts.emails"), "alerts.emails",
             std::to_string(c.alert_emails.size()) +
                 " addresses; budget and cost anomaly emails go to at most 10. Subscribe a list address instead");
  // budget.monthly_usd, backup.retention_days and alerts.dead_letter_queue written where
  // they change nothing: their schema rows' Needs facets (config/loader.cc CheckFacets).
}

}  // namespace bp
