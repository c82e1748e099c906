// The deploy commands under faults (issue 23, points 1, 4, 8 and 9), each from its
// reproducer against the stand-in `aws` (tests/fake_aws.h):
//   1. destroy never deletes a stack whose template or resources it could not read;
//   4. an outputs record is never replaced by an answer that was not verified;
//   8. a change set CloudFormation does not compute is waited for in words, and not
//      for ever;
//   9. every way out of `up` and `preview --remote` (a failed call, an interrupt)
//      deletes the change set and the empty stack it made, or says exactly what is
//      left and how to remove it; an interrupt once executing says CloudFormation goes on.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "cli/deploy_render.h"
#include "deploy/driver.h"
#include "fake_aws.h"

namespace bp {
namespace {

namespace fs = std::filesystem;

const std::string kGetTemplateCall = "cloudformation get-template --stack-name orders-api-dev";
const std::string kListResources = "cloudformation list-stack-resources --stack-name orders-api-dev";
const std::string kDeleteStack = "cloudformation delete-stack --stack-name orders-api-dev";

Json Answer(const Json& stdout_json) { return Json::array({{{"stdout", stdout_json}}}); }
Json Failure(const std::string& code, const std::string& operation, const std::string& message) {
  return Json::array({{{"stderr", "\nAn error occurred (" + code + ") when calling the " + operation +
                                      " operation: " + message + "\n"},
                       {"rc", 254}}});
}
Json Hang() { return Json::array({{{"hang", 600}, {"stdout", ""}}}); }

class DeployFaults : public FakeAwsTest {
 protected:
  bool Called(const std::string& prefix) const {
    for (const auto& c : Calls())
      if (StartsWith(c, prefix)) return true;
    return false;
  }
  std::string Pending() const { return record() + "/pending.template.json"; }

  // `blueprint ARGS...` in the background; once the stand-in was called with `call`
  // (a prefix of Calls()), the signal. The wait status and what it printed.
  struct Run {
    int status = 0;
    std::string log;
  };
  Run InterruptDuring(std::vector<std::string> args, const std::string& call, int sig = SIGINT) {
    std::vector<std::string> argv = {BLUEPRINT_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--environments", kEnvironments, "--state-dir", state()});
    Run run;
    int pid = StartBackground(argv, dir_ + "/run.log");
    EXPECT_GT(pid, 0);
    bool reached = false;
    for (int i = 0; i < 600 && !reached; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      reached = Called(call);
    }
    EXPECT_TRUE(reached) << call;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    kill(pid, sig);
    waitpid(pid, &run.status, 0);
    run.log = ReadFileOrEmpty(dir_ + "/run.log");
    return run;
  }
  static bool EndedBy(const Run& r, int sig) { return WIFSIGNALED(r.status) && WTERMSIG(r.status) == sig; }
};

// --- 1. destroy reads before it deletes ---------------------------------------------

TEST_F(DeployFaults, DestroyDeletesNothingWhenTheTemplateOrResourcesCannotBeRead) {
  struct Case {
    const char* what;
    Json extra;
    const char* says;
  };
  std::vector<Case> cases = {
      {"get-template denied",
       {{"cloudformation get-template", Failure("AccessDenied", "GetTemplate",
                                                "User is not authorized to perform: cloudformation:GetTemplate")}},
       "cannot read the deployed template (get-template: AccessDenied: User is not authorized"},
      {"get-template empty", {{"cloudformation get-template", Answer("")}}, "cannot read the deployed template"},
      {"get-template without Resources",
       {{"cloudformation get-template", Answer({{"TemplateBody", "{\"Description\": \"x\"}"}})}},
       "no JSON template with Resources in the answer"},
      {"list-stack-resources denied",
       {{"cloudformation list-stack-resources",
         Failure("AccessDenied", "ListStackResources", "User is not authorized to perform: ListStackResources")}},
       "cannot read the stack's resources (list-stack-resources: AccessDenied"},
      {"list-stack-resources empty", {{"cloudformation list-stack-resources", Answer("")}},
       "cannot read the stack's resources (list-stack-resources: unexpected answer"},
      {"list-stack-resources lists nothing",
       {{"cloudformation list-stack-resources", Answer({{"StackResourceSummaries", Json::array()}})}},
       "no resources, for a UPDATE_COMPLETE stack whose template has"},
  };
  for (const Case& c : cases) {
    UseScenario("destroy", c.extra);
    fs::create_directories(record());
    std::ofstream(record() + "/outputs.json") << "{\"kept\": \"yes\"}";
    ProcessResult r = Blueprint("destroy", {"--stack", "dev", "--yes"});
    EXPECT_EQ(r.exit_code, 1) << c.what << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, c.says)) << c.what << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err, "nothing was deleted")) << c.what << r.err;
    EXPECT_FALSE(Contains(r.out, "will be deleted")) << c.what << r.out;  // no plan from what was not read
    EXPECT_FALSE(Called(kDeleteStack)) << c.what;
    EXPECT_EQ(ReadFileOrEmpty(record() + "/outputs.json"), "{\"kept\": \"yes\"}") << c.what;
  }
}

TEST_F(DeployFaults, ADatabaseWithDeletionProtectionStillStopsADestroy) {
  // The refusal that an unread template once skipped, from a template that was read.
  Json tmpl = {{"Resources",
                {{"Database",
                  {{"Type", "AWS::RDS::DBInstance"},
                   {"DeletionPolicy", "Snapshot"},
                   {"Properties", {{"DeletionProtection", true}}}}}}}};
  UseScenario("destroy", {{"cloudformation get-template", Answer({{"TemplateBody", tmpl}})}});
  ProcessResult r = Blueprint("destroy", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "has deletion protection")) << r.err;
  EXPECT_FALSE(Called(kDeleteStack));
}

TEST_F(DeployFaults, AnEmptyStackLeftInReviewIsDeletedWithoutATemplate) {
  // What `up` tells the user to do with a REVIEW_IN_PROGRESS stack must work: it has no
  // resources and no template to read.
  Json review = Scenario("review-in-progress")["cloudformation describe-stacks"];
  Json gone = Failure("ValidationError", "DescribeStacks", "Stack with id orders-api-dev does not exist");
  UseScenario("review-in-progress",
              {{"cloudformation describe-stacks", Json::array({review[0], gone[0]})},
               {"cloudformation delete-stack", Answer("")},
               {"cloudformation describe-stack-events", Answer({{"StackEvents", Json::array()}})},
               {"cloudformation get-template", Failure("ValidationError", "GetTemplate", "no template")}});
  ProcessResult r = Blueprint("destroy", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "0 resource(s) will be deleted")) << r.out;
  EXPECT_TRUE(Called(kDeleteStack));
  EXPECT_FALSE(Called(kGetTemplateCall));
}

// --- 4. outputs come from a verified answer ---------------------------------------

TEST_F(DeployFaults, AMalformedDescribeAnswerNeverReplacesTheOutputsRecord) {
  Json good = Scenario("outputs")["cloudformation describe-stacks"][0]["stdout"];
  auto with = [&](const std::function<void(Json&)>& change) {
    Json answer = good;
    change(answer["Stacks"][0]);
    return Json{{"cloudformation describe-stacks", Answer(answer)}};
  };
  struct Case {
    const char* what;
    Json extra;
    const char* says;
  };
  std::vector<Case> cases = {
      {"Outputs not a list", with([](Json& s) { s["Outputs"] = {{"VpcId", "vpc-1"}}; }), "Outputs is not a list"},
      {"an entry without a key", with([](Json& s) { s["Outputs"] = Json::array({{{"OutputValue", "vpc-1"}}}); }),
       "Outputs holds an entry without a text OutputKey and OutputValue"},
      {"a value that is not text",
       with([](Json& s) { s["Outputs"] = Json::array({{{"OutputKey", "VpcId"}, {"OutputValue", 5}}}); }),
       "Outputs holds an entry without a text OutputKey and OutputValue"},
      {"another stack", with([](Json& s) { s["StackName"] = "someone-elses-stack"; }),
       "it is about stack \"someone-elses-stack\", not orders-api-dev"},
  };
  const std::string kept = "{\n  \"VpcId\": \"vpc-recorded\"\n}\n";
  for (const Case& c : cases) {
    UseScenario("outputs", c.extra);
    fs::create_directories(record());
    std::ofstream(record() + "/outputs.json") << kept;
    ProcessResult r = Blueprint("outputs", {"--stack", "dev"});
    EXPECT_EQ(r.exit_code, 1) << c.what << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, "describe-stacks: unexpected answer (" + std::string(c.says))) << c.what << r.err;
    EXPECT_TRUE(Contains(r.err, "nothing was recorded from it")) << r.err;
    EXPECT_EQ(ReadFileOrEmpty(record() + "/outputs.json"), kept) << c.what;
  }
}

TEST_F(DeployFaults, ARolledBackStackShowsItsOutputsButKeepsTheRecord) {
  Json answer = Scenario("outputs")["cloudformation describe-stacks"][0]["stdout"];
  answer["Stacks"][0]["StackStatus"] = "UPDATE_ROLLBACK_COMPLETE";
  answer["Stacks"][0].erase("Outputs");
  UseScenario("outputs", {{"cloudformation describe-stacks", Answer(answer)}});
  const std::string kept = "{\n  \"VpcId\": \"vpc-recorded\"\n}\n";
  fs::create_directories(record());
  std::ofstream(record() + "/outputs.json") << kept;
  ProcessResult r = Blueprint("outputs", {"--stack", "dev"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "it is UPDATE_ROLLBACK_COMPLETE: these outputs are not recorded")) << r.err;
  EXPECT_EQ(ReadFileOrEmpty(record() + "/outputs.json"), kept);
  // A success records what it says.
  UseScenario("outputs");
  ASSERT_EQ(Blueprint("outputs", {"--stack", "dev"}).exit_code, 0);
  EXPECT_TRUE(Contains(ReadFileOrEmpty(record() + "/outputs.json"), "vpc-0a1b2c3d4e5f60718"));
}

// --- 8. a change set that is not computed ------------------------------------------

// The driver in-process on a clock of its own: a sleep moves it on.
class ChangeSetWait : public DeployFaults {
 protected:
  Stack MakeStack() {
    Stack s;
    s.id = s.name = "orders-api-dev";
    s.region = "eu-west-3";
    s.role = StackRole::kMain;
    s.tmpl.AddResource("Topic", "AWS::SNS::Topic");
    return s;
  }
  DriverOptions Options() {
    DriverOptions o;
    o.state_dir = state();
    o.poll_interval_ms = 1000;
    o.now_ms = [this] { return now_ms_; };
    o.sleep = [this](int ms) { now_ms_ += ms; };
    return o;
  }
  void SetUp() override {
    DeployFaults::SetUp();
    AwsOptions ao;
    ao.retry_base_ms = 0;
    aws_ = std::make_unique<AwsCli>(ao);
  }
  long long now_ms_ = 0;
  std::unique_ptr<AwsCli> aws_;
};

Json StillPending() { return Answer({{"ChangeSetName", "blueprint-x"}, {"Status", "CREATE_PENDING"}}); }

TEST_F(ChangeSetWait, SaysStillWaitingAtASteadyCadenceAndGivesUpInMinutes) {
  UseScenario("update", {{"cloudformation describe-change-set", StillPending()},
                         {"cloudformation delete-change-set", Answer("")}});
  DriverOptions o = Options();
  o.change_set_timeout_seconds = 120;
  std::vector<int> said;
  DriverObserver observer;
  observer.waiting = [&](const ChangeSet& cs, int seconds) {
    said.push_back(seconds);
    EXPECT_EQ(cs.status, "CREATE_PENDING");
    EXPECT_EQ(cli::RenderStillWaiting(cs, seconds),
              "  orders-api-dev: change set " + cs.name + " is CREATE_PENDING; still waiting (" +
                  std::to_string(seconds) + " s)\n");
  };
  Driver driver(*aws_, o);
  Diagnostics diags;
  DeployResult r = driver.Deploy(MakeStack(), {}, observer, &diags);
  EXPECT_EQ(r.status, DeployResult::Status::kFailed);
  // Every 30 s on the driver's clock, give or take one poll (at most 10 s apart).
  ASSERT_EQ(said.size(), 3u) << ::testing::PrintToString(said);
  for (size_t i = 0; i < said.size(); ++i) {
    EXPECT_GE(said[i], 30 * static_cast<int>(i + 1));
    EXPECT_LT(said[i], 30 * static_cast<int>(i + 1) + 10);
  }
  EXPECT_TRUE(Contains(diags.FormatAll(), " still CREATE_PENDING after 120 s; giving up")) << diags.FormatAll();
  EXPECT_GE(now_ms_, 120000);
  EXPECT_LT(now_ms_, 131000);
  EXPECT_EQ(Calls().back(), kDeleteCs);  // given up on, then deleted
  EXPECT_FALSE(fs::exists(Pending()));
}

TEST_F(DeployFaults, TheChangeSetBoundIsSetByAnEnvironmentVariableAndChecked) {
  UseScenario("update", {{"cloudformation describe-change-set", StillPending()},
                         {"cloudformation delete-change-set", Answer("")}});
  for (const char* bad : {"abc", "0", "-5", "86401", "3000000000"}) {
    setenv("BLUEPRINT_CHANGE_SET_TIMEOUT_SECONDS", bad, 1);
    ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
    EXPECT_EQ(r.exit_code, 2) << bad << r.err;
    EXPECT_TRUE(Contains(r.err, "BLUEPRINT_CHANGE_SET_TIMEOUT_SECONDS")) << r.err;
  }
  EXPECT_TRUE(Records().empty());
  setenv("BLUEPRINT_CHANGE_SET_TIMEOUT_SECONDS", "2", 1);
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
  unsetenv("BLUEPRINT_CHANGE_SET_TIMEOUT_SECONDS");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "still CREATE_PENDING after ")) << r.err;
  EXPECT_TRUE(Contains(r.err, "BLUEPRINT_CHANGE_SET_TIMEOUT_SECONDS sets the bound, 2 s now")) << r.err;
  EXPECT_EQ(Calls().back(), kDeleteCs);
  EXPECT_FALSE(fs::exists(Pending()));
}

// --- 9. every way out cleans up, or says what is left ------------------------------

TEST_F(DeployFaults, AFailedDescribeOrExecuteDeletesTheChangeSetAndTheEmptyStack) {
  for (const char* op : {"describe-change-set", "execute-change-set"}) {
    std::string operation = op == std::string("describe-change-set") ? "DescribeChangeSet" : "ExecuteChangeSet";
    Json scenario = CreateLeftInReview();
    scenario["cloudformation " + std::string(op)] =
        Failure("AccessDenied", operation, "User is not authorized to perform: " + operation);
    UseScenario("create", scenario);
    ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
    EXPECT_EQ(r.exit_code, 1) << op << r.out << r.err;
    EXPECT_TRUE(Contains(r.err, std::string(op) + ": AccessDenied")) << r.err;
    std::vector<std::string> calls = Calls();
    ASSERT_GE(calls.size(), 2u);
    EXPECT_EQ(calls[calls.size() - 2], kDescribe) << op;  // still the empty stack the change set made
    EXPECT_EQ(calls.back(), kDeleteCreatedStack) << op;   // it goes with its change set
    EXPECT_FALSE(fs::exists(Pending())) << op;
  }
  // An update's change set is deleted itself.
  for (const char* op : {"describe-change-set", "execute-change-set"}) {
    std::string operation = op == std::string("describe-change-set") ? "DescribeChangeSet" : "ExecuteChangeSet";
    UseScenario("update", {{"cloudformation " + std::string(op),
                            Failure("AccessDenied", operation, "User is not authorized to perform: " + operation)},
                           {"cloudformation delete-change-set", Answer("")}});
    ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
    EXPECT_EQ(r.exit_code, 1) << op << r.out << r.err;
    EXPECT_EQ(Calls().back(), kDeleteCs) << op;
    EXPECT_FALSE(fs::exists(Pending())) << op;
  }
}

TEST_F(DeployFaults, WhatCannotBeCleanedUpIsSaidWithTheCommandThatRemovesIt) {
  // An update's change set that cannot be deleted.
  UseScenario("update",
              {{"cloudformation describe-change-set", Failure("AccessDenied", "DescribeChangeSet", "not allowed")},
               {"cloudformation delete-change-set", Failure("AccessDenied", "DeleteChangeSet", "not allowed")}});
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "left behind, and how to remove it:\n")) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex("    change set blueprint-[0-9]{14} of stack orders-api-dev: aws "
                                                  "cloudformation delete-change-set --stack-name orders-api-dev "
                                                  "--change-set-name blueprint-[0-9]{14} --region eu-west-3\n")))
      << r.err;
  // A first deploy's empty stack that cannot be deleted.
  Json scenario = CreateLeftInReview();
  scenario["cloudformation describe-change-set"] = Failure("AccessDenied", "DescribeChangeSet", "not allowed");
  scenario["cloudformation delete-stack"] = Failure("AccessDenied", "DeleteStack", "not allowed");
  UseScenario("create", scenario);
  r = Blueprint("up", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "    stack orders-api-dev (REVIEW_IN_PROGRESS, empty): aws cloudformation delete-stack "
                              "--stack-name " + kCreatedStackId + " --region eu-west-3\n"))
      << r.err;
}

TEST_F(DeployFaults, AnExecuteCutShortIsCheckedBeforeAnythingIsDeleted) {
  // execute-change-set got no answer (a broken connection), but the change set says it
  // runs: the stack is followed to the end, nothing is deleted.
  Json lost = Failure("RequestTimeout", "ExecuteChangeSet", "Connection was closed before we received a valid response");
  Json described = Scenario("update")["cloudformation describe-change-set"];
  Json executing = described.back();
  executing["stdout"]["ExecutionStatus"] = "EXECUTE_IN_PROGRESS";
  UseScenario("update", {{"cloudformation execute-change-set", lost},
                         {"cloudformation describe-change-set", Json::array({described[0], described[1], executing})}});
  ProcessResult r = Blueprint("up", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(Called(kDeleteCs));
  EXPECT_TRUE(Contains(r.out, "orders-api-dev: UPDATE_COMPLETE after ")) << r.out;
  // And when the change set cannot say, nothing is deleted and the user is told to look.
  UseScenario("update", {{"cloudformation execute-change-set", lost},
                         {"cloudformation describe-change-set",
                          Json::array({described[0], described[1], Failure("AccessDenied", "DescribeChangeSet", "no")[0]})}});
  r = Blueprint("up", {"--stack", "dev", "--yes"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_FALSE(Called(kDeleteCs));
  EXPECT_TRUE(Contains(r.err, "the stack may still be updating")) << r.err;
  EXPECT_FALSE(fs::exists(Pending()));
}

TEST_F(DeployFaults, InterruptedWhileTheChangeSetIsComputedUpDeletesItAndEndsByTheSignal) {
  Json scenario = CreateLeftInReview();
  scenario["cloudformation describe-change-set"] = Hang();
  UseScenario("create", scenario);
  Run run = InterruptDuring({"up", "--stack", "dev", "--yes"}, "cloudformation describe-change-set");
  EXPECT_TRUE(EndedBy(run, SIGINT)) << run.status << run.log;
  std::vector<std::string> calls = Calls();
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls[calls.size() - 2], kDescribe);
  EXPECT_EQ(calls.back(), kDeleteCreatedStack);
  EXPECT_FALSE(Called(kExecute));
  EXPECT_FALSE(fs::exists(Pending()));
  EXPECT_TRUE(Contains(run.log, "interrupted: nothing was deployed to orders-api-dev; nothing is left behind\n"))
      << run.log;
  // An update's change set is deleted itself.
  UseScenario("update", {{"cloudformation describe-change-set", Hang()}, {"cloudformation delete-change-set", Answer("")}});
  run = InterruptDuring({"up", "--stack", "dev", "--yes"}, "cloudformation describe-change-set", SIGTERM);
  EXPECT_TRUE(EndedBy(run, SIGTERM)) << run.status << run.log;
  EXPECT_EQ(Calls().back(), kDeleteCs);
  EXPECT_FALSE(fs::exists(Pending()));
}

TEST_F(DeployFaults, InterruptedWhileExecutingUpSaysCloudFormationGoesOn) {
  // The first events poll (before execute) answers; the ones that follow hang.
  Json events = Scenario("update")["cloudformation describe-stack-events"];
  UseScenario("update", {{"cloudformation describe-stack-events", Json::array({events[0], Hang()[0]})},
                         {"cloudformation delete-change-set", Answer("")}});
  // Once execute-change-set answered, `up` follows the stack: the interrupt lands there.
  Run run = InterruptDuring({"up", "--stack", "dev", "--yes"}, kExecute, SIGINT);
  EXPECT_TRUE(EndedBy(run, SIGINT)) << run.status << run.log;
  EXPECT_TRUE(Called(kExecute)) << run.log;
  EXPECT_FALSE(Called(kDeleteCs));  // an executed change set is CloudFormation's
  EXPECT_FALSE(Called("cloudformation cancel-update-stack"));
  EXPECT_TRUE(Contains(run.log, "interrupted: CloudFormation goes on updating orders-api-dev")) << run.log;
  EXPECT_TRUE(Contains(run.log, "aws cloudformation describe-stack-events --stack-name orders-api-dev --region "
                                "eu-west-3"))
      << run.log;
  EXPECT_TRUE(Contains(run.log, "aws cloudformation cancel-update-stack --stack-name orders-api-dev")) << run.log;
  EXPECT_FALSE(fs::exists(Pending()));
}

TEST_F(DeployFaults, InterruptedRemotePreviewDeletesItsChangeSet) {
  UseScenario("replacement", {{"cloudformation describe-change-set", Hang()}});
  auto preview_dirs = [] {
    std::set<std::string> found;
    for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))
      if (StartsWith(e.path().filename().string(), "blueprint-preview-")) found.insert(e.path().string());
    return found;
  };
  std::set<std::string> before = preview_dirs();
  Run run = InterruptDuring({"preview", "--stack", "dev", "--remote"}, "cloudformation describe-change-set",
                            SIGTERM);
  EXPECT_TRUE(EndedBy(run, SIGTERM)) << run.status << run.log;
  EXPECT_EQ(Calls().back(), kDeleteCs);
  EXPECT_TRUE(Contains(run.log, "interrupted: nothing was changed; nothing is left behind\n")) << run.log;
  EXPECT_EQ(preview_dirs(), before);  // its template's temporary folder went too
}

TEST_F(DeployFaults, InterruptedDestroyBeforeTheDeleteDeletesNothing) {
  UseScenario("destroy", {{"cloudformation list-stack-resources", Hang()}});
  Run run = InterruptDuring({"destroy", "--stack", "dev", "--yes"}, kListResources, SIGHUP);
  EXPECT_TRUE(EndedBy(run, SIGHUP)) << run.status << run.log;
  EXPECT_FALSE(Called(kDeleteStack));
  EXPECT_TRUE(Contains(run.log, "interrupted: orders-api-dev was not deleted; nothing was deleted")) << run.log;
}

TEST_F(DeployFaults, InterruptedDestroyAfterTheDeleteSaysCloudFormationGoesOn) {
  Json events = Scenario("destroy")["cloudformation describe-stack-events"];
  UseScenario("destroy", {{"cloudformation describe-stack-events", Json::array({events[0], Hang()[0]})}});
  fs::create_directories(record());
  std::ofstream(record() + "/outputs.json") << "{}";
  Run run = InterruptDuring({"destroy", "--stack", "dev", "--yes"}, kDeleteStack, SIGINT);
  EXPECT_TRUE(EndedBy(run, SIGINT)) << run.status << run.log;
  EXPECT_TRUE(Contains(run.log, "interrupted: CloudFormation goes on deleting orders-api-dev")) << run.log;
  EXPECT_TRUE(fs::exists(record() + "/outputs.json"));  // forgotten only once it is gone
}

// The same in-process, where the interrupt lands exactly at the decision and in the
// middle of following: the driver remembers it (DeferInterrupts) and answers it.
TEST_F(ChangeSetWait, AnInterruptAtTheQuestionDeletesTheChangeSet) {
  InstallInterruptHandlers();
  UseScenario("create", CreateLeftInReview());
  DriverObserver observer;
  observer.decide = [](const std::string&) {
    raise(SIGINT);  // Ctrl-C at "Deploy these changes?": the read ends without an answer
    return Decision::kNo;
  };
  Driver driver(*aws_, Options());
  Diagnostics diags;
  DeployResult r = driver.Deploy(MakeStack(), {}, observer, &diags);
  EXPECT_EQ(InterruptSignal(), SIGINT);
  ClearInterruptForTesting();
  EXPECT_EQ(r.status, DeployResult::Status::kInterrupted);
  std::vector<std::string> calls = Calls();
  ASSERT_GE(calls.size(), 2u);
  EXPECT_EQ(calls[calls.size() - 2], kDescribe);
  EXPECT_EQ(calls.back(), kDeleteCreatedStack);
  EXPECT_FALSE(fs::exists(Pending()));
  EXPECT_EQ(cli::RenderDeployInterrupted("orders-api-dev", "eu-west-3", r),
            "interrupted: nothing was deployed to orders-api-dev; nothing is left behind\n");
}

TEST_F(ChangeSetWait, AnInterruptWhileFollowingLeavesTheStackToCloudFormation) {
  InstallInterruptHandlers();
  UseScenario("update");
  DriverObserver observer;
  observer.progress = [](const FollowProgress&) { raise(SIGTERM); };
  Driver driver(*aws_, Options());
  Diagnostics diags;
  DeployResult r = driver.Deploy(MakeStack(), {}, observer, &diags);
  EXPECT_EQ(InterruptSignal(), SIGTERM);
  ClearInterruptForTesting();
  EXPECT_EQ(r.status, DeployResult::Status::kInterrupted);
  EXPECT_TRUE(r.follow.interrupted);
  EXPECT_FALSE(Called(kDeleteCs));
  EXPECT_FALSE(fs::exists(Pending()));
  EXPECT_FALSE(fs::exists(record() + "/template.json"));  // not recorded: not known to be deployed
}

}  // namespace
}  // namespace bp
