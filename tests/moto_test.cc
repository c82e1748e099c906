// The deploy driver against moto (a local AWS stand-in), through each AWS CLI major
// version present, at the same time: `aws` v1 and Debian's /usr/bin/aws v2. Scenario: create, update
// with a change, update without changes, outputs, destroy.
//
// The stack is dev's networking and registry built with the library, minus what moto
// cannot delete (route tables; see docs/deploy.md), so the scenario does not depend
// on which modules the bundled environments have (moto has no App Runner).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/deploy_render.h"
#include "deploy/driver.h"
#include "deploy/process.h"
#include "modules/networking.h"
#include "modules/registry.h"
#include "test_util.h"

namespace bp {
namespace {

namespace fs = std::filesystem;
using cfn::Json;

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

bool Accepting(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// "aws-cli/1.45.11 ..." -> 1; 0 when the program does not run.
int CliMajorVersion(const std::string& program) {
  ProcessResult r = RunProcess({program, "--version"});
  std::string text = r.out + r.err;
  size_t p = text.find("aws-cli/");
  return r.started && r.exit_code == 0 && p != std::string::npos ? text[p + 8] - '0' : 0;
}

// The AWS CLI of the wanted major version: `aws` on PATH, else Debian's /usr/bin/aws.
std::string FindCli(int major) {
  std::string on_path;
  if (FindExecutable("aws", &on_path) && CliMajorVersion(on_path) == major) return on_path;
  if (CliMajorVersion("/usr/bin/aws") == major) return "/usr/bin/aws";
  return "";
}

// One scenario against its own moto server with one AWS CLI. Assertions are gtest's,
// which may run on any thread; a fatal one ends the scenario.
class MotoScenario {
 public:
  MotoScenario(int major, std::string cli) : major_(major), cli_(std::move(cli)) {
    dir_ = (fs::temp_directory_path() / ("bp-moto-" + std::to_string(getpid()) + "-v" + std::to_string(major)))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~MotoScenario() {
    StopBackground(pid_);  // the process group of the server this scenario started
    if (!::testing::Test::HasFailure() && !dir_.empty()) fs::remove_all(dir_);
  }

  void Run() {
    StartServer();
    if (started_) Scenario();
  }

 private:
  void StartServer() {
    port_ = FreePort();
    std::string log = dir_ + "/moto.log";
    pid_ = StartBackground({"moto_server", "-H", "127.0.0.1", "-p", std::to_string(port_)}, log);
    ASSERT_GT(pid_, 0) << "moto_server did not start";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!Accepting(port_) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_TRUE(Accepting(port_)) << "moto_server did not start; see " << log;
    started_ = true;
  }

  Driver MakeDriver() {
    AwsOptions aws;
    aws.program = cli_;
    aws.endpoint_url = "http://127.0.0.1:" + std::to_string(port_);
    aws_ = std::make_unique<AwsCli>(aws);
    DriverOptions o;
    o.state_dir = dir_ + "/state";
    o.poll_interval_ms = 200;
    o.timeout_seconds = 120;
    return Driver(*aws_, o);
  }

  // dev's networking (two AZs, no NAT) without the route tables moto cannot delete,
  // and dev's registry.
  static Stack NetworkStack(bool with_log_group) {
    ModuleContext ctx;
    ctx.name_prefix = "orders-api-dev";
    ctx.tags = {{"Project", "orders-api"}, {"Environment", "dev"}};
    cfn::Template full;
    NetworkConfig net;
    net.cidr = "10.0.0.0/24";
    net.az_count = 2;
    net.max_az_count = 2;
    net.nat = NatMode::kNone;
    AddNetworking(ctx, net, &full);
    Stack s;
    s.id = s.name = "orders-api-dev";
    s.region = "eu-west-3";
    s.role = StackRole::kMain;
    for (const auto& [id, r] : full.resources().entries()) {
      if (r.type == "AWS::EC2::RouteTable" || r.type == "AWS::EC2::Route" ||
          r.type == "AWS::EC2::SubnetRouteTableAssociation")
        continue;
      cfn::Resource& copy = s.tmpl.AddResource(id, r.type, r.properties);
      copy.depends_on = r.depends_on;
    }
    for (const auto& [name, o] : full.outputs().entries()) s.tmpl.AddOutput(name, o);
    AddRegistry(ctx, RegistryConfig{7, 5, false, true}, &s.tmpl);  // dev's registry: emptied and deleted with the stack
    if (with_log_group)
      s.tmpl.AddResource("AppLogGroup", "AWS::Logs::LogGroup",
                         Json{{"LogGroupName", "/orders-api-dev/app"}, {"RetentionInDays", 7}});
    return s;
  }

  void Scenario() {
    SCOPED_TRACE("AWS CLI v" + std::to_string(major_) + " (" + cli_ + ")");
    auto start = std::chrono::steady_clock::now();
    Driver d = MakeDriver();
    Stack v1 = NetworkStack(false);
    Stack v2 = NetworkStack(true);

    using Status = DeployResult::Status;
    Diagnostics diags;
    DeployResult r = d.Deploy(v1, {}, {}, &diags);
    ASSERT_EQ(r.status, Status::kDeployed) << diags.FormatAll();
    EXPECT_EQ(r.follow.status, "CREATE_COMPLETE");
    EXPECT_TRUE(fs::exists(dir_ + "/state/unknown-account/eu-west-3/orders-api-dev/template.json"));

    r = d.Deploy(v2, {}, {}, &diags);
    ASSERT_EQ(r.status, Status::kDeployed) << diags.FormatAll();
    std::string shown = cli::RenderChangeSet(r.change_set);
    EXPECT_THAT(shown, ::testing::HasSubstr("(UPDATE): 1 change(s)")) << shown;
    EXPECT_THAT(shown, ::testing::HasSubstr("+ Add     AppLogGroup")) << shown;
    EXPECT_EQ(r.follow.status, "UPDATE_COMPLETE");

    r = d.Deploy(v2, {}, {}, &diags);
    ASSERT_EQ(r.status, Status::kNoChanges) << diags.FormatAll();

    OutputsResult outputs = d.Outputs(v2, &diags);
    ASSERT_EQ(outputs.status, OutputsResult::Status::kOk) << diags.FormatAll();
    EXPECT_TRUE(outputs.info.outputs.is_object());
    EXPECT_TRUE(fs::exists(dir_ + "/state/unknown-account/eu-west-3/orders-api-dev/outputs.json"));

    DestroyResult gone = d.Destroy(v2, nullptr, {}, &diags);
    ASSERT_EQ(gone.status, DestroyResult::Status::kDestroyed) << diags.FormatAll();
    StackInfo info;
    ASSERT_TRUE(d.Describe("orders-api-dev", "eu-west-3", &info, &diags)) << diags.FormatAll();
    EXPECT_FALSE(info.exists);
    EXPECT_FALSE(fs::exists(dir_ + "/state/unknown-account/eu-west-3/orders-api-dev"));
    EXPECT_FALSE(diags.HasErrors()) << diags.FormatAll();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    std::printf("moto scenario with %s (AWS CLI v%d): %lld ms\n", cli_.c_str(), major_, static_cast<long long>(ms));
  }

  int major_;
  std::string cli_, dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool started_ = false;
  std::unique_ptr<AwsCli> aws_;
};

// The scenario with AWS CLI v1 and v2 at the same time, each against its own server
// (the AWS CLI's start-up is most of it, and it keeps one core busy). A version the
// machine lacks is named by a "SKIPPED:" line, which `make test` reports; the test
// is skipped when neither is there, or moto is not.
TEST(AwsCli, MotoScenarioWithEachCliVersion) {
  if (!FindExecutable("moto_server")) GTEST_SKIP() << "SKIPPED: moto_server not found";
  std::vector<std::unique_ptr<MotoScenario>> scenarios;
  for (int major : {1, 2}) {
    std::string cli = FindCli(major);
    if (cli.empty())
      std::printf("SKIPPED: no AWS CLI v%d found; the moto scenario ran without it\n", major);
    else
      scenarios.push_back(std::make_unique<MotoScenario>(major, cli));
  }
  if (scenarios.empty()) GTEST_SKIP() << "SKIPPED: no AWS CLI v1 or v2 found";

  // Fake credentials, and no user configuration leaking in (one empty configuration
  // for both: the endpoint is each driver's option).
  testing::TempDir config;
  setenv("AWS_ACCESS_KEY_ID", "testing", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "testing", 1);
  setenv("AWS_SESSION_TOKEN", "testing", 1);
  setenv("AWS_DEFAULT_REGION", "eu-west-3", 1);
  setenv("AWS_CONFIG_FILE", (config.path() + "/aws-config").c_str(), 1);
  setenv("AWS_SHARED_CREDENTIALS_FILE", (config.path() + "/aws-credentials").c_str(), 1);
  setenv("AWS_PAGER", "", 1);
  unsetenv("AWS_PROFILE");
  unsetenv("BLUEPRINT_AWS_CLI");

  std::vector<std::thread> running;
  for (auto& s : scenarios) running.emplace_back([&s] { s->Run(); });
  for (auto& t : running) t.join();
}

}  // namespace
}  // namespace bp
