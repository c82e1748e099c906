// Settings read from environment variables (BLUEPRINT_AWS_TIMEOUT_SECONDS, ...): one
// parser with a range, so a mistyped value is refused with its name, its range and
// what was given, instead of becoming some other number.
#pragma once
#include "util/diag.h"

namespace bp {

// The variable `name` as a whole number from `min` to `max` into *value. Unset or empty:
// *value keeps its default and the call succeeds. Anything else (not a number, a sign
// or space around it, out of range, too large for an int) is an error in diags that
// names the variable, the range, the value given and the default; *value is unchanged.
bool ParseEnvInt(const char* name, int min, int max, int* value, Diagnostics* diags);

}  // namespace bp
