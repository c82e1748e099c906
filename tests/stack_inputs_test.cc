// `up` fills the parameters that another stack's outputs feed (Stack::inputs): a
// cross-region reference (main stack in eu-west-3 reading the global stack's output in
// us-east-1) resolved as a parameter, recorded in the manifest, and filled from the
// producer's outputs, read in the producer's region, against the stand-in `aws`.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "deploy/assembly.h"
#include "deploy/driver.h"
#include "stacks_fixtures.h"
#include "util/files.h"
#include "util/strings.h"
#include "test_util.h"

namespace bp {
namespace {

namespace fs = std::filesystem;
using cfn::Json;
using fixtures::AssembleWithTestModule;


class StackInputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("bp-stack-inputs-" + std::to_string(getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    setenv("FAKE_AWS_DIR", dir_.c_str(), 1);
    old_path_ = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    setenv("PATH", (kTests + "/fake-aws:" + old_path_).c_str(), 1);
    unsetenv("BLUEPRINT_AWS_CLI");
  }
  void TearDown() override {
    setenv("PATH", old_path_.c_str(), 1);
    if (!HasFailure()) fs::remove_all(dir_);
  }
  void Answer(const Json& describe_stacks_stdout) {
    Json scenario = {{"cloudformation describe-stacks", Json::array({{{"stdout", describe_stacks_stdout}}})}};
    std::ofstream(dir_ + "/scenario.json") << scenario.dump();
  }
  std::vector<Json> Calls() {
    std::vector<Json> out;
    std::ifstream in(dir_ + "/calls.jsonl");
    for (std::string line; std::getline(in, line);) out.push_back(Json::parse(line));
    return out;
  }

  std::string dir_, old_path_;
};

const Stack& StackWithId(const App& app, const std::string& id) {
  const Stack* s = app.Find(id);
  EXPECT_NE(s, nullptr) << id;
  return *s;
}

const char* const kTopicArn = "arn:aws:sns:us-east-1:111111111111:orders-api-dev-alerts";

Json ProducerStack(const std::string& status, bool with_output) {
  Json stack = {{"StackId", "arn:aws:cloudformation:us-east-1:111111111111:stack/orders-api-dev-global/1"},
                {"StackName", "orders-api-dev-global"},
                {"StackStatus", status},
                {"Outputs", Json::array()}};
  if (with_output) stack["Outputs"].push_back({{"OutputKey", "AlertsTopicArn"}, {"OutputValue", kTopicArn}});
  return {{"Stacks", Json::array({stack})}};
}

TEST_F(StackInputsTest, CrossRegionParameterIsFilledFromTheProducersOutputsInItsRegion) {
  App app = AssembleWithTestModule({{"dev", "eu-west-3", "111111111111"}});
  const Stack& main = StackWithId(app, "orders-api-dev");
  ASSERT_EQ(main.region, "eu-west-3");
  ASSERT_EQ(main.inputs.size(), 1u);
  const StackInput& in = main.inputs[0];
  EXPECT_EQ(in.producer_stack, "orders-api-dev-global");
  EXPECT_EQ(in.producer_region, "us-east-1");
  EXPECT_EQ(in.output, "AlertsTopicArn");
  // A parameter in the consumer's template, and recorded in the manifest for other deployers.
  EXPECT_TRUE(main.tmpl.parameters().Contains(in.parameter));
  std::string manifest;
  for (const auto& f : BuildAssembly(app, cfn::Format::kJson))
    if (f.name == "manifest.json") manifest = f.contents;
  Json parsed = Json::parse(manifest), inputs = Json::array();
  for (const auto& entry : parsed["artifacts"]["orders-api-dev"]["metadata"]["/orders-api-dev"])
    if (entry["type"] == kStackInputMetadataType) inputs.push_back(entry["data"]);
  ASSERT_EQ(inputs.size(), 1u) << manifest;
  EXPECT_EQ(inputs[0]["parameter"], in.parameter);
  EXPECT_EQ(inputs[0]["producerStackName"], "orders-api-dev-global");
  EXPECT_EQ(inputs[0]["producerRegion"], "us-east-1");

  Answer(ProducerStack("CREATE_COMPLETE", true));
  AwsCli aws(AwsOptions{});
  Driver driver(aws, DriverOptions{});
  ParameterValues values;
  Diagnostics d;
  ASSERT_TRUE(FillStackInputs(driver, main, {}, &values, &d)) << d.FormatAll();
  EXPECT_EQ(values.at(in.parameter), kTopicArn);
  std::vector<Json> calls = Calls();
  ASSERT_EQ(calls.size(), 1u);
  std::string argv = Join(calls[0]["argv"].get<std::vector<std::string>>(), " ");
  EXPECT_THAT(argv, ::testing::HasSubstr("cloudformation describe-stacks --stack-name orders-api-dev-global")) << argv;
  EXPECT_THAT(argv, ::testing::HasSubstr("--region us-east-1")) << argv;  // the producer's region, not eu-west-3
}

TEST_F(StackInputsTest, OutputsOfAProducerDeployedInThisRunNeedNoCall) {
  App app = AssembleWithTestModule({{"dev", "eu-west-3", ""}});
  const Stack& main = StackWithId(app, "orders-api-dev");
  ASSERT_EQ(main.inputs.size(), 1u);
  Answer(ProducerStack("CREATE_COMPLETE", false));
  AwsCli aws(AwsOptions{});
  Driver driver(aws, DriverOptions{});
  ParameterValues values;
  Diagnostics d;
  std::map<std::string, Json> produced = {{main.inputs[0].producer, Json{{"AlertsTopicArn", kTopicArn}}}};
  ASSERT_TRUE(FillStackInputs(driver, main, produced, &values, &d)) << d.FormatAll();
  EXPECT_EQ(values.at(main.inputs[0].parameter), kTopicArn);
  EXPECT_TRUE(Calls().empty());
}

TEST_F(StackInputsTest, AnExplicitParameterWins) {
  App app = AssembleWithTestModule({{"dev", "eu-west-3", ""}});
  const Stack& main = StackWithId(app, "orders-api-dev");
  ASSERT_EQ(main.inputs.size(), 1u);
  Answer(ProducerStack("CREATE_COMPLETE", true));
  AwsCli aws(AwsOptions{});
  Driver driver(aws, DriverOptions{});
  ParameterValues values = {{main.inputs[0].parameter, "arn:aws:sns:us-east-1:111111111111:given"}};
  Diagnostics d;
  ASSERT_TRUE(FillStackInputs(driver, main, {}, &values, &d)) << d.FormatAll();
  EXPECT_EQ(values.at(main.inputs[0].parameter), "arn:aws:sns:us-east-1:111111111111:given");
  EXPECT_TRUE(Calls().empty());
}

TEST_F(StackInputsTest, AProducerNotDeployedOrWithoutTheOutputIsRefusedWithWhatToDo) {
  App app = AssembleWithTestModule({{"dev", "eu-west-3", ""}});
  const Stack& main = StackWithId(app, "orders-api-dev");
  AwsCli aws(AwsOptions{});
  Driver driver(aws, DriverOptions{});
  for (bool deployed : {false, true}) {
    SCOPED_TRACE(deployed);
    Answer(ProducerStack(deployed ? "UPDATE_COMPLETE" : "REVIEW_IN_PROGRESS", false));
    ParameterValues values;
    Diagnostics d;
    EXPECT_FALSE(FillStackInputs(driver, main, {}, &values, &d));
    EXPECT_THAT(d.FormatAll(), ::testing::HasSubstr("blueprint up --stack orders-api-dev-global")) << d.FormatAll();
    EXPECT_TRUE(values.empty());
  }
}

// Deploy fills the inputs before anything else: a producer not deployed is the user's to
// fix (exit 2); a failed call to read it is not (exit 1). Neither reaches the consumer.
TEST_F(StackInputsTest, DeployRefusesAMissingProducerAndFailsOnAFailedRead) {
  App app = AssembleWithTestModule({{"dev", "eu-west-3", ""}});
  const Stack& main = StackWithId(app, "orders-api-dev");
  AwsCli aws(AwsOptions{});
  Driver driver(aws, DriverOptions{});
  struct Case {
    Json response;
    DeployResult::Status expected;
  };
  for (const Case& c : {Case{{{"stdout", ProducerStack("REVIEW_IN_PROGRESS", false)}}, DeployResult::Status::kRefused},
                        Case{{{"stderr", "\nAn error occurred (AccessDenied) when calling the DescribeStacks operation: "
                                         "not allowed\n"},
                              {"rc", 254}},
                             DeployResult::Status::kFailed}}) {
    std::ofstream(dir_ + "/scenario.json") << Json{{"cloudformation describe-stacks", Json::array({c.response})}}.dump();
    fs::remove(dir_ + "/counters.json");
    fs::remove(dir_ + "/calls.jsonl");
    Diagnostics d;
    DeployResult r = driver.Deploy(main, {}, {}, &d);
    EXPECT_EQ(r.status, c.expected) << d.FormatAll();
    for (const Json& call : Calls())  // only the producer was read
      EXPECT_THAT(Join(call["argv"].get<std::vector<std::string>>(), " "),
                  ::testing::HasSubstr("--stack-name orders-api-dev-global"));
    EXPECT_FALSE(Calls().empty());
  }
}

}  // namespace
}  // namespace bp
