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

// "" when `value` fits a tag value (at most 256 characters); otherwise what is wrong.
std::string CheckTagValue(const std::string& value);

}  // namespace bp
