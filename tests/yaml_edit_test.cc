// Line-based stack.yaml edits (config/yaml_edit.h): comments and layout survive.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/yaml_edit.h"

namespace bp {
namespace {

std::string Set(const std::string& text, const std::vector<std::string>& path, const std::string& v) {
  YamlEditResult r;
  Diagnostics diags;
  EXPECT_TRUE(YamlSetKey(text, path, v, &r, &diags)) << diags.FormatAll();
  return r.text;
}

std::string Rm(const std::string& text, const std::vector<std::string>& path) {
  YamlEditResult r;
  Diagnostics diags;
  bool found = false;
  EXPECT_TRUE(YamlRemoveKey(text, path, &r, &found, &diags)) << diags.FormatAll();
  EXPECT_TRUE(found);
  return r.text;
}

const char* kDoc =
    "# head comment\n"
    "profile: dev   # the profile\n"
    "\n"
    "network:\n"
    "  # the block\n"
    "  cidr: 10.0.0.0/24\n"
    "  nat: instance\n"
    "alerts:\n"
    "  emails:\n"
    "  - a@b.example\n"
    "  - c@d.example\n"
    "tags: {cost_center: eng}\n";

TEST(YamlEdit, ReplacesValueAndKeepsComment) {
  std::string out = Set(kDoc, {"profile"}, "prod");
  EXPECT_THAT(out, ::testing::HasSubstr("profile: prod   # the profile\n"));
  EXPECT_THAT(out, ::testing::HasSubstr("# head comment\n"));
  EXPECT_THAT(out, ::testing::HasSubstr("  # the block\n"));
}

TEST(YamlEdit, AddsKeyAtTheBlocksIndentation) {
  std::string out = Set(kDoc, {"network", "az_count"}, "3");
  EXPECT_THAT(out, ::testing::HasSubstr("  nat: instance\n  az_count: 3\nalerts:")) << out;
}

TEST(YamlEdit, CreatesMissingSections) {
  std::string out = Set(kDoc, {"database", "multi_az"}, "true");
  EXPECT_THAT(out, ::testing::HasSubstr("tags: {cost_center: eng}\ndatabase:\n  multi_az: true\n")) << out;
}

TEST(YamlEdit, ReplacesBlockSequence) {
  std::string out = Set(kDoc, {"alerts", "emails"}, "[x@y.example]");
  EXPECT_THAT(out, ::testing::HasSubstr("alerts:\n  emails: [x@y.example]\ntags:")) << out;
}

TEST(YamlEdit, FlowMappingRewritten) {
  YamlEditResult r;
  Diagnostics diags;
  ASSERT_TRUE(YamlSetKey(kDoc, {"tags", "extra"}, "{team: core}", &r, &diags)) << diags.FormatAll();
  EXPECT_TRUE(r.rewrote_flow);
  EXPECT_THAT(r.text, ::testing::HasSubstr("tags: {cost_center: eng, extra: {team: core}}\n")) << r.text;
}

TEST(YamlEdit, RemovesKeyAndItsBlock) {
  std::string out = Rm(kDoc, {"alerts", "emails"});
  EXPECT_THAT(out, ::testing::Not(::testing::HasSubstr("a@b.example")));
  EXPECT_THAT(out, ::testing::HasSubstr("alerts:\ntags:")) << out;
  out = Rm(kDoc, {"network", "cidr"});
  EXPECT_THAT(out, ::testing::HasSubstr("network:\n  # the block\n  nat: instance\n")) << out;
}

TEST(YamlEdit, MissingKeyIsNotFound) {
  YamlEditResult r;
  Diagnostics diags;
  bool found = true;
  ASSERT_TRUE(YamlRemoveKey(kDoc, {"network", "az_count"}, &r, &found, &diags));
  EXPECT_FALSE(found);
  EXPECT_EQ(r.text, kDoc);
}

TEST(YamlEdit, ValueUnderScalarRefused) {
  YamlEditResult r;
  Diagnostics diags;
  EXPECT_FALSE(YamlSetKey(kDoc, {"profile", "x"}, "1", &r, &diags));
}

TEST(YamlEdit, QuoteOnlyWhenNeeded) {
  EXPECT_EQ(YamlQuote("10.0.0.0/24"), "10.0.0.0/24");
  EXPECT_EQ(YamlQuote("0.25 vCPU"), "0.25 vCPU");
  EXPECT_EQ(YamlQuote("a: b"), "\"a: b\"");
  EXPECT_EQ(YamlQuote("null"), "\"null\"");
  EXPECT_EQ(YamlQuote("x #y"), "\"x #y\"");
  EXPECT_EQ(YamlQuote("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(YamlQuote(""), "\"\"");
}

}  // namespace
}  // namespace bp
