// Amazon Resource Names, taken apart in one place.
// Src: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
// ("arn:partition:service:region:account-id:resource-id", where the resource part may
// itself hold ':' or '/': "resource-type/resource-id", "resource-type:resource-id").
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace bp {

struct Arn {
  std::string partition;  // "aws", "aws-cn", "aws-us-gov", ...
  std::string service;    // "iam", "secretsmanager", "ssm", ...
  std::string region;     // "" for global services (IAM)
  std::string account;    // "" for AWS-owned resources (managed policies)
  std::string resource;   // everything after the fifth ':', colons included
};

// `text` as an ARN: "arn:" then partition, service, region and account separated by ':'
// and a resource part that is not empty. Partition and service must not be empty either;
// nullopt otherwise. Nothing more is checked: each caller checks the fields it needs.
std::optional<Arn> ParseArn(std::string_view text);

// The ARN's text again: ParseArn(FormatArn(a)) == a.
std::string FormatArn(const Arn& arn);

// "aws", or "aws-" and a name of lowercase letters and '-' ("aws-partitionname"): aws-cn,
// aws-us-gov, the isolated partitions (aws-iso, aws-iso-b, ...), the European Sovereign
// Cloud (aws-eusc), and those AWS adds next, which a list would refuse.
// Src: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html (partition);
// https://docs.aws.amazon.com/general/latest/gr/aws-arns-and-namespaces.html.
bool IsAwsPartition(std::string_view partition);

// An AWS account ID: 12 digits.
// Src: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html
bool IsAccountId(std::string_view account);

}  // namespace bp
