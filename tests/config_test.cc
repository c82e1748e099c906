#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.h"
#include "config/schema.h"
#include "test_util.h"

namespace bp {
namespace {

bool Parse(const std::string& yaml, StackConfig* c, Diagnostics* d, const std::string& env = "dev") {
  return ParseStackConfig(yaml, env + "/stack.yaml", env, c, d);
}

TEST(Config, ProfileDefaultsMirrorTheOriginalBlueprint) {
  StackConfig dev, prod;
  Diagnostics d;
  ASSERT_TRUE(Parse("profile: dev\napp: {name: orders-api}\n", &dev, &d)) << d.FormatAll();
  EXPECT_EQ(dev.app.cpu, "0.25 vCPU");
  EXPECT_EQ(dev.app.memory, "0.5 GB");
  EXPECT_EQ(dev.app.scaling.min_size, 1);
  EXPECT_EQ(dev.app.scaling.max_size, 2);
  EXPECT_EQ(dev.app.scaling.max_concurrency, 10);
  EXPECT_EQ(dev.database.instance_class, "db.t4g.micro");
  EXPECT_EQ(dev.database.allocated_storage_gb, 20);
  EXPECT_EQ(dev.network.nat, NatMode::kInstance);
  EXPECT_FALSE(dev.features.waf);
  EXPECT_FALSE(dev.production_guards);

  ASSERT_TRUE(Parse("profile: prod\napp: {name: orders-api}\nalerts: {emails: [oncall@acme.example]}\n", &prod, &d, "prod"))
      << d.FormatAll();
  EXPECT_EQ(prod.app.cpu, "0.5 vCPU");
  EXPECT_EQ(prod.app.memory, "1 GB");
  EXPECT_EQ(prod.app.scaling.max_size, 5);
  EXPECT_EQ(prod.app.scaling.max_concurrency, 25);
  EXPECT_EQ(prod.database.instance_class, "db.t4g.small");
  EXPECT_EQ(prod.database.allocated_storage_gb, 50);
  EXPECT_EQ(prod.database.max_allocated_storage_gb, 1000);
  // Not the original single gateway: prod egress survives the loss of an AZ (issue 10).
  EXPECT_EQ(prod.network.nat, NatMode::kGatewayPerAz);
  EXPECT_TRUE(prod.features.waf);
  EXPECT_TRUE(prod.features.backup);
  EXPECT_TRUE(prod.alerts.dead_letter_queue);
  EXPECT_EQ(prod.backup.retention_days, 35);
  EXPECT_TRUE(prod.github.branches.empty());
  EXPECT_TRUE(prod.database.multi_az);
  EXPECT_TRUE(prod.database.deletion_protection);
  EXPECT_TRUE(prod.production_guards);
  EXPECT_EQ(prod.network.cidr, "10.2.0.0/24");
}

TEST(Config, FileOverridesProfileAndRecordsWhere) {
  StackConfig c;
  Diagnostics d;
  ASSERT_TRUE(Parse("profile: dev\napp:\n  name: orders-api\n  cpu: 1 vCPU\n  memory: 3 GB\n"
                    "network: {nat: none}\n", &c, &d)) << d.FormatAll();
  EXPECT_EQ(c.app.cpu, "1 vCPU");
  EXPECT_EQ(c.app.memory, "3 GB");
  EXPECT_TRUE(c.IsSetInFile("app.cpu"));
  EXPECT_FALSE(c.IsSetInFile("app.port"));
  EXPECT_EQ(c.LocationOf("app.cpu").line, 4);
  EXPECT_EQ(c.LocationOf("app.port").line, 1) << "defaults point at the profile line";
  // nat none is allowed; what it means for the app is the platform's to say, at assembly.
  EXPECT_TRUE(d.items.empty()) << d.FormatAll();
  App app;
  ASSERT_TRUE(Assemble(c, &app, &d)) << d.FormatAll();
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_EQ(d.items[0].severity, Diagnostic::Severity::kWarning);
  EXPECT_THAT(d.items[0].message, ::testing::HasSubstr("reaches nothing outside the VPC"));
}

TEST(Config, ProdGuardsAcceptAWrittenReason) {
  StackConfig c;
  Diagnostics d;
  ASSERT_TRUE(Parse("profile: prod\napp: {name: orders-api}\nalerts: {emails: [oncall@acme.example]}\ndatabase: {multi_az: false}\n"
                    "guards:\n  allow_single_az: \"pilot until March\"\n",
                    &c, &d, "prod")) << d.FormatAll();
  EXPECT_FALSE(c.database.multi_az);
  EXPECT_EQ(c.guards.at("allow_single_az"), "pilot until March");
}

TEST(Config, GuardsOnUnguardedProfileOrUnneededWarn) {
  StackConfig c;
  Diagnostics d;
  ASSERT_TRUE(Parse("profile: dev\napp: {name: orders-api}\nguards: {allow_single_az: \"not needed here\"}\n", &c, &d));
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_THAT(d.items[0].message, ::testing::HasSubstr("has no production guards"));
}

TEST(Config, UnknownTopLevelKeySuggestsItsSection) {
  StackConfig c;
  Diagnostics d;
  EXPECT_FALSE(Parse("profile: dev\napp: {name: orders-api}\ncidr: 10.0.0.0/24\n", &c, &d));
  EXPECT_THAT(d.FormatAll(), ::testing::HasSubstr("did you mean 'network.cidr'?")) << d.FormatAll();
}

TEST(Config, SecretsAcceptCiphertextOrArnOnly) {
  StackConfig c;
  Diagnostics d;
  ASSERT_TRUE(Parse("profile: dev\napp:\n  name: orders-api\n  secrets:\n"
                    "    SENTRY_DSN: {secure: \"v1:abc\"}\n"
                    "    API_KEY: {arn: \"arn:aws:secretsmanager:eu-west-3:123456789012:secret:api-AbCdEf\"}\n"
                    "encryption: {salt: AAAAAAAAAAAAAAAAAAAAAA==, check: \"v1:abc\"}\n",
                    &c, &d)) << d.FormatAll();
  ASSERT_EQ(c.app.secrets.size(), 2u);
  EXPECT_EQ(c.app.secrets[0].name, "API_KEY");  // sorted
  EXPECT_EQ(c.app.secrets[1].secure_value, "v1:abc");
  // An encrypted value without the stack's key parameters could never be read.
  EXPECT_FALSE(Parse("profile: dev\napp:\n  name: orders-api\n  secrets:\n    A: {secure: \"v1:abc\"}\n", &c, &d));
}

TEST(Config, EveryProfileDefaultParses) {
  // Each column of the table must parse for a minimal config (a broken default
  // would otherwise only show at a user's machine).
  for (const auto& p : Profiles()) {
    StackConfig c;
    Diagnostics d;
    std::string yaml = std::string("profile: ") + p.name + "\napp: {name: orders-api}\n" +
                       (p.production_guards ? "alerts: {emails: [oncall@acme.example]}\n" : "");
    EXPECT_TRUE(Parse(yaml, &c, &d, p.name)) << p.name << ": " << d.FormatAll();
  }
}

TEST(Config, EnvironmentDirectoryNames) {
  EXPECT_EQ(CheckEnvironmentName("dev"), "");
  EXPECT_EQ(CheckEnvironmentName("eu-prod-2"), "");
  EXPECT_NE(CheckEnvironmentName("Prod"), "");
  EXPECT_NE(CheckEnvironmentName("prod_eu"), "");
  EXPECT_NE(CheckEnvironmentName(std::string(21, 'a')), "");
}

TEST(Config, ReferenceDocIsGeneratedFromTheSchemaTable) {
  std::string committed = testing::ReadFileOrDie(testing::SourceDir() + "/docs/config-reference.md");
  EXPECT_TRUE(committed == ConfigReferenceMarkdown())
      << "docs/config-reference.md drifted from src/config/schema.cc; run `make docs`";
  for (const auto& f : ConfigSchema()) EXPECT_THAT(committed, ::testing::HasSubstr("`" + f.key + "`")) << f.key;
}

TEST(Config, BundledEnvironmentsLoad) {
  std::vector<StackConfig> configs;
  Diagnostics d;
  ASSERT_TRUE(LoadEnvironments(testing::SourceDir() + "/environments", {}, &configs, &d)) << d.FormatAll();
  ASSERT_EQ(configs.size(), 3u);
  EXPECT_EQ(d.items.size(), 0u) << d.FormatAll();
}

}  // namespace
}  // namespace bp
