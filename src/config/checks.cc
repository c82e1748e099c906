#include "config/checks.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "naming/arn.h"
#include "naming/aws_tables.h"
#include "naming/cidr.h"
#include "naming/names.h"
#include "util/strings.h"

namespace bp {

namespace {

// Hand-written matchers, one per value shape: linear in the value's length, no
// recursion (std::regex recursed once per character and overflowed the stack on
// values of 30-40 k characters).
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return IsLower(c) || IsUpper(c); }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }
bool IsLowerAlnum(char c) { return IsLower(c) || IsDigit(c); }

// Every character of `s` satisfies `pred` (and `s` has min..max characters).
template <typename Pred>
bool All(std::string_view s, Pred pred, size_t min = 1, size_t max = std::string_view::npos) {
  if (s.size() < min || s.size() > max) return false;
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}

// Unicode characters (code points) of UTF-8 text, what AWS's tag limits count.
size_t CharacterCount(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool IsOneOf(char c, std::string_view set) { return set.find(c) != std::string_view::npos; }

// [a-z][a-z0-9]*(-[a-z0-9]+)*
bool IsAppNameShape(std::string_view s) {
  if (s.empty() || !IsLower(s[0]) || s.back() == '-' || s.find("--") != std::string_view::npos) return false;
  return All(s, [](char c) { return IsLowerAlnum(c) || c == '-'; });
}

// [a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]
bool IsRegionShape(std::string_view s) {
  std::vector<std::string> parts = SplitString(s, '-');
  if (parts.size() < 3 || parts.size() > 4) return false;
  if (!All(parts.front(), IsLower, 2, 2) || !All(parts.back(), IsDigit, 1, 1)) return false;
  if (!All(parts[parts.size() - 2], IsLower)) return false;
  if (parts.size() == 3) return true;
  const std::string& partition = parts[1];  // gov, iso, isob, ...
  return partition == "gov" || (StartsWith(partition, "iso") && All(partition, IsLower, 3, 4));
}

// A DNS label: [A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?
bool IsDnsLabel(std::string_view s) {
  return !s.empty() && IsAlnum(s.front()) && IsAlnum(s.back()) &&
         All(s, [](char c) { return IsAlnum(c) || c == '-'; });
}

// local@label(.label)*.tld: the local part in RFC 5322's atom characters and dots,
// the domain in DNS labels, the last one 2+ letters.
bool IsEmailShape(std::string_view s) {
  size_t at = s.find('@');
  if (at == std::string_view::npos) return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  if (!All(local, [](char c) { return IsAlnum(c) || IsOneOf(c, ".!#$%&'*+/=?^_`{|}~-"); })) return false;
  std::vector<std::string> labels = SplitString(domain, '.');
  if (labels.size() < 2 || !All(labels.back(), IsAlpha, 2)) return false;
  for (const auto& label : labels)
    if (!IsDnsLabel(label)) return false;
  return true;
}

// A lowercase DNS name of two labels or more, the last alphabetic, at most 253
// characters: what ACM and CloudFront aliases accept for one name (no wildcard: the
// alias records name one host). Src: DOC:acm/latest/APIReference/API_RequestCertificate.html
// (DomainName 1-253); DOC:Route53/latest/DeveloperGuide/DomainNameFormat.html.
bool IsHostNameShape(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::vector<std::string> labels = SplitString(s, '.');
  if (labels.size() < 2 || !All(labels.back(), IsLower, 2)) return false;
  for (const auto& label : labels)
    if (!IsDnsLabel(label) || label.size() > 63 || label != ToLower(label)) return false;
  return true;
}

// [A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}: 1 to 39, single inner hyphens.
bool IsGithubOwnerShape(std::string_view s) {
  return s.size() <= 39 && IsDnsLabel(s) && s.find("--") == std::string_view::npos;
}

// db\.[a-z][a-z0-9-]*\.[a-z0-9]+
bool IsDbClassShape(std::string_view s) {
  if (!StartsWith(s, "db.")) return false;
  std::string_view rest = s.substr(3);
  size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return false;
  std::string_view family = rest.substr(0, dot), size = rest.substr(dot + 1);
  return !family.empty() && IsLower(family[0]) && All(family, [](char c) { return IsLowerAlnum(c) || c == '-'; }) &&
         All(size, IsLowerAlnum);
}

// [a-z][a-z0-9]*[0-9]g[a-z]*\.[a-z0-9]+: an arm64 (Graviton, "g" after the generation) type.
bool IsGravitonTypeShape(std::string_view s) {
  size_t dot = s.find('.');
  if (dot == std::string_view::npos) return false;
  std::string_view family = s.substr(0, dot), size = s.substr(dot + 1);
  if (family.empty() || !IsLower(family[0]) || !All(family, IsLowerAlnum) || !All(size, IsLowerAlnum)) return false;
  size_t last_digit = family.find_last_of("0123456789");
  return last_digit != std::string_view::npos && last_digit + 1 < family.size() && family[last_digit + 1] == 'g';
}

// 17 or 17.N
bool IsPostgres17Shape(std::string_view s) {
  if (s == "17") return true;
  return StartsWith(s, "17.") && All(s.substr(3), IsDigit);
}

// hh24:mi starting at s[0]
bool IsClock(std::string_view s) {
  return s.size() == 5 && IsDigit(s[0]) && IsDigit(s[1]) && s[2] == ':' && IsOneOf(s[3], "012345") &&
         IsDigit(s[4]) && (s[0] < '2' || s[1] <= '3') && s[0] <= '2';
}

// hh24:mi-hh24:mi
bool IsBackupWindowShape(std::string_view s) {
  return s.size() == 11 && s[5] == '-' && IsClock(s.substr(0, 5)) && IsClock(s.substr(6));
}

// ddd:hh24:mi-ddd:hh24:mi
bool IsMaintenanceWindowShape(std::string_view s) {
  auto day_clock = [](std::string_view t) {
    static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    bool day = false;
    for (const char* d : kDays) day = day || t.substr(0, 3) == d;
    return day && t.size() == 9 && t[3] == ':' && IsClock(t.substr(4));
  };
  return s.size() == 19 && s[9] == '-' && day_clock(s.substr(0, 9)) && day_clock(s.substr(10));
}

// arn:<partition>:iam::<12 digits>:oidc-provider/token.actions.githubusercontent.com
bool IsGithubOidcProviderArn(std::string_view s) {
  std::optional<Arn> arn = ParseArn(s);
  return arn && IsAwsPartition(arn->partition) && arn->service == "iam" && arn->region.empty() &&
         IsAccountId(arn->account) && arn->resource == "oidc-provider/token.actions.githubusercontent.com";
}

// [A-Za-z0-9+/]+={0,2}
bool IsBase64Shape(std::string_view s) {
  size_t end = s.find_last_not_of('=');
  if (end == std::string_view::npos || s.size() - end - 1 > 2) return false;
  return All(s.substr(0, end + 1), [](char c) { return IsAlnum(c) || c == '+' || c == '/'; });
}

bool IsReservedDbWord(const std::string& s) {
  // PostgreSQL reserved key words most likely to be picked as names, and the
  // accounts RDS keeps for itself. Src: postgresql.org/docs/17/sql-keywords-appendix.html,
  // DOC:AmazonRDS/latest/UserGuide/CHAP_Limits.html (naming constraints).
  static const char* kReserved[] = {"all", "and", "as", "select", "table", "user", "from", "where",
                                    "order", "group", "default", "grant", "check", "column",
                                    "rdsadmin", "rdsrepladmin", "rds_superuser", "postgres"};
  std::string lower = ToLower(s);
  for (const char* r : kReserved)
    if (lower == r) return true;
  return false;
}

}  // namespace

std::string CheckValue(FieldCheck check, const std::string& v) {
  switch (check) {
    case FieldCheck::kNone: return "";
    case FieldCheck::kAppName:
      if (v.size() < 2 || v.size() > 50)
        return "'" + v + "' has " + std::to_string(v.size()) +
               " characters; an app name has 2 to 50 (resource names are built from it)";
      if (!IsAppNameShape(v))
        return "'" + v + "' is not a valid app name; use lowercase letters, digits and single hyphens, "
               "starting with a letter and not ending with a hyphen (e.g. orders-api): every AWS "
               "name of the stack is derived from it";
      return "";
    case FieldCheck::kRegion: {
      if (!IsRegionShape(v))
        return "'" + v + "' is not an AWS region name such as us-east-1 or eu-west-3";
      if (FindRegion(v)) return "";
      std::vector<std::string> names;
      for (const auto& r : SupportedRegions()) names.push_back(r.name);
      return "'" + v + "' is not a region where App Runner runs (it also needs RDS, ECR and Secrets Manager, "
             "which every App Runner region has)" + DidYouMean(v, names) + "; regions: " + Join(names, ", ");
    }
    case FieldCheck::kAzId: {
      // use1-az1, euw3-az2, apne1-az4: a region code, "-az", a number.
      size_t dash = v.find("-az");
      bool ok = dash != std::string::npos && dash >= 3 && dash <= 6 && All(std::string_view(v).substr(0, dash - 1), IsLower) &&
                IsDigit(v[dash - 1]) && All(std::string_view(v).substr(dash + 3), IsDigit, 1, 2);
      if (!ok)
        return "'" + v + "' is not an Availability Zone ID such as euw3-az1 (`aws ec2 describe-availability-zones "
               "--query 'AvailabilityZones[].[ZoneName,ZoneId]'` lists them)";
      return "";
    }
    case FieldCheck::kAwsAccountId: {
      // Src: DOC:accounts/latest/reference/manage-acct-identifiers.html (a 12-digit number).
      bool digits = v.size() == 12 && std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (!digits)
        return "'" + v + "' is not an AWS account ID: exactly 12 digits, e.g. 123456789012 (`aws sts "
               "get-caller-identity` shows it)";
      return "";
    }
    case FieldCheck::kCidr: {
      Ipv4Cidr c;
      if (std::string err = ParseCidr(v, &c); !err.empty()) return err;
      if (c.prefix < kMinVpcPrefix || c.prefix > kMaxSubnetPrefix)
        return "'" + v + "' is a /" + std::to_string(c.prefix) + "; a VPC block is /16 to /28";
      return "";
    }
    case FieldCheck::kEmail:
      if (!IsEmailShape(v))
        return "'" + v + "' is not an email address (name@example.com)";
      return "";
    case FieldCheck::kGithubOwner:
      if (!IsGithubOwnerShape(v))
        return "'" + v + "' is not a GitHub organisation or user name: 1 to 39 letters, digits or "
               "single hyphens, not starting or ending with a hyphen";
      return "";
    case FieldCheck::kGithubRepo:
      if (!All(v, [](char c) { return IsAlnum(c) || IsOneOf(c, "._-"); }, 1, 100) || v == "." || v == "..")
        return "'" + v + "' is not a GitHub repository name: 1 to 100 letters, digits, '.', '_' or '-' "
               "(just the name, without the organisation)";
      return "";
    case FieldCheck::kGithubId:
      if ((v.empty() || v[0] == '0' || !All(v, IsDigit, 1, 20)))
        return "'" + v + "' is not a GitHub numeric ID; use the number `gh api repos/ORG/REPO` reports "
               "(.owner.id or .id)";
      return "";
    case FieldCheck::kOidcProviderArn:
      // Src: reference/aws-facts.md 6.1 (the provider's ARN is fixed by its URL).
      if (!IsGithubOidcProviderArn(v))
        return "'" + v + "' is not the ARN of a GitHub OIDC provider: "
               "arn:aws:iam::<12-digit account>:oidc-provider/token.actions.githubusercontent.com";
      return "";
    case FieldCheck::kGitRef:
      if (!All(v, [](char c) { return IsAlnum(c) || IsOneOf(c, "._/*-"); }, 1, 255) || v.find("..") != std::string::npos || v[0] == '-')
        return "'" + v + "' is not a branch or environment name: letters, digits, '.', '_', '/', '-' "
               "and '*' wildcards, no '..'";
      return "";
    case FieldCheck::kHttpPath:
      if ((v.empty() || v[0] != '/' ||
          !All(v, [](char c) { return IsAlnum(c) || IsOneOf(c, "._~!$&'()*+,;=:@%/-"); }, 1, 255)))
        return "'" + v + "' is not an HTTP path; it starts with '/' and has no spaces (e.g. /health)";
      return "";
    case FieldCheck::kEnvVarName:
      if ((v.empty() || IsDigit(v[0]) || !All(v, [](char c) { return IsAlnum(c) || c == '_'; }, 1, 256)))
        return "'" + v + "' is not an environment variable name: letters, digits and '_', not starting with a digit";
      return "";
    case FieldCheck::kTagKey:
      // Src: DOC:tag-editor/latest/userguide/reference.html (keys 1 to 128 Unicode
      // characters; the aws: prefix is AWS's own).
      if (v.empty() || CharacterCount(v) > 128) return "tag key '" + v + "' must have 1 to 128 characters";
      if (StartsWith(ToLower(v), "aws:")) return "tag key '" + v + "' uses the reserved prefix 'aws:'";
      return "";
    case FieldCheck::kReason: {
      size_t letters = 0;
      for (char c : v) letters += std::isalnum(static_cast<unsigned char>(c)) != 0;
      if (letters < 3) return "a guard needs a written reason (a few words), got '" + v + "'";
      return "";
    }
    case FieldCheck::kDbName: {
      std::string err = CheckName(NameKind::kRdsDbName, v);
      if (!err.empty()) return err;
      if (IsReservedDbWord(v)) return "'" + v + "' is a reserved word in PostgreSQL or RDS; pick another database name";
      return "";
    }
    case FieldCheck::kDbUsername: {
      std::string err = CheckName(NameKind::kRdsMasterUsername, v);
      if (!err.empty()) return err;
      if (IsReservedDbWord(v)) return "'" + v + "' is reserved in PostgreSQL or RDS; pick another username";
      return "";
    }
    case FieldCheck::kDbClass:
      if (!IsDbClassShape(v))
        return "'" + v + "' is not an RDS instance class such as db.t4g.micro";
      return "";
    case FieldCheck::kEngineVersion:
      if (!IsPostgres17Shape(v))
        return "'" + v + "' is not a PostgreSQL 17 version; use 17 (RDS picks the minor) or 17.x";
      return "";
    case FieldCheck::kInstanceType:
      if (!IsGravitonTypeShape(v) || !FindInstanceFamily(v)) {
        std::vector<std::string> families;
        for (const auto& f : NatInstanceFamilies()) families.push_back(f.name);
        return "'" + v + "' is not an arm64 (Graviton) EC2 instance type such as t4g.nano; the NAT "
               "instance runs an arm64 image (families: " + Join(families, ", ") + ")";
      }
      return "";
    case FieldCheck::kBackupWindow: {
      if (!IsBackupWindowShape(v))
        return "'" + v + "' is not a backup window such as 02:00-02:30 (hh24:mi-hh24:mi, UTC)";
      int from = std::stoi(v.substr(0, 2)) * 60 + std::stoi(v.substr(3, 2));
      int to = std::stoi(v.substr(6, 2)) * 60 + std::stoi(v.substr(9, 2));
      if ((to - from + 1440) % 1440 < 30) return "the backup window " + v + " is shorter than the 30 minutes RDS requires";
      return "";
    }
    case FieldCheck::kMaintenanceWindow:
      if (!IsMaintenanceWindowShape(v))
        return "'" + v + "' is not a maintenance window such as sun:03:00-sun:03:30 (ddd:hh24:mi-ddd:hh24:mi, UTC)";
      return "";
    case FieldCheck::kSalt:
      if (v.size() < 24 || !IsBase64Shape(v) || v.size() % 4 != 0)
        return "'" + v + "' is not a base64 salt of 16 or more bytes; `blueprint config set --secret` writes it";
      return "";
    case FieldCheck::kSecureValue:
      if ((!StartsWith(v, "v1:") || !IsBase64Shape(std::string_view(v).substr(3))))
        return "not a v1 encrypted value (\"v1:<base64>\"); `blueprint config set --secret` writes it";
      return "";
    case FieldCheck::kDomainName:
      if (!IsHostNameShape(v))
        return "'" + v + "' is not a domain name such as www.example.com: lowercase labels of letters, digits "
               "and inner hyphens, dot-separated, at most 253 characters (no wildcard, no trailing dot)";
      return "";
    case FieldCheck::kCheckRuleKey: {
      // RULE-ID (capitals, digits, inner hyphens), then optionally /LogicalId
      // (CloudFormation: alphanumeric, at most 255; DOC:AWSCloudFormation/latest/UserGuide/resources-section-structure.html).
      const size_t slash = v.find('/');
      const std::string rule = v.substr(0, slash);
      const bool rule_ok = !rule.empty() && IsUpper(rule[0]) && rule.back() != '-' &&
                           rule.find("--") == std::string::npos && rule.find('-') != std::string::npos &&
                           All(
                               rule, [](char c) { return IsUpper(c) || IsDigit(c) || c == '-'; }, 1, 64);
      const std::string id = slash == std::string::npos ? "x" : v.substr(slash + 1);
      if (!rule_ok || !All(
                          id, [](char c) { return IsAlnum(c); }, 1, 255))
        return "'" + v +
               "' is not RULE_ID or RULE_ID/LogicalId (e.g. BP-SEC-FLOW-LOGS or "
               "BP-IAM-RESOURCE-WILDCARD/GithubDeployRole); `blueprint check` prints both";
      return "";
    }
    case FieldCheck::kHostedZoneId:
      // Src: DOC:Route53/latest/APIReference/API_HostedZone.html (Id: at most 32 characters).
      if (v.size() < 2 || v[0] != 'Z' || !All(v, [](char c) { return IsDigit(c) || (c >= 'A' && c <= 'Z'); }, 2, 32))
        return "'" + v + "' is not a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ (`aws route53 "
               "list-hosted-zones-by-name --dns-name example.com` shows it, without the /hostedzone/ prefix)";
      return "";
  }
  return "";
}

// A partial ARN (no 6-character suffix) is refused: IAM authorizes GetSecretValue
// against the complete ARN, so a policy naming the partial one never matches, and a
// name that itself ends in a hyphen and six characters is ambiguous.
// Src: DOC:secretsmanager/latest/userguide/auth-and-access_resources.html,
// DOC:apprunner/latest/dg/env-variable.html, reference/aws-facts.md 15.
std::string CheckSecretReference(const std::string& reference) {
  // The resource part: secret:<name>[:<json key>:<version stage>:<version id>].
  std::optional<Arn> arn = ParseArn(reference);
  std::vector<std::string> parts = arn ? SplitString(arn->resource, ':') : std::vector<std::string>{};
  const std::string usage =
      "; use the complete ARN (`aws secretsmanager describe-secret --secret-id NAME --query ARN`), "
      "optionally followed by :<json key>:<version stage>:<version id> (e.g. ...:password::)";
  if (!arn || arn->service != "secretsmanager" || (parts.size() != 2 && parts.size() != 5) || parts[0] != "secret" ||
      parts[1].empty())
    return "'" + reference + "' is not a Secrets Manager secret ARN" + usage;
  const std::string& name = parts[1];
  bool suffix = name.size() > 7 && name[name.size() - 7] == '-';
  for (size_t i = name.size() - std::min<size_t>(6, name.size()); suffix && i < name.size(); ++i)
    suffix = IsAlnum(name[i]);
  if (!suffix)
    return "'" + reference + "' is a partial ARN: the secret name '" + name +
           "' lacks the '-' and 6 random characters Secrets Manager appends, and IAM authorizes reads "
           "against the complete ARN" + usage;
  return "";
}

std::string CheckAcknowledgeReason(const std::string& reason) {
  // Words of two letters or more; a placeholder alone is no reason.
  std::vector<std::string> words;
  std::string word;
  for (char c : reason + " ") {
    if (std::isalpha(static_cast<unsigned char>(c)) || (!word.empty() && c == '\'')) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      continue;
    }
    if (word.size() >= 2) words.push_back(word);
    word.clear();
  }
  static const char* const kPlaceholders[] = {"todo",  "tbd",    "fixme",    "wip",          "temp",     "temporary",
                                              "later", "ignore", "ignored",  "ok",           "okay",     "na",
                                              "none",  "xxx",    "accepted", "acknowledged", "whatever", "test"};
  const bool placeholder = std::all_of(words.begin(), words.end(), [](const std::string& w) {
    return std::find(std::begin(kPlaceholders), std::end(kPlaceholders), w) != std::end(kPlaceholders);
  });
  if (words.size() < 3 || placeholder)
    return "an acknowledgement needs a reason a reviewer can weigh (at least three words saying why the finding "
           "is accepted), got '" +
           reason + "'";
  return "";
}

std::string CheckDate(const std::string& date) {
  const std::string err = "'" + date + "' is not a date written YYYY-MM-DD (e.g. 2027-06-30)";
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return err;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!IsDigit(date[i])) return err;
  const int y = std::stoi(date.substr(0, 4)), m = std::stoi(date.substr(5, 2)), d = std::stoi(date.substr(8, 2));
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 2000 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1] || (m == 2 && d == 29 && !leap)) return err;
  return "";
}

std::string CheckTagValue(const std::string& value) {
  // Src: DOC:tag-editor/latest/userguide/reference.html (values 0 to 256 Unicode characters).
  constexpr size_t kMaxTagValueCharacters = 256;
  size_t n = CharacterCount(value);
  if (n <= kMaxTagValueCharacters) return "";
  return "the tag value has " + std::to_string(n) + " characters; AWS allows at most " +
         std::to_string(kMaxTagValueCharacters);
}

}  // namespace bp
