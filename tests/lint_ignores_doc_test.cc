// docs/validation.md lists every cfn-lint rule a template silences inline, with the
// reason: the documentation may not claim fewer ignores than the templates carry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "platform_fixtures.h"

namespace bp {
namespace {

using cfn::Json;
using namespace fixtures;

void CollectIgnores(const Json& t, std::set<std::string>* rules) {
  auto from = [&](const Json& metadata) {
    if (!metadata.is_object() || !metadata.contains("cfn-lint")) return;
    for (const auto& r : metadata["cfn-lint"]["config"]["ignore_checks"]) rules->insert(r.get<std::string>());
  };
  if (t.contains("Metadata")) from(t["Metadata"]);
  for (const auto& [id, r] : t["Resources"].items())
    if (r.contains("Metadata")) from(r["Metadata"]);
}

TEST(LintIgnores, EveryInlineIgnoreIsDocumentedWithItsReason) {
  std::set<std::string> rules;
  for (const auto& c : BundledEnvironments()) CollectIgnores(MainTemplate(c), &rules);
  ASSERT_FALSE(rules.empty());  // W3691 on the database with engine_version 17
  std::string doc = testing::ReadFileOrDie(testing::SourceDir() + "/docs/validation.md");
  size_t section = doc.find("### Ignored cfn-lint rules");
  ASSERT_NE(section, std::string::npos);
  std::string table = doc.substr(section);
  for (const auto& rule : rules) {
    SCOPED_TRACE(rule);
    EXPECT_THAT(table, ::testing::HasSubstr("\n| " + rule + " ")) << "docs/validation.md has no row for " << rule;
  }
  EXPECT_THAT(table, ::testing::Not(::testing::HasSubstr("\nNone."))) << "the section must not say no rule is ignored";
}

}  // namespace
}  // namespace bp
