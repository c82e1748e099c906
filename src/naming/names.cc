#include "naming/names.h"

#include <cctype>
#include <cstdlib>

#include "util/strings.h"

namespace bp {

namespace {

// Character classes of the rules below.
enum class Charset {
  kAlnumDashUnderscoreAlnumFirst,  // App Runner: [A-Za-z0-9][A-Za-z0-9-_]*
  kRdsIdentifier,                  // letter first, letters/digits/hyphens, no "--", no trailing '-'
  kRdsSubnetGroup,                 // letter first; letters, digits, . _ space -
  kRdsDbName,                      // letter first; letters, digits, _
  kAlnumLetterFirst,               // letter first; letters, digits
  kEcr,                            // lowercase [a-z0-9] groups separated by . _ -
  kIam,                            // [\w+=,.@-]
  kWordDash,                       // [A-Za-z0-9_-]
  kLogGroup,                       // [.\-_/#A-Za-z0-9]
  kBudget,                         // anything but ':' and '\'
  kSecret,                         // letters, digits, /_+=.@-
  kBackupSelection,                // [A-Za-z0-9-_.]
  kStack,                          // letter first; letters, digits, hyphens
  kSecurityGroup,                  // ASCII printable (a-zA-Z0-9 . _-:/()#,@[]+=&;{}!$*)
};

struct Entry {
  NameRule rule;
  Charset charset;
  bool lowercase;  // stored or required lowercase
};

const std::vector<Entry>& Entries() {
  static const std::vector<Entry> kEntries = {
      {{NameKind::kAppRunnerService, "App Runner service name", 4, 40, "[A-Za-z0-9][A-Za-z0-9-_]", "SCHEMA:aws-apprunner-service"}, Charset::kAlnumDashUnderscoreAlnumFirst, false},
      {{NameKind::kAppRunnerAutoScaling, "App Runner auto scaling configuration name", 4, 32, "[A-Za-z0-9][A-Za-z0-9-_]", "SCHEMA:aws-apprunner-autoscalingconfiguration"}, Charset::kAlnumDashUnderscoreAlnumFirst, false},
      {{NameKind::kAppRunnerVpcConnector, "App Runner VPC connector name", 4, 40, "[A-Za-z0-9][A-Za-z0-9-_]", "SCHEMA:aws-apprunner-vpcconnector"}, Charset::kAlnumDashUnderscoreAlnumFirst, false},
      {{NameKind::kAppRunnerObservability, "App Runner observability configuration name", 4, 32, "[A-Za-z0-9][A-Za-z0-9-_]", "SCHEMA:aws-apprunner-observabilityconfiguration"}, Charset::kAlnumDashUnderscoreAlnumFirst, false},
      // Src: SCHEMA:aws-ecs-cluster (ClusterName: up to 255 letters, digits, hyphens, underscores);
      // reference/aws-facts.md 13.1 (ExpressGatewayService ServiceName: up to 255 letters, digits, '_', '-').
      {{NameKind::kEcsCluster, "ECS cluster name", 1, 255, "letters, digits, '_', '-'", "SCHEMA:aws-ecs-cluster"}, Charset::kWordDash, false},
      {{NameKind::kEcsExpressService, "ECS Express Mode service name", 1, 255, "letters, digits, '_', '-'", "SCHEMA:aws-ecs-expressgatewayservice"}, Charset::kWordDash, false},
      {{NameKind::kRdsInstance, "RDS DB instance identifier", 1, 63, "letter first; letters, digits, hyphens; no '--', no trailing '-'", "SCHEMA:aws-rds-dbinstance"}, Charset::kRdsIdentifier, true},
      {{NameKind::kRdsParameterGroup, "RDS DB parameter group name", 1, 255, "letter first; letters, digits, hyphens; no '--', no trailing '-'", "SCHEMA:aws-rds-dbparametergroup"}, Charset::kRdsIdentifier, true},
      {{NameKind::kRdsSubnetGroup, "RDS DB subnet group name", 1, 255, "letter first; letters, digits, '.', '_', space, '-'; not 'default'", "SCHEMA:aws-rds-dbsubnetgroup"}, Charset::kRdsSubnetGroup, true},
      {{NameKind::kRdsDbName, "PostgreSQL database name", 1, 63, "letter first; letters, digits, '_'", "SCHEMA:aws-rds-dbinstance"}, Charset::kRdsDbName, false},
      {{NameKind::kRdsMasterUsername, "RDS master username", 1, 63, "letter first; letters, digits", "SCHEMA:aws-rds-dbinstance"}, Charset::kAlnumLetterFirst, false},
      {{NameKind::kEcrRepository, "ECR repository name", 2, 256, "lowercase letters and digits in groups separated by '.', '_' or '-'", "SCHEMA:aws-ecr-repository"}, Charset::kEcr, true},
      {{NameKind::kIamRole, "IAM role name", 1, 64, "letters, digits, +=,.@_-", "SCHEMA:aws-iam-role"}, Charset::kIam, false},
      {{NameKind::kIamPolicy, "IAM managed policy name", 1, 128, "letters, digits, +=,.@_-", "BOTO:iam"}, Charset::kIam, false},
      {{NameKind::kWafWebAcl, "WAFv2 web ACL name", 1, 128, "letters, digits, '_', '-'", "SCHEMA:aws-wafv2-webacl"}, Charset::kWordDash, false},
      {{NameKind::kWafMetricName, "WAFv2 metric name", 1, 128, "letters, digits, '_', '-'", "CFNREF:aws-properties-wafv2-webacl-visibilityconfig"}, Charset::kWordDash, false},
      {{NameKind::kSnsTopic, "SNS topic name", 1, 256, "letters, digits, '_', '-'", "SCHEMA:aws-sns-topic"}, Charset::kWordDash, false},
      {{NameKind::kCloudWatchDashboard, "CloudWatch dashboard name", 1, 255, "letters, digits, '_', '-'", "SCHEMA:aws-cloudwatch-dashboard"}, Charset::kWordDash, false},
      {{NameKind::kCloudWatchAlarm, "CloudWatch alarm name", 1, 255, "letters, digits, '_', '-'", "SCHEMA:aws-cloudwatch-alarm"}, Charset::kWordDash, false},
      {{NameKind::kLogGroup, "CloudWatch Logs log group name", 1, 512, "letters, digits, '.', '-', '_', '/', '#'", "SCHEMA:aws-logs-loggroup"}, Charset::kLogGroup, false},
      {{NameKind::kBudget, "budget name", 1, 100, "anything but ':' and '\\'", "BOTO:budgets"}, Charset::kBudget, false},
      {{NameKind::kSecret, "Secrets Manager secret name", 1, 512, "letters, digits, /_+=.@-", "SCHEMA:aws-secretsmanager-secret"}, Charset::kSecret, false},
      {{NameKind::kBackupVault, "AWS Backup vault name", 2, 50, "letters, digits, '-', '_'", "SCHEMA:aws-backup-backupvault"}, Charset::kWordDash, false},
      {{NameKind::kBackupSelection, "AWS Backup selection name", 1, 50, "letters, digits, '-', '_', '.'", "BOTO:backup"}, Charset::kBackupSelection, false},
      {{NameKind::kStack, "CloudFormation stack name", 1, 128, "letter first; letters, digits, hyphens", "DOC:AWSCloudFormation/latest/UserGuide/cloudformation-limits.html"}, Charset::kStack, false},
      {{NameKind::kSecurityGroup, "security group name", 1, 255, "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*", "SCHEMA:aws-ec2-securitygroup"}, Charset::kSecurityGroup, false},
      // The API gives no length; 64 keeps well inside what the console shows and accepts.
      {{NameKind::kVpcOrigin, "CloudFront VPC origin name", 1, 64, "letters, digits, '_', '-'", "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_VpcOriginEndpointConfig.html"}, Charset::kWordDash, false},
  };
  return kEntries;
}

const Entry& EntryFor(NameKind kind) {
  for (const auto& e : Entries())
    if (e.rule.kind == kind) return e;
  std::abort();
}

bool CharAllowed(Charset cs, unsigned char c) {
  bool alnum = std::isalnum(c) != 0;
  switch (cs) {
    case Charset::kAlnumDashUnderscoreAlnumFirst:
    case Charset::kWordDash: return alnum || c == '-' || c == '_';
    case Charset::kRdsIdentifier:
    case Charset::kStack: return alnum || c == '-';
    case Charset::kRdsSubnetGroup: return alnum || c == '.' || c == '_' || c == ' ' || c == '-';
    case Charset::kRdsDbName: return alnum || c == '_';
    case Charset::kAlnumLetterFirst: return alnum;
    case Charset::kEcr: return std::islower(c) || std::isdigit(c) || c == '.' || c == '_' || c == '-';
    case Charset::kIam: return alnum || std::string_view("+=,.@_-").find(c) != std::string_view::npos;
    case Charset::kLogGroup: return alnum || std::string_view(".-_/#").find(c) != std::string_view::npos;
    case Charset::kBudget: return c != ':' && c != '\\' && c >= 0x20 && c < 0x7F;
    case Charset::kSecret: return alnum || std::string_view("/_+=.@-").find(c) != std::string_view::npos;
    case Charset::kBackupSelection: return alnum || c == '-' || c == '_' || c == '.';
    case Charset::kSecurityGroup:
      return alnum || std::string_view(" ._-:/()#,@[]+=&;{}!$*").find(c) != std::string_view::npos;
  }
  return false;
}

bool IsSeparator(unsigned char c) { return c == '.' || c == '_' || c == '-'; }

// Rules beyond the character set: first character, separators.
std::string CheckShape(Charset cs, const std::string& name) {
  unsigned char first = static_cast<unsigned char>(name[0]);
  unsigned char last = static_cast<unsigned char>(name.back());
  switch (cs) {
    case Charset::kAlnumDashUnderscoreAlnumFirst:
      if (!std::isalnum(first)) return "must start with a letter or digit";
      break;
    case Charset::kRdsIdentifier:
      if (!std::isalpha(first)) return "must start with a letter";
      if (last == '-') return "must not end with a hyphen";
      if (name.find("--") != std::string::npos) return "must not contain two hyphens in a row";
      break;
    case Charset::kRdsSubnetGroup:
      if (!std::isalpha(first)) return "must start with a letter";
      if (ToLower(name) == "default") return "must not be 'default'";
      break;
    case Charset::kRdsDbName:
    case Charset::kAlnumLetterFirst:
    case Charset::kStack:
      if (!std::isalpha(first)) return "must start with a letter";
      break;
    case Charset::kEcr:
      if (IsSeparator(first) || IsSeparator(last)) return "must start and end with a letter or digit";
      for (size_t i = 1; i < name.size(); ++i) {
        unsigned char a = static_cast<unsigned char>(name[i - 1]);
        unsigned char b = static_cast<unsigned char>(name[i]);
        // "__" is allowed as one separator; any other pair of separators is not.
        if (IsSeparator(a) && IsSeparator(b) && !(a == '_' && b == '_'))
          return "must not have two separators in a row";
      }
      break;
    default: break;
  }
  return "";
}

}  // namespace

const NameRule& RuleFor(NameKind kind) { return EntryFor(kind).rule; }

const std::vector<NameRule>& AllNameRules() {
  static const std::vector<NameRule> rules = [] {
    std::vector<NameRule> r;
    for (const auto& e : Entries()) r.push_back(e.rule);
    return r;
  }();
  return rules;
}

std::string CheckName(NameKind kind, const std::string& name) {
  const Entry& e = EntryFor(kind);
  const std::string what = std::string(e.rule.what) + " '" + name + "'";
  int len = static_cast<int>(name.size());
  if (len < e.rule.min_length || len > e.rule.max_length)
    return what + " has " + std::to_string(len) + " characters; allowed: " +
           std::to_string(e.rule.min_length) + " to " + std::to_string(e.rule.max_length);
  for (unsigned char c : name)
    if (!CharAllowed(e.charset, c))
      return what + " contains '" + std::string(1, static_cast<char>(c)) + "'; allowed: " + e.rule.charset;
  std::string shape = CheckShape(e.charset, name);
  return shape.empty() ? "" : what + " " + shape;
}

namespace {

// The separator FitName puts in place of disallowed characters and before suffixes,
// or '\0' when the rule allows none.
char SeparatorOf(const Entry& e) {
  return CharAllowed(e.charset, '-') ? '-' : (CharAllowed(e.charset, '_') ? '_' : '\0');
}

// FitName within `max` characters and at least `min`.
std::string Fit(const Entry& e, const std::string& wanted, size_t max, size_t min) {
  // Map every disallowed character to the charset's separator.
  char sep = SeparatorOf(e);
  std::string s;
  for (unsigned char c : wanted) {
    unsigned char x = e.lowercase ? static_cast<unsigned char>(std::tolower(c)) : c;
    if (CharAllowed(e.charset, x)) {
      s.push_back(static_cast<char>(x));
    } else if (sep) {
      s.push_back(sep);
    }
  }
  // Collapse runs of separators and trim them at both ends.
  std::string collapsed;
  for (char c : s) {
    bool is_sep = IsSeparator(static_cast<unsigned char>(c));
    if (is_sep && (collapsed.empty() || IsSeparator(static_cast<unsigned char>(collapsed.back()))))
      continue;
    collapsed.push_back(c);
  }
  while (!collapsed.empty() && IsSeparator(static_cast<unsigned char>(collapsed.back())))
    collapsed.pop_back();
  // Letter-first rules get a letter prefix when the name starts with a digit.
  if (!collapsed.empty() && std::isdigit(static_cast<unsigned char>(collapsed[0])) &&
      !CheckShape(e.charset, collapsed).empty())
    collapsed = "n" + collapsed;
  if (collapsed.size() > max) {
    // 8 hex digits of the full wanted name keep truncated names distinct and stable.
    std::string suffix = StableHashHex(wanted, 8);
    size_t keep = max - suffix.size() - (sep ? 1 : 0);
    std::string head = collapsed.substr(0, keep);
    while (!head.empty() && IsSeparator(static_cast<unsigned char>(head.back()))) head.pop_back();
    collapsed = head + (sep ? std::string(1, sep) : "") + suffix;
  }
  while (collapsed.size() < min) collapsed += "0";
  return collapsed;
}

}  // namespace

std::string FitName(NameKind kind, const std::string& wanted) {
  const Entry& e = EntryFor(kind);
  return Fit(e, wanted, static_cast<size_t>(e.rule.max_length), static_cast<size_t>(e.rule.min_length));
}

std::string FitName(NameKind kind, const std::string& wanted, const std::string& suffix) {
  const Entry& e = EntryFor(kind);
  char sep = SeparatorOf(e);
  const std::string tail = (sep ? std::string(1, sep) : "") + suffix;
  size_t max = static_cast<size_t>(e.rule.max_length), min = static_cast<size_t>(e.rule.min_length);
  // The head keeps room for a truncation hash of its own (8) and a letter or two.
  if (tail.size() + 10 > max) std::abort();
  return Fit(e, wanted, max - tail.size(), min > tail.size() ? min - tail.size() : 1) + tail;
}

}  // namespace bp
