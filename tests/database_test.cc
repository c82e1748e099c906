// Database and app-secrets modules, asserted on the template they produce.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "modules/app_secrets.h"
#include "modules/database.h"
#include "modules/networking.h"
#include "platform_fixtures.h"

namespace bp {
namespace {

using cfn::Json;

ModuleContext Ctx() { return {"orders-api-test", {{"Project", "orders-api"}}}; }

// Networking plus a stand-in for the App Runner connector's security group.
cfn::Template BaseTemplate() {
  cfn::Template t;
  NetworkConfig net;
  net.cidr = "10.0.0.0/24";
  net.az_count = 2;
  net.max_az_count = 2;
  AddNetworking(Ctx(), net, &t);
  t.AddResource("ClientSg", "AWS::EC2::SecurityGroup", Json{{"GroupDescription", "client"}, {"VpcId", cfn::Ref("Vpc")}});
  return t;
}

DatabaseInputs Inputs() {
  return {cfn::Ref("Vpc"), {cfn::Ref("PrivateSubnet1"), cfn::Ref("PrivateSubnet2")}, cfn::GetAtt("ClientSg", "GroupId")};
}

// The dev and prod profiles' database settings (docs/config-reference.md).
DatabaseConfig Args(bool prod) {
  DatabaseConfig a;
  a.engine_version = "17";
  a.allocated_storage_gb = 20;
  a.max_allocated_storage_gb = 50;
  a.db_name = "app";
  a.username = "dbadmin";
  a.backup_window = "02:00-02:30";
  a.maintenance_window = "sun:03:00-sun:03:30";
  a.max_connections = 100;
  a.log_min_duration_ms = 1000;
  a.multi_az = prod;
  a.deletion_protection = prod;
  a.backup_retention_days = prod ? 14 : 1;
  a.performance_insights = prod;
  a.monitoring_interval_seconds = prod ? 60 : 0;
  a.instance_class = prod ? "db.t4g.small" : "db.t4g.micro";
  a.log_statement = prod ? "none" : "all";
  a.engine_lifecycle_support = prod ? "open-source-rds-extended-support" : "open-source-rds-extended-support-disabled";
  return a;
}

Json Synth(bool prod) {
  cfn::Template t = BaseTemplate();
  AddDatabase(Ctx(), Args(prod), Inputs(), &t);
  Diagnostics d;
  cfn::CheckReferences("test", t, &d);
  EXPECT_FALSE(d.HasErrors()) << d.FormatAll();
  return t.ToJson();
}

TEST(Database, OnlyIngressIsTheConnectorOn5432) {
  Json doc = Synth(true);
  const Json& res = doc["Resources"];
  int ingress_rules = 0;
  for (const auto& [id, r] : res.items()) {
    std::string dumped = r.dump();
    if (r["Type"] == "AWS::EC2::SecurityGroupIngress") {
      ++ingress_rules;
      EXPECT_EQ(r["Properties"]["GroupId"], cfn::GetAtt("DbSecurityGroup", "GroupId"));
      EXPECT_EQ(r["Properties"]["SourceSecurityGroupId"], cfn::GetAtt("ClientSg", "GroupId"));
      EXPECT_EQ(r["Properties"]["FromPort"], 5432);
      EXPECT_EQ(r["Properties"]["ToPort"], 5432);
      EXPECT_EQ(r["Properties"]["IpProtocol"], "tcp");
      EXPECT_FALSE(r["Properties"].contains("CidrIp"));
      EXPECT_FALSE(r["Properties"].contains("CidrIpv6"));
    }
  }
  EXPECT_EQ(ingress_rules, 1);
  const Json& sg = res["DbSecurityGroup"]["Properties"];
  EXPECT_FALSE(sg.contains("SecurityGroupIngress"));
  EXPECT_EQ(sg["SecurityGroupEgress"][0]["CidrIp"], "255.255.255.255/32");  // the no-egress rule
  EXPECT_EQ(res["Db"]["Properties"]["VPCSecurityGroups"], Json::array({cfn::GetAtt("DbSecurityGroup", "GroupId")}));
  EXPECT_EQ(res["Db"]["Properties"]["PubliclyAccessible"], false);
}

TEST(Database, ProdProtectionsPresentDevAbsent) {
  Json prod = Synth(true)["Resources"], dev = Synth(false)["Resources"];
  const Json& p = prod["Db"]["Properties"];
  const Json& d = dev["Db"]["Properties"];
  EXPECT_EQ(p["MultiAZ"], true);
  EXPECT_EQ(p["DeletionProtection"], true);
  EXPECT_EQ(p["BackupRetentionPeriod"], 14);
  EXPECT_EQ(p["EnablePerformanceInsights"], true);
  EXPECT_EQ(p["PerformanceInsightsRetentionPeriod"], 7);
  EXPECT_EQ(p["MonitoringInterval"], 60);
  EXPECT_EQ(p["MonitoringRoleArn"], cfn::GetAtt("DbMonitoringRole", "Arn"));
  EXPECT_TRUE(prod.contains("DbMonitoringRole"));
  EXPECT_EQ(prod["DbMonitoringRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
            "monitoring.rds.amazonaws.com");

  EXPECT_EQ(d["MultiAZ"], false);
  EXPECT_EQ(d["DeletionProtection"], false);
  EXPECT_EQ(d["BackupRetentionPeriod"], 1);
  EXPECT_EQ(d["EnablePerformanceInsights"], false);
  EXPECT_FALSE(d.contains("PerformanceInsightsRetentionPeriod"));
  EXPECT_EQ(d["MonitoringInterval"], 0);
  EXPECT_FALSE(d.contains("MonitoringRoleArn"));
  EXPECT_FALSE(dev.contains("DbMonitoringRole"));

  // Both: snapshots on delete and replace, encrypted gp3, managed password.
  for (const Json* r : {&prod, &dev}) {
    const Json& db = (*r)["Db"];
    EXPECT_EQ(db["DeletionPolicy"], "Snapshot");
    EXPECT_EQ(db["UpdateReplacePolicy"], "Snapshot");
    EXPECT_EQ(db["Properties"]["StorageEncrypted"], true);
    EXPECT_EQ(db["Properties"]["StorageType"], "gp3");
    // A generated, never-rotated secret (not RDS's 7-day managed rotation), resolved by
    // CloudFormation: no password in the template.
    EXPECT_EQ(db["Properties"]["ManageMasterUserPassword"], false);
    EXPECT_EQ(db["Properties"]["MasterUsername"], "dbadmin");
    EXPECT_EQ(db["Properties"]["MasterUserPassword"],
              cfn::Sub("{{resolve:secretsmanager:${DbCredentials}:SecretString:password::}}"));
    const Json& secret = (*r)["DbCredentials"];
    EXPECT_EQ(secret["Type"], "AWS::SecretsManager::Secret");
    EXPECT_EQ(secret["Properties"]["GenerateSecretString"]["SecretStringTemplate"], "{\"username\":\"dbadmin\"}");
    EXPECT_EQ(secret["Properties"]["GenerateSecretString"]["GenerateStringKey"], "password");
    EXPECT_FALSE(secret["Properties"].contains("SecretString"));
    for (char refused : std::string("/@\" ")) {
      EXPECT_THAT(secret["Properties"]["GenerateSecretString"]["ExcludeCharacters"].get<std::string>(),
                  ::testing::HasSubstr(std::string(1, refused)))
          << refused;
    }
    EXPECT_EQ(db["Properties"]["CopyTagsToSnapshot"], true);
    EXPECT_EQ(db["Properties"]["EnableCloudwatchLogsExports"], Json::array({"postgresql", "upgrade"}));
  }
}

TEST(Database, ParameterGroupFollowsSwitches) {
  Json prod = Synth(true)["Resources"]["DbParameterGroup"]["Properties"];
  Json dev = Synth(false)["Resources"]["DbParameterGroup"]["Properties"];
  EXPECT_EQ(prod["Family"], "postgres17");
  EXPECT_EQ(prod["Parameters"]["shared_preload_libraries"], "pg_stat_statements");
  EXPECT_EQ(prod["Parameters"]["rds.force_ssl"], "1");
  EXPECT_EQ(prod["Parameters"]["log_min_duration_statement"], "1000");
  EXPECT_EQ(prod["Parameters"]["log_statement"], "none");
  EXPECT_EQ(dev["Parameters"]["log_statement"], "all");
  EXPECT_EQ(prod["Parameters"]["max_connections"], "100");
}

TEST(Database, AppGetsEndpointAndSecretArnsOnly) {
  cfn::Template t = BaseTemplate();
  DatabaseOutputs out = AddDatabase(Ctx(), Args(false), Inputs(), &t);
  ASSERT_EQ(out.runtime.env.size(), 3u);
  EXPECT_EQ(out.runtime.env[0].first, "DB_HOST");
  EXPECT_EQ(out.runtime.env[0].second, cfn::GetAtt("Db", "Endpoint.Address"));
  EXPECT_EQ(out.runtime.secrets[0].first, "DB_PASSWORD");
  EXPECT_EQ(out.runtime.secrets[0].second, cfn::Sub("${DbCredentials}:password::"));
  ASSERT_EQ(out.runtime.policy_statements.size(), 1u);
  EXPECT_EQ(out.runtime.policy_statements[0]["Action"], "secretsmanager:GetSecretValue");
  EXPECT_EQ(out.runtime.policy_statements[0]["Resource"], cfn::Ref("DbCredentials"));
  Json outputs = t.ToJson()["Outputs"];
  EXPECT_EQ(outputs["DbMasterSecretArn"]["Value"], cfn::Ref("DbCredentials"));
  EXPECT_TRUE(outputs.contains("DbEndpointAddress"));
  EXPECT_TRUE(outputs.contains("DbEndpointPort"));
  EXPECT_TRUE(outputs.contains("DbSecurityGroupId"));
}

TEST(AppSecrets, SecureValuesBecomeNoEchoParametersArnsPassThrough) {
  cfn::Template t;
  AppSecretsArgs a;
  a.secrets = {{"API_KEY", "v1:AAAA", ""},
               {"EXT", "", "arn:aws:secretsmanager:eu-west-3:123456789012:secret:ext-AbCdEf"},
               {"PARAM", "", "arn:aws:ssm:eu-west-3:123456789012:parameter/app/param"}};
  AppSecretsOutputs out = AddAppSecrets(Ctx(), a, &t);
  Json doc = t.ToJson();
  EXPECT_THAT(doc.dump(), ::testing::Not(::testing::HasSubstr("v1:AAAA")));  // not even the ciphertext
  ASSERT_EQ(out.parameters.size(), 1u);
  EXPECT_EQ(out.parameters[0], (std::pair<std::string, std::string>{"API_KEY", "AppSecretAPIKEYValue"}));
  EXPECT_EQ(doc["Parameters"]["AppSecretAPIKEYValue"]["NoEcho"], true);
  EXPECT_FALSE(doc["Parameters"]["AppSecretAPIKEYValue"].contains("Default"));
  EXPECT_EQ(doc["Resources"]["AppSecretAPIKEY"]["Properties"]["SecretString"], cfn::Ref("AppSecretAPIKEYValue"));
  ASSERT_EQ(out.runtime.secrets.size(), 3u);
  EXPECT_EQ(out.runtime.secrets[0].second, cfn::Ref("AppSecretAPIKEY"));
  EXPECT_EQ(out.runtime.secrets[1].second, "arn:aws:secretsmanager:eu-west-3:123456789012:secret:ext-AbCdEf");
  ASSERT_EQ(out.runtime.policy_statements.size(), 2u);
  EXPECT_EQ(out.runtime.policy_statements[0]["Resource"],
            Json::array({cfn::Ref("AppSecretAPIKEY"), "arn:aws:secretsmanager:eu-west-3:123456789012:secret:ext-AbCdEf"}));
  EXPECT_EQ(out.runtime.policy_statements[1]["Action"], "ssm:GetParameters");
}

TEST(AppSecrets, CollidingLogicalIdsStayUnique) {
  auto params = AppSecretParameters({{"AB", "v1:AAAA", ""}, {"A_B", "v1:AAAA", ""}});
  ASSERT_EQ(params.size(), 2u);
  EXPECT_NE(params[0].second, params[1].second);
}

// Wired through Assemble: the connector's group is the database's only client, the
// service gets the variables and secrets, the instance role reads exactly them.
TEST(DatabaseAssembled, ConnectorReachesDatabaseAndReadsOnlyItsSecrets) {
  std::string extra =
      "  secrets:\n"
      "    API_KEY: {secure: \"v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}\n"
      "    EXT: {arn: \"arn:aws:ssm:eu-west-3:123456789012:parameter/ext\"}\n"
      "encryption: {salt: AAAAAAAAAAAAAAAAAAAAAA==, check: \"v1:AAAA\"}\n";
  std::string yaml = fixtures::StackYaml("dev", "instance");
  yaml.insert(yaml.find("network:"), extra.substr(0, extra.find("encryption:")));
  yaml += extra.substr(extra.find("encryption:"));
  Json t = fixtures::Synth(yaml, "dev");
  const Json& res = t["Resources"];
  EXPECT_EQ(res["DbIngressFromApp"]["Properties"]["SourceSecurityGroupId"],
            cfn::GetAtt("AppSecurityGroup", "GroupId"));

  const Json& image = res["Service"]["Properties"]["SourceConfiguration"]["ImageRepository"]["ImageConfiguration"];
  std::map<std::string, Json> vars, secrets;
  for (const auto& e : image["RuntimeEnvironmentVariables"]) vars[e["Name"]] = e["Value"];
  for (const auto& e : image["RuntimeEnvironmentSecrets"]) secrets[e["Name"]] = e["Value"];
  EXPECT_EQ(vars["DB_HOST"], cfn::GetAtt("Db", "Endpoint.Address"));
  EXPECT_EQ(vars["DB_NAME"], "app");
  EXPECT_EQ(vars["LOG_LEVEL"], "info");
  EXPECT_EQ(secrets["DB_PASSWORD"], cfn::Sub("${DbCredentials}:password::"));
  EXPECT_EQ(secrets["API_KEY"], cfn::Ref("AppSecretAPIKEY"));
  EXPECT_EQ(secrets["EXT"], "arn:aws:ssm:eu-west-3:123456789012:parameter/ext");
  EXPECT_FALSE(vars.count("DB_PASSWORD"));
  EXPECT_FALSE(t.dump().find("v1:AAAA") != std::string::npos);
  EXPECT_EQ(t["Parameters"]["AppSecretAPIKEYValue"]["NoEcho"], true);

  // Every statement of the instance role names exact resources, no wildcard.
  const Json& statements = res["ServiceInstanceRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
  std::set<std::string> actions;
  for (const auto& st : statements) {
    actions.insert(st["Action"].get<std::string>());
    EXPECT_THAT(st["Resource"].dump(), ::testing::Not(::testing::HasSubstr("*"))) << st.dump();
  }
  EXPECT_EQ(actions, (std::set<std::string>{"secretsmanager:GetSecretValue", "ssm:GetParameters"}));
  EXPECT_EQ(statements[0]["Resource"], cfn::Ref("DbCredentials"));
  EXPECT_EQ(statements[1]["Resource"], Json::array({cfn::Ref("AppSecretAPIKEY")}));
  EXPECT_THAT(statements.dump(), ::testing::Not(::testing::HasSubstr("kms:Decrypt")));
}

TEST(DatabaseAssembled, ProfilesDecideTheSwitches) {
  for (const auto& c : fixtures::BundledEnvironments()) {
    const Json db = fixtures::MainTemplate(c)["Resources"]["Db"]["Properties"];
    bool prod = c.profile == Profile::kProd;
    EXPECT_EQ(db["MultiAZ"], prod) << c.env;
    EXPECT_EQ(db["DeletionProtection"], prod) << c.env;
    EXPECT_EQ(db["EnablePerformanceInsights"], prod) << c.env;
    EXPECT_EQ(db["MonitoringInterval"], prod ? 60 : 0) << c.env;
  }
}

TEST(DatabaseAssembled, DatabaseVariableNamesAreReserved) {
  std::string yaml = fixtures::StackYaml("dev", "instance");
  yaml.replace(yaml.find("LOG_LEVEL"), 9, "DB_HOST");
  StackConfig c;
  Diagnostics d;
  ASSERT_TRUE(ParseStackConfig(yaml, "dev/stack.yaml", "dev", &c, &d)) << d.FormatAll();
  App app;
  EXPECT_FALSE(Assemble(c, &app, &d));
  EXPECT_THAT(d.FormatAll(), ::testing::HasSubstr("app.env.DB_HOST")) << d.FormatAll();
}

}  // namespace
}  // namespace bp
