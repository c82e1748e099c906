#include "cfn/intrinsics.h"

#include <array>
#include <set>

namespace bp::cfn {

Json Ref(std::string_view logical_id) { return Json{{"Ref", logical_id}}; }

Json GetAtt(std::string_view logical_id, std::string_view attribute) {
  return Json{{"Fn::GetAtt", Json::array({logical_id, attribute})}};
}

Json Sub(std::string_view text) { return Json{{"Fn::Sub", text}}; }

Json Sub(std::string_view text, Json variables) {
  return Json{{"Fn::Sub", Json::array({text, std::move(variables)})}};
}

Json Join(std::string_view delimiter, Json values) {
  return Json{{"Fn::Join", Json::array({delimiter, std::move(values)})}};
}

Json Select(int index, Json list) {
  return Json{{"Fn::Select", Json::array({std::to_string(index), std::move(list)})}};
}

Json Split(std::string_view delimiter, Json source) {
  return Json{{"Fn::Split", Json::array({delimiter, std::move(source)})}};
}

Json GetAZs(Json region) { return Json{{"Fn::GetAZs", std::move(region)}}; }

Json Cidr(Json ip_block, int count, int cidr_bits) {
  return Json{{"Fn::Cidr", Json::array({std::move(ip_block), std::to_string(count),
                                         std::to_string(cidr_bits)})}};
}

Json If(std::string_view condition, Json if_true, Json if_false) {
  return Json{{"Fn::If", Json::array({condition, std::move(if_true), std::move(if_false)})}};
}

Json Equals(Json a, Json b) {
  return Json{{"Fn::Equals", Json::array({std::move(a), std::move(b)})}};
}

Json Not(Json condition) { return Json{{"Fn::Not", Json::array({std::move(condition)})}}; }
Json And(Json conditions) { return Json{{"Fn::And", std::move(conditions)}}; }
Json Or(Json conditions) { return Json{{"Fn::Or", std::move(conditions)}}; }
Json Condition(std::string_view name) { return Json{{"Condition", name}}; }
Json ImportValue(Json export_name) { return Json{{"Fn::ImportValue", std::move(export_name)}}; }
Json Base64(Json value) { return Json{{"Fn::Base64", std::move(value)}}; }

namespace pseudo {
Json Region() { return Ref("AWS::Region"); }
Json AccountId() { return Ref("AWS::AccountId"); }
Json Partition() { return Ref("AWS::Partition"); }
Json StackName() { return Ref("AWS::StackName"); }
Json URLSuffix() { return Ref("AWS::URLSuffix"); }
Json NoValue() { return Ref("AWS::NoValue"); }
}  // namespace pseudo

bool IsPseudoParameter(std::string_view name) {
  // Src: DOC:AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
  static constexpr std::array<std::string_view, 8> kNames = {
      "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",   "AWS::Partition",
      "AWS::Region",    "AWS::StackId",          "AWS::StackName", "AWS::URLSuffix"};
  for (auto n : kNames)
    if (n == name) return true;
  return false;
}

namespace {

// ${Name} and ${Name.Attr} of an Fn::Sub text, less `locals` (its own variables).
// Src: DOC:AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html
// ("${!Literal}" is written as-is; "${Name.Attr}" is a GetAtt).
void SubNames(const std::string& text, const std::set<std::string>& locals, std::set<std::string>* out) {
  for (size_t pos = text.find("${"); pos != std::string::npos; pos = text.find("${", pos)) {
    size_t end = text.find('}', pos);
    if (end == std::string::npos) return;
    std::string var = text.substr(pos + 2, end - pos - 2);
    pos = end + 1;
    if (var.empty() || var[0] == '!' || locals.count(var) || IsPseudoParameter(var)) continue;
    out->insert(var.substr(0, var.find('.')));
  }
}

void CollectNames(const Json& v, std::set<std::string>* out) {
  if (v.is_array()) {
    for (const auto& e : v) CollectNames(e, out);
    return;
  }
  if (!v.is_object()) return;
  if (v.size() == 1) {
    // Through the iterator: *v.items().begin() would point into a destroyed temporary.
    const auto first = v.begin();
    const std::string& key = first.key();
    const Json& arg = first.value();
    if (key == "Ref" && arg.is_string()) {
      if (!IsPseudoParameter(arg.get<std::string>())) out->insert(arg.get<std::string>());
      return;
    }
    if (key == "Fn::GetAtt") {
      if (arg.is_array() && !arg.empty() && arg[0].is_string()) {
        out->insert(arg[0].get<std::string>());
        for (size_t i = 1; i < arg.size(); ++i) CollectNames(arg[i], out);  // an attribute may be a Ref
      } else if (arg.is_string()) {
        out->insert(arg.get<std::string>().substr(0, arg.get<std::string>().find('.')));
      }
      return;
    }
    if (key == "Fn::Sub") {
      if (arg.is_string()) {
        SubNames(arg.get<std::string>(), {}, out);
      } else if (arg.is_array() && arg.size() == 2 && arg[0].is_string() && arg[1].is_object()) {
        std::set<std::string> locals;
        for (auto it = arg[1].begin(); it != arg[1].end(); ++it) {
          locals.insert(it.key());
          CollectNames(it.value(), out);
        }
        SubNames(arg[0].get<std::string>(), locals, out);
      }
      return;
    }
  }
  for (const auto& e : v) CollectNames(e, out);
}

}  // namespace

std::vector<std::string> ReferencedNames(const Json& value) {
  std::set<std::string> names;
  CollectNames(value, &names);
  return {names.begin(), names.end()};
}

Json Tags(const std::vector<std::pair<std::string, std::string>>& tags) {
  Json list = Json::array();
  for (const auto& [k, v] : tags) list.push_back(Json{{"Key", k}, {"Value", v}});
  return list;
}

}  // namespace bp::cfn
