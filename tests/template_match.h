// Assertions over a synthesized template, in the spirit of aws-cdk-lib's
// `assertions.Template`: the one family the tests use to find resources and to say what
// a resource must hold. A failure prints where the closest resource differs, not only
// that it does.
//
//   EXPECT_TRUE(HasResourceProperties(t, "AWS::RDS::DBInstance", {{"MultiAZ", true}}));
//   EXPECT_TRUE(ResourceCountIs(t, "AWS::EC2::NatGateway", 2));
//
// Partial matching (MatchesPartially): an expected object names only the keys that
// matter, each matched the same way; an expected array matches an array of the same
// length element by element; anything else must be equal.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "cfn/template.h"

namespace bp::testing {

using TemplateJson = bp::Json;

// "" when `actual` matches `expected` partially; else the first difference, located by
// a path under `where` ("Properties.Rules[1].Port: expected 443, got 80").
std::string MatchesPartially(const TemplateJson& actual, const TemplateJson& expected, const std::string& where = "");

// The logical IDs of the resources of `type`, in template order; those whose Properties
// match `properties` partially when it is given.
std::vector<std::string> ResourcesOfType(const TemplateJson& t, const std::string& type,
                                         const TemplateJson& properties = nullptr);

// The one resource of `type` (a test failure when there are none or several).
const TemplateJson& OnlyOfType(const TemplateJson& t, const std::string& type);

// The resources of `type` in `t`, in template order, with their logical IDs.
std::vector<std::pair<std::string, const cfn::Resource*>> OfType(const cfn::Template& t, const std::string& type);

// Some resource of `type` has Properties matching `properties` partially. On failure:
// the types present when there is none of `type`, else each resource's first difference.
::testing::AssertionResult HasResourceProperties(const TemplateJson& t, const std::string& type,
                                                 const TemplateJson& properties);

// Exactly `count` resources of `type`; on failure the IDs found.
::testing::AssertionResult ResourceCountIs(const TemplateJson& t, const std::string& type, size_t count);

}  // namespace bp::testing
