#include "naming/arn.h"

namespace bp {

std::optional<Arn> ParseArn(std::string_view text) {
  constexpr std::string_view kPrefix = "arn:";
  if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  std::string_view fields[4];
  for (auto& field : fields) {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    field = text.substr(0, colon);
    text.remove_prefix(colon + 1);
  }
  if (fields[0].empty() || fields[1].empty() || text.empty()) return std::nullopt;
  return Arn{std::string(fields[0]), std::string(fields[1]), std::string(fields[2]), std::string(fields[3]),
             std::string(text)};
}

std::string FormatArn(const Arn& arn) {
  return "arn:" + arn.partition + ":" + arn.service + ":" + arn.region + ":" + arn.account + ":" + arn.resource;
}

bool IsAwsPartition(std::string_view partition) {
  if (partition == "aws") return true;
  constexpr std::string_view kPrefix = "aws-";
  if (partition.size() <= kPrefix.size() || partition.substr(0, kPrefix.size()) != kPrefix) return false;
  for (char c : partition.substr(kPrefix.size()))
    if (!((c >= 'a' && c <= 'z') || c == '-')) return false;
  return partition.back() != '-';
}

bool IsAccountId(std::string_view account) {
  if (account.size() != 12) return false;
  for (char c : account)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace bp
