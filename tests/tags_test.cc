// Tag edits must never replace a resource. App Runner's service, VPC connector, auto
// scaling and observability configurations take Tags as create-only and have fixed
// names, so a changed tag would be a replacement that fails on the name (reference/aws-facts.md 15).
#include <gtest/gtest.h>

#include "cfn/spec.h"
#include "platform_fixtures.h"

namespace bp {
namespace {

using cfn::Json;
using namespace fixtures;

TEST(Tags, EditingTagsChangesNoResourceWhoseTagsAreCreateOnly) {
  const std::string base = StackYaml("prod", "gateway-per-az");
  const std::string tagged = base + "tags:\n  cost_center: cc-42\n  extra:\n    Team: payments\n";
  const std::string retagged = base + "tags:\n  cost_center: cc-43\n  extra:\n    Team: billing\n    Tier: gold\n";
  Json before = Synth(tagged, "prod"), after = Synth(retagged, "prod"), none = Synth(base, "prod");
  int create_only = 0;
  for (const auto& [id, r] : after["Resources"].items()) {
    if (!r["Properties"].contains("Tags")) continue;
    if (cfn::ReplacementOf(r["Type"].get<std::string>(), "Tags") != cfn::Replacement::kAlways) continue;
    SCOPED_TRACE(id);
    ++create_only;
    EXPECT_EQ(r["Properties"], before["Resources"][id]["Properties"]);
    EXPECT_EQ(r["Properties"], none["Resources"][id]["Properties"]);
  }
  // Service, VpcConnector, AutoScalingConfiguration, ObservabilityConfiguration (prod traces).
  EXPECT_EQ(create_only, 4);
  // The fixed tags still say whose resource it is.
  EXPECT_EQ(after["Resources"]["Service"]["Properties"]["Tags"],
            Json::array({Json{{"Key", "Project"}, {"Value", "orders-api"}},
                         Json{{"Key", "Environment"}, {"Value", "prod"}},
                         Json{{"Key", "ManagedBy"}, {"Value", "apprunner-blueprint"}}}));
  // Resources that update tags in place still carry every tag.
  bool cost_center = false;
  for (const auto& tag : after["Resources"]["Vpc"]["Properties"]["Tags"]) cost_center |= tag["Value"] == "cc-43";
  EXPECT_TRUE(cost_center);
}

// Issue 22: both dashboards alike, whatever the region: no Tags (modules/monitoring.cc,
// AddDashboard, says why). The main one in us-east-1 too, where cfn-lint's schema of
// AWS::CloudWatch::Dashboard has no Tags (spec_conformance_test.cc lints it there).
TEST(Tags, NoDashboardCarriesTagsInAnyRegion) {
  for (const char* region : {"eu-west-3", "us-east-1"}) {
    SCOPED_TRACE(region);
    std::string yaml = StackYaml("prod", "gateway", "orders-api", "", "features:\n  cloudfront: true\n");
    yaml.replace(yaml.find("eu-west-3"), 9, region);
    App app = testing::SynthFromYaml(yaml, "prod");
    int dashboards = 0;
    for (const auto& s : app.stacks)
      for (const auto& [id, r] : s.tmpl.resources().entries())
        if (r.type == "AWS::CloudWatch::Dashboard") {
          ++dashboards;
          EXPECT_FALSE(r.properties.contains("Tags")) << s.id << " " << id;
        }
    EXPECT_EQ(dashboards, 2);  // the environment's and the distribution's
  }
}

}  // namespace
}  // namespace bp
