#include "cfn/intrinsics.h"

#include <array>

namespace bp::cfn {

Json Ref(std::string_view logical_id) { return Object({{"Ref", logical_id}}); }

Json GetAtt(std::string_view logical_id, std::string_view attribute) {
  return Object({{"Fn::GetAtt", Json::array({logical_id, attribute})}});
}

Json Sub(std::string_view text) { return Object({{"Fn::Sub", text}}); }

Json Sub(std::string_view text, Json variables) {
  return Object({{"Fn::Sub", Json::array({text, std::move(variables)})}});
}

Json Join(std::string_view delimiter, Json values) {
  return Object({{"Fn::Join", Json::array({delimiter, std::move(values)})}});
}

Json Select(int index, Json list) {
  return Object({{"Fn::Select", Json::array({std::to_string(index), std::move(list)})}});
}

Json Split(std::string_view delimiter, Json source) {
  return Object({{"Fn::Split", Json::array({delimiter, std::move(source)})}});
}

Json GetAZs(Json region) { return Object({{"Fn::GetAZs", std::move(region)}}); }

Json Cidr(Json ip_block, int count, int cidr_bits) {
  return Object({{"Fn::Cidr", Json::array({std::move(ip_block), std::to_string(count), std::to_string(cidr_bits)})}});
}

Json If(std::string_view condition, Json if_true, Json if_false) {
  return Object({{"Fn::If", Json::array({condition, std::move(if_true), std::move(if_false)})}});
}

Json Equals(Json a, Json b) { return Object({{"Fn::Equals", Json::array({std::move(a), std::move(b)})}}); }

Json Not(Json condition) { return Object({{"Fn::Not", Json::array({std::move(condition)})}}); }
Json And(Json conditions) { return Object({{"Fn::And", std::move(conditions)}}); }
Json Or(Json conditions) { return Object({{"Fn::Or", std::move(conditions)}}); }
Json Condition(std::string_view name) { return Object({{"Condition", name}}); }
Json ImportValue(Json export_name) { return Object({{"Fn::ImportValue", std::move(export_name)}}); }
Json Base64(Json value) { return Object({{"Fn::Base64", std::move(value)}}); }

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

Json Tags(const std::vector<std::pair<std::string, std::string>>& tags) {
  // Built member by member: an initializer list ({{"Key", k}, {"Value", v}}) costs
  // nlohmann a temporary per element and a check of whether it is a key-value pair,
  // and every resource carries these tags.
  Json list = Json::array();
  auto& items = list.get_ref<Json::array_t&>();
  items.reserve(tags.size());
  for (const auto& [k, v] : tags) {
    Json& tag = items.emplace_back(Json::value_t::object);
    tag["Key"] = k;
    tag["Value"] = v;
  }
  return list;
}

}  // namespace bp::cfn
