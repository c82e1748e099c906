// Custom names: the property through which a resource type takes a fixed physical
// name. CloudFormation cannot replace a resource whose template sets that property
// (the new resource is created first, under the same name, and the update fails and
// rolls back), so a change that replaces one must be caught before it is executed.
// Src: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html
// ("You can't perform an update that causes a custom-named resource to be replaced.
// If you must replace the resource, specify a new name.")
#pragma once
#include <string>
#include <string_view>

#include "cfn/intrinsics.h"

namespace bp::cfn {

// The name property of `resource_type` ("ServiceName" for AWS::AppRunner::Service),
// or "" when the type takes no custom name (or is not in the table).
std::string_view CustomNameProperty(std::string_view resource_type);

// The name property when `properties` (a resource's Properties object) sets it, else "".
std::string_view SetCustomNameProperty(std::string_view resource_type, const Json& properties);

// The value of that property (a string, or an intrinsic function), or null when unset.
const Json* CustomName(std::string_view resource_type, const Json& properties);

// `len` hex digits of a stable hash of the create-only properties of `properties` (those
// whose change always replaces the resource, data/cfn-spec.json), the name property left
// out, written as canonical JSON (keys sorted, compact). References stay as the template
// writes them (`{"Ref": "PrivateSubnet3"}`), so one more subnet changes the hash. A name
// that carries it changes exactly when CloudFormation would replace the resource, and
// the replacement is then a clean rename instead of a failed update.
std::string CreateOnlyHash(std::string_view resource_type, const Json& properties, size_t len = 8);

}  // namespace bp::cfn
