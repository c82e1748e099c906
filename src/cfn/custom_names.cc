#include "cfn/custom_names.h"

#include <string>

#include "cfn/writer.h"

#include "cfn/spec.h"
#include "util/strings.h"

namespace bp::cfn {

namespace {

struct NameProperty {
  std::string_view type;
  std::string_view property;
};

// The types this tool writes (and a few close neighbours) that take a custom name.
// Src: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html
// and each type's page in the CloudFormation Template Reference
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-<service>-<type>.html),
// where the property is described as the resource's name with "Update requires: Replacement".
constexpr NameProperty kNameProperties[] = {
    {"AWS::AppRunner::AutoScalingConfiguration", "AutoScalingConfigurationName"},
    {"AWS::AppRunner::ObservabilityConfiguration", "ObservabilityConfigurationName"},
    {"AWS::AppRunner::Service", "ServiceName"},
    {"AWS::AppRunner::VpcConnector", "VpcConnectorName"},
    {"AWS::AppRunner::VpcIngressConnection", "VpcIngressConnectionName"},
    {"AWS::Backup::BackupPlan", "BackupPlan.BackupPlanName"},
    {"AWS::Backup::BackupVault", "BackupVaultName"},
    {"AWS::Budgets::Budget", "Budget.BudgetName"},
    {"AWS::CloudWatch::Alarm", "AlarmName"},
    {"AWS::CloudWatch::Dashboard", "DashboardName"},
    {"AWS::DynamoDB::Table", "TableName"},
    {"AWS::EC2::LaunchTemplate", "LaunchTemplateName"},
    {"AWS::EC2::SecurityGroup", "GroupName"},
    {"AWS::ECR::Repository", "RepositoryName"},
    {"AWS::Events::Rule", "Name"},
    {"AWS::IAM::InstanceProfile", "InstanceProfileName"},
    {"AWS::IAM::ManagedPolicy", "ManagedPolicyName"},
    {"AWS::IAM::Role", "RoleName"},
    {"AWS::KMS::Alias", "AliasName"},
    {"AWS::Logs::LogGroup", "LogGroupName"},
    {"AWS::RDS::DBCluster", "DBClusterIdentifier"},
    {"AWS::RDS::DBClusterParameterGroup", "DBClusterParameterGroupName"},
    {"AWS::RDS::DBInstance", "DBInstanceIdentifier"},
    {"AWS::RDS::DBParameterGroup", "DBParameterGroupName"},
    {"AWS::RDS::DBSubnetGroup", "DBSubnetGroupName"},
    {"AWS::S3::Bucket", "BucketName"},
    {"AWS::SNS::Topic", "TopicName"},
    {"AWS::SQS::Queue", "QueueName"},
    {"AWS::SSM::Parameter", "Name"},
    {"AWS::SecretsManager::Secret", "Name"},
    {"AWS::WAFv2::WebACL", "Name"},
};

}  // namespace

std::string_view CustomNameProperty(std::string_view resource_type) {
  for (const auto& e : kNameProperties)
    if (e.type == resource_type) return e.property;
  return "";
}

const Json* CustomName(std::string_view resource_type, const Json& properties) {
  std::string_view prop = CustomNameProperty(resource_type);
  if (prop.empty() || !properties.is_object()) return nullptr;
  // A nested name ("Budget.BudgetName") is looked up level by level.
  const Json* at = &properties;
  size_t start = 0;
  for (;;) {
    size_t dot = prop.find('.', start);
    std::string key(prop.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (!at->is_object() || !at->contains(key)) return nullptr;
    at = &(*at)[key];
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return at->is_null() ? nullptr : at;
}

std::string_view SetCustomNameProperty(std::string_view resource_type, const Json& properties) {
  return CustomName(resource_type, properties) ? CustomNameProperty(resource_type) : std::string_view();
}

std::string CreateOnlyHash(std::string_view resource_type, const Json& properties, size_t len) {
  const std::string_view name = CustomNameProperty(resource_type);
  // Canonical (keys sorted), so the hash does not depend on the order a module wrote
  // the properties in.
  Json create_only = Json::object();
  for (const auto& [key, value] : properties.items())
    if (key != name && ReplacementOf(resource_type, key) == Replacement::kAlways) create_only[key] = value;
  return StableHashHex(WriteCanonicalJson(create_only), len);
}

}  // namespace bp::cfn
