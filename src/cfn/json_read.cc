#include "cfn/json_read.h"

namespace bp::cfn {

namespace {

// The offset of the bracket that opens level max_depth + 1, or npos. Counts brackets
// outside strings, without recursion; exact for valid JSON, and for any other text the
// parser refuses it anyway.
size_t TooDeepAt(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

}  // namespace

bool ParseJson(std::string_view text, Json* doc, std::string* error) {
  *doc = nullptr;
  if (size_t at = TooDeepAt(text, kMaxJsonDepth); at != std::string_view::npos) {
    *error = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (at byte " + std::to_string(at) + ")";
    return false;
  }
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    *error = "not valid JSON";
    return false;
  }
  *doc = std::move(parsed);
  return true;
}

std::string JsonExcerpt(const Json& doc, size_t max) {
  std::string text = doc.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return text.substr(0, cut) + "...";
}

}  // namespace bp::cfn
