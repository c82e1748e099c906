// CloudFormation intrinsic functions and pseudo parameters as JSON values.
// Each helper returns the exact JSON form CloudFormation expects ({"Ref": ...},
// {"Fn::GetAtt": [...]}, ...), so templates are plain data and writers need no
// knowledge of intrinsics.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "util/json.h"

namespace bp::cfn {

using Json = bp::Json;

Json Ref(std::string_view logical_id);
// "Resource.Attr" or ("Resource", "Attr"); nested attributes keep their dots
// ("Endpoint.Address").
Json GetAtt(std::string_view logical_id, std::string_view attribute);
Json Sub(std::string_view text);
Json Sub(std::string_view text, Json variables);
Json Join(std::string_view delimiter, Json values);
Json Select(int index, Json list);
Json Split(std::string_view delimiter, Json source);
Json GetAZs(Json region = "");
Json Cidr(Json ip_block, int count, int cidr_bits);
Json If(std::string_view condition, Json if_true, Json if_false);
Json Equals(Json a, Json b);
Json Not(Json condition);
Json And(Json conditions);
Json Or(Json conditions);
Json Condition(std::string_view name);  // {"Condition": name} inside And/Or/Not
Json ImportValue(Json export_name);
Json Base64(Json value);

namespace pseudo {
Json Region();
Json AccountId();
Json Partition();
Json StackName();
Json URLSuffix();
Json NoValue();
}  // namespace pseudo

// True for the names Ref accepts without a declaration ("AWS::Region", ...).
bool IsPseudoParameter(std::string_view name);

// Tags in the CloudFormation list form [{Key, Value}], in the given order.
Json Tags(const std::vector<std::pair<std::string, std::string>>& tags);

}  // namespace bp::cfn
