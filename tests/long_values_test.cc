// Values of 100 k+ characters, through the built binary and in process. Every value
// shape is checked by a hand-written matcher (linear, no recursion): std::regex
// recursed once per character and crashed (exit 139) at 30-40 k characters in
// alerts.emails, nat_instance_type, instance_class, encryption.salt, `config set` and
// the AWS CLI's error line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cfn/intrinsics.h"
#include "config/checks.h"
#include "deploy/aws_cli.h"
#include "test_util.h"

namespace bp::testing {
namespace {

namespace fs = std::filesystem;

constexpr size_t kLong = 120000;

// The dev environment with `yaml` appended (top-level sections it does not have yet)
// or with `from` replaced by `to`.
std::string DevWith(const std::string& from, const std::string& to) {
  std::string text = ReadFileOrDie(SourceDir() + "/environments/dev/stack.yaml");
  if (from.empty()) return text + to;
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

struct LongCase {
  std::string key;   // what the error names
  std::string yaml;  // the whole stack.yaml
};

std::vector<LongCase> LongCases() {
  const std::string a(kLong, 'a');
  return {
      {"alerts.emails", DevWith("", "alerts:\n  emails: [" + a + "@" + a + ".c]\n")},
      {"network.nat_instance_type", DevWith("  nat: instance\n", "  nat: instance\n  nat_instance_type: t4" + a + "\n")},
      {"database.instance_class", DevWith("", "database:\n  instance_class: db.t4g." + a + "-\n")},
      {"encryption.salt", DevWith("", "encryption:\n  salt: " + a + "!\n  check: v1:" + a + "\n")},
      {"app.name", DevWith("  name: orders-api\n", "  name: " + a + "\n")},
      {"region", DevWith("region: eu-west-3\n", "region: eu-" + a + "-west-12\n")},
      {"app.health_check.path", DevWith("    path: /health\n", "    path: /" + a + " x\n")},
      {"github.org", DevWith("  org: acme\n", "  org: " + a + "\n")},
  };
}

TEST(LongValues, EveryCheckedValueIsRefusedWithoutACrash) {
  for (const auto& c : LongCases()) {
    TempDir dir;
    dir.Write("environments/dev/stack.yaml", c.yaml);
    CommandResult r = RunBlueprint({"validate", "--environments", dir.path() + "/environments"});
    EXPECT_EQ(r.exit_code, 2) << c.key << "\n" << r.err.substr(0, 2000);
    EXPECT_THAT(r.err, ::testing::HasSubstr(c.key)) << c.key << "\n" << r.err.substr(0, 2000);
  }
}

TEST(LongValues, ConfigSetOfA100kValue) {
  TempDir dir;
  fs::copy(SourceDir() + "/environments", dir.path() + "/environments", fs::copy_options::recursive);
  // One argument of a shell command line stays under 128 KiB (MAX_ARG_STRLEN).
  const std::string value(100000, 'v');
  CommandResult r = RunBlueprint({"config", "set", "--stack", "dev", "app.env.BIG", value}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
  r = RunBlueprint({"config", "get", "--stack", "dev", "app.env.BIG"}, dir.path());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, value + "\n");
  // A value that must be quoted in YAML (spaces, a colon) takes the other path.
  const std::string quoted = std::string(50000, 'q') + ": " + std::string(50000, 'q');
  r = RunBlueprint({"config", "set", "--stack", "dev", "app.env.QUOTED", quoted}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
  r = RunBlueprint({"config", "get", "--stack", "dev", "app.env.QUOTED"}, dir.path());
  EXPECT_EQ(r.out, quoted + "\n");
  r = RunBlueprint({"config", "set", "--stack", "dev", "network.nat_instance_type", value}, dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.err.substr(0, 2000);
}

TEST(LongValues, MatchersKeepTheirShapes) {
  struct Case {
    FieldCheck check;
    std::string value;
    bool ok;
  };
  const std::vector<Case> cases = {
      {FieldCheck::kAppName, "orders-api", true},      {FieldCheck::kAppName, "orders--api", false},
      {FieldCheck::kAppName, "orders-api-", false},    {FieldCheck::kAppName, "1orders", false},
      // Well-shaped names of regions without App Runner are refused by the region table
      // (naming/aws_tables.cc), not by the shape matcher.
      {FieldCheck::kRegion, "eu-west-3", true},        {FieldCheck::kRegion, "us-gov-west-1", false},
      {FieldCheck::kRegion, "us-isob-east-1", false},  {FieldCheck::kRegion, "us-gov-1", false},
      {FieldCheck::kRegion, "eu-west-12", false},      {FieldCheck::kRegion, "eu-x-west-1", false},
      {FieldCheck::kEmail, "oncall@acme.example", true}, {FieldCheck::kEmail, "a.b+c@x-y.co.uk", true},
      {FieldCheck::kEmail, "oncall@acme", false},      {FieldCheck::kEmail, "a@b@c.com", false},
      {FieldCheck::kEmail, "a@-b.com", false},         {FieldCheck::kEmail, "a@b.c1", false},
      {FieldCheck::kGithubOwner, "acme-corp", true},   {FieldCheck::kGithubOwner, "acme--corp", false},
      {FieldCheck::kGithubOwner, "-acme", false},      {FieldCheck::kGithubOwner, std::string(40, 'a'), false},
      {FieldCheck::kGithubRepo, "orders.api_v2", true}, {FieldCheck::kGithubRepo, "..", false},
      {FieldCheck::kGitRef, "release/*", true},        {FieldCheck::kGitRef, "a..b", false},
      {FieldCheck::kHttpPath, "/health", true},        {FieldCheck::kHttpPath, "health", false},
      {FieldCheck::kHttpPath, "/a b", false},          {FieldCheck::kEnvVarName, "LOG_LEVEL", true},
      {FieldCheck::kEnvVarName, "1X", false},          {FieldCheck::kDbClass, "db.t4g.micro", true},
      {FieldCheck::kDbClass, "db.r6g.2xlarge", true},  {FieldCheck::kDbClass, "db.t4g", false},
      {FieldCheck::kDbClass, "t4g.micro", false},      {FieldCheck::kEngineVersion, "17", true},
      {FieldCheck::kEngineVersion, "17.4", true},      {FieldCheck::kEngineVersion, "16.4", false},
      {FieldCheck::kEngineVersion, "17.", false},      {FieldCheck::kInstanceType, "t4g.nano", true},
      {FieldCheck::kInstanceType, "c7gn.large", true}, {FieldCheck::kInstanceType, "t3.nano", false},
      {FieldCheck::kInstanceType, "t4g", false},       {FieldCheck::kBackupWindow, "02:00-02:30", true},
      {FieldCheck::kBackupWindow, "24:00-02:30", false}, {FieldCheck::kBackupWindow, "02:60-03:30", false},
      {FieldCheck::kMaintenanceWindow, "sun:03:00-sun:03:30", true},
      {FieldCheck::kMaintenanceWindow, "sun:03:00-xyz:03:30", false},
      {FieldCheck::kSalt, "c2FsdHNhbHRzYWx0c2FsdA==", true}, {FieldCheck::kSalt, "c2FsdHNhbHRzYWx0c2FsdA=!", false},
      {FieldCheck::kSecureValue, "v1:AAAA", true},     {FieldCheck::kSecureValue, "v2:AAAA", false},
      {FieldCheck::kSecureValue, "v1:===", false},     {FieldCheck::kGithubId, "123456", true},
      {FieldCheck::kGithubId, "0123", false},          {FieldCheck::kGithubId, std::string(21, '1'), false},
      {FieldCheck::kOidcProviderArn, "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", true},
      {FieldCheck::kOidcProviderArn, "arn:aws-us-gov:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
       true},
      {FieldCheck::kOidcProviderArn, "arn:aws-isob-e:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
       true},
      {FieldCheck::kOidcProviderArn, "arn:aws:iam::12345678901:oidc-provider/token.actions.githubusercontent.com", false},
      {FieldCheck::kOidcProviderArn, "arn:aws-EU:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
       false},
      {FieldCheck::kOidcProviderArn, "arn:aws:iam::123456789012:oidc-provider/tokenXactions.githubusercontent.com",
       false},
  };
  for (const auto& c : cases) EXPECT_EQ(CheckValue(c.check, c.value).empty(), c.ok) << c.value;
  for (auto check : {FieldCheck::kAppName, FieldCheck::kRegion, FieldCheck::kEmail, FieldCheck::kDbClass,
                     FieldCheck::kInstanceType, FieldCheck::kSalt, FieldCheck::kSecureValue})
    EXPECT_FALSE(CheckValue(check, std::string(1000000, 'a') + "!").empty());
}

TEST(LongValues, AwsErrorLineOf100kCharacters) {
  const std::string message(100000, 'm');
  std::string code, text;
  ParseAwsError("\nAn error occurred (Throttling) (reached max retries: 4) when calling the DescribeStacks "
                "operation: " + message + "\n",
                &code, &text);
  EXPECT_EQ(code, "Throttling");
  EXPECT_EQ(text, message.substr(0, 300) + "...");  // a message is cut to 300 characters for the terminal
  ParseAwsError(std::string(100000, '(') + "An error occurred (X) when calling the Y operation: z", &code, &text);
  EXPECT_EQ(code, "X");
  EXPECT_EQ(text, "z");
  ParseAwsError("An error occurred (" + message, &code, &text);  // no closing parenthesis
  EXPECT_EQ(code, "");
  EXPECT_EQ(text, ("An error occurred (" + message).substr(0, 300) + "...");

  // Through the binary: the stand-in aws answers every call with that line.
  TempDir dir;
  cfn::Json error = {{"stderr", "\nAn error occurred (ValidationError) when calling the DescribeStacks operation: " +
                                    message + "\n"},
                     {"rc", 254}};
  // `up` asks App Runner first (deploy/driver.h): an account it admits, so the long line
  // comes from CloudFormation.
  cfn::Json admitted = {{"stdout", {{"ServiceSummaryList", cfn::Json::array()}}}};
  // And dev's NAT image (`up` and `preview --remote` read it first).
  cfn::Json image = {{"stdout", {{"Parameters", cfn::Json::array({{{"Name", "/aws/service/ami-amazon-linux-latest/"
                                                                           "al2023-ami-kernel-default-arm64"},
                                                                  {"Value", "ami-0e3a1c6f5d2b4a789"}}})},
                                 {"InvalidParameters", cfn::Json::array()}}}};
  cfn::Json scenario = {{"cloudformation describe-stacks", {error}},
                        {"cloudformation describe-stack-events", {error}},
                        {"apprunner list-services", {admitted}},
                        {"ssm get-parameters", {image}}};
  dir.Write("aws/scenario.json", scenario.dump());
  std::string path = SourceDir() + "/tests/fake-aws:" + std::getenv("PATH");
  for (const auto& command : {"outputs", "destroy", "up", "preview"}) {
    std::vector<std::string> args = {command, "--stack", "dev", "--environments", SourceDir() + "/environments",
                                     "--state-dir", dir.path() + "/state"};
    if (std::string(command) == "preview") args.push_back("--remote");
    if (std::string(command) != "outputs" && std::string(command) != "preview") args.push_back("--yes");
    setenv("FAKE_AWS_DIR", (dir.path() + "/aws").c_str(), 1);
    std::string old_path = std::getenv("PATH");
    setenv("PATH", path.c_str(), 1);
    CommandResult r = RunBlueprint(args);
    setenv("PATH", old_path.c_str(), 1);
    EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 2) << command << ": " << r.exit_code << "\n"
                                                      << r.err.substr(0, 2000);
    EXPECT_THAT(r.err, ::testing::HasSubstr("mmmmmmmmmm")) << command << "\n" << r.err.substr(0, 2000);
  }
}

}  // namespace
}  // namespace bp::testing
