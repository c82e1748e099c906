// Issue 22, acceptance: the image rollout, replayed exactly as the generated workflow runs
// it. `blueprint up` creates the dev stack (the stand-in `aws` of tests/fake-aws records
// the parameters it sends), `blueprint workflow` writes the workflow, and the deploy job's
// own bash steps run against the stand-in with a stub skopeo. Every call they make, and
// what CloudFormation then does with the caller's credentials, is evaluated against the
// deploy role's policy from the deployed template (tests/iam_policy.h): actions,
// resources and conditions. For both NAT modes and both platforms.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

#include "app/app.h"
#include "cfn/writer.h"
#include "deploy/process.h"
#include "iam_policy.h"
#include "test_util.h"
#include "util/files.h"
#include "util/strings.h"

namespace bp {
namespace {

namespace fs = std::filesystem;
using cfn::Json;

const std::string kAccount = "111111111111";
const std::string kRegion = "eu-west-3";
const std::string kStack = "orders-api-dev";
const std::string kStackArn =
    "arn:aws:cloudformation:eu-west-3:111111111111:stack/orders-api-dev/6d1e0c40-7b4f-11ef-9c2a-0a1b2c3d4e5f";
const std::string kRoleArn = "arn:aws:iam::111111111111:role/orders-api-dev-GithubDeployRole-X1";
const std::string kRegistry = "111111111111.dkr.ecr.eu-west-3.amazonaws.com";
const std::string kDigest = "sha256:" + std::string(64, 'a');
const std::string kSha = "0123456789abcdef0123456789abcdef01234567";

Json ReadJson(const std::string& path) {
  std::string text;
  Diagnostics d;
  EXPECT_TRUE(ReadFile(path, &text, &d)) << d.FormatAll();
  return text.empty() ? Json() : Json::parse(text);
}

// The policy's CloudFormation expressions as IAM sees them once the stack exists.
Json Resolve(const Json& v, const Json& tmpl) {
  if (v.is_array()) {
    Json out = Json::array();
    for (const auto& e : v) out.push_back(Resolve(e, tmpl));
    return out;
  }
  if (!v.is_object()) return v;
  auto attribute = [&](const std::string& id, const std::string& attr) -> std::string {
    const Json& r = tmpl["Resources"][id];
    if (r["Type"] == "AWS::ECR::Repository" && attr == "Arn")
      return "arn:aws:ecr:" + kRegion + ":" + kAccount + ":repository/" + r["Properties"]["RepositoryName"].get<std::string>();
    return "arn:aws:unresolved:" + id + "." + attr;  // matches no request below
  };
  auto ref = [&](const std::string& name) -> std::string {
    if (name == "AWS::StackId") return kStackArn;
    if (name == "AWS::Region") return kRegion;
    if (name == "AWS::AccountId") return kAccount;
    if (name == "AWS::Partition") return "aws";
    if (name == "AWS::StackName") return kStack;
    return "unresolved-" + name;
  };
  if (v.size() == 1 && v.contains("Ref")) return ref(v["Ref"].get<std::string>());
  if (v.size() == 1 && v.contains("Fn::GetAtt")) return attribute(v["Fn::GetAtt"][0], v["Fn::GetAtt"][1]);
  if (v.size() == 1 && v.contains("Fn::Sub")) {
    std::string text = v["Fn::Sub"].is_string() ? v["Fn::Sub"].get<std::string>() : v["Fn::Sub"][0].get<std::string>();
    std::string out;
    for (size_t i = 0; i < text.size();) {
      size_t open = text.find("${", i);
      if (open == std::string::npos) {
        out += text.substr(i);
        break;
      }
      size_t close = text.find('}', open);
      out += text.substr(i, open - i);
      std::string name = text.substr(open + 2, close - open - 2);
      size_t dot = name.find('.');
      out += dot == std::string::npos ? ref(name) : attribute(name.substr(0, dot), name.substr(dot + 1));
      i = close + 1;
    }
    return out;
  }
  Json out = Json::object();
  for (auto it = v.begin(); it != v.end(); ++it) out[it.key()] = Resolve(it.value(), tmpl);
  return out;
}

// Every Ref, GetAtt, Sub variable and condition name a value uses.
void Uses(const Json& v, std::set<std::string>* names) {
  if (v.is_array()) {
    for (const auto& e : v) Uses(e, names);
  } else if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& k = it.key();
      if ((k == "Ref" || k == "Condition") && it.value().is_string()) names->insert(it.value().get<std::string>());
      if (k == "Fn::GetAtt" && it.value().is_array()) names->insert(it.value()[0].get<std::string>());
      if (k == "Fn::If" && it.value().is_array()) names->insert(it.value()[0].get<std::string>());
      if (k == "Fn::Sub") {
        std::string text = it.value().is_string() ? it.value().get<std::string>() : it.value()[0].get<std::string>();
        for (size_t p = 0; (p = text.find("${", p)) != std::string::npos;) {
          size_t close = text.find('}', p);
          std::string name = text.substr(p + 2, close - p - 2);
          names->insert(name.substr(0, name.find('.')));
          p = close;
        }
      }
      Uses(it.value(), names);
    }
  }
}

// The value after `name` in an argv, or "".
std::string Opt(const std::vector<std::string>& argv, const std::string& name) {
  for (size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == name) return argv[i + 1];
  return "";
}

std::string RepositoryArn(const std::string& name) {
  return "arn:aws:ecr:" + kRegion + ":" + kAccount + ":repository/" + name;
}
std::string StackArnOf(const std::string& name) {
  return name == kStack || name == kStackArn ? kStackArn
                                             : "arn:aws:cloudformation:" + kRegion + ":" + kAccount + ":stack/" + name + "/x";
}

// One recorded `aws` call as the IAM request(s) it makes.
std::vector<testing::IamRequest> RequestsOf(const std::vector<std::string>& argv) {
  const std::string op = argv.size() >= 2 ? argv[0] + " " + argv[1] : Join(argv, " ");
  const std::string what = Join(argv, " ");
  const std::string change_set = Opt(argv, "--change-set-name");
  auto cfn = [&](const std::string& action) {
    testing::IamRequest r{"cloudformation:" + action, StackArnOf(Opt(argv, "--stack-name")), {}, what};
    if (!change_set.empty()) r.context["cloudformation:ChangeSetName"] = {change_set};
    return r;
  };
  if (op == "cloudformation describe-stacks") return {cfn("DescribeStacks")};
  if (op == "cloudformation describe-change-set") return {cfn("DescribeChangeSet")};
  if (op == "cloudformation delete-change-set") return {cfn("DeleteChangeSet")};
  if (op == "cloudformation execute-change-set") return {cfn("ExecuteChangeSet")};
  if (op == "cloudformation describe-stack-events") return {cfn("DescribeStackEvents")};
  // `aws cloudformation wait X` polls the describe call of X.
  if (op == "cloudformation wait" && argv.size() > 2 && argv[2] == "change-set-create-complete")
    return {cfn("DescribeChangeSet")};
  if (op == "cloudformation wait" && argv.size() > 2 && argv[2] == "stack-update-complete") return {cfn("DescribeStacks")};
  if (op == "cloudformation create-change-set") {
    // Condition keys from the request. Src: DOC:service-authorization/latest/reference/
    // list_awscloudformation.html (CreateChangeSet: ChangeSetName, ImportResourceTypes,
    // ResourceTypes, RoleArn).
    testing::IamRequest r = cfn("CreateChangeSet");
    for (size_t i = 0; i < argv.size(); ++i)
      if (argv[i] == "--resource-types")
        for (size_t j = i + 1; j < argv.size() && argv[j].rfind("--", 0) != 0; ++j)
          r.context["cloudformation:ResourceTypes"].push_back(argv[j]);
    if (!Opt(argv, "--role-arn").empty()) r.context["cloudformation:RoleArn"] = {Opt(argv, "--role-arn")};
    if (Opt(argv, "--change-set-type") == "IMPORT") r.context["cloudformation:ImportResourceTypes"] = {"*"};
    return {r};
  }
  if (op == "ecr describe-images")
    return {{"ecr:DescribeImages", RepositoryArn(Opt(argv, "--repository-name")), {}, what}};
  ADD_FAILURE() << "the replay does not know which IAM action `aws " << what << "` is";
  return {};
}

// A docker push (here skopeo's) of an image to an ECR repository. Src: DOC:AmazonECR/latest/
// userguide/image-push-iam.html (the actions a push needs, on the repository).
std::vector<testing::IamRequest> PushRequests(const std::string& destination) {
  // docker://<registry>/<repository>:<tag>
  std::string rest = destination.substr(destination.find("//") + 2);
  rest = rest.substr(rest.find('/') + 1);
  const std::string repository = rest.substr(0, rest.rfind(':'));
  std::vector<testing::IamRequest> out;
  for (const char* action : {"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
                             "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage"})
    out.push_back({action, RepositoryArn(repository), {}, "skopeo copy to " + destination});
  return out;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Case {
  const char* name;
  const char* platform;
  const char* nat;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class WorkflowReplay : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("bp-replay-" + std::to_string(getpid()) + "-" + GetParam().name)).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_ + "/aws");
    fs::create_directories(dir_ + "/bin");
    fs::create_directories(dir_ + "/environments/dev");
    std::string dev = testing::ReadFileOrDie(testing::SourceDir() + "/environments/dev/stack.yaml");
    dev.replace(dev.find("nat: instance"), 13, std::string("nat: ") + GetParam().nat);
    dev += std::string("compute:\n  platform: ") + GetParam().platform + "\n";
    // The account's provider exists, so `up --stack dev` deploys the main stack alone.
    dev.replace(dev.find("  repo: orders-api\n"), 19,
                "  repo: orders-api\n  oidc_provider_arn: arn:aws:iam::111111111111:oidc-provider/"
                "token.actions.githubusercontent.com\n");
    std::ofstream(dir_ + "/environments/dev/stack.yaml") << dev;
    // The stub skopeo records what it would copy.
    std::ofstream(dir_ + "/bin/skopeo") << "#!/bin/sh\necho \"$@\" >> \"$FAKE_AWS_DIR/skopeo.calls\"\n";
    fs::permissions(dir_ + "/bin/skopeo", fs::perms::owner_all);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  void Scenario(const Json& scenario) {
    std::ofstream(dir_ + "/aws/scenario.json") << scenario.dump();
    fs::remove(dir_ + "/aws/counters.json");
    fs::remove(dir_ + "/aws/calls.jsonl");
  }
  std::vector<Json> Calls() const {
    std::vector<Json> out;
    std::ifstream in(dir_ + "/aws/calls.jsonl");
    for (std::string line; std::getline(in, line);) out.push_back(Json::parse(line));
    return out;
  }
  std::vector<std::pair<std::string, std::string>> Env() const {
    std::string path = dir_ + "/bin:" + kTests + "/fake-aws:" + (std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
    return {{"FAKE_AWS_DIR", dir_ + "/aws"}, {"PATH", path}, {"BLUEPRINT_POLL_INTERVAL_MS", "1000"}};
  }
  ProcessResult Blueprint(std::vector<std::string> args) {
    args.insert(args.begin(), BLUEPRINT_BINARY);
    args.insert(args.end(), {"--environments", dir_ + "/environments", "--state-dir", dir_ + "/state"});
    ProcessOptions o;
    o.set_env = Env();
    o.unset_env = {"BLUEPRINT_AWS_CLI"};
    o.timeout_ms = 120 * 1000;
    return RunProcess(args, o);
  }
  // Runs one `run:` step of the job with the job's and the step's environment, as GitHub
  // Actions does (bash -e; the ${{ }} expressions filled as GitHub would).
  ProcessResult RunStep(const YAML::Node& job, const YAML::Node& step,
                        const std::map<std::string, std::string>& expressions) {
    std::string script;
    auto add = [&](const YAML::Node& env) {
      for (const auto& kv : env) {
        std::string value = kv.second.as<std::string>();
        if (auto it = expressions.find(value); it != expressions.end()) value = it->second;
        EXPECT_THAT(value, ::testing::Not(::testing::HasSubstr("${{"))) << "unfilled expression " << value;
        script += "export " + kv.first.as<std::string>() + "=" + ShellQuote(value) + "\n";
      }
    };
    add(job["env"]);
    if (step["env"]) add(step["env"]);
    script += step["run"].as<std::string>();
    std::string file = dir_ + "/step.sh";
    std::ofstream(file) << script;
    ProcessOptions o;
    o.set_env = Env();
    o.set_env.push_back({"FAKE_AWS_ANY_OUTPUT", "1"});
    o.set_env.push_back({"GITHUB_SHA", kSha});
    o.set_env.push_back({"GITHUB_RUN_ID", "4242"});
    o.set_env.push_back({"GITHUB_RUN_ATTEMPT", "1"});
    o.set_env.push_back({"GITHUB_OUTPUT", dir_ + "/github_output"});
    o.cwd = dir_;
    o.timeout_ms = 60 * 1000;
    return RunProcess({"bash", "-e", file}, o);
  }

  std::string dir_;
};

TEST_P(WorkflowReplay, EveryCallOfTheImageRolloutIsAllowedByTheDeployRole) {
  // 1. `blueprint up` creates the stack.
  Json create = ReadJson(kTests + "/fixtures/deploy/create.json");
  create["apprunner list-services"] = Json::array({{{"stdout", {{"ServiceSummaryList", Json::array()}}}}});
  Json ami = {{"Parameters", Json::array({{{"Name", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"},
                                           {"Type", "String"},
                                           {"Value", "ami-0a1b2c3d4e5f60718"},
                                           {"Version", 101}}})},
              {"InvalidParameters", Json::array()}};
  create["ssm get-parameters"] = Json::array({{{"stdout", ami}}});
  Scenario(create);
  // The main stack (on ECS Express Mode's edge layout the global stack follows it; the
  // rollout never touches that one).
  ProcessResult up = Blueprint({"up", "--stack", kStack, "--yes"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  Json sent;  // the parameters `up` created the stack with
  for (const auto& c : Calls())
    if (c["argv"][1] == "create-change-set") sent = c.value("parameters", Json::array());
  const Json tmpl = ReadJson(dir_ + "/state/unknown-account/eu-west-3/orders-api-dev/template.json");
  ASSERT_TRUE(tmpl.contains("Resources"));
  const Json policy = Resolve(tmpl["Resources"]["GithubDeployRole"]["Properties"]["Policies"][0]["PolicyDocument"], tmpl);

  // 2. The workflow, as `blueprint workflow` writes it.
  ProcessResult wf = Blueprint({"workflow", "--stack", "dev", "--role-arn", kRoleArn, "--out", dir_ + "/deploy.yml"});
  ASSERT_EQ(wf.exit_code, 0) << wf.err;
  YAML::Node job = YAML::LoadFile(dir_ + "/deploy.yml")["jobs"]["deploy-dev"];
  ASSERT_TRUE(job);

  // 3. The stack as `up` left it: every template parameter, with what up sent.
  Json parameters = Json::array();
  for (auto it = tmpl["Parameters"].begin(); it != tmpl["Parameters"].end(); ++it) {
    Json value = it.value().value("Default", Json(""));
    for (const auto& p : sent)
      if (p["ParameterKey"] == it.key() && p.contains("ParameterValue")) value = p["ParameterValue"];
    parameters.push_back({{"ParameterKey", it.key()}, {"ParameterValue", value}});
  }
  Json stack = {{"StackName", kStack}, {"StackId", kStackArn}, {"StackStatus", "CREATE_COMPLETE"}, {"Parameters", parameters}};
  Scenario({{"ecr describe-images",
             Json::array({{{"stderr", "\nAn error occurred (ImageNotFoundException) when calling the DescribeImages "
                                      "operation: The image with imageId {imageTag:'" + kSha + "'} does not exist\n"},
                           {"rc", 254}},
                          {{"stdout", {{"imageDetails", Json::array({{{"imageDigest", kDigest}}})}}}}})},
            {"cloudformation describe-stacks", Json::array({{{"stdout", {{"Stacks", Json::array({stack})}}}}})},
            {"cloudformation create-change-set",
             Json::array({{{"stdout", {{"Id", kStackArn + "/cs"}, {"StackId", kStackArn}}}}})},
            {"cloudformation wait", Json::array({{{"stdout", ""}}})},
            {"cloudformation execute-change-set", Json::array({{{"stdout", ""}}})}});

  // 4. The job's steps, in order.
  std::map<std::string, std::string> expressions = {{"${{ steps.ecr.outputs.registry }}", kRegistry},
                                                    {"${{ needs.build.outputs.digest }}", kDigest}};
  int ran = 0;
  for (const auto& step : job["steps"]) {
    if (!step["run"]) continue;
    ProcessResult r = RunStep(job, step, expressions);
    ASSERT_EQ(r.exit_code, 0) << step["run"].as<std::string>() << "\n" << r.out << r.err;
    ++ran;
    std::ifstream out(dir_ + "/github_output");
    for (std::string line; std::getline(out, line);)
      if (line.rfind("uri=", 0) == 0) expressions["${{ steps.image.outputs.uri }}"] = line.substr(4);
  }
  EXPECT_EQ(ran, 2);
  const std::string image = kRegistry + "/orders-api-dev@" + kDigest;
  EXPECT_EQ(expressions["${{ steps.image.outputs.uri }}"], image);  // rolled out by digest

  // 5. Each call as IAM sees it, and what the actions around it do with these credentials.
  std::vector<testing::IamRequest> requests;
  requests.push_back({"ecr:GetAuthorizationToken", "*", {}, "amazon-ecr-login"});
  std::ifstream skopeo(dir_ + "/aws/skopeo.calls");
  int copies = 0;
  for (std::string line; std::getline(skopeo, line);) {
    std::vector<std::string> argv = SplitString(line, ' ');
    if (argv.empty() || argv[0] != "copy") continue;
    ++copies;
    EXPECT_EQ(argv[1], "--preserve-digests");
    for (auto& r : PushRequests(argv.back())) requests.push_back(r);
  }
  EXPECT_EQ(copies, 1);
  Json create_call;
  for (const auto& c : Calls()) {
    std::vector<std::string> argv = c["argv"].get<std::vector<std::string>>();
    for (auto& r : RequestsOf(argv)) requests.push_back(r);
    if (argv[1] == "create-change-set") create_call = c;
  }
  ASSERT_TRUE(create_call.is_object());
  // A parameter of an SSM type is resolved again by CloudFormation on every change set,
  // with the caller's credentials (ssm:GetParameters), UsePreviousValue or not. Src:
  // DOC:AWSCloudFormation/latest/UserGuide/cloudformation-supplied-parameter-types.html
  // (SSM parameter types: the value is fetched at create and at every update).
  for (auto it = tmpl["Parameters"].begin(); it != tmpl["Parameters"].end(); ++it)
    if (it.value()["Type"].get<std::string>().rfind("AWS::SSM::Parameter::Value<", 0) == 0)
      requests.push_back({"ssm:GetParameters",
                          "arn:aws:ssm:" + kRegion + "::parameter" + it.value().value("Default", std::string("")),
                          {},
                          "CloudFormation resolving parameter " + it.key()});
  for (const auto& r : requests) {
    std::string why;
    EXPECT_TRUE(testing::PolicyAllows(policy, r, &why)) << r.what << ": " << why;
  }

  // 6. The change set changes the image and nothing else: every other parameter keeps its
  // value, and every resource that uses the image parameter is of a type it may update.
  std::vector<std::string> argv = create_call["argv"].get<std::vector<std::string>>();
  std::set<std::string> types;
  for (size_t i = 0; i < argv.size(); ++i)
    if (argv[i] == "--resource-types")
      for (size_t j = i + 1; j < argv.size() && argv[j].rfind("--", 0) != 0; ++j) types.insert(argv[j]);
  EXPECT_NE(std::find(argv.begin(), argv.end(), "--use-previous-template"), argv.end());
  std::set<std::string> image_users = {"ImageUri"};
  const Json conditions = tmpl.value("Conditions", Json::object());
  for (auto it = conditions.begin(); it != conditions.end(); ++it) {
    std::set<std::string> used;
    Uses(it.value(), &used);
    if (used.count("ImageUri")) image_users.insert(it.key());
  }
  for (auto it = tmpl["Resources"].begin(); it != tmpl["Resources"].end(); ++it) {
    std::set<std::string> used;
    Uses(it.value(), &used);
    bool uses_image = false;
    for (const auto& u : image_users) uses_image = uses_image || used.count(u);
    if (uses_image) {
      EXPECT_TRUE(types.count(it.value()["Type"].get<std::string>())) << it.key() << " uses the image";
    }
  }
  size_t kept = 0;
  for (size_t i = 0; i < argv.size(); ++i)
    if (argv[i].rfind("ParameterKey=", 0) == 0) {
      if (argv[i] == "ParameterKey=ImageUri,ParameterValue=" + image) continue;
      EXPECT_THAT(argv[i], ::testing::HasSubstr(",UsePreviousValue=true")) << argv[i];
      ++kept;
    }
  EXPECT_EQ(kept + 1, parameters.size());
}

// What the role must refuse, on the same evaluator: an operator's change set (`up` names
// its change sets blueprint-...), a change set with a service role, without resource
// types, or with one more type than the rollout updates.
TEST(DeployRolePolicy, RefusesWhatIsNotTheWorkflowsOwnRollout) {
  App app = testing::SynthFromYaml(testing::ReadFileOrDie(testing::SourceDir() + "/environments/dev/stack.yaml"));
  const Json tmpl = cfn::Json::parse(cfn::WriteJson(testing::MainStack(app).tmpl.ToJson()));
  const Json policy = Resolve(tmpl["Resources"]["GithubDeployRole"]["Properties"]["Policies"][0]["PolicyDocument"], tmpl);
  auto allowed = [&](const testing::IamRequest& r) {
    std::string why;
    return testing::PolicyAllows(policy, r, &why);
  };
  for (const char* action : {"ExecuteChangeSet", "DeleteChangeSet", "DescribeChangeSet"}) {
    const std::string a = std::string("cloudformation:") + action;
    EXPECT_TRUE(allowed({a, kStackArn, {{"cloudformation:ChangeSetName", {"image-0123456789ab-42-1"}}}, ""})) << a;
    EXPECT_FALSE(allowed({a, kStackArn, {{"cloudformation:ChangeSetName", {"blueprint-20261207040000"}}}, ""})) << a;
    EXPECT_FALSE(allowed({a, StackArnOf("orders-api-prod"), {{"cloudformation:ChangeSetName", {"image-1"}}}, ""})) << a;
  }
  const std::vector<std::string> types = {"AWS::AppRunner::Service"};
  const testing::IamRequest create{"cloudformation:CreateChangeSet",
                                   kStackArn,
                                   {{"cloudformation:ChangeSetName", {"image-1"}}, {"cloudformation:ResourceTypes", types}},
                                   ""};
  EXPECT_TRUE(allowed(create));
  testing::IamRequest with_role = create;
  with_role.context["cloudformation:RoleArn"] = {kRoleArn};
  EXPECT_FALSE(allowed(with_role));
  testing::IamRequest any_type = create;
  any_type.context.erase("cloudformation:ResourceTypes");
  EXPECT_FALSE(allowed(any_type));
  testing::IamRequest more_types = create;
  more_types.context["cloudformation:ResourceTypes"].push_back("AWS::EC2::LaunchTemplate");
  EXPECT_FALSE(allowed(more_types));
  testing::IamRequest operators = create;
  operators.context["cloudformation:ChangeSetName"] = {"blueprint-20261207040000"};
  EXPECT_FALSE(allowed(operators));
}

INSTANTIATE_TEST_SUITE_P(BothNatModesBothPlatforms, WorkflowReplay,
                         ::testing::Values(Case{"AppRunnerNatInstance", "apprunner", "instance"},
                                           Case{"AppRunnerNatGateway", "apprunner", "gateway"},
                                           Case{"EcsExpressNatInstance", "ecs-express", "instance"},
                                           Case{"EcsExpressNatGateway", "ecs-express", "gateway"}),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace bp
