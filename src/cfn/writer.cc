#include "cfn/writer.h"

#include <cstdint>
#include <cstdio>

#include "util/strings.h"

namespace bp::cfn {

bool IsValidUtf8(const std::string& s) { return InvalidUtf8At(s) == std::string::npos; }

std::string WriteJson(const Json& doc) {
  return doc.dump(1, ' ', false, nlohmann::detail::error_handler_t::strict) + "\n";
}

std::string WriteCompactJson(const Json& doc) {
  return doc.dump(-1, ' ', false, nlohmann::detail::error_handler_t::strict);
}

namespace {

bool IsPlainSafe(const std::string& s) {
  if (s.empty()) return false;
  // Words YAML 1.1 or 1.2 parsers read as booleans or null.
  static const char* kReserved[] = {"true", "false", "yes", "no", "on", "off", "null", "y", "n",
                                    "True", "False", "Yes", "No", "On", "Off", "Null", "TRUE",
                                    "FALSE", "YES", "NO", "ON", "OFF", "NULL", "Y", "N", "~"};
  for (const char* r : kReserved)
    if (s == r) return false;
  // Anything that starts like a number is quoted (covers 1e3, 0x1F, .5, 017, 1_000).
  unsigned char first = static_cast<unsigned char>(s[0]);
  if (std::isdigit(first) || first == '-' || first == '+' || first == '.') return false;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '/' || c == '.' || c == '-') continue;
    return false;
  }
  return true;
}

// The code point of the UTF-8 sequence at s[i] that must not be written raw inside a
// double-quoted scalar, and its length; 0 when the bytes may pass through. YAML 1.1
// readers (PyYAML and the tools built on it) take U+0085, U+2028 and U+2029 for line
// breaks and fold them, YAML 1.2 readers keep them; the other C1 controls, U+FEFF and
// U+FFFE/U+FFFF are not printable in either. Escaped, every reader returns the string
// the JSON template holds. Src: https://yaml.org/spec/1.2.2/#51-character-set and
// #57-escaped-characters; https://yaml.org/spec/1.1/ (5.4 Line Break Characters).
uint32_t UnprintableAt(const std::string& s, size_t i, size_t* len) {
  auto byte = [&](size_t k) -> uint32_t { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  uint32_t cp = 0;
  if (byte(i) == 0xC2) {
    *len = 2;
    cp = byte(i + 1);
    return cp <= 0x9F ? cp : 0;  // C1 controls, U+0085 among them
  }
  if (byte(i) == 0xE2 || byte(i) == 0xEF) {
    *len = 3;
    cp = (byte(i) & 0x0F) << 12 | (byte(i + 1) & 0x3F) << 6 | (byte(i + 2) & 0x3F);
    return cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF ? cp : 0;
  }
  return 0;
}

void AppendQuoted(std::string* out, const std::string& s) {
  out->push_back('"');
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    char buf[12];
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\t': *out += "\\t"; break;
      case '\r': *out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          std::snprintf(buf, sizeof buf, "\\x%02X", c);
          *out += buf;
        } else if (uint32_t cp = UnprintableAt(s, i, &len); cp != 0) {
          std::snprintf(buf, sizeof buf, cp <= 0xFF ? "\\x%02X" : "\\u%04X", cp);
          *out += buf;
          i += len - 1;
        } else {
          out->push_back(static_cast<char>(c));  // other UTF-8 bytes pass through
        }
    }
  }
  out->push_back('"');
}

void AppendScalar(std::string* out, const Json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (IsPlainSafe(s)) *out += s;
    else AppendQuoted(out, s);
  } else {
    *out += v.dump();  // numbers, booleans, null: JSON spelling is YAML spelling
  }
}

void AppendKey(std::string* out, const std::string& k) {
  if (IsPlainSafe(k)) *out += k;
  else AppendQuoted(out, k);
  out->push_back(':');
}

bool IsEmptyContainer(const Json& v) { return (v.is_object() || v.is_array()) && v.empty(); }

void AppendNode(std::string* out, const Json& v, int indent);

// Writes the value after "key:" or "- " on the same line when it is a scalar.
void AppendValueAfterKey(std::string* out, const Json& v, int indent) {
  if (v.is_object() && !v.empty()) {
    out->push_back('\n');
    AppendNode(out, v, indent + 2);
  } else if (v.is_array() && !v.empty()) {
    out->push_back('\n');
    AppendNode(out, v, indent + 2);
  } else if (IsEmptyContainer(v)) {
    *out += v.is_object() ? " {}\n" : " []\n";
  } else {
    out->push_back(' ');
    AppendScalar(out, v);
    out->push_back('\n');
  }
}

void AppendNode(std::string* out, const Json& v, int indent) {
  std::string pad(indent, ' ');
  if (v.is_object()) {
    for (const auto& [k, child] : v.items()) {
      *out += pad;
      AppendKey(out, k);
      AppendValueAfterKey(out, child, indent);
    }
  } else if (v.is_array()) {
    for (const auto& item : v) {
      *out += pad + "-";
      if (item.is_object() && !item.empty()) {
        // First key on the dash line, the rest aligned under it.
        bool first = true;
        for (const auto& [k, child] : item.items()) {
          if (first) out->push_back(' ');
          else *out += pad + "  ";
          first = false;
          AppendKey(out, k);
          AppendValueAfterKey(out, child, indent + 2);
        }
      } else if (item.is_array() && !item.empty()) {
        out->push_back('\n');
        AppendNode(out, item, indent + 2);
      } else {
        AppendValueAfterKey(out, item, indent);
      }
    }
  } else {
    *out += pad;
    AppendScalar(out, v);
    out->push_back('\n');
  }
}

}  // namespace

std::string WriteYaml(const Json& doc) {
  std::string out;
  if (IsEmptyContainer(doc)) return doc.is_object() ? "{}\n" : "[]\n";
  AppendNode(&out, doc, 0);
  return out;
}

std::string Write(const Json& doc, Format format) {
  return format == Format::kJson ? WriteJson(doc) : WriteYaml(doc);
}

}  // namespace bp::cfn
