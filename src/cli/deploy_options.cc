#include "cli/deploy_options.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <set>

#include <CLI/CLI.hpp>

#include "cfn/json_read.h"
#include "config/secrets.h"
#include "deploy/leftovers.h"
#include "util/files.h"
#include "util/strings.h"

namespace bp::cli {

void AddAwsOptions(CLI::App* cmd, AwsFlags* f) {
  cmd->add_option("--profile", f->aws.profile, "AWS CLI profile (passed to aws --profile)");
  cmd->add_option("--region", f->aws.region,
                  "Must match the selected stacks' own regions (each stack deploys in its own region)");
  cmd->add_option("--endpoint-url", f->aws.endpoint_url, "AWS endpoint URL (passed to aws --endpoint-url)");
  cmd->add_option("--state-dir", f->state_dir,
                  "Where deployed templates and outputs are recorded (default: .blueprint beside the environments "
                  "directory)");
  cmd->parse_complete_callback([f] {
    Diagnostics diags;
    ReadAwsEnvironment(&f->aws, &diags);
    ReadDriverEnvironment(&f->driver, &diags);
    if (diags.HasErrors()) RefuseAtParse(diags);
  });
}

void AddParameterOptions(CLI::App* cmd, ParameterFlags* f) {
  cmd->add_option("--image-uri", f->image_uri,
                  "Container image for each selected stack's image parameter (default: keep the deployed one)");
  cmd->add_option("--parameter", f->assignments, "Template parameter value NAME=VALUE (repeatable)");
  cmd->add_option("--parameters-file", f->file, "JSON file {\"NAME\": \"VALUE\", ...} of parameter values");
}

bool CollectParameterValues(const ParameterFlags& f, const Loaded& loaded, StackParameterValues* values) {
  std::vector<std::pair<std::string, std::string>> given;
  if (!f.file.empty()) {
    std::string text;
    Diagnostics read;
    if (!ReadFile(f.file, &text, &read)) {
      Diagnostics d;
      d.Append(read, "--parameters-file");
      PrintDiagnostics(d);
      return false;
    }
    cfn::Json doc;
    std::string why;
    if (!cfn::ParseJson(text, &doc, &why) || !doc.is_object()) {
      std::fprintf(stderr, "error: --parameters-file: %s: expected a JSON object {\"NAME\": \"VALUE\"}%s\n",
                   f.file.c_str(), why.empty() ? "" : (" (" + why + ")").c_str());
      return false;
    }
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      if (!it.value().is_string()) {
        std::fprintf(stderr, "error: --parameters-file: %s: the value of %s must be a string\n", f.file.c_str(),
                     it.key().c_str());
        return false;
      }
      given.emplace_back(it.key(), it.value().get<std::string>());
    }
  }
  for (const auto& a : f.assignments) {
    size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "error: --parameter %s: expected NAME=VALUE\n", a.c_str());
      return false;
    }
    given.emplace_back(a.substr(0, eq), a.substr(eq + 1));
  }

  std::vector<std::string> known;
  for (const auto& s : loaded.app.stacks)
    for (const auto& [name, p] : s.tmpl.parameters().entries()) known.push_back(name);
  for (const auto& [name, value] : given) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::fprintf(stderr, "error: parameter %s: no selected stack has a template parameter named %s%s\n",
                   name.c_str(), name.c_str(), DidYouMean(name, known).c_str());
      return false;
    }
    values->given[name] = value;
  }
  if (!f.image_uri.empty()) {
    bool any = false;
    for (const auto& s : loaded.app.stacks) any = any || s.ImageInput();
    if (!any) {
      std::fprintf(stderr, "error: --image-uri: no selected stack runs a container image; select an environment or "
                           "its main stack\n");
      return false;
    }
    values->image_uri = f.image_uri;
  }
  return AddSecretParameterValues(loaded, values);
}

ParameterValues StackParameterValues::For(const Stack& stack) const {
  ParameterValues out = given;
  if (const StackInput* image = stack.ImageInput(); image && !image_uri.empty()) out[image->parameter] = image_uri;
  if (auto it = by_stack.find(stack.id); it != by_stack.end())
    for (const auto& [name, value] : it->second) out.emplace(name, value);  // a given value wins
  return out;
}

namespace {

// The config secrets the recorded inputs of `c`'s stacks name (app.h StackInput,
// InputSource::kConfigSecret) that no flag gives and `c` has a value for. A stack
// serving several environments (the account stack) has none.
struct SecretBinding {
  std::string stack, parameter, key_path;  // stack id, its parameter, the value's key path
};
std::vector<SecretBinding> SecretBindings(const Loaded& loaded, const StackConfig& c, const ParameterValues& given) {
  std::vector<std::string> set;
  for (const auto& [path, value] : SecureValues(c)) set.push_back(path);
  std::vector<SecretBinding> out;
  for (const auto& s : loaded.app.stacks) {
    if (s.envs.size() != 1 || s.envs.front() != c.env) continue;
    for (const StackInput& in : s.inputs)
      if (in.source == InputSource::kConfigSecret && !given.count(in.parameter) &&
          std::find(set.begin(), set.end(), in.config_key) != set.end())
        out.push_back({s.id, in.parameter, in.config_key});
  }
  return out;
}

}  // namespace

bool AddSecretParameterValues(const Loaded& loaded, StackParameterValues* values) {
  std::string passphrase;
  bool ok = true;
  for (const auto& c : loaded.configs) {
    std::vector<SecretBinding> bindings = SecretBindings(loaded, c, values->given);
    if (bindings.empty()) continue;
    Diagnostics diags;
    if (passphrase.empty() && !ReadPassphrase(false, &passphrase, &diags)) {
      Diagnostics d;
      d.Error({}, c.file, "secrets need the config passphrase: " + diags.FirstError());
      PrintDiagnostics(d);
      return false;
    }
    std::vector<std::pair<std::string, std::string>> clear;
    if (!DecryptSecureValues(c, passphrase, &clear, &diags)) {
      PrintDiagnostics(diags);
      ok = false;
      break;
    }
    // A value the parameter cannot take (an origin secret is an HTTP header value WAF
    // compares) is refused here, naming the key, rather than by CloudFormation.
    for (const auto& [path, value] : clear)
      if (std::string bad = CheckSecureValue(path, value); !bad.empty()) {
        std::fprintf(stderr, "error: %s: %s: %s; set it again with `blueprint config set --stack %s --secret %s`\n",
                     c.file.c_str(), path.c_str(), bad.c_str(), c.env.c_str(), path.c_str());
        ok = false;
      }
    for (const SecretBinding& b : bindings)
      for (const auto& [p, value] : clear)
        if (ok && p == b.key_path) values->by_stack[b.stack].emplace(b.parameter, value);
    for (auto& [path, value] : clear) WipeString(&value);
    if (!ok) break;
  }
  WipeString(&passphrase);
  return ok;
}

Console TerminalConsole(bool assume_yes) {
  Console c;
  c.assume_yes = assume_yes;
  c.live = isatty(STDOUT_FILENO);
  c.interactive = isatty(STDIN_FILENO);
  c.ask = [](const std::string& question) {
    std::fprintf(stdout, "%s [y/N] ", question.c_str());
    std::fflush(stdout);
    std::string answer;
    if (!std::getline(std::cin, answer)) return false;
    answer = ToLower(answer);
    return answer == "y" || answer == "yes";
  };
  return c;
}

bool LoadSelectedStacks(const Selection& sel, Loaded* loaded, std::vector<const Stack*>* order) {
  if (!LoadAndAssemble(sel, loaded)) return false;
  std::vector<const Stack*> all;
  for (const auto& s : loaded->app.stacks) all.push_back(&s);
  Diagnostics diags;
  if (!DeployOrder(all, order, &diags)) {
    PrintDiagnostics(diags);
    return false;
  }
  return true;
}

std::string StateDirFor(const AwsFlags& flags, const Selection& sel) {
  return flags.state_dir.empty() ? DefaultStateDir(sel.environments_dir) : flags.state_dir;
}

DriverOptions DriverOptionsFor(const AwsFlags& flags, const Selection& sel) {
  DriverOptions d = flags.driver;
  d.state_dir = StateDirFor(flags, sel);
  return d;
}

bool CheckRegion(const AwsFlags& flags, const std::vector<const Stack*>& stacks) {
  if (flags.aws.region.empty()) return true;
  for (const Stack* s : stacks)
    if (s->region != flags.aws.region) {
      std::fprintf(stderr,
                   "error: --region %s: stack %s deploys in %s (each stack has its own region: stack.yaml's "
                   "`region` for an environment's main stack, us-east-1 for global and account stacks); drop "
                   "--region\n",
                   flags.aws.region.c_str(), s->name.c_str(), s->region.c_str());
      return false;
    }
  return true;
}

bool RunPreflightChecks(Driver& driver, const std::vector<const Stack*>& stacks, const Console& console,
                        const std::string& going_on) {
  Diagnostics admission;
  bool admitted = driver.RunPreflightChecks(
      stacks, &admission,
      [&](const Stack& s, const PreflightCheck& check) {
        std::fprintf(console.out, "%s (%s): asking whether %s (aws %s %s)\n", s.name.c_str(), s.region.c_str(),
                     check.question.c_str(), check.service.c_str(), check.operation.c_str());
        std::fflush(console.out);
      },
      going_on);
  std::fputs(admission.FormatAll().c_str(), console.err);
  return admitted;
}

const StackConfig* ConfigOf(const Loaded& loaded, const Stack& stack) {
  // An account stack serves several environments: the one with production guards, if any.
  const StackConfig* first = nullptr;
  for (const auto& c : loaded.configs) {
    if (std::find(stack.envs.begin(), stack.envs.end(), c.env) == stack.envs.end()) continue;
    if (c.production_guards) return &c;
    if (!first) first = &c;
  }
  return first;
}

bool SelectedLeftovers(const Selection& sel, const AwsFlags& flags, const Loaded& loaded, std::vector<Leftover>* out) {
  out->clear();
  if (Diagnostics diags; !CheckStateDir(StateDirFor(flags, sel), &diags)) {
    PrintDiagnostics(diags);
    return false;
  }
  LeftoverScope scope;
  scope.all = sel.all;
  for (const auto& c : loaded.configs)
    if (sel.all || c.env == sel.stack) scope.environments.push_back(c.env);
  if (!scope.all && scope.environments.empty()) return true;  // one stack selected
  std::vector<RecordedStack> records;
  Diagnostics diags;
  if (!ListRecordedStacks(StateDirFor(flags, sel), &records, &diags)) {
    PrintDiagnostics(diags);
    return false;
  }
  std::vector<StackConfig> selected;
  for (const auto& c : loaded.configs)
    if (std::find(scope.environments.begin(), scope.environments.end(), c.env) != scope.environments.end())
      selected.push_back(c);
  *out = FindLeftovers(records, loaded.assembled, PlanStacks(selected), scope);
  return true;
}

std::string LeftoverGuard(const Loaded& loaded, const Leftover& l) {
  if (l.environment.empty()) return "whose environment it served is not known, so neither are its production guards";
  for (const auto& c : loaded.configs)
    if (c.env == l.environment)
      return c.production_guards ? "environment '" + c.env + "' (profile " + ProfileName(c.profile) +
                                       ") has production guards"
                                 : "";
  return "environment '" + l.environment + "' is gone, so whether it had production guards is not known";
}

int DeleteLeftovers(Driver& driver, const Loaded& loaded, const std::vector<Leftover>& leftovers,
                    const Console& console, const LeftoverDeletion& how) {
  int rc = kOk;
  for (const Leftover& l : leftovers) {
    const StackKey& k = l.record.key;
    std::string guard = LeftoverGuard(loaded, l);
    std::fputs(RenderLeftover(l, how.force_prod ? "" : guard).c_str(), console.out);
    std::fflush(console.out);
    if (l.shared || (!guard.empty() && !how.force_prod)) continue;
    std::fprintf(console.out, "%s (%s): reading the stack's status (aws cloudformation describe-stacks)\n",
                 k.stack.c_str(), k.region.c_str());
    std::fflush(console.out);
    auto question = [](const std::string& n) {
      return "Delete stack " + n + ", which the assembly no longer produces, and its resources?";
    };
    ConsoleObserver watch(console, question, "delete");
    DriverObserver observer = watch.observer();
    bool refused_here = false;
    if (how.by_up)  // --yes confirms the deploy, not a deletion: --delete-leftovers or a yes here
      observer.decide = [&](const std::string& name) {
        if (how.confirmed) return Decision::kYes;
        if (!console.interactive || !console.ask) {
          std::fprintf(console.err,
                       "%s: not deleted: stdin is not a terminal and --delete-leftovers is not given; delete it with "
                       "`%s --delete-leftovers` or `blueprint destroy --stack %s`\n",
                       name.c_str(), how.up_command.c_str(), name.c_str());
          refused_here = true;
          return Decision::kRefused;
        }
        return console.ask(question(name)) ? Decision::kYes : Decision::kNo;
      };
    else if (how.confirmed)
      observer.decide = [](const std::string&) { return Decision::kYes; };
    auto show_plan = [&console](const DestroyPlan& plan) {
      Show(console.out, RenderDestroyPlan(plan));
    };
    Diagnostics diags;
    DestroyResult r = driver.DestroyLeftover(l.record, show_plan, observer, &diags);
    watch.EndLine();
    Stack named;  // what the report needs: name and region
    named.name = k.stack;
    named.region = k.region;
    named.account = k.account;
    int code;
    if (how.by_up && (r.status == DestroyResult::Status::kDeclined || refused_here)) {
      std::fputs(diags.FormatAll().c_str(), console.err);
      if (r.status == DestroyResult::Status::kDeclined)
        std::fprintf(console.out, "%s: not deleted; delete it later with `blueprint destroy --stack %s`\n",
                     k.stack.c_str(), k.stack.c_str());
      code = kOk;  // the deploy succeeded; keeping the stack is the user's choice
    } else {
      code = ReportDestroy(named, r, diags, console);
      if (r.status == DestroyResult::Status::kDestroyed)
        std::fprintf(console.out, "%s: deleted; its record is removed\n", k.stack.c_str());
      // Not the recorded stack: never deleted; it fails `up` only when asked to delete it.
      if (how.by_up && !how.confirmed && r.status == DestroyResult::Status::kNotRecorded) code = kOk;
    }
    EndIfInterrupted();  // after saying what the interrupt left
    if (code != kOk && rc != kInternalError) rc = code;
  }
  return rc;
}

}  // namespace bp::cli
