#include "cfn/spec.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <initializer_list>
#include <map>
#include <mutex>
#include <set>

#include "cfn/references.h"
#include "util/json_path.h"
#include "util/strings.h"

namespace bp::cfn {

namespace {

// data/cfn-spec.json, compiled in (see CMakeLists.txt).
const char kSpecJson[] =
#include "cfn/spec_json.inc"
    ;

// --- the specification, parsed ----------------------------------------------

enum class Kind { kString, kInteger, kNumber, kBoolean, kJson, kTimestamp, kNull, kTag, kList, kMap, kStruct, kUnion };

struct StructType;

// The shape of a property value, as the spec describes it.
struct Shape {
  Kind kind = Kind::kString;
  const Shape* element = nullptr;     // kList, kMap
  // kStruct: the nested type, by name; parsed when a check first reaches it (DefOf).
  std::string type_name;
  mutable const StructType* def = nullptr;
  std::vector<const Shape*> members;  // kUnion
};

struct PropertySpec {
  const Shape* shape = nullptr;
  bool required = false;
  Replacement replacement = Replacement::kNever;
  std::vector<std::string> allowed;  // empty: any value of the shape
};

// A resource's properties or a nested property type ("AWS::EC2::SecurityGroup.Ingress").
struct StructType {
  std::string name;
  std::map<std::string, PropertySpec, std::less<>> properties;
  std::vector<std::string> names;     // for "did you mean"
  std::vector<std::string> required;  // in name order
};

struct ResourceType {
  StructType props;
  std::map<std::string, const Shape*, std::less<>> attributes;
  std::vector<std::string> attribute_names;
  std::vector<std::string> replacement_paths;  // nested paths that also replace ("A.B")
  std::string tag_property;
};

// Where each entry of the embedded document lies: name -> the text of its value.
using TextIndex = std::map<std::string, std::string_view, std::less<>>;

// The specification, read as far as it has been needed. The document is indexed at
// first use (one pass over its text, no values built); a resource type is parsed when
// first asked for, a property type when a check first reaches it, the list of every
// type only when a check meets a type the subset lacks (docs/build.md, "Speed").
struct Spec {
  TextIndex resource_text;  // "resources"
  TextIndex type_text;      // "property_types"
  std::string_view all_types_text, source_text;
  std::map<std::string, ResourceType, std::less<>> resources;
  std::map<std::string, StructType, std::less<>> types;
  std::set<std::string, std::less<>> absent;  // asked for, not in the subset
  std::deque<Shape> shapes;
  std::map<std::string, const Shape*, std::less<>> primitives;
  std::vector<std::string> all_types;  // every type the full spec knows; read by AllTypes()
  bool all_types_read = false;
};

[[noreturn]] void BadData(const std::string& what) {
  std::fprintf(stderr, "internal error: embedded data/cfn-spec.json: %s\n", what.c_str());
  std::abort();
}

// --- indexing the document's text -------------------------------------------

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  return i;
}

// `i` at an opening quote: the position after the closing one (a quote preceded by an
// odd number of backslashes is escaped). memchr: most of the document is inside strings.
size_t SkipString(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    const void* q = std::memchr(s.data() + i, '"', s.size() - i);
    if (!q) break;
    i = static_cast<const char*>(q) - s.data();
    size_t backslashes = 0;
    while (backslashes < i && s[i - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return i + 1;
  }
  BadData("unterminated string");
}

// `i` at the start of a value: the position after its end.
size_t SkipValue(std::string_view s, size_t i) {
  if (i >= s.size()) BadData("value expected");
  if (s[i] == '"') return SkipString(s, i);
  if (s[i] != '{' && s[i] != '[') {
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\n') ++i;
    return i;
  }
  int depth = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '"') {
      i = SkipString(s, i);
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if ((c == '}' || c == ']') && --depth == 0) return i + 1;
    ++i;
  }
  BadData("unterminated value");
}

// Indexes the members of the object at s[i] into `index`; returns the position after
// the object. A member named in `nested` has its own members indexed too, in the same
// pass (the document is read once). Keys hold no escapes in this document.
size_t IndexObject(std::string_view s, size_t i, TextIndex* index,
                   std::initializer_list<std::pair<std::string_view, TextIndex*>> nested = {}) {
  if (i >= s.size() || s[i] != '{') BadData("object expected");
  i = SkipSpace(s, i + 1);
  if (i < s.size() && s[i] == '}') return i + 1;
  while (true) {
    if (i >= s.size() || s[i] != '"') BadData("member name expected");
    size_t key_end = SkipString(s, i);
    std::string_view key = s.substr(i + 1, key_end - i - 2);
    if (key.find('\\') != std::string_view::npos) BadData("escaped member name");
    i = SkipSpace(s, key_end);
    if (i >= s.size() || s[i] != ':') BadData("':' expected");
    size_t begin = SkipSpace(s, i + 1);
    TextIndex* inner = nullptr;
    for (const auto& [name, members] : nested)
      if (name == key) inner = members;
    size_t end = inner ? IndexObject(s, begin, inner) : SkipValue(s, begin);
    index->emplace(std::string(key), s.substr(begin, end - begin));
    i = SkipSpace(s, end);
    if (i < s.size() && s[i] == ',') {
      i = SkipSpace(s, i + 1);
      continue;
    }
    if (i < s.size() && s[i] == '}') return i + 1;
    BadData("',' or '}' expected");
  }
}

nlohmann::json ParseText(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) BadData("not valid JSON");
  return j;
}

// --- parsing entries on demand ----------------------------------------------

void ParseStruct(const std::string& name, const nlohmann::json& props, Spec* spec, StructType* st);

// The nested type `name`, parsed at first use. Entered in the map before its
// properties are read, so a recursive type (WAF statements) points at itself.
const StructType* FindType(const std::string& name, Spec* spec) {
  auto t = spec->types.find(name);
  if (t != spec->types.end()) return &t->second;
  auto text = spec->type_text.find(name);
  if (text == spec->type_text.end()) BadData("unknown property type " + name);
  StructType& st = spec->types[name];
  ParseStruct(name, ParseText(text->second).at("properties"), spec, &st);
  return &st;
}

const Shape* ParseShape(const nlohmann::json& j, Spec* spec) {
  if (j.is_string()) {
    const std::string& name = j.get_ref<const std::string&>();
    auto p = spec->primitives.find(name);
    if (p != spec->primitives.end()) return p->second;
    if (!spec->types.count(name) && !spec->type_text.count(name)) BadData("unknown property type " + name);
    Shape& s = spec->shapes.emplace_back();
    s.kind = Kind::kStruct;
    s.type_name = name;
    return &s;
  }
  Shape& s = spec->shapes.emplace_back();
  if (j.contains("list")) {
    s.kind = Kind::kList;
    s.element = ParseShape(j["list"], spec);
  } else if (j.contains("map")) {
    s.kind = Kind::kMap;
    s.element = ParseShape(j["map"], spec);
  } else if (j.contains("union")) {
    s.kind = Kind::kUnion;
    for (const auto& m : j["union"]) s.members.push_back(ParseShape(m, spec));
  } else {
    BadData("bad type " + j.dump());
  }
  return &s;
}

void ParseStruct(const std::string& name, const nlohmann::json& props, Spec* spec, StructType* st) {
  st->name = name;
  for (const auto& [pname, pj] : props.items()) {
    PropertySpec p;
    p.shape = ParseShape(pj.at("type"), spec);
    p.required = pj.value("required", false);
    std::string r = pj.value("replaces", "");
    p.replacement = r == "always" ? Replacement::kAlways
                    : r == "conditional" ? Replacement::kConditional
                                         : Replacement::kNever;
    if (pj.contains("allowed")) p.allowed = pj["allowed"].get<std::vector<std::string>>();
    if (p.required) st->required.push_back(pname);
    st->names.push_back(pname);
    st->properties.emplace(pname, std::move(p));
  }
}

void ParseResource(const std::string& name, std::string_view text, Spec* spec, ResourceType* r) {
  nlohmann::json rj = ParseText(text);
  ParseStruct(name, rj.at("properties"), spec, &r->props);
  for (const auto& [aname, aj] : rj.at("attributes").items()) {
    r->attributes[aname] = ParseShape(aj, spec);
    r->attribute_names.push_back(aname);
  }
  if (rj.contains("tags")) r->tag_property = rj["tags"].value("property", "");
  if (rj.contains("replacement_paths"))
    r->replacement_paths = rj["replacement_paths"].get<std::vector<std::string>>();
}

Spec IndexSpec() {
  Spec spec;
  const std::string_view doc(kSpecJson, sizeof kSpecJson - 1);
  TextIndex sections;
  IndexObject(doc, SkipSpace(doc, 0), &sections,
              {{"resources", &spec.resource_text}, {"property_types", &spec.type_text}});
  for (const char* key : {"resources", "property_types", "all_resource_types", "source"})
    if (!sections.count(key)) BadData(std::string("no ") + key);
  spec.all_types_text = sections["all_resource_types"];
  spec.source_text = sections["source"];
  static const std::pair<const char*, Kind> kPrimitives[] = {
      {"string", Kind::kString}, {"integer", Kind::kInteger},   {"number", Kind::kNumber},
      {"boolean", Kind::kBoolean}, {"json", Kind::kJson},       {"date-time", Kind::kTimestamp},
      {"null", Kind::kNull},     {"tag", Kind::kTag}};
  for (const auto& [name, kind] : kPrimitives) {
    Shape& s = spec.shapes.emplace_back();
    s.kind = kind;
    spec.primitives[name] = &s;
  }
  return spec;
}

// The spec and the lock every reader holds while it may parse more of it (entries are
// never moved or removed once parsed, so what a reader got stays valid).
Spec& TheSpec() {
  static Spec spec = IndexSpec();
  return spec;
}
std::mutex& SpecLock() {
  static std::mutex m;
  return m;
}

const ResourceType* FindResource(std::string_view type) {
  std::lock_guard<std::mutex> lock(SpecLock());
  Spec& spec = TheSpec();
  auto it = spec.resources.find(type);
  if (it != spec.resources.end()) return &it->second;
  if (spec.absent.count(type)) return nullptr;
  auto text = spec.resource_text.find(type);
  if (text == spec.resource_text.end()) {
    spec.absent.emplace(type);
    return nullptr;
  }
  ResourceType& r = spec.resources[std::string(type)];
  ParseResource(text->first, text->second, &spec, &r);
  return &r;
}

// The nested type of a kStruct shape, parsed when first reached.
const StructType& DefOf(const Shape& s) {
  std::lock_guard<std::mutex> lock(SpecLock());
  if (!s.def) s.def = FindType(s.type_name, &TheSpec());
  return *s.def;
}

// Every resource type of the full specification, sorted (for "did you mean").
const std::vector<std::string>& AllTypes() {
  std::lock_guard<std::mutex> lock(SpecLock());
  Spec& spec = TheSpec();
  if (!spec.all_types_read) {
    spec.all_types = ParseText(spec.all_types_text).get<std::vector<std::string>>();
    spec.all_types_read = true;
  }
  return spec.all_types;
}

// --- describing values and shapes in messages -------------------------------

std::string Describe(const Shape& s) {
  switch (s.kind) {
    case Kind::kString: return "string";
    case Kind::kInteger: return "integer";
    case Kind::kNumber: return "number";
    case Kind::kBoolean: return "boolean";
    case Kind::kJson: return "JSON object";
    case Kind::kTimestamp: return "timestamp";
    case Kind::kNull: return "null";
    case Kind::kTag: return "tag {Key, Value}";
    case Kind::kList: return "list of " + Describe(*s.element);
    case Kind::kMap: return "map of " + Describe(*s.element);
    case Kind::kStruct: return "object " + s.type_name;
    case Kind::kUnion: {
      std::vector<std::string> parts;
      for (const Shape* m : s.members) parts.push_back(Describe(*m));
      return JoinOr(parts);
    }
  }
  return "?";
}

std::string DescribeValue(const Json& v) {
  if (v.is_string()) return "string \"" + v.get<std::string>() + "\"";
  if (v.is_boolean()) return std::string("boolean ") + (v.get<bool>() ? "true" : "false");
  if (v.is_number()) return "number " + v.dump();
  if (v.is_array()) return "a list";
  if (v.is_object()) return "an object";
  return "null";
}

// --- values of intrinsic functions ------------------------------------------

// What an intrinsic function gives, as far as a static check can tell.
enum class Yields { kScalar, kList, kObject, kAny, kNoValue };

const char* DescribeYield(Yields y) {
  switch (y) {
    case Yields::kScalar: return "a single value";
    case Yields::kList: return "a list";
    case Yields::kObject: return "an object";
    default: return "a value";
  }
}

bool IsIntrinsic(const Json& v) {
  if (!v.is_object() || v.size() != 1) return false;
  const std::string& key = v.begin().key();
  return key == "Ref" || StartsWith(key, "Fn::");
}

bool IsListParameterType(const std::string& type) {
  return StartsWith(type, "List<") || type == "CommaDelimitedList" ||
         StartsWith(type, "AWS::SSM::Parameter::Value<List<") ||
         type == "AWS::SSM::Parameter::Value<CommaDelimitedList>";
}

Yields YieldOfShape(const Shape& s) {
  switch (s.kind) {
    case Kind::kList: return Yields::kList;
    case Kind::kMap:
    case Kind::kStruct:
    case Kind::kJson:
    case Kind::kTag: return Yields::kObject;
    case Kind::kUnion: return Yields::kAny;
    default: return Yields::kScalar;
  }
}

// Does a value of kind `y` fit where `s` is expected?
bool Fits(Yields y, const Shape& s) {
  if (y == Yields::kAny || y == Yields::kNoValue) return true;
  switch (s.kind) {
    case Kind::kList: return y == Yields::kList;
    case Kind::kJson:
    case Kind::kMap:
    case Kind::kStruct:
    case Kind::kTag: return y == Yields::kObject;
    case Kind::kUnion:
      for (const Shape* m : s.members)
        if (Fits(y, *m)) return true;
      return false;
    default: return y == Yields::kScalar;
  }
}

// --- the checker --------------------------------------------------------------

struct Checker {
  const std::string& stack;
  const Template& t;
  Diagnostics* diags;
  // Where the check is, below the stack: prefix "Vpc/Properties", then the trail's keys
  // and indexes ("CidrBlock"), written out only for a report.
  std::string prefix;
  JsonTrail trail;

  // A step down the trail while it lives.
  struct Step {
    template <typename Part>
    Step(JsonTrail& t, Part part) : trail(t) {
      trail.Push(part);
    }
    ~Step() { trail.Pop(); }
    JsonTrail& trail;
  };

  void Report(std::string message) { diags->Error(Location{}, stack + "/" + trail.Render(prefix), std::move(message)); }

  // Fn::GetAtt of `attr` on resource `name`; reports attributes the type lacks.
  Yields CheckGetAtt(const std::string& name, const std::string& attr) {
    const Resource* r = t.resources().Find(name);
    if (!r) return Yields::kAny;  // reported by CheckReferences
    const ResourceType* rt = FindResource(r->type);
    if (!rt) return Yields::kAny;  // the type itself is reported
    auto a = rt->attributes.find(attr);
    if (a == rt->attributes.end()) {
      Report("Fn::GetAtt: " + r->type + " has no attribute '" + attr + "'" +
                       DidYouMean(attr, rt->attribute_names));
      return Yields::kAny;
    }
    return YieldOfShape(*a->second);
  }

  // ${Resource.Attribute} inside an Fn::Sub string (an unclosed "${" is reported by
  // CheckReferences).
  void CheckSubText(const std::string& text, const Json* locals) {
    ForEachSubVariable(text, locals, [this](const Reference& r) {
      if (r.kind == ReferenceKind::kSubGetAtt) CheckGetAtt(std::string(r.logical_id), std::string(r.attribute));
    });
  }

  // Finds the intrinsic functions anywhere inside `v` and checks them.
  void Scan(const Json& v) {
    if (IsIntrinsic(v)) {
      Evaluate(v);
    } else if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i) {
        Step step(trail, i);
        Scan(v[i]);
      }
    } else if (v.is_object()) {
      for (const auto& [k, e] : v.items()) {
        Step step(trail, std::string_view(k));
        Scan(e);
      }
    }
  }

  // Checks an intrinsic function call's arguments and tells what it gives.
  Yields Evaluate(const Json& v) {
    const std::string& fn = v.begin().key();
    const Json& arg = v.begin().value();
    if (fn == "Ref") {
      if (!arg.is_string()) return Yields::kAny;
      const std::string& name = arg.get_ref<const std::string&>();
      if (name == "AWS::NoValue") return Yields::kNoValue;
      if (name == "AWS::NotificationARNs") return Yields::kList;
      if (const Parameter* p = t.parameters().Find(name))
        return IsListParameterType(p->type) ? Yields::kList : Yields::kScalar;
      return t.resources().Contains(name) || IsPseudoParameter(name) ? Yields::kScalar : Yields::kAny;
    }
    if (fn == "Fn::GetAtt") {
      std::optional<GetAttTarget> target = ParseGetAtt(arg);
      if (!target) return Yields::kAny;  // malformed: reported by CheckReferences
      if (target->attribute.empty()) {  // an attribute given by an expression
        Scan(arg[1]);
        return Yields::kAny;
      }
      return CheckGetAtt(std::string(target->logical_id), std::string(target->attribute));
    }
    if (fn == "Fn::Sub") {
      if (arg.is_string()) CheckSubText(arg.get<std::string>(), nullptr);
      if (arg.is_array() && arg.size() == 2 && arg[0].is_string()) {
        CheckSubText(arg[0].get<std::string>(), &arg[1]);
        Scan(arg[1]);
      }
      return Yields::kScalar;
    }
    {
      Step step(trail, std::string_view(fn));  // arguments sit below the function's name, as in CheckReferences
      Scan(arg);
    }
    // Src: DOC:AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html
    if (fn == "Fn::GetAZs" || fn == "Fn::Split" || fn == "Fn::Cidr") return Yields::kList;
    if (fn == "Fn::Join" || fn == "Fn::Base64" || fn == "Fn::ImportValue" || fn == "Fn::ToJsonString" ||
        fn == "Fn::Length" || fn == "Fn::GetStackOutput")
      return Yields::kScalar;
    if (fn == "Fn::Select" || fn == "Fn::FindInMap" || fn == "Fn::If" || fn == "Fn::Transform")
      return Yields::kAny;
    if (fn == "Fn::Equals" || fn == "Fn::Not" || fn == "Fn::And" || fn == "Fn::Or") {
      Report(fn + " is a condition function; use it under Conditions and refer to it with Fn::If");
      return Yields::kAny;
    }
    Report("unknown intrinsic function '" + fn + "'");
    return Yields::kAny;
  }

  // `v` where the spec expects `s`; `allowed` applies to the scalar leaves.
  void CheckValue(const Json& v, const Shape& s, const std::vector<std::string>* allowed) {
    if (IsIntrinsic(v)) {
      if (v.begin().key() == "Fn::If") {
        const Json& arg = v.begin().value();
        if (arg.is_array() && arg.size() == 3) {
          CheckValue(arg[1], s, allowed);
          CheckValue(arg[2], s, allowed);
        }
        return;
      }
      Yields y = Evaluate(v);
      if (!Fits(y, s))
        Report(v.begin().key() + " gives " + DescribeYield(y) + "; expected " + Describe(s));
      return;
    }
    switch (s.kind) {
      case Kind::kString:
      case Kind::kTimestamp:
      case Kind::kInteger:
      case Kind::kNumber:
      case Kind::kBoolean:
      case Kind::kNull:
        if (!ScalarFits(v, s.kind)) return Mismatch(v, s);
        break;
      case Kind::kJson:
        if (!v.is_object()) return Mismatch(v, s);
        Scan(v);
        return;
      case Kind::kTag:
        return CheckTag(v);
      case Kind::kList:
        if (!v.is_array()) return Mismatch(v, s);
        for (size_t i = 0; i < v.size(); ++i) {
          Step step(trail, i);
          CheckValue(v[i], *s.element, allowed);
        }
        return;
      case Kind::kMap:
        if (!v.is_object()) return Mismatch(v, s);
        for (const auto& [k, e] : v.items()) {
          Step step(trail, std::string_view(k));
          CheckValue(e, *s.element, allowed);
        }
        return;
      case Kind::kStruct:
        if (!v.is_object()) return Mismatch(v, s);
        return CheckStruct(v, DefOf(s));
      case Kind::kUnion:
        for (const Shape* m : s.members)
          if (LiteralFits(v, *m)) return CheckValue(v, *m, allowed);
        return Mismatch(v, s);
    }
    if (allowed && !allowed->empty() && (v.is_string() || v.is_number_integer())) {
      std::string text = v.is_string() ? v.get<std::string>() : v.dump();
      bool ok = false;
      for (const auto& a : *allowed) ok = ok || a == text;
      if (!ok) Report("\"" + text + "\" is not an allowed value; expected " + JoinOr(*allowed));
    }
  }

  // Which member of a union a literal is meant for: decided by its JSON kind alone.
  static bool LiteralFits(const Json& v, const Shape& s) {
    switch (s.kind) {
      case Kind::kList: return v.is_array();
      case Kind::kJson:
      case Kind::kMap:
      case Kind::kStruct:
      case Kind::kTag: return v.is_object();
      case Kind::kNull: return v.is_null();
      case Kind::kUnion: return true;
      default: return v.is_primitive() && !v.is_null();
    }
  }

  // A literal where a primitive is expected, with CloudFormation's coercions: numbers
  // and booleans pass on as text; "80" is an integer, "true" a boolean.
  static bool ScalarFits(const Json& v, Kind kind) {
    const std::string* text = v.is_string() ? &v.get_ref<const std::string&>() : nullptr;
    switch (kind) {
      case Kind::kString:
      case Kind::kTimestamp: return v.is_string() || v.is_number() || v.is_boolean();
      case Kind::kInteger: return v.is_number_integer() || (text && IsIntegerText(*text));
      case Kind::kNumber: return v.is_number() || (text && IsNumberText(*text));
      case Kind::kBoolean: return v.is_boolean() || (text && IsBooleanText(*text));
      case Kind::kNull: return v.is_null();
      default: return false;
    }
  }

  static bool IsIntegerText(const std::string& s) {
    size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
    if (i == s.size()) return false;
    for (; i < s.size(); ++i)
      if (s[i] < '0' || s[i] > '9') return false;
    return true;
  }
  static bool IsNumberText(const std::string& s) {
    if (s.empty()) return false;
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size();
  }
  static bool IsBooleanText(const std::string& s) {
    std::string l = ToLower(s);
    return l == "true" || l == "false";
  }

  void Mismatch(const Json& v, const Shape& s) {
    Report("expected " + Describe(s) + ", got " + DescribeValue(v));
  }

  // A tag in the CloudFormation list form: {Key, Value}, both strings.
  void CheckTag(const Json& v) {
    static const Shape kString{};
    if (!v.is_object()) return Report("expected tag {Key, Value}, got " + DescribeValue(v));
    for (const auto& [k, e] : v.items()) {
      Step step(trail, std::string_view(k));
      if (k != "Key" && k != "Value")
        Report("a tag has no property '" + k + "'" + DidYouMean(k, {"Key", "Value"}));
      else
        CheckValue(e, kString, nullptr);
    }
    for (const char* k : {"Key", "Value"})
      if (!v.contains(k)) Report(std::string("missing required property '") + k + "' of a tag");
  }

  void CheckStruct(const Json& v, const StructType& st) {
    size_t required_found = 0;
    for (const auto& [k, e] : v.items()) {
      Step step(trail, std::string_view(k));
      auto p = st.properties.find(k);
      if (p == st.properties.end()) {
        Report(st.name + " has no property '" + k + "'" + DidYouMean(k, st.names));
        Scan(e);
        continue;
      }
      required_found += p->second.required;
      CheckValue(e, *p->second.shape, &p->second.allowed);
    }
    if (required_found == st.required.size()) return;
    for (const auto& name : st.required)
      if (!v.contains(name)) Report("missing required property '" + name + "' of " + st.name);
  }

  void CheckResource(const std::string& id, const Resource& r) {
    prefix = id + "/Properties";
    if (StartsWith(r.type, "Custom::") || r.type == "AWS::CloudFormation::CustomResource") {
      // Src: DOC:AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html
      if (!r.properties.contains("ServiceToken"))
        Report("missing required property 'ServiceToken' of " + r.type);
      Scan(r.properties);
      return;
    }
    const ResourceType* rt = FindResource(r.type);
    if (!rt) {
      const std::vector<std::string>& all_types = AllTypes();
      bool known = std::binary_search(all_types.begin(), all_types.end(), r.type);
      prefix = id + "/Type";
      if (known)
        Report("resource type '" + r.type +
               "' is not in the bundled specification subset; add it to TYPES in "
               "tools/spec-gen/generate.js and run `make spec`");
      else
        Report("unknown resource type '" + r.type + "'" + DidYouMean(r.type, all_types));
      prefix = id + "/Properties";
      Scan(r.properties);
      return;
    }
    if (!r.properties.is_object()) {
      Report("expected an object, got " + DescribeValue(r.properties));
      return;
    }
    CheckStruct(r.properties, rt->props);
  }
};

// True when a property somewhere inside `s` replaces the resource when it changes.
bool NestedReplaces(const Shape& s, std::set<const StructType*>* seen) {
  switch (s.kind) {
    case Kind::kList:
    case Kind::kMap: return NestedReplaces(*s.element, seen);
    case Kind::kUnion:
      for (const Shape* m : s.members)
        if (NestedReplaces(*m, seen)) return true;
      return false;
    case Kind::kStruct:
      if (!seen->insert(&DefOf(s)).second) return false;  // recursive types (WAF statements)
      for (const auto& [name, p] : DefOf(s).properties)
        if (p.replacement != Replacement::kNever || NestedReplaces(*p.shape, seen)) return true;
      return false;
    default: return false;
  }
}

}  // namespace

Replacement ReplacementOf(std::string_view resource_type, std::string_view property) {
  const ResourceType* rt = FindResource(resource_type);
  if (!rt) return Replacement::kUnknown;
  auto p = rt->props.properties.find(property);
  if (p == rt->props.properties.end()) return Replacement::kUnknown;
  if (p->second.replacement != Replacement::kNever) return p->second.replacement;
  // A nested property that replaces (Budget.BudgetName) makes the top-level change
  // conditional: it depends on which part changes.
  std::set<const StructType*> seen;
  if (NestedReplaces(*p->second.shape, &seen)) return Replacement::kConditional;
  for (const auto& nested : rt->replacement_paths)
    if (nested.size() > property.size() && StartsWith(nested, property) && nested[property.size()] == '.')
      return Replacement::kConditional;
  return Replacement::kNever;
}

void CheckAgainstSpec(const std::string& stack_name, const Template& t, Diagnostics* diags) {
  Checker c{stack_name, t, diags, {}, {}};
  for (const auto& [id, r] : t.resources().entries()) c.CheckResource(id, r);
  // Outputs are strings: a list must be joined first.
  static const Shape kString{};
  for (const auto& [name, o] : t.outputs().entries()) {
    c.prefix = "Outputs/" + name + "/Value";
    c.CheckValue(o.value, kString, nullptr);
  }
}

std::string SpecSource() {
  std::lock_guard<std::mutex> lock(SpecLock());
  nlohmann::json source = ParseText(TheSpec().source_text);
  return source.value("package", "") + " " + source.value("version", "");
}

bool IsCoveredType(std::string_view resource_type) { return FindResource(resource_type) != nullptr; }

std::string TagPropertyOf(std::string_view resource_type) {
  const ResourceType* rt = FindResource(resource_type);
  return rt ? rt->tag_property : "";
}

}  // namespace bp::cfn
