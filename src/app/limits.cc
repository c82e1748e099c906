// AWS limits that only the synthesized templates show, checked at assembly so that
// `validate` refuses what CloudFormation would accept and the service then reject:
// tags per resource, a role's trust policy and its inline policies. Each error names
// the environment's file and the config key that makes the template grow.
#include <algorithm>
#include <cctype>
#include <string>

#include "app/checks.h"
#include "util/strings.h"

namespace bp {

namespace {

using cfn::Json;

// Src: DOC:tag-editor/latest/userguide/reference.html (Service quotas: 50 user-defined
// tags per resource; tags whose key starts with "aws:" are AWS's own and do not count).
constexpr size_t kMaxTagsPerResource = 50;

// Src: DOC:IAM/latest/UserGuide/reference_iam-quotas.html ("IAM and AWS STS quotas":
// role trust policy length 2,048 characters, adjustable up to 4,096; the inline policies
// of a role together at most 10,240 characters; IAM does not count white space).
constexpr size_t kDefaultTrustPolicyChars = 2048;
constexpr size_t kMaxTrustPolicyChars = 4096;
constexpr size_t kMaxRoleInlinePolicyChars = 10240;

// What a Ref or Fn::GetAtt to a resource or parameter becomes is known only at deploy
// time (an ARN, a name); it counts as this many characters, about the length of an ARN.
constexpr size_t kUnresolvedValueChars = 100;

bool IsIntrinsic(const Json& v) {
  return v.is_object() && v.size() == 1 && (v.begin().key() == "Ref" || StartsWith(v.begin().key(), "Fn::"));
}

bool IsNoValue(const Json& v) { return v.is_object() && v.size() == 1 && v.contains("Ref") && v["Ref"] == "AWS::NoValue"; }

size_t Characters(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80 && !std::isspace(c)) ++n;  // code points, white space not counted
  return n;
}

// The characters IAM counts in a policy document once CloudFormation has resolved its
// intrinsic functions in `stack`: compact JSON without white space. Pseudo parameters
// count as their values; other references as kUnresolvedValueChars.
class PolicyCounter {
 public:
  explicit PolicyCounter(const Stack& stack) : stack_(stack) {}

  size_t Document(const Json& v) const {
    if (IsIntrinsic(v)) {
      if (v.contains("Fn::If") && v["Fn::If"].is_array() && v["Fn::If"].size() == 3)
        return std::max(Document(v["Fn::If"][1]), Document(v["Fn::If"][2]));
      return Text(v) + 2;
    }
    if (v.is_string()) return Text(v) + 2;
    if (v.is_object() || v.is_array()) {
      size_t n = 2, items = 0;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (IsNoValue(it.value())) continue;
        n += (items++ ? 1 : 0) + Document(it.value()) + (v.is_object() ? Characters(it.key()) + 3 : 0);
      }
      return n;
    }
    return v.dump().size();  // numbers, booleans, null
  }

 private:
  // The length of the string `v` resolves to.
  size_t Text(const Json& v) const {
    if (v.is_string()) return Characters(v.get_ref<const std::string&>());
    if (!IsIntrinsic(v)) return v.is_primitive() ? v.dump().size() : kUnresolvedValueChars;
    const std::string& fn = v.begin().key();
    const Json& arg = v.begin().value();
    if (fn == "Ref" && arg.is_string()) return Pseudo(arg.get_ref<const std::string&>());
    if (fn == "Fn::Sub") {
      if (arg.is_string()) return Sub(arg.get_ref<const std::string&>(), nullptr);
      if (arg.is_array() && arg.size() == 2 && arg[0].is_string()) return Sub(arg[0].get_ref<const std::string&>(), &arg[1]);
    }
    if (fn == "Fn::Join" && arg.is_array() && arg.size() == 2 && arg[0].is_string() && arg[1].is_array()) {
      size_t n = 0;
      for (const auto& part : arg[1]) n += Text(part);
      return n + Characters(arg[0].get_ref<const std::string&>()) * (arg[1].empty() ? 0 : arg[1].size() - 1);
    }
    if (fn == "Fn::If" && arg.is_array() && arg.size() == 3) return std::max(Text(arg[1]), Text(arg[2]));
    return kUnresolvedValueChars;
  }

  // `vars`: Fn::Sub's variable map, or null.
  size_t Sub(std::string_view text, const Json* vars) const {
    size_t n = 0, at = 0;
    for (size_t open = text.find("${"); open != std::string_view::npos; open = text.find("${", at)) {
      size_t close = text.find('}', open);
      if (close == std::string_view::npos) break;
      n += Characters(text.substr(at, open - at));
      std::string_view name = text.substr(open + 2, close - open - 2);
      if (StartsWith(name, "!")) {
        n += Characters(name) + 2;  // ${!Literal} writes ${Literal}
      } else if (const Json* var = VariableOf(vars, name)) {
        n += Text(*var);
      } else {
        n += name.find('.') == std::string_view::npos ? Pseudo(name) : kUnresolvedValueChars;
      }
      at = close + 1;
    }
    return n + Characters(text.substr(std::min(at, text.size())));
  }

  static const Json* VariableOf(const Json* vars, std::string_view name) {
    if (!vars || !vars->is_object()) return nullptr;
    auto it = vars->find(name);
    return it == vars->end() ? nullptr : &*it;
  }

  size_t Pseudo(std::string_view name) const {
    if (name == "AWS::AccountId") return 12;
    if (name == "AWS::Region") return stack_.region.size();
    if (name == "AWS::Partition") return PartitionOf(stack_.region).size();
    if (name == "AWS::URLSuffix") return StartsWith(stack_.region, "cn-") ? 16 : 13;  // amazonaws.com(.cn)
    if (name == "AWS::StackName") return stack_.name.size();
    return kUnresolvedValueChars;
  }

  const Stack& stack_;
};

// The user-defined tags of a resource: its Tags in either form ([{Key, Value}] or a
// map), or the largest list under TagSpecifications.
size_t UserTags(const Json& properties) {
  auto count = [](const Json& tags) {
    size_t n = 0;
    if (tags.is_array()) {
      for (const auto& t : tags)
        if (!(t.is_object() && t.contains("Key") && t["Key"].is_string() &&
              StartsWith(ToLower(t["Key"].get<std::string>()), "aws:")))
          ++n;
    } else if (tags.is_object() && !IsIntrinsic(tags)) {
      for (auto it = tags.begin(); it != tags.end(); ++it)
        if (!StartsWith(ToLower(it.key()), "aws:")) ++n;
    }
    return n;
  };
  size_t n = properties.contains("Tags") ? count(properties["Tags"]) : 0;
  if (properties.contains("TagSpecifications") && properties["TagSpecifications"].is_array())
    for (const auto& spec : properties["TagSpecifications"])
      if (spec.is_object() && spec.contains("Tags")) n = std::max(n, count(spec["Tags"]));
  return n;
}

// 10240 -> "10,240", as the AWS pages write their limits.
std::string Thousands(size_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// One error per environment, for its resource with the most tags in any of its stacks:
// every resource carries the same tags.extra.
void CheckTags(const StackConfig& c, const std::vector<const Stack*>& stacks, Diagnostics* diags) {
  std::string worst;
  size_t most = 0;
  for (const Stack* s : stacks)
    for (const auto& [id, r] : s->tmpl.resources().entries())
      if (size_t n = UserTags(r.properties); n > most) {
        most = n;
        worst = id + " (" + r.type + " in stack " + s->name + ")";
      }
  if (most <= kMaxTagsPerResource) return;
  diags->Error(c.LocationOf("tags.extra"), "tags.extra",
               worst + " has " + std::to_string(most) + " tags (" + std::to_string(c.tags.extra.size()) +
                   " from tags.extra); AWS allows " + std::to_string(kMaxTagsPerResource) + " per resource: remove " +
                   std::to_string(most - kMaxTagsPerResource) + " or more entries from tags.extra");
}

void CheckRolePolicies(const StackConfig& c, const Stack& s, Diagnostics* diags) {
  PolicyCounter counter(s);
  for (const auto& [id, r] : s.tmpl.resources().entries()) {
    if (r.type != "AWS::IAM::Role") continue;
    const std::string role = "role " + id + " (stack " + s.name + ")";
    if (r.properties.contains("AssumeRolePolicyDocument")) {
      size_t trust = counter.Document(r.properties["AssumeRolePolicyDocument"]);
      // Only the GitHub deploy role's trust policy grows with the config: one subject
      // per branch and per environment.
      const std::string key = c.github.branches.empty() ? "github.environments" : "github.branches";
      if (trust > kMaxTrustPolicyChars)
        diags->Error(c.LocationOf(key), key,
                     "the trust policy of " + role + " has about " + Thousands(trust) + " characters; IAM allows at most " +
                         Thousands(kMaxTrustPolicyChars) + " (" + Thousands(kDefaultTrustPolicyChars) +
                         " unless the account's quota \"Role trust policy length\" was raised): list fewer branches or "
                         "environments");
      else if (trust > kDefaultTrustPolicyChars)
        diags->Warn(c.LocationOf(key), key,
                    "the trust policy of " + role + " has about " + Thousands(trust) + " characters, over IAM's default " +
                        Thousands(kDefaultTrustPolicyChars) +
                        ": deploying needs the quota \"Role trust policy length\" raised (Service Quotas, IAM) to " +
                        Thousands(kMaxTrustPolicyChars) + " at most, or fewer branches or environments");
    }
    size_t inline_chars = 0;
    if (r.properties.contains("Policies") && r.properties["Policies"].is_array())
      for (const auto& p : r.properties["Policies"])
        if (p.is_object() && p.contains("PolicyDocument")) inline_chars += counter.Document(p["PolicyDocument"]);
    if (inline_chars > kMaxRoleInlinePolicyChars)
      diags->Error(c.LocationOf("app.secrets"), "app.secrets",
                   "the inline policies of " + role + " have about " + Thousands(inline_chars) +
                       " characters; IAM allows " + Thousands(kMaxRoleInlinePolicyChars) +
                       " per role: reference fewer secrets (one Secrets Manager secret can hold several values as "
                       "JSON keys)");
  }
}

}  // namespace

void CheckAwsLimits(const std::vector<StackConfig>& configs, const App& app, Diagnostics* diags) {
  for (const auto& c : configs) {
    // The environment's own stacks: the account stack holds nothing a config sizes.
    std::vector<const Stack*> stacks;
    for (const auto& s : app.stacks)
      if (s.role != StackRole::kAccount && s.envs.size() == 1 && s.envs.front() == c.env) stacks.push_back(&s);
    CheckTags(c, stacks, diags);
    for (const Stack* s : stacks) CheckRolePolicies(c, *s, diags);
  }
}

}  // namespace bp
