#include "modules/database.h"

namespace bp {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;

namespace {

constexpr const char* kInstance = "Db";
constexpr const char* kSecurityGroup = "DbSecurityGroup";

constexpr const char* kCredentials = "DbCredentials";

// The credentials: a Secrets Manager secret CloudFormation generates, with no rotation
// schedule, so the password the app reads when an instance starts stays valid for the
// life of that instance. RDS's managed master secret (ManageMasterUserPassword) rotates
// every 7 days by default, and App Runner reads runtime secrets only when an instance
// starts: after a rotation, new connections of running instances would fail (reference/aws-facts.md
// 15; DOC:AmazonRDS/latest/UserGuide/rds-secrets-manager.html). docs/database.md says how
// to rotate by hand. RDS refuses '/', '@', '"' and spaces in a master password
// (DOC:AmazonRDS/latest/UserGuide/USER_CreateDBInstance.Settings.html); the secret holds
// JSON keys "username" and "password". Src: SCHEMA:aws-secretsmanager-secret
// (GenerateSecretString), CDK:aws-cdk-lib/aws-rds/lib/database-secret.ts.
Json Credentials(const ModuleContext& ctx, const DatabaseConfig& a) {
  return Object({{"Description", "PostgreSQL credentials of " + ctx.name_prefix + " (generated once, not rotated)"},
                 {"GenerateSecretString", Object({{"SecretStringTemplate", Object({{"username", a.username}}).dump()},
                                                  {"GenerateStringKey", "password"},
                                                  {"PasswordLength", 32},
                                                  {"ExcludeCharacters", "\"@/\\ '"}})},
                 {"Tags", ctx.Tags()}});
}

// App Runner reads one JSON key with "<secretArn>:<jsonKey>::" (reference/aws-facts.md 1.3,
// DOC:apprunner/latest/dg/env-variable.html); Ref of the secret is its ARN
// (SCHEMA:aws-secretsmanager-secret).
Json SecretKey(const ModuleContext& ctx, const std::string& json_key) {
  return cfn::Sub("${" + ctx.Id(kCredentials) + "}:" + json_key + "::");
}

}  // namespace

std::vector<DbParameter> DatabaseParameters(const DatabaseConfig& a) {
  // Static or dynamic: reference/aws-facts.md 3.4 (DOC:AmazonRDS/latest/UserGuide/
  // Appendix.PostgreSQL.CommonDBATasks.Parameters.html). Values are strings in the
  // template (SCHEMA:aws-rds-dbparametergroup Parameters is a map of strings).
  return {
      {"shared_preload_libraries", "pg_stat_statements", true},
      {"max_connections", std::to_string(a.max_connections), true},
      {"log_min_duration_statement", std::to_string(a.log_min_duration_ms), false},
      {"log_statement", a.log_statement, false},
      // Clients must use TLS (sslmode=require or stricter). Already RDS's default on
      // PostgreSQL 15+, written down so a changed default cannot turn it off.
      {"rds.force_ssl", "1", false},
  };
}

bool IsStaticDbParameter(const std::string& name) {
  for (const auto& p : DatabaseParameters(DatabaseConfig{}))
    if (p.name == name) return p.is_static;
  return false;
}

DatabaseOutputs AddDatabase(const ModuleContext& ctx, const DatabaseConfig& a, const DatabaseInputs& in,
                            cfn::Template* t) {
  DatabaseOutputs out;
  out.instance_id = ctx.Id(kInstance);

  // Src: reference/aws-facts.md 3.4 (SCHEMA:aws-rds-dbsubnetgroup): subnets in two AZs or more. No
  // name: names are create-only and would block a replacement.
  Json subnets = Json::array();
  for (const auto& s : in.private_subnet_ids) subnets.push_back(s);
  t->AddResource(ctx.Id("DbSubnetGroup"), "AWS::RDS::DBSubnetGroup",
                 Object({{"DBSubnetGroupDescription", "Private subnets of the " + ctx.name_prefix + " database"},
                         {"SubnetIds", subnets},
                         {"Tags", ctx.Tags()}}));

  // No inline ingress and no CIDR anywhere: the one rule below admits the app's
  // security group. The egress rule is the usual "no egress" placeholder (a rule
  // that matches nothing: ICMP type 252 code 86 to 255.255.255.255/32), since the
  // database opens no connections. Src: CDK:aws-cdk-lib/aws-ec2/lib/security-group.ts
  // (allowAllOutbound: false).
  t->AddResource(ctx.Id(kSecurityGroup), "AWS::EC2::SecurityGroup",
                 Object({{"GroupDescription", "PostgreSQL of " + ctx.name_prefix + ": app only"},
                         {"VpcId", in.vpc_id},
                         {"SecurityGroupEgress", Json::array({Object({{"IpProtocol", "icmp"},
                                                                      {"FromPort", 252},
                                                                      {"ToPort", 86},
                                                                      {"CidrIp", "255.255.255.255/32"},
                                                                      {"Description", "No outbound traffic"}})})},
                         {"Tags", ctx.TagsWithName(ctx.name_prefix + "-db")}}));
  out.security_group_id = GetAtt(ctx.Id(kSecurityGroup), "GroupId");
  // A standalone rule, so the app's and the database's groups can reference each
  // other without a cycle. Src: reference/aws-facts.md 1.4 (DOC:apprunner/latest/dg/network-vpc.html).
  t->AddResource(ctx.Id("DbIngressFromApp"), "AWS::EC2::SecurityGroupIngress",
                 Object({{"GroupId", out.security_group_id},
                         {"IpProtocol", "tcp"},
                         {"FromPort", kPostgresPort},
                         {"ToPort", kPostgresPort},
                         {"SourceSecurityGroupId", in.client_security_group_id},
                         {"Description", "PostgreSQL from the app"}}));

  // Family = engine + major version; Family and Description are create-only, so no
  // fixed name (a major upgrade needs a new group). Src: reference/aws-facts.md 3.4.
  Json params = Json::object();
  for (const auto& p : DatabaseParameters(a)) params[p.name] = p.value;
  t->AddResource(ctx.Id("DbParameterGroup"), "AWS::RDS::DBParameterGroup",
                 Object({{"Family", "postgres17"},
                         {"Description", "PostgreSQL 17 parameters of " + ctx.name_prefix},
                         {"Parameters", params},
                         {"Tags", ctx.Tags()}}));

  if (a.monitoring_interval_seconds > 0) {
    // Src: reference/aws-facts.md 3.1 (DOC:AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html;
    // its section "Protecting against the confused deputy problem": aws:SourceAccount in
    // the role's trust policy).
    t->AddResource(
        ctx.Id("DbMonitoringRole"), "AWS::IAM::Role",
        Object({{"Description", "RDS enhanced monitoring of " + ctx.name_prefix},
                {"AssumeRolePolicyDocument", ServiceTrustPolicy("monitoring.rds.amazonaws.com", true)},
                {"ManagedPolicyArns",
                 Json::array(
                     {cfn::Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole")})},
                {"Tags", ctx.Tags()}}));
  }

  t->AddResource(ctx.Id(kCredentials), "AWS::SecretsManager::Secret", Credentials(ctx, a));

  // PostgreSQL's log and the upgrade log go to CloudWatch Logs, in groups RDS creates
  // and names /aws/rds/instance/<identifier>/<log> (reference/aws-facts.md 3.1,
  // DOC:AmazonRDS/latest/UserGuide/USER_LogAccess.Concepts.PostgreSQL.html); their
  // retention is applied by modules/log_retention.h, as CDK does for its instances
  // (CDK:aws-cdk-lib/aws-rds/lib/instance.ts setLogRetention).
  Json exports = Json::array();
  for (const char* log : {"postgresql", "upgrade"}) {
    exports.push_back(log);
    out.log_groups.push_back("/aws/rds/instance/${" + out.instance_id + "}/" + log);
  }

  // Src: reference/aws-facts.md 3.1 (SCHEMA:aws-rds-dbinstance). No DBInstanceIdentifier: a fixed
  // name would make every replacing change fail instead of snapshotting the old
  // instance; CloudFormation derives one from the stack name.
  Json db = Object(
      {{"Engine", "postgres"},
       {"EngineVersion", a.engine_version},
       {"DBInstanceClass", a.instance_class},
       {"AllocatedStorage", std::to_string(a.allocated_storage_gb)},  // a string in the schema
       {"MaxAllocatedStorage", a.max_allocated_storage_gb},
       // gp3 under 400 GiB has fixed IOPS/throughput: Iops and StorageThroughput stay unset (reference/aws-facts.md 3.1).
       {"StorageType", "gp3"},
       {"StorageEncrypted", true},
       {"DBName", a.db_name},
       // A literal, as before: MasterUsername is create-only, so it must not change form.
       {"MasterUsername", a.username},
       {"ManageMasterUserPassword", false},
       // Src: DOC:AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html.
       {"MasterUserPassword",
        cfn::Sub("{{resolve:secretsmanager:${" + ctx.Id(kCredentials) + "}:SecretString:password::}}")},
       {"Port", std::to_string(kPostgresPort)},
       {"MultiAZ", a.multi_az},
       {"PubliclyAccessible", false},
       {"DBSubnetGroupName", Ref(ctx.Id("DbSubnetGroup"))},
       {"VPCSecurityGroups", Json::array({out.security_group_id})},
       {"DBParameterGroupName", Ref(ctx.Id("DbParameterGroup"))},
       {"BackupRetentionPeriod", a.backup_retention_days},
       {"PreferredBackupWindow", a.backup_window},
       {"PreferredMaintenanceWindow", a.maintenance_window},
       {"CopyTagsToSnapshot", true},
       {"DeletionProtection", a.deletion_protection},
       {"EnableCloudwatchLogsExports", exports},
       {"AutoMinorVersionUpgrade", true},
       {"EnablePerformanceInsights", a.performance_insights}});
  if (a.performance_insights) db["PerformanceInsightsRetentionPeriod"] = 7;  // free tier (reference/aws-facts.md 3.1)
  // Whether RDS enrols the instance in (billed) Extended Support when the major
  // version's standard support ends; the profile decides, never RDS's default (which
  // enrols). Src: CFNREF:aws-resource-rds-dbinstance (EngineLifecycleSupport:
  // open-source-rds-extended-support | open-source-rds-extended-support-disabled), reference/aws-facts.md 15.
  db["EngineLifecycleSupport"] = a.engine_lifecycle_support;
  db["MonitoringInterval"] = a.monitoring_interval_seconds;
  if (a.monitoring_interval_seconds > 0) db["MonitoringRoleArn"] = GetAtt(ctx.Id("DbMonitoringRole"), "Arn");
  db["Tags"] = ctx.TagsWithName(ctx.name_prefix);
  cfn::Resource& instance = t->AddResource(ctx.Id(kInstance), "AWS::RDS::DBInstance", db);
  // Snapshot is the default for an instance, but set explicitly: on stack deletion, on
  // removal from the template and on replacement CloudFormation first takes a final
  // snapshot. Src: reference/aws-facts.md 3.2 (DOC:AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html).
  if (a.engine_version.find('.') == std::string::npos) {
    // A major version alone ("17") makes RDS pick its default minor, and with
    // AutoMinorVersionUpgrade the template never pins a minor RDS later retires
    // (reference/aws-facts.md 3.1; CDK:aws-cdk-lib/aws-rds/lib/instance-engine.ts PostgresEngineVersion.VER_17
    // is "17"). cfn-lint 1.x lists the bare "17" as deprecated (W3691) because RDS's
    // engine-version catalogue only names minors; silence that one check, here only.
    instance.metadata =
        Object({{"cfn-lint", Object({{"config", Object({{"ignore_checks", Json::array({"W3691"})}})}})}});
  }
  instance.deletion_policy = "Snapshot";
  instance.update_replace_policy = "Snapshot";

  out.endpoint_address = GetAtt(ctx.Id(kInstance), "Endpoint.Address");
  out.endpoint_port = GetAtt(ctx.Id(kInstance), "Endpoint.Port");
  out.master_secret_arn = Ref(ctx.Id(kCredentials));

  out.runtime.env = {{"DB_HOST", out.endpoint_address}, {"DB_NAME", a.db_name}, {"DB_PORT", out.endpoint_port}};
  out.runtime.secrets = {{"DB_PASSWORD", SecretKey(ctx, "password")}, {"DB_USERNAME", SecretKey(ctx, "username")}};
  // The secret is encrypted with the aws/secretsmanager key (no KmsKeyId), so no
  // kms:Decrypt is needed. Src: reference/aws-facts.md 1.3.
  out.runtime.policy_statements = {Object({{"Sid", "ReadDatabaseCredentials"},
                                           {"Effect", "Allow"},
                                           {"Action", "secretsmanager:GetSecretValue"},
                                           {"Resource", out.master_secret_arn}})};

  t->AddOutput(ctx.Id("DbEndpointAddress"), {out.endpoint_address, "PostgreSQL host name", "", ""});
  t->AddOutput(ctx.Id("DbEndpointPort"), {out.endpoint_port, "PostgreSQL port", "", ""});
  t->AddOutput(ctx.Id("DbSecurityGroupId"), {out.security_group_id, "Security group of the database", "", ""});
  t->AddOutput(ctx.Id("DbMasterSecretArn"),
               {out.master_secret_arn, "ARN of the database credentials secret (generated, not rotated; the value stays in Secrets Manager)", "", ""});
  return out;
}

}  // namespace bp
