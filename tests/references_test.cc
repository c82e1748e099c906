// The one reference walker (cfn/references.h): what it calls a reference, where, and what
// it leaves alone.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cfn/references.h"

namespace bp::cfn {
namespace {

// "kind logical_id[.attribute] @path" per reference, in the walker's order.
std::vector<std::string> Walk(const Json& v, std::vector<std::string>* malformed = nullptr) {
  std::vector<std::string> out;
  ForEachReference(
      v,
      [&out](const Reference& r) {
        static const char* kKinds[] = {"Ref", "GetAtt", "SubRef", "SubGetAtt", "Condition"};
        std::string s = std::string(kKinds[static_cast<int>(r.kind)]) + " " + std::string(r.logical_id);
        if (!r.attribute.empty()) s += "." + std::string(r.attribute);
        if (r.pseudo()) s += " (pseudo)";
        out.push_back(s + " @" + std::string(r.path));
      },
      [malformed](const MalformedIntrinsic& m) {
        if (malformed) malformed->push_back(std::string(m.path) + ": " + std::string(m.problem));
      },
      "R");
  return out;
}

TEST(References, RefAndBothFormsOfGetAtt) {
  Json v = Json::parse(R"({"A": {"Ref": "Vpc"}, "B": [{"Fn::GetAtt": ["Db", "Endpoint.Address"]},
                           {"Fn::GetAtt": "Sg.GroupId"}]})");
  EXPECT_EQ(Walk(v), (std::vector<std::string>{"Ref Vpc @R/A", "GetAtt Db.Endpoint.Address @R/B/0",
                                               "GetAtt Sg.GroupId @R/B/1"}));
  const Json arg("Db.Endpoint.Port");  // the target's views point into it
  std::optional<GetAttTarget> t = ParseGetAtt(arg);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->logical_id, "Db");
  EXPECT_EQ(t->attribute, "Endpoint.Port");  // the first dot splits; nested attributes keep theirs
}

TEST(References, GetAttWhoseAttributeIsAnExpression) {
  Json v = Json::parse(R"({"Fn::GetAtt": ["Stack", {"Ref": "OutputName"}]})");
  EXPECT_EQ(Walk(v), (std::vector<std::string>{"GetAtt Stack @R", "Ref OutputName @R"}));
}

TEST(References, PseudoParametersAreReferencesMarkedPseudo) {
  Json v = Json::parse(R"([{"Ref": "AWS::Region"}, {"Fn::Sub": "${AWS::AccountId}:${AWS::NoSuch}"},
                           {"Ref": "AWS_Region"}])");
  EXPECT_EQ(Walk(v), (std::vector<std::string>{"Ref AWS::Region (pseudo) @R/0", "SubRef AWS::AccountId (pseudo) @R/1",
                                               "SubRef AWS::NoSuch @R/1", "Ref AWS_Region @R/2"}));
}

TEST(References, SubEscapeIsTheOnlyRule) {
  // ${!Literal} is text; so is "${}"; "$Name" and "{Name}" are text; ${Name} right after
  // an escape still counts.
  Json v = Json::parse(R"({"Fn::Sub": "${!Literal} ${} $Plain {Brace} ${!Db.Arn}${Topic} ${Queue.Arn}"})");
  EXPECT_EQ(Walk(v), (std::vector<std::string>{"SubRef Topic @R", "SubGetAtt Queue.Arn @R"}));
}

TEST(References, SubVariableMapShadowsItsNamesAndIsWalked) {
  Json v = Json::parse(R"({"Fn::Sub": ["${Local}-${Role.Arn}-${Local.Attr}",
                                        {"Local": {"Fn::GetAtt": ["Key", "Arn"]}}]})");
  // The map's values first, then the text less the map's names (${Local.Attr} is no local).
  EXPECT_EQ(Walk(v), (std::vector<std::string>{"GetAtt Key.Arn @R", "SubGetAtt Role.Arn @R", "SubGetAtt Local.Attr @R"}));
}

TEST(References, SubNestedInJoinAndIf) {
  Json v = Json::parse(R"({"Fn::Join": ["", [{"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}"}, "/*"]],
                           "X": {"Fn::If": ["IsProd", {"Fn::Sub": "${Prod}"}, {"Ref": "AWS::NoValue"}]}})");
  EXPECT_EQ(Walk(v), (std::vector<std::string>{"SubRef AWS::Partition (pseudo) @R/Fn::Join/1/0",
                                               "SubRef Bucket @R/Fn::Join/1/0", "Condition IsProd @R/X",
                                               "SubRef Prod @R/X", "Ref AWS::NoValue (pseudo) @R/X"}));
}

TEST(References, ConditionNamesInConditionFunctions) {
  Json v = Json::parse(R"({"Fn::And": [{"Condition": "A"}, {"Fn::Not": [{"Condition": "B"}]}]})");
  EXPECT_EQ(Walk(v), (std::vector<std::string>{"Condition A @R/Fn::And/0", "Condition B @R/Fn::And/1/Fn::Not/0"}));
  // A "Condition" key that is not alone, or not a name, is data (an IAM policy's Condition).
  EXPECT_TRUE(Walk(Json::parse(R"({"Condition": {"StringEquals": {"k": "v"}}})")).empty());
}

TEST(References, PlainStringsAndLookalikesAreNotReferences) {
  Json v = Json::parse(R"({"Text": "${NotSub}", "Two": {"Ref": "A", "Other": 1}, "Key": "Ref"})");
  // {"Ref": "A", "Other": 1} has two keys: an object of data, and "A" a string in it.
  EXPECT_TRUE(Walk(v).empty());
  EXPECT_TRUE(Walk(Json("${NotSub}")).empty());
}

TEST(References, MalformedIntrinsicsAreReportedAndNotEntered) {
  std::vector<std::string> bad;
  Json v = Json::parse(R"([{"Ref": ["A"]}, {"Fn::GetAtt": ["Db"]}, {"Fn::GetAtt": "NoDot"},
                           {"Fn::GetAtt": ["Db", ""]}, {"Fn::Sub": 3}, {"Fn::Sub": ["${A}", "notamap"]},
                           {"Fn::Sub": "${Ok} ${Open"}, {"Fn::If": ["C", 1]}])");
  EXPECT_EQ(Walk(v, &bad), (std::vector<std::string>{"SubRef Ok @R/6"}));
  EXPECT_EQ(bad, (std::vector<std::string>{
                     "R/0: Ref takes the name of a parameter, a resource or a pseudo parameter",
                     "R/1: Fn::GetAtt takes [LogicalId, Attribute]", "R/2: Fn::GetAtt takes [LogicalId, Attribute]",
                     "R/3: Fn::GetAtt takes [LogicalId, Attribute]",
                     "R/4: Fn::Sub takes a string or [string, {variables}]",
                     "R/5: Fn::Sub takes a string or [string, {variables}]",
                     "R/6: Fn::Sub string has an unclosed '${'", "R/7: Fn::If takes [Condition, IfTrue, IfFalse]"}));
}

TEST(References, TargetOfIsTheNameAValueItselfPointsAt) {
  EXPECT_EQ(TargetOf(Json::parse(R"({"Ref": "Role"})")), "Role");
  EXPECT_EQ(TargetOf(Json::parse(R"({"Fn::GetAtt": ["Role", "Arn"]})")), "Role");
  EXPECT_EQ(TargetOf(Json::parse(R"({"Fn::GetAtt": "Role.Arn"})")), "Role");
  EXPECT_EQ(TargetOf(Json::parse(R"({"Ref": "AWS::Region"})")), "");
  EXPECT_EQ(TargetOf(Json::parse(R"({"Fn::Sub": "${Role.Arn}"})")), "");
  EXPECT_EQ(TargetOf(Json::parse(R"({"Ref": "Role", "x": 1})")), "");
}

}  // namespace
}  // namespace bp::cfn
