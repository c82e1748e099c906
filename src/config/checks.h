// Value checks named in the config schema (FieldCheck). Each returns "" when the
// value is fine, otherwise a message saying what is wrong and what is allowed.
#pragma once
#include <string>

#include "config/schema.h"

namespace bp {

std::string CheckValue(FieldCheck check, const std::string& value);

}  // namespace bp
