// The deploy driver against moto (a local AWS stand-in), through each AWS CLI major
// version present, at the same time, beside the rest of the suite: `aws` v1 and
// Debian's /usr/bin/aws v2. Scenario: create, update
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
#include <fstream>
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

// One scenario against its own moto server with one AWS CLI, on a thread of its own in
// a process of its own (MotoInBackground), so it records what went wrong instead of
// asserting; the test reports it.
class MotoScenario {
 public:
  MotoScenario(int major, std::string cli) : major_(major), cli_(std::move(cli)) {
    dir_ = (fs::temp_directory_path() / ("bp-moto-" + std::to_string(getpid()) + "-v" + std::to_string(major)))
               .string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // The CLI sees fake credentials and no user configuration, through a wrapper, so
    // the test process's own environment is left alone.
    wrapper_ = dir_ + "/aws";
    std::ofstream(wrapper_) << "#!/bin/sh\n"
                            << "export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing\n"
                            << "export AWS_DEFAULT_REGION=eu-west-3 AWS_PAGER=\n"
                            << "export AWS_CONFIG_FILE='" << dir_ << "/aws-config' AWS_SHARED_CREDENTIALS_FILE='" << dir_
                            << "/aws-credentials'\n"
                            << "unset AWS_PROFILE\n"
                            << "exec '" << cli_ << "' \"$@\"\n";
    fs::permissions(wrapper_, fs::perms::owner_all);
  }
  ~MotoScenario() {
    if (running_.joinable()) running_.join();
    StopBackground(pid_);  // the process group of the server this scenario started
    if (failures_.empty() && !dir_.empty()) fs::remove_all(dir_);
  }

  void Start() {
    running_ = std::thread([this] {
      auto start = std::chrono::steady_clock::now();
      if (StartServer()) Scenario();
      ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    });
  }
  // Waits for the scenario; what went wrong, one line each.
  const std::vector<std::string>& Finish() {
    if (running_.joinable()) running_.join();
    return failures_;
  }
  std::string Describe() const {
    return "AWS CLI v" + std::to_string(major_) + " (" + cli_ + "), " + std::to_string(ms_) + " ms";
  }

 private:
  // Records a failure when `ok` is false; returns `ok`.
  bool Check(bool ok, const std::string& what) {
    if (!ok) failures_.push_back(what);
    return ok;
  }

  // The port FreePort finds can be taken before moto binds it (by any connection's
  // ephemeral source port, the other scenario's CLI calls included: "Address already in
  // use" in moto.log). A server that exits while starting is started again on another port.
  bool StartServer() {
    std::string log = dir_ + "/moto.log";
    for (int attempt = 0; attempt < 3; ++attempt) {
      port_ = FreePort();
      pid_ = StartBackground({"moto_server", "-H", "127.0.0.1", "-p", std::to_string(port_)}, log);
      if (!Check(pid_ > 0, "moto_server did not start")) return false;
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      bool exited = false;
      while (!Accepting(port_) && std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
          exited = true;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (!exited) return Check(Accepting(port_), "moto_server did not start; see " + log);
      pid_ = -1;  // reaped: nothing for StopBackground
    }
    return Check(false, "moto_server exited at start three times; see " + log);
  }

  Driver MakeDriver() {
    AwsOptions aws;
    aws.program = wrapper_;
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
    Driver d = MakeDriver();
    Stack v1 = NetworkStack(false);
    Stack v2 = NetworkStack(true);

    using Status = DeployResult::Status;
    Diagnostics diags;
    DeployResult r = d.Deploy(v1, {}, {}, &diags);
    if (!Check(r.status == Status::kDeployed, "create: not deployed: " + diags.FormatAll())) return;
    Check(r.follow.status == "CREATE_COMPLETE", "create: status " + r.follow.status);
    Check(fs::exists(dir_ + "/state/unknown-account/eu-west-3/orders-api-dev/template.json"),
          "create: no template recorded");

    r = d.Deploy(v2, {}, {}, &diags);
    if (!Check(r.status == Status::kDeployed, "update: not deployed: " + diags.FormatAll())) return;
    std::string shown = cli::RenderChangeSet(r.change_set);
    Check(shown.find("(UPDATE): 1 change(s)") != std::string::npos, "update: change set shown as:\n" + shown);
    Check(shown.find("+ Add     AppLogGroup") != std::string::npos, "update: change set shown as:\n" + shown);
    Check(r.follow.status == "UPDATE_COMPLETE", "update: status " + r.follow.status);

    r = d.Deploy(v2, {}, {}, &diags);
    if (!Check(r.status == Status::kNoChanges, "no-op update: " + diags.FormatAll())) return;

    OutputsResult outputs = d.Outputs(v2, &diags);
    if (!Check(outputs.status == OutputsResult::Status::kOk, "outputs: " + diags.FormatAll())) return;
    Check(outputs.info.outputs.is_object(), "outputs: not an object: " + outputs.info.outputs.dump());
    Check(fs::exists(dir_ + "/state/unknown-account/eu-west-3/orders-api-dev/outputs.json"),
          "outputs: none recorded");

    DestroyResult gone = d.Destroy(v2, nullptr, {}, &diags);
    if (!Check(gone.status == DestroyResult::Status::kDestroyed, "destroy: " + diags.FormatAll())) return;
    StackInfo info;
    if (!Check(d.Describe("orders-api-dev", "eu-west-3", &info, &diags), "describe: " + diags.FormatAll())) return;
    Check(!info.exists, "destroy: the stack still exists");
    Check(!fs::exists(dir_ + "/state/unknown-account/eu-west-3/orders-api-dev"), "destroy: the record is kept");
    Check(!diags.HasErrors(), "errors: " + diags.FormatAll());
  }

  int major_;
  std::string cli_, dir_, wrapper_;
  int port_ = 0;
  pid_t pid_ = -1;
  long long ms_ = 0;
  std::unique_ptr<AwsCli> aws_;
  std::thread running_;
  std::vector<std::string> failures_;  // written by the scenario's thread, read after it ends
};

// The scenarios start when the test program starts, when AwsCli.MotoScenarioWithEachCliVersion
// is selected, and run beside the other tests (the AWS CLI's start-up is most of their
// time, and it keeps a core busy); the test waits for them. They run in a child process
// forked before any test (the program has one thread then): a test that raises a signal
// in the test process, or forks for a death test, cannot reach them, nor they it.
struct MotoRun {
  pid_t child = -1;
  std::string results;               // the child's JSON: [{"run": "...", "failures": [...]}]
  std::vector<std::string> skipped;  // "SKIPPED: ..." lines
};
MotoRun& Moto() {
  static MotoRun run;
  return run;
}

class MotoInBackground : public ::testing::Environment {
 public:
  void SetUp() override {
    if (!testing::TestWillRun("AwsCli", "MotoScenarioWithEachCliVersion")) return;
    if (!FindExecutable("moto_server")) {
      Moto().skipped.push_back("SKIPPED: moto_server not found");
      return;
    }
    std::vector<std::pair<int, std::string>> clis;
    for (int major : {1, 2}) {
      std::string cli = FindCli(major);
      if (cli.empty())
        Moto().skipped.push_back("SKIPPED: no AWS CLI v" + std::to_string(major) + " found");
      else
        clis.emplace_back(major, cli);
    }
    if (clis.empty()) return;
    Moto().results = (fs::temp_directory_path() / ("bp-moto-" + std::to_string(getpid()) + ".json")).string();
    std::fflush(nullptr);
    Moto().child = fork();
    if (Moto().child != 0) return;
    // The child: every scenario at once, then what went wrong, for the test to report.
    std::vector<std::unique_ptr<MotoScenario>> scenarios;
    for (const auto& [major, cli] : clis) scenarios.push_back(std::make_unique<MotoScenario>(major, cli));
    for (auto& sc : scenarios) sc->Start();
    Json out = Json::array();
    for (auto& sc : scenarios) {
      const std::vector<std::string>& failures = sc->Finish();
      out.push_back({{"run", sc->Describe()}, {"failures", failures}});
    }
    std::ofstream(Moto().results) << out.dump();
    scenarios.clear();  // stops the servers
    std::_Exit(0);
  }
  void TearDown() override {  // a run that never reached the test still waits for its child
    if (Moto().child > 0) waitpid(Moto().child, nullptr, 0);
    Moto().child = -1;
  }
};
const bool kMotoRegistered = (::testing::AddGlobalTestEnvironment(new MotoInBackground), true);

// With AWS CLI v1 and v2 at the same time, each against its own server. A version the
// machine lacks is named by a "SKIPPED:" line, which `make test` reports; the test is
// skipped when neither is there, or moto is not.
TEST(AwsCli, MotoScenarioWithEachCliVersion) {
  for (const auto& line : Moto().skipped) std::printf("%s\n", line.c_str());
  if (Moto().child < 0) GTEST_SKIP() << "SKIPPED: the moto scenario did not run";
  int status = 0;
  ASSERT_EQ(waitpid(Moto().child, &status, 0), Moto().child);
  Moto().child = -1;
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the scenarios' process ended with " << status;
  Json results = Json::parse(testing::ReadFileOrDie(Moto().results), nullptr, false);
  fs::remove(Moto().results);
  ASSERT_TRUE(results.is_array()) << "no results from the scenarios' process";
  for (const auto& r : results) {
    for (const auto& f : r["failures"]) ADD_FAILURE() << r["run"].get<std::string>() << ": " << f.get<std::string>();
    std::printf("moto scenario with %s\n", r["run"].get<std::string>().c_str());
  }
}

}  // namespace
}  // namespace bp
