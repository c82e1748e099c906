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

std::string TemplateShapeProblem(const Json& doc) {
  auto a = [](const Json& v) {
    std::string type = v.type_name();
    return (type == "array" || type == "object" ? "an " : "a ") + type;
  };
  if (!doc.is_object()) return "the file holds " + a(doc) + ", not a template object";
  if (doc.contains("artifacts") && doc.contains("version"))
    return "it is a cloud assembly's manifest.json; give one of the <stack>.template.json files beside it";
  if (!doc.contains("Resources")) {
    std::string keys;
    int shown = 0;
    for (auto it = doc.begin(); it != doc.end() && shown < 5; ++it, ++shown) keys += (keys.empty() ? "" : ", ") + it.key();
    if (doc.size() > 5) keys += ", ...";
    return "it has no Resources section" + (keys.empty() ? std::string(" (it is empty)") : " (its keys: " + keys + ")");
  }
  const Json& resources = doc["Resources"];
  if (!resources.is_object()) return "Resources is " + a(resources) + ", not an object of resources";
  if (resources.empty()) return "Resources is empty";
  for (auto it = resources.begin(); it != resources.end(); ++it) {
    if (!it.value().is_object()) return "Resources." + it.key() + " is " + a(it.value()) + ", not a resource object";
    if (!it.value().contains("Type") || !it.value()["Type"].is_string())
      return "Resources." + it.key() + " has no Type string";
  }
  return "";
}

std::string JsonExcerpt(const Json& doc, size_t max) {
  std::string text = doc.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return text.substr(0, cut) + "...";
}

}  // namespace bp::cfn
