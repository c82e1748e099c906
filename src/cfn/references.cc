#include "cfn/references.h"

#include <set>
#include <vector>

#include "util/json_path.h"

namespace bp::cfn {

namespace {

bool IsLocal(const Json* locals, std::string_view var) {
  if (!locals || !locals->is_object()) return false;
  for (auto it = locals->begin(); it != locals->end(); ++it)
    if (it.key() == var) return true;
  return false;
}

struct Walker {
  const ReferenceCallback& visit;
  const MalformedCallback& malformed;
  std::string prefix;
  JsonTrail trail;
  std::string path;

  const std::string& Path() {
    trail.Render(prefix, &path);
    return path;
  }

  void Report(std::string_view function, const Json& argument, std::string_view problem) {
    if (malformed) malformed(MalformedIntrinsic{function, argument, problem, Path()});
  }

  void Visit(ReferenceKind kind, std::string_view id, std::string_view attribute) {
    visit(Reference{kind, id, attribute, Path()});
  }

  // One intrinsic function call; false when `key` is not one this walker reads.
  bool Call(const std::string& key, const Json& arg) {
    if (key == "Ref") {
      if (arg.is_string()) Visit(ReferenceKind::kRef, arg.get_ref<const std::string&>(), "");
      else Report(key, arg, "Ref takes the name of a parameter, a resource or a pseudo parameter");
      return true;
    }
    if (key == "Fn::GetAtt") {
      std::optional<GetAttTarget> target = ParseGetAtt(arg);
      if (!target) {
        Report(key, arg, "Fn::GetAtt takes [LogicalId, Attribute]");
        return true;
      }
      Visit(ReferenceKind::kGetAtt, target->logical_id, target->attribute);
      if (arg.is_array() && !arg[1].is_string()) Walk(arg[1]);  // the attribute may be a Ref
      return true;
    }
    if (key == "Fn::Sub") {
      const Json* text = &arg;
      const Json* locals = nullptr;
      if (arg.is_array() && arg.size() == 2 && arg[0].is_string() && arg[1].is_object()) {
        text = &arg[0];
        locals = &arg[1];
        for (auto it = locals->begin(); it != locals->end(); ++it) Walk(it.value());
      } else if (!arg.is_string()) {
        Report(key, arg, "Fn::Sub takes a string or [string, {variables}]");
        return true;
      }
      bool closed = ForEachSubVariable(text->get_ref<const std::string&>(), locals, [this](const Reference& r) {
        Visit(r.kind, r.logical_id, r.attribute);
      });
      if (!closed) Report(key, arg, "Fn::Sub string has an unclosed '${'");
      return true;
    }
    if (key == "Fn::If") {
      if (arg.is_array() && arg.size() == 3 && arg[0].is_string()) {
        Visit(ReferenceKind::kCondition, arg[0].get_ref<const std::string&>(), "");
        Walk(arg[1]);
        Walk(arg[2]);
      } else {
        Report(key, arg, "Fn::If takes [Condition, IfTrue, IfFalse]");
      }
      return true;
    }
    if (key == "Condition" && arg.is_string()) {  // inside Fn::And, Fn::Or, Fn::Not
      Visit(ReferenceKind::kCondition, arg.get_ref<const std::string&>(), "");
      return true;
    }
    return false;
  }

  void Walk(const Json& v) {
    if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i) Below(i, v[i]);
      return;
    }
    if (!v.is_object()) return;
    // Through the iterator, whose key() and value() point into `v`.
    if (v.size() == 1 && Call(v.begin().key(), v.begin().value())) return;
    for (auto it = v.begin(); it != v.end(); ++it) Below(std::string_view(it.key()), it.value());
  }

  template <typename Step>
  void Below(Step step, const Json& v) {
    trail.Push(step);
    Walk(v);
    trail.Pop();
  }
};

}  // namespace

void ForEachReference(const Json& value, const ReferenceCallback& visit, const MalformedCallback& malformed,
                      std::string path) {
  Walker w{visit, malformed, std::move(path), {}, {}};
  w.Walk(value);
}

std::optional<GetAttTarget> ParseGetAtt(const Json& arg) {
  if (arg.is_array()) {
    if (arg.size() != 2 || !arg[0].is_string() || arg[0].get_ref<const std::string&>().empty()) return std::nullopt;
    if (arg[1].is_string()) {
      const std::string& attribute = arg[1].get_ref<const std::string&>();
      if (attribute.empty()) return std::nullopt;
      return GetAttTarget{arg[0].get_ref<const std::string&>(), attribute};
    }
    if (!arg[1].is_object()) return std::nullopt;
    return GetAttTarget{arg[0].get_ref<const std::string&>(), ""};
  }
  if (!arg.is_string()) return std::nullopt;
  std::string_view s = arg.get_ref<const std::string&>();
  size_t dot = s.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == s.size()) return std::nullopt;
  return GetAttTarget{s.substr(0, dot), s.substr(dot + 1)};
}

bool ForEachSubVariable(std::string_view text, const Json* locals, const ReferenceCallback& visit) {
  for (size_t pos = text.find("${"); pos != std::string_view::npos; pos = text.find("${", pos)) {
    size_t end = text.find('}', pos);
    if (end == std::string_view::npos) return false;
    std::string_view var = text.substr(pos + 2, end - pos - 2);
    pos = end + 1;
    if (var.empty() || var[0] == '!' || IsLocal(locals, var)) continue;
    size_t dot = var.find('.');
    if (dot != std::string_view::npos && var.substr(0, 5) != "AWS::")
      visit(Reference{ReferenceKind::kSubGetAtt, var.substr(0, dot), var.substr(dot + 1), ""});
    else
      visit(Reference{ReferenceKind::kSubRef, var, "", ""});
  }
  return true;
}

std::string_view TargetOf(const Json& v) {
  if (!v.is_object() || v.size() != 1) return "";
  const std::string& key = v.begin().key();
  const Json& arg = v.begin().value();
  if (key == "Ref" && arg.is_string() && !IsPseudoParameter(arg.get_ref<const std::string&>()))
    return arg.get_ref<const std::string&>();
  if (key == "Fn::GetAtt")
    if (std::optional<GetAttTarget> t = ParseGetAtt(arg)) return t->logical_id;
  return "";
}

std::vector<std::string> ReferencedNames(const Json& value) {
  std::set<std::string, std::less<>> names;
  ForEachReference(value, [&names](const Reference& r) {
    if (r.kind != ReferenceKind::kCondition && !r.pseudo()) names.emplace(r.logical_id);
  });
  return {names.begin(), names.end()};
}

}  // namespace bp::cfn
