// Line-based stack.yaml edits (config/yaml_edit.h): comments and layout survive.
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
  EXPECT_NE(out.find("profile: prod   # the profile\n"), std::string::npos);
  EXPECT_NE(out.find("# head comment\n"), std::string::npos);
  EXPECT_NE(out.find("  # the block\n"), std::string::npos);
}

TEST(YamlEdit, AddsKeyAtTheBlocksIndentation) {
  std::string out = Set(kDoc, {"network", "az_count"}, "3");
  EXPECT_NE(out.find("  nat: instance\n  az_count: 3\nalerts:"), std::string::npos) << out;
}

TEST(YamlEdit, CreatesMissingSections) {
  std::string out = Set(kDoc, {"database", "multi_az"}, "true");
  EXPECT_NE(out.find("tags: {cost_center: eng}\ndatabase:\n  multi_az: true\n"), std::string::npos) << out;
}

TEST(YamlEdit, ReplacesBlockSequence) {
  std::string out = Set(kDoc, {"alerts", "emails"}, "[x@y.example]");
  EXPECT_NE(out.find("alerts:\n  emails: [x@y.example]\ntags:"), std::string::npos) << out;
}

TEST(YamlEdit, FlowMappingRewritten) {
  YamlEditResult r;
  Diagnostics diags;
  ASSERT_TRUE(YamlSetKey(kDoc, {"tags", "extra"}, "{team: core}", &r, &diags)) << diags.FormatAll();
  EXPECT_TRUE(r.rewrote_flow);
  EXPECT_NE(r.text.find("tags: {cost_center: eng, extra: {team: core}}\n"), std::string::npos) << r.text;
}

TEST(YamlEdit, RemovesKeyAndItsBlock) {
  std::string out = Rm(kDoc, {"alerts", "emails"});
  EXPECT_EQ(out.find("a@b.example"), std::string::npos);
  EXPECT_NE(out.find("alerts:\ntags:"), std::string::npos) << out;
  out = Rm(kDoc, {"network", "cidr"});
  EXPECT_NE(out.find("network:\n  # the block\n  nat: instance\n"), std::string::npos) << out;
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
