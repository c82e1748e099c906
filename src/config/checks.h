// Value checks named in the config schema (FieldCheck). Each returns "" when the
// value is fine, otherwise a message saying what is wrong and what is allowed.
#pragma once
#include <string>

#include "config/schema.h"

namespace bp {

std::string CheckValue(FieldCheck check, const std::string& value);

// "" when `reference` is a Secrets Manager reference App Runner and IAM both
// understand: the complete secret ARN, optionally followed by
// ":<json key>:<version stage>:<version id>"; otherwise what is wrong and what to write.
std::string CheckSecretReference(const std::string& reference);

// "" when `reason` reads as a reason for accepting a check's finding: a few real words
// (at least three of two letters or more), not a placeholder such as "todo" or "n/a".
std::string CheckAcknowledgeReason(const std::string& reason);

// "" when `date` is a calendar date written YYYY-MM-DD.
std::string CheckDate(const std::string& date);

// "" when `value` fits a tag value (at most 256 characters); otherwise what is wrong.
std::string CheckTagValue(const std::string& value);

}  // namespace bp
