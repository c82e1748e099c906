#include "cfn/writer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "util/strings.h"

namespace bp::cfn {

bool IsValidUtf8(const std::string& s) { return InvalidUtf8At(s) == std::string::npos; }

std::string WriteJson(const Json& doc) {
  return doc.dump(1, ' ', false, nlohmann::detail::error_handler_t::strict) + "\n";
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

// --- templates, written from the model --------------------------------------

namespace {

// Where JSON text goes: appended to a string, or only counted. StringOut writes into a
// buffer of its own that it does not clear first, so a Put is a bounds check and a copy
// (std::string's append and push_back are calls, and resize clears what it adds);
// Finish appends what was written to the string.
class StringOut {
 public:
  explicit StringOut(std::string* text, size_t capacity = 256)
      : text_(text), buffer_(std::make_unique_for_overwrite<char[]>(capacity)), capacity_(capacity) {}
  void Put(char c) {
    if (length_ == capacity_) Grow(1);
    buffer_[length_++] = c;
  }
  void Put(const char* s, size_t n) {
    if (capacity_ - length_ < n) Grow(n);
    std::memcpy(buffer_.get() + length_, s, n);
    length_ += n;
  }
  void Finish() { text_->append(buffer_.get(), length_); }

 private:
  void Grow(size_t n) {
    capacity_ = std::max(capacity_ * 2, length_ + n);
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity_);
    std::memcpy(bigger.get(), buffer_.get(), length_);
    buffer_ = std::move(bigger);
  }
  std::string* text_;
  std::unique_ptr<char[]> buffer_;
  size_t capacity_;
  size_t length_ = 0;
};
struct CountOut {
  size_t n = 0;
  void Put(char) { ++n; }
  void Put(const char*, size_t length) { n += length; }
};

// Json::dump(indent, ' ', false, error_handler_t::strict)'s text, byte for byte, written
// to `Out` without the serializer's per-character UTF-8 decoding: pretty is indent 1
// ("key": value, one space per level), compact is indent -1. Strings that are all
// ASCII are escaped here as dump escapes them (\" \\ \b \f \n \r \t, other control
// characters \u00xx, nothing else); any other string and every floating-point number
// go through dump itself, so its UTF-8 check and number format stay the only ones.
// What a string needs before it is written: nothing (most strings), escapes, or
// nlohmann's own dump (a byte outside ASCII). A table of what each byte needs, or-ed
// over the string: most strings are short keys and names, for which a word-at-a-time
// scan spent more on its set-up than on the bytes.
enum StringCare : unsigned char { kNone = 0, kEscape = 1, kNonAscii = 2 };
constexpr auto kCareOfByte = [] {
  std::array<unsigned char, 256> care{};
  for (int c = 0; c < 256; ++c) care[c] = c >= 0x80 ? kNonAscii : (c < 0x20 || c == '"' || c == '\\') ? kEscape : kNone;
  return care;
}();
// The length of each ASCII byte in a JSON string as dump writes it: \" \\ \b \f \n \r \t
// take two, the other control characters six (\u00xx).
constexpr auto kEscapedLength = [] {
  std::array<unsigned char, 256> length{};
  for (int c = 0; c < 256; ++c) length[c] = 1;
  for (int c = 0; c < 0x20; ++c) length[c] = 6;
  for (int c : {'"', '\\', '\b', '\f', '\n', '\r', '\t'}) length[c] = 2;
  return length;
}();
unsigned CareOf(const std::string& s) {
  unsigned care = kNone;
  for (unsigned char c : s) care |= kCareOfByte[c];
  return care;
}

template <typename Out>
class JsonText {
 public:
  // `sorted`: object members in the order of their keys, as nlohmann::json (a std::map)
  // holds them, instead of the order they were added in.
  JsonText(Out* out, bool pretty, bool sorted = false) : out_(out), pretty_(pretty), sorted_(sorted) {}

  // `depth` is the indentation of the line `v` starts on, as dump's current_indent.
  void Value(const Json& v, unsigned depth) {
    switch (v.type()) {
      case Json::value_t::object: {
        if (v.empty()) return out_->Put("{}", 2);
        out_->Put(pretty_ ? "{\n" : "{", pretty_ ? 2 : 1);
        const auto& members = v.get_ref<const Json::object_t&>();
        bool first = true;
        auto member = [&](const Json::object_t::value_type& m) {
          if (!first) out_->Put(pretty_ ? ",\n" : ",", pretty_ ? 2 : 1);
          first = false;
          Indent(depth + 1);
          String(m.first);
          out_->Put(pretty_ ? ": " : ":", pretty_ ? 2 : 1);
          Value(m.second, depth + 1);
        };
        if (sorted_) {
          std::vector<const Json::object_t::value_type*> order;
          order.reserve(members.size());
          for (const auto& m : members) order.push_back(&m);
          std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
          for (const auto* m : order) member(*m);
        } else {
          for (const auto& m : members) member(m);
        }
        Close('}', depth);
        return;
      }
      case Json::value_t::array: {
        if (v.empty()) return out_->Put("[]", 2);
        out_->Put(pretty_ ? "[\n" : "[", pretty_ ? 2 : 1);
        bool first = true;
        for (const auto& item : v) {
          if (!first) out_->Put(pretty_ ? ",\n" : ",", pretty_ ? 2 : 1);
          first = false;
          Indent(depth + 1);
          Value(item, depth + 1);
        }
        Close(']', depth);
        return;
      }
      case Json::value_t::string:
        return String(v.get_ref<const std::string&>());
      case Json::value_t::boolean:
        return v.get<bool>() ? out_->Put("true", 4) : out_->Put("false", 5);
      case Json::value_t::null:
        return out_->Put("null", 4);
      case Json::value_t::number_integer:
        return Integer(v.get<Json::number_integer_t>());
      case Json::value_t::number_unsigned:
        return Integer(v.get<Json::number_unsigned_t>());
      default: {  // floating point (binary and discarded never occur in a template)
        const std::string text = v.dump(-1, ' ', false, nlohmann::detail::error_handler_t::strict);
        return out_->Put(text.data(), text.size());
      }
    }
  }

  void String(const std::string& s) {
    if constexpr (std::is_same_v<Out, CountOut>) {
      // Only the length: each byte's escaped length, summed in the same pass.
      size_t length = 2;
      unsigned care = kNone;
      for (unsigned char c : s) {
        length += kEscapedLength[c];
        care |= kCareOfByte[c];
      }
      if (!(care & kNonAscii)) return out_->Put(nullptr, length);
      return DumpString(s);
    }
    // One pass decides: most strings need no escape at all and are written whole.
    const unsigned care = CareOf(s);
    if (care & kNonAscii) return DumpString(s);
    out_->Put('"');
    if (care == kNone) {
      out_->Put(s.data(), s.size());
      return out_->Put('"');
    }
    size_t plain = 0;  // start of the run of bytes written as they are
    for (size_t i = 0; i < s.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_->Put(s.data() + plain, i - plain);
      plain = i + 1;
      switch (c) {
        case '"':
          out_->Put("\\\"", 2);
          break;
        case '\\':
          out_->Put("\\\\", 2);
          break;
        case '\b':
          out_->Put("\\b", 2);
          break;
        case '\f':
          out_->Put("\\f", 2);
          break;
        case '\n':
          out_->Put("\\n", 2);
          break;
        case '\r':
          out_->Put("\\r", 2);
          break;
        case '\t':
          out_->Put("\\t", 2);
          break;
        default: {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out_->Put(buf, 6);
        }
      }
    }
    out_->Put(s.data() + plain, s.size() - plain);
    out_->Put('"');
  }

  // A string with a byte outside ASCII: nlohmann's dump checks its UTF-8 and writes it.
  void DumpString(const std::string& s) {
    const std::string text = Json(s).dump(-1, ' ', false, nlohmann::detail::error_handler_t::strict);
    out_->Put(text.data(), text.size());
  }

  void Indent(unsigned n) {
    if (!pretty_) return;
    static const std::string kSpaces(64, ' ');
    for (; n > kSpaces.size(); n -= kSpaces.size()) out_->Put(kSpaces.data(), kSpaces.size());
    out_->Put(kSpaces.data(), n);
  }

 private:
  template <typename N>
  void Integer(N n) {
    char buf[24];
    auto end = std::to_chars(buf, buf + sizeof buf, n).ptr;
    out_->Put(buf, static_cast<size_t>(end - buf));
  }

  void Close(char bracket, unsigned depth) {
    if (pretty_) {
      out_->Put('\n');
      Indent(depth);
    }
    out_->Put(bracket);
  }

  Out* out_;
  bool pretty_;
  bool sorted_;
};

// Writes the members of Template::ToJson's document one by one, in its order, with
// the separators and indentation Json::dump gives that document, without building it.
template <typename Out>
class TemplateEmitter {
 public:
  TemplateEmitter(Out* out, bool pretty) : out_(out), text_(out, pretty), pretty_(pretty) {}

  void BeginObject() {
    out_->Put('{');
    first_.push_back(true);
  }
  void EndObject() {
    bool empty = first_.back();
    first_.pop_back();
    if (pretty_ && !empty) {
      out_->Put('\n');
      text_.Indent(static_cast<unsigned>(first_.size()));
    }
    out_->Put('}');
  }
  void Key(const std::string& key) {
    if (!first_.back()) out_->Put(',');
    first_.back() = false;
    if (pretty_) out_->Put('\n');
    text_.Indent(static_cast<unsigned>(first_.size()));
    text_.String(key);
    out_->Put(pretty_ ? ": " : ":", pretty_ ? 2 : 1);
  }
  void Value(const Json& v) { text_.Value(v, static_cast<unsigned>(first_.size())); }
  void Member(const std::string& key, const Json& v) {
    Key(key);
    Value(v);
  }
  void Member(const std::string& key, const std::string& v) {
    Key(key);
    text_.String(v);
  }

 private:
  Out* out_;
  JsonText<Out> text_;
  bool pretty_;
  std::vector<bool> first_;  // per open object: no member written yet
};

// The same members, in the same order, as Template::ToJson builds.
template <typename Out>
void EmitTemplate(const Template& t, TemplateEmitter<Out>* e) {
  e->BeginObject();
  e->Member("AWSTemplateFormatVersion", std::string("2010-09-09"));
  if (!t.description.empty()) e->Member("Description", t.description);
  if (!t.metadata.is_null()) e->Member("Metadata", t.metadata);
  if (!t.parameters().empty()) {
    e->Key("Parameters");
    e->BeginObject();
    for (const auto& [name, p] : t.parameters().entries()) {
      e->Key(name);
      e->BeginObject();
      e->Member("Type", p.type);
      if (!p.description.empty()) e->Member("Description", p.description);
      if (!p.default_value.is_null()) e->Member("Default", p.default_value);
      if (!p.allowed_values.empty()) e->Member("AllowedValues", Json(p.allowed_values));
      if (!p.allowed_pattern.empty()) e->Member("AllowedPattern", p.allowed_pattern);
      if (!p.constraint_description.empty()) e->Member("ConstraintDescription", p.constraint_description);
      if (p.no_echo) e->Member("NoEcho", Json(true));
      e->EndObject();
    }
    e->EndObject();
  }
  if (!t.conditions().empty()) {
    e->Key("Conditions");
    e->BeginObject();
    for (const auto& [name, c] : t.conditions().entries()) e->Member(name, c);
    e->EndObject();
  }
  e->Key("Resources");
  e->BeginObject();
  for (const auto& [name, r] : t.resources().entries()) {
    e->Key(name);
    e->BeginObject();
    e->Member("Type", r.type);
    if (!r.condition.empty()) e->Member("Condition", r.condition);
    if (!r.depends_on.empty()) e->Member("DependsOn", Json(r.depends_on));
    if (!r.creation_policy.is_null()) e->Member("CreationPolicy", r.creation_policy);
    if (!r.deletion_policy.empty()) e->Member("DeletionPolicy", r.deletion_policy);
    if (!r.update_replace_policy.empty()) e->Member("UpdateReplacePolicy", r.update_replace_policy);
    if (!r.metadata.is_null()) e->Member("Metadata", r.metadata);
    if (!r.properties.empty()) e->Member("Properties", r.properties);
    e->EndObject();
  }
  e->EndObject();
  if (!t.outputs().empty()) {
    e->Key("Outputs");
    e->BeginObject();
    for (const auto& [name, o] : t.outputs().entries()) {
      e->Key(name);
      e->BeginObject();
      if (!o.description.empty()) e->Member("Description", o.description);
      if (!o.condition.empty()) e->Member("Condition", o.condition);
      e->Member("Value", o.value);
      if (!o.export_name.empty()) {
        e->Key("Export");
        e->BeginObject();
        e->Member("Name", o.export_name);
        e->EndObject();
      }
      e->EndObject();
    }
    e->EndObject();
  }
  e->EndObject();
}

std::string WriteTemplateJson(const Template& t, bool pretty) {
  std::string text;
  StringOut out(&text, size_t{1} << 16);
  TemplateEmitter<StringOut> e(&out, pretty);
  EmitTemplate(t, &e);
  if (pretty) out.Put('\n');
  out.Finish();
  return text;
}

}  // namespace

std::string WriteTemplate(const Template& t, Format format) {
  return format == Format::kJson ? WriteTemplateJson(t, true) : WriteYaml(t.ToJson());
}

std::string WriteTemplateCompactJson(const Template& t) { return WriteTemplateJson(t, false); }

namespace {

std::string WriteCompactText(const Json& doc, bool sorted) {
  std::string text;
  StringOut out(&text);
  JsonText<StringOut>(&out, false, sorted).Value(doc, 0);
  out.Finish();
  return text;
}

}  // namespace

std::string WriteCompactJson(const Json& doc) { return WriteCompactText(doc, false); }

std::string WriteCanonicalJson(const Json& doc) { return WriteCompactText(doc, true); }

size_t TemplateCompactJsonSize(const Template& t) {
  CountOut out;
  TemplateEmitter<CountOut> e(&out, false);
  EmitTemplate(t, &e);
  return out.n;
}

}  // namespace bp::cfn
