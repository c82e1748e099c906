#include "config/checks.h"

#include <map>
#include <regex>

#include "naming/cidr.h"
#include "naming/names.h"
#include "util/strings.h"

namespace bp {

namespace {

bool Matches(const std::string& s, const char* pattern) {
  // Patterns are few and fixed; compile each once.
  static thread_local std::map<const char*, std::regex> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
  return std::regex_match(s, it->second);
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
      if (!Matches(v, "[a-z][a-z0-9]*(-[a-z0-9]+)*"))
        return "'" + v + "' is not a valid app name; use lowercase letters, digits and single hyphens, "
               "starting with a letter and not ending with a hyphen (e.g. orders-api): every AWS "
               "name of the stack is derived from it";
      return "";
    case FieldCheck::kRegion:
      if (!Matches(v, "[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]"))
        return "'" + v + "' is not an AWS region name such as us-east-1 or eu-west-3";
      return "";
    case FieldCheck::kCidr: {
      Ipv4Cidr c;
      std::string err;
      if (!ParseCidr(v, &c, &err)) return err;
      if (c.prefix < kMinVpcPrefix || c.prefix > kMaxSubnetPrefix)
        return "'" + v + "' is a /" + std::to_string(c.prefix) + "; a VPC block is /16 to /28";
      return "";
    }
    case FieldCheck::kEmail:
      if (!Matches(v, "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,}"))
        return "'" + v + "' is not an email address (name@example.com)";
      return "";
    case FieldCheck::kGithubOwner:
      if (!Matches(v, "[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"))
        return "'" + v + "' is not a GitHub organisation or user name: 1 to 39 letters, digits or "
               "single hyphens, not starting or ending with a hyphen";
      return "";
    case FieldCheck::kGithubRepo:
      if (!Matches(v, "[A-Za-z0-9._-]{1,100}") || v == "." || v == "..")
        return "'" + v + "' is not a GitHub repository name: 1 to 100 letters, digits, '.', '_' or '-' "
               "(just the name, without the organisation)";
      return "";
    case FieldCheck::kGithubId:
      if (!Matches(v, "[1-9][0-9]{0,19}"))
        return "'" + v + "' is not a GitHub numeric ID; use the number `gh api repos/ORG/REPO` reports "
               "(.owner.id or .id)";
      return "";
    case FieldCheck::kOidcProviderArn:
      // Src: aws-facts 6.1 (the provider's ARN is fixed by its URL).
      if (!Matches(v, "arn:aws(-cn|-us-gov|-iso[a-z-]*)?:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com"))
        return "'" + v + "' is not the ARN of a GitHub OIDC provider: "
               "arn:aws:iam::<12-digit account>:oidc-provider/token.actions.githubusercontent.com";
      return "";
    case FieldCheck::kGitRef:
      if (!Matches(v, "[A-Za-z0-9._/*-]{1,255}") || v.find("..") != std::string::npos || v[0] == '-')
        return "'" + v + "' is not a branch or environment name: letters, digits, '.', '_', '/', '-' "
               "and '*' wildcards, no '..'";
      return "";
    case FieldCheck::kHttpPath:
      if (!Matches(v, "/[A-Za-z0-9._~!$&'()*+,;=:@%/-]{0,254}"))
        return "'" + v + "' is not an HTTP path; it starts with '/' and has no spaces (e.g. /health)";
      return "";
    case FieldCheck::kEnvVarName:
      if (!Matches(v, "[A-Za-z_][A-Za-z0-9_]{0,255}"))
        return "'" + v + "' is not an environment variable name: letters, digits and '_', not starting with a digit";
      return "";
    case FieldCheck::kTagKey:
      if (v.empty() || v.size() > 128) return "tag key '" + v + "' must have 1 to 128 characters";
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
      if (!Matches(v, "db\\.[a-z][a-z0-9-]*\\.[a-z0-9]+"))
        return "'" + v + "' is not an RDS instance class such as db.t4g.micro";
      return "";
    case FieldCheck::kEngineVersion:
      if (!Matches(v, "17(\\.[0-9]+)?"))
        return "'" + v + "' is not a PostgreSQL 17 version; use 17 (RDS picks the minor) or 17.x";
      return "";
    case FieldCheck::kInstanceType:
      if (!Matches(v, "[a-z][a-z0-9]*[0-9]g[a-z]*\\.[a-z0-9]+"))
        return "'" + v + "' is not an arm64 (Graviton) EC2 instance type such as t4g.nano; the NAT "
               "instance runs an arm64 image";
      return "";
    case FieldCheck::kBackupWindow: {
      if (!Matches(v, "([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]"))
        return "'" + v + "' is not a backup window such as 02:00-02:30 (hh24:mi-hh24:mi, UTC)";
      int from = std::stoi(v.substr(0, 2)) * 60 + std::stoi(v.substr(3, 2));
      int to = std::stoi(v.substr(6, 2)) * 60 + std::stoi(v.substr(9, 2));
      if ((to - from + 1440) % 1440 < 30) return "the backup window " + v + " is shorter than the 30 minutes RDS requires";
      return "";
    }
    case FieldCheck::kMaintenanceWindow:
      if (!Matches(v, "(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]"))
        return "'" + v + "' is not a maintenance window such as sun:03:00-sun:03:30 (ddd:hh24:mi-ddd:hh24:mi, UTC)";
      return "";
    case FieldCheck::kSalt:
      if (v.size() < 24 || !Matches(v, "[A-Za-z0-9+/]+={0,2}") || v.size() % 4 != 0)
        return "'" + v + "' is not a base64 salt of 16 or more bytes; `blueprint config set --secret` writes it";
      return "";
    case FieldCheck::kSecureValue:
      if (!Matches(v, "v1:[A-Za-z0-9+/]+={0,2}"))
        return "not a v1 encrypted value (\"v1:<base64>\"); `blueprint config set --secret` writes it";
      return "";
  }
  return "";
}

}  // namespace bp
