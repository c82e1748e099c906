#include "util/env.h"

#include <charconv>
#include <cstdlib>
#include <string>

namespace bp {

bool ParseEnvInt(const char* name, int min, int max, int* value, Diagnostics* diags) {
  const char* text = std::getenv(name);
  if (!text || !*text) return true;
  std::string given = text;
  long long parsed = 0;
  const char* end = given.data() + given.size();
  auto [stop, ec] = std::from_chars(given.data(), end, parsed);
  if (ec == std::errc() && stop == end && parsed >= min && parsed <= max) {
    *value = static_cast<int>(parsed);
    return true;
  }
  bool number = ec != std::errc::invalid_argument && stop == end;
  diags->Error({}, name,
               "'" + given + "' is " + (number ? "out of range" : "not a whole number") + ": set a whole number from " +
                   std::to_string(min) + " to " + std::to_string(max) + ", or unset it for the default (" +
                   std::to_string(*value) + ")");
  return false;
}

}  // namespace bp
