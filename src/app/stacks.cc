// The outer structure of an App (app.h): which stacks exist, where they live, and how a
// Reference between them is resolved. docs/architecture.md describes the rules.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>

#include "app/app.h"
#include "app/checks.h"
#include "cfn/references.h"
#include "util/json_path.h"
#include "util/strings.h"

namespace bp {

namespace {

constexpr const char* kReferenceKey = "Bp::Reference";

bool IsReferenceToken(const cfn::Json& v) {
  return v.is_object() && v.size() == 1 && v.contains(kReferenceKey);
}

// The expressions an account-wide value may use: literals, Fn::Sub/Fn::Join over them and
// the pseudo parameters that are the same in every region of one account.
bool IsAccountWide(const cfn::Json& v) {
  if (v.is_string()) return true;
  if (v.is_array()) return std::all_of(v.begin(), v.end(), IsAccountWide);
  if (!v.is_object() || v.size() != 1) return false;
  // The iterator, not *v.items().begin(): a binding to that points into a destroyed temporary.
  const auto it = v.begin();
  const std::string& key = it.key();
  const cfn::Json& arg = it.value();
  if (key == "Ref")
    return arg == "AWS::Partition" || arg == "AWS::AccountId" || arg == "AWS::URLSuffix";
  if (key == "Fn::Join") return IsAccountWide(arg);
  if (key == "Fn::Sub") {
    if (!arg.is_string()) return false;  // variables would need the same check; none is needed yet
    bool wide = true;
    bool closed = cfn::ForEachSubVariable(arg.get_ref<const std::string&>(), nullptr, [&wide](const cfn::Reference& r) {
      wide = wide && r.kind == cfn::ReferenceKind::kSubRef &&
             (r.logical_id == "AWS::Partition" || r.logical_id == "AWS::AccountId" || r.logical_id == "AWS::URLSuffix");
    });
    return closed && wide;
  }
  return false;
}

class Resolver {
 public:
  Resolver(App* app, Diagnostics* diags) : app_(app), diags_(diags) {}

  void ResolveStack(Stack* consumer) {
    for (auto& [id, r] : consumer->tmpl.resources().entries()) {
      prefix_ = id + "/Properties";
      Walk(consumer, &r.properties);
      if (!r.metadata.is_null()) {
        prefix_ = id + "/Metadata";
        Walk(consumer, &r.metadata);
      }
    }
    for (auto& [name, o] : consumer->tmpl.outputs().entries()) {
      prefix_ = "Outputs/" + name;
      Walk(consumer, &o.value);
    }
  }

 private:
  void Walk(Stack* consumer, cfn::Json* v) {
    if (IsReferenceToken(*v)) {
      *v = Resolve(consumer, (*v)[kReferenceKey], trail_.Render(prefix_));
      return;
    }
    if (v->is_object()) {
      for (auto it = v->begin(); it != v->end(); ++it) {
        trail_.Push(std::string_view(it.key()));
        Walk(consumer, &it.value());
        trail_.Pop();
      }
    } else if (v->is_array()) {
      for (size_t i = 0; i < v->size(); ++i) {
        trail_.Push(i);
        Walk(consumer, &(*v)[i]);
        trail_.Pop();
      }
    }
  }

  cfn::Json Resolve(Stack* consumer, const cfn::Json& ref, const std::string& path) {
    std::string producer_id = ref.value("Stack", "");
    std::string output = ref.value("Output", "");
    const cfn::Json& value = ref["Value"];
    const cfn::Json& account_wide = ref["AccountWide"];
    if (producer_id == consumer->id) return value;

    Stack* producer = app_->Find(producer_id);
    if (!producer) {
      diags_->Error({}, consumer->id + "/" + path,
                    "internal error: a reference names stack '" + producer_id + "', which the assembly does not have");
      return nullptr;
    }
    if (!Publish(producer, output, value, consumer->id + "/" + path)) return nullptr;
    AddDependency(consumer, producer->id);

    bool same_account = producer->account == consumer->account &&
                        PartitionOf(producer->region) == PartitionOf(consumer->region);
    if (!account_wide.is_null() && same_account) return account_wide;

    std::string parameter = cfn::LogicalId({producer->id, output});
    auto known = std::find_if(consumer->inputs.begin(), consumer->inputs.end(),
                              [&](const StackInput& in) {
                                return in.source == InputSource::kStackOutput && in.parameter == parameter;
                              });
    if (known == consumer->inputs.end()) {
      if (consumer->tmpl.parameters().Contains(parameter) || consumer->tmpl.resources().Contains(parameter)) {
        diags_->Error({}, consumer->id + "/" + path,
                      "internal error: parameter " + parameter + " for output " + output + " of " + producer->id +
                          " clashes with a name the template already has");
        return nullptr;
      }
      cfn::Parameter p;
      p.description = "Output " + output + " of stack " + producer->name + " (" + producer->region +
                      "); blueprint up fills it";
      consumer->tmpl.AddParameter(parameter, std::move(p));
      consumer->inputs.push_back(
          InputFromOutput(parameter, producer->id, producer->name, output, producer->region, producer->account));
    }
    return cfn::Ref(parameter);
  }

  // Adds `output` to the producer, or checks that the one it has carries the same value.
  bool Publish(Stack* producer, const std::string& output, const cfn::Json& value, const std::string& where) {
    if (const cfn::Output* o = producer->tmpl.outputs().Find(output)) {
      if (o->value == value) return true;
      diags_->Error({}, where,
                    "internal error: output " + output + " of " + producer->id +
                        " is referenced with a different value than the one it has");
      return false;
    }
    if (!cfn::IsValidLogicalId(output)) {
      diags_->Error({}, where, "internal error: '" + output + "' is not a valid output name");
      return false;
    }
    producer->tmpl.AddOutput(output, {value, "Read by other stacks of this assembly", "", ""});
    return true;
  }

  static void AddDependency(Stack* consumer, const std::string& producer) {
    if (std::find(consumer->dependencies.begin(), consumer->dependencies.end(), producer) ==
        consumer->dependencies.end())
      consumer->dependencies.push_back(producer);
  }

  App* app_;
  Diagnostics* diags_;
  std::string prefix_;  // "<resource>/Properties", "<resource>/Metadata" or "Outputs/<name>"
  JsonTrail trail_;     // where the walk is below it
};

// Reports one cycle among the stacks' dependencies, naming the stacks in order.
bool CheckNoCycle(const App& app, Diagnostics* diags) {
  std::map<std::string, int> state;  // 0 unvisited, 1 on the path, 2 done
  std::vector<std::string> path;
  std::function<bool(const Stack&)> visit = [&](const Stack& s) {
    state[s.id] = 1;
    path.push_back(s.id);
    for (const auto& d : s.dependencies) {
      const Stack* next = app.Find(d);
      if (!next) continue;
      if (state[d] == 1) {
        auto from = std::find(path.begin(), path.end(), d);
        std::vector<std::string> cycle(from, path.end());
        cycle.push_back(d);
        diags->Error({}, s.id,
                     "the stacks reference each other in a cycle (" + Join(cycle, " -> ") +
                         "); no deployment order exists: move one of the referenced resources so that values "
                         "flow one way");
        return false;
      }
      if (state[d] == 0 && !visit(*next)) return false;
    }
    path.pop_back();
    state[s.id] = 2;
    return true;
  };
  for (const auto& s : app.stacks)
    if (state[s.id] == 0 && !visit(s)) return false;
  return true;
}

}  // namespace

const char* RoleName(StackRole role) {
  switch (role) {
    case StackRole::kMain: return "main";
    case StackRole::kGlobal: return "global";
    case StackRole::kAccount: return "account";
  }
  return "main";
}

StackInput InputFromOutput(const std::string& parameter, const std::string& producer, const std::string& producer_stack,
                           const std::string& output, const std::string& producer_region,
                           const std::string& producer_account) {
  StackInput in;
  in.parameter = parameter;
  in.source = InputSource::kStackOutput;
  in.producer = producer;
  in.producer_stack = producer_stack;
  in.output = output;
  in.producer_region = producer_region;
  in.producer_account = producer_account;
  return in;
}

StackInput InputFromSsm(const std::string& parameter, const std::string& ssm_parameter) {
  StackInput in;
  in.parameter = parameter;
  in.source = InputSource::kSsmParameter;
  in.ssm_parameter = ssm_parameter;
  return in;
}

StackInput InputFromConfigSecret(const std::string& parameter, const std::string& config_key) {
  StackInput in;
  in.parameter = parameter;
  in.source = InputSource::kConfigSecret;
  in.config_key = config_key;
  return in;
}

StackInput InputFromImage(const std::string& parameter) {
  StackInput in;
  in.parameter = parameter;
  in.source = InputSource::kImage;
  return in;
}

const StackInput* Stack::ImageInput() const {
  for (const auto& in : inputs)
    if (in.source == InputSource::kImage) return &in;
  return nullptr;
}

const Stack* App::Find(const std::string& id) const {
  for (const auto& s : stacks)
    if (s.id == id) return &s;
  return nullptr;
}

Stack* App::Find(const std::string& id) {
  for (auto& s : stacks)
    if (s.id == id) return &s;
  return nullptr;
}

cfn::Json Reference::ToJson() const {
  return cfn::Json{{kReferenceKey, {{"Stack", stack}, {"Output", output}, {"Value", value}, {"AccountWide", account_wide}}}};
}

Reference Publish(const Stack& producer, const std::string& output, cfn::Json value, cfn::Json account_wide) {
  if (!account_wide.is_null() && !IsAccountWide(account_wide)) {
    std::fprintf(stderr, "internal error: the account-wide form of %s/%s uses more than the partition and account\n",
                 producer.id.c_str(), output.c_str());
    std::abort();
  }
  return Reference{producer.id, output, std::move(value), std::move(account_wide)};
}

// Src: DOC:whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
// (aws, aws-cn: cn-*, aws-us-gov: us-gov-*, aws-iso: us-iso-*, aws-iso-b: us-isob-*).
std::string PartitionOf(const std::string& region) {
  if (StartsWith(region, "cn-")) return "aws-cn";
  if (StartsWith(region, "us-gov-")) return "aws-us-gov";
  if (StartsWith(region, "us-isob-")) return "aws-iso-b";
  if (StartsWith(region, "us-iso-")) return "aws-iso";
  return "aws";
}

// Src: the us-east-1-only services are listed in reference/aws-facts.md 12 ("Region placement");
// IAM's control plane is in us-east-1 (DOC:IAM/latest/UserGuide/disaster-recovery-resiliency.html).
std::string GlobalRegion(const std::string& region) {
  std::string partition = PartitionOf(region);
  if (partition == "aws-cn") return "cn-north-1";
  if (partition == "aws-us-gov") return "us-gov-west-1";
  if (partition == "aws-iso") return "us-iso-east-1";
  if (partition == "aws-iso-b") return "us-isob-east-1";
  return "us-east-1";
}

App PlanStacks(const std::vector<StackConfig>& configs) {
  App app;
  // Account stacks first, in the order the accounts first appear.
  for (const auto& c : configs) {
    std::string id = kAccountStackName;
    if (!c.account.empty()) id += "-" + c.account;
    if (PartitionOf(c.region) != "aws") id += "-" + PartitionOf(c.region);
    if (Stack* shared = app.Find(id)) {
      shared->envs.push_back(c.env);
      continue;
    }
    Stack s;
    s.id = id;
    s.name = kAccountStackName;
    s.region = GlobalRegion(c.region);
    s.account = c.account;
    s.role = StackRole::kAccount;
    s.envs = {c.env};
    s.tmpl.description = "apprunner-blueprint: account-wide resources shared by every app and environment "
                         "of this tool in the account";
    app.stacks.push_back(std::move(s));
  }
  for (const auto& c : configs) {
    std::string prefix = ContextFor(c).name_prefix;
    Stack main;
    main.id = main.name = prefix;
    main.region = c.region;
    main.account = c.account;
    main.role = StackRole::kMain;
    main.envs = {c.env};
    main.tmpl.description = "apprunner-blueprint: " + c.app.name + " (" + c.env + ", profile " +
                            ProfileName(c.profile) + ")";
    Stack global = main;
    global.id = global.name = prefix + "-global";
    global.region = GlobalRegion(c.region);
    global.role = StackRole::kGlobal;
    global.tmpl.description = "apprunner-blueprint: " + c.app.name + " (" + c.env + ", profile " +
                              ProfileName(c.profile) + "), resources AWS offers only in " + global.region;
    app.stacks.push_back(std::move(main));
    app.stacks.push_back(std::move(global));
  }
  return app;
}

EnvironmentStacks StacksOf(App* app, const std::string& env) {
  EnvironmentStacks out;
  for (auto& s : app->stacks) {
    if (std::find(s.envs.begin(), s.envs.end(), env) == s.envs.end()) continue;
    if (s.role == StackRole::kMain) out.main = &s;
    if (s.role == StackRole::kGlobal) out.global = &s;
    if (s.role == StackRole::kAccount) out.account = &s;
  }
  return out;
}

// Stack ids key the assembly: template files, manifest entries, dependencies and the
// state directory. Environment names are directories, so they differ, but app "aa-bb"
// in environment "cc" and app "aa" in environment "bb-cc" both give aa-bb-cc, and
// environment bb's global stack aa-bb-global is the main stack of an environment called
// bb-global.
// Refused rather than renamed: the id is the CloudFormation stack name a deployed stack
// keeps. Mixed accounts are refused too: environments without `account:` are taken as
// one account, which may be one of the named ones, whose account stack would then be
// planned twice under one name (docs/architecture.md, Accounts).
bool CheckStackLayout(const std::vector<StackConfig>& configs, const App& planned, Diagnostics* diags) {
  size_t before = diags->ErrorCount();
  auto config_of = [&](const Stack& s) -> const StackConfig& {
    for (const auto& c : configs)
      if (c.env == s.envs.front()) return c;
    return configs.front();  // every planned stack serves an environment of `configs`
  };
  std::vector<std::string> named;
  for (const auto& c : configs)
    if (!c.account.empty()) named.push_back(c.env);
  if (!named.empty())
    for (const auto& c : configs)
      if (c.account.empty())
        diags->Error(c.LocationOf("account"), "account",
                     "environment '" + c.env + "' names no account, while " + Join(named, ", ") +
                         (named.size() == 1 ? " names one" : " name one") +
                         "; set `account:` in every environment or in none (environments without one are taken as "
                         "one account, which could be a named one: its account stack would then exist twice under "
                         "one name)");
  std::map<std::string, const Stack*> owners;
  for (const auto& s : planned.stacks) {
    auto [it, fresh] = owners.emplace(s.id, &s);
    if (fresh) continue;
    const Stack& first = *it->second;
    const StackConfig& mine = config_of(s);
    const StackConfig& theirs = config_of(first);
    diags->Error(mine.LocationOf("app.name"), "app.name",
                 std::string("the ") + RoleName(s.role) + " stack of environment '" + mine.env + "' is named " + s.id +
                     ", like the " + RoleName(first.role) + " stack of environment '" + theirs.env + "' (" +
                     theirs.file + ", app " + theirs.app.name +
                     "); a stack name keys the assembly's files, its manifest and the deploy order, so each must be "
                     "unique: change app.name or rename one of the environments");
  }
  return diags->ErrorCount() == before;
}

bool FinishApp(App* app, Diagnostics* diags) {
  size_t before = diags->ErrorCount();
  Resolver resolver(app, diags);
  for (auto& s : app->stacks) resolver.ResolveStack(&s);
  if (diags->ErrorCount() > before || !CheckNoCycle(*app, diags)) return false;

  // A global or account stack is emitted only when something lives there.
  std::set<std::string> needed;
  for (const auto& s : app->stacks)
    for (const auto& d : s.dependencies) needed.insert(d);
  std::vector<Stack> kept;
  for (auto& s : app->stacks) {
    if (s.role != StackRole::kMain && s.tmpl.resources().empty()) {
      if (needed.count(s.id))
        diags->Error({}, s.id, "internal error: other stacks read outputs of this stack, but it holds no resources");
      continue;
    }
    kept.push_back(std::move(s));
  }
  app->stacks = std::move(kept);
  if (diags->ErrorCount() > before) return false;
  ValidateApp(*app, diags);
  return diags->ErrorCount() == before;
}

}  // namespace bp
