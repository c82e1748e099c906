// The deploy driver against moto (a local AWS stand-in), through each AWS CLI major
// version present: `aws` v1 and Debian's /usr/bin/aws v2. Scenario: create, update
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
#include <thread>

#include <gtest/gtest.h>

#include "cli/deploy_render.h"
#include "deploy/driver.h"
#include "deploy/process.h"
#include "modules/networking.h"
#include "modules/registry.h"

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

class MotoTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    if (!FindExecutable("moto_server")) GTEST_SKIP() << "SKIPPED: moto_server not found";
    cli_ = FindCli(GetParam());
    if (cli_.empty()) GTEST_SKIP() << "SKIPPED: no AWS CLI v" << GetParam() << " found";
    dir_ = (fs::temp_directory_path() / ("bp-moto-" + std::to_string(getpid()) + "-v" +
                                         std::to_string(GetParam())))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Fake credentials, and no user configuration leaking in.
    setenv("AWS_ACCESS_KEY_ID", "testing", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "testing", 1);
    setenv("AWS_SESSION_TOKEN", "testing", 1);
    setenv("AWS_DEFAULT_REGION", "eu-west-3", 1);
    setenv("AWS_CONFIG_FILE", (dir_ + "/aws-config").c_str(), 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", (dir_ + "/aws-credentials").c_str(), 1);
    setenv("AWS_PAGER", "", 1);
    unsetenv("AWS_PROFILE");
    unsetenv("BLUEPRINT_AWS_CLI");

    port_ = FreePort();
    std::string log = dir_ + "/moto.log";
    pid_ = StartBackground({"moto_server", "-H", "127.0.0.1", "-p", std::to_string(port_)}, log);
    ASSERT_GT(pid_, 0) << "moto_server did not start";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!Accepting(port_) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_TRUE(Accepting(port_)) << "moto_server did not start; see " << log;
  }

  void TearDown() override {
    StopBackground(pid_);  // the process group of the server this test started
    if (!HasFailure() && !dir_.empty()) fs::remove_all(dir_);
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
  Stack NetworkStack(bool with_log_group) {
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

  std::string cli_, dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::unique_ptr<AwsCli> aws_;
};

TEST_P(MotoTest, CreateUpdateNoChangeOutputsDestroy) {
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
  EXPECT_NE(shown.find("(UPDATE): 1 change(s)"), std::string::npos) << shown;
  EXPECT_NE(shown.find("+ Add     AppLogGroup"), std::string::npos) << shown;
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
  std::printf("moto scenario with %s (AWS CLI v%d): %lld ms\n", cli_.c_str(), GetParam(),
              static_cast<long long>(ms));
}

INSTANTIATE_TEST_SUITE_P(AwsCli, MotoTest, ::testing::Values(1, 2),
                         [](const ::testing::TestParamInfo<int>& i) { return "V" + std::to_string(i.param); });

}  // namespace
}  // namespace bp
