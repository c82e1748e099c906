#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include "cfn/intrinsics.h"
#include "cfn/template.h"
#include "cfn/writer.h"

namespace bp::cfn {
namespace {

Json Sample() {
  Template t;
  t.description = "sample \"quoted\" — ünïcode";
  t.AddParameter("ImageUri", {"String", "Image to run", "", {}, "", "", false});
  t.AddCondition("HasImage", Not(Equals(Ref("ImageUri"), "")));
  auto& r = t.AddResource("Vpc", "AWS::EC2::VPC",
                          Json{{"CidrBlock", "10.0.0.0/24"},
                               {"EnableDnsSupport", true},
                               {"Tags", Tags({{"Name", "yes"}, {"Note", "a: b # c"}, {"Empty", ""}})}});
  r.deletion_policy = "Retain";
  t.AddResource("Subnet", "AWS::EC2::Subnet",
                Json{{"VpcId", Ref("Vpc")},
                     {"AvailabilityZone", Select(0, GetAZs(""))},
                     {"CidrBlock", Select(0, Cidr(GetAtt("Vpc", "CidrBlock"), 4, 6))},
                     {"Numbers", Json::array({1, 2.5, -3, "007"})},
                     {"Multi", "line one\nline two\ttab"},
                     {"EmptyList", Json::array()},
                     {"EmptyMap", Json::object()},
                     {"Nested", Json::array({Json::array({"a"}), Json{{"k", Json{{"x", 1}}}}})}});
  t.AddOutput("VpcId", {Ref("Vpc"), "VPC", "orders-vpc", ""});
  return t.ToJson();
}

TEST(Writers, JsonIsDeterministicAndRoundTrips) {
  std::string a = WriteJson(Sample()), b = WriteJson(Sample());
  EXPECT_EQ(a, b);
  EXPECT_EQ(Json::parse(a), Sample());
  EXPECT_THAT(a, ::testing::HasSubstr("ünïcode")) << "UTF-8 must be written as is";
  EXPECT_THAT(a, ::testing::HasSubstr("\\\"quoted\\\""));
  // Sections in CloudFormation's order.
  EXPECT_LT(a.find("\"Parameters\""), a.find("\"Conditions\""));
  EXPECT_LT(a.find("\"Conditions\""), a.find("\"Resources\""));
  EXPECT_LT(a.find("\"Resources\""), a.find("\"Outputs\""));
}

// Converts a yaml-cpp node back to JSON (scalars as strings) for comparison.
nlohmann::json FromYaml(const YAML::Node& n) {
  if (n.IsMap()) {
    nlohmann::json j = nlohmann::json::object();
    for (auto it : n) j[it.first.Scalar()] = FromYaml(it.second);
    return j;
  }
  if (n.IsSequence()) {
    nlohmann::json j = nlohmann::json::array();
    for (auto it : n) j.push_back(FromYaml(it));
    return j;
  }
  return n.Scalar();
}

nlohmann::json Stringify(const nlohmann::json& j) {
  if (j.is_object()) {
    nlohmann::json o = nlohmann::json::object();
    for (auto& [k, v] : j.items()) o[k] = Stringify(v);
    return o;
  }
  if (j.is_array()) {
    nlohmann::json a = nlohmann::json::array();
    for (auto& v : j) a.push_back(Stringify(v));
    return a;
  }
  return j.is_string() ? j.get<std::string>() : j.dump();
}

TEST(Writers, YamlParsesBackToTheSameDocument) {
  std::string y = WriteYaml(Sample());
  EXPECT_EQ(y, WriteYaml(Sample()));
  YAML::Node n = YAML::Load(y);
  EXPECT_EQ(FromYaml(n), Stringify(nlohmann::json::parse(Sample().dump())));
  // Strings that look like other types stay strings.
  EXPECT_THAT(y, ::testing::HasSubstr("Value: \"yes\"")) << y;
  EXPECT_THAT(y, ::testing::HasSubstr("- \"007\"")) << y;
  EXPECT_THAT(y, ::testing::HasSubstr("AWSTemplateFormatVersion: \"2010-09-09\"")) << y;
  // Typed scalars keep their YAML type.
  EXPECT_EQ(n["Resources"]["Vpc"]["Properties"]["EnableDnsSupport"].Tag(), "?");
  EXPECT_EQ(n["Resources"]["Subnet"]["Properties"]["Multi"].as<std::string>(), "line one\nline two\ttab");
  EXPECT_EQ(n["Resources"]["Vpc"]["Properties"]["Tags"][1]["Value"].as<std::string>(), "a: b # c");
}

TEST(Writers, YamlEmptyContainers) {
  EXPECT_EQ(WriteYaml(Json::object()), "{}\n");
  EXPECT_EQ(WriteYaml(Json{{"a", Json::array()}, {"b", Json::object()}}), "a: []\nb: {}\n");
}

TEST(Writers, Utf8Check) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

// The template writers that skip Template::ToJson must give its bytes exactly: every
// section and optional field, strings dump escapes (quotes, backslash, each control
// character, DEL, non-ASCII), numbers of each kind, empty and nested containers.
Template EverySection() {
  Template t;
  t.description = "d \"q\" \\ tab\t nl\n";
  t.metadata = Json{{"Note", Json::array()}};
  Parameter p{"Number", "p", 3, {"1", "3"}, "[0-9]+", "digits", true};
  t.AddParameter("Count", p);
  t.AddParameter("Plain", {});
  t.AddCondition("IsOne", Equals(Ref("Count"), "1"));
  std::string controls;
  for (int c = 1; c < 0x20; ++c) controls.push_back(static_cast<char>(c));
  controls += "\x7f/\"\\";
  auto& r = t.AddResource(
      "Thing", "AWS::S3::Bucket",
      Json{{"Controls", controls},
           {"NonAscii", "\xc3\xa9 \xe2\x80\xa8 \"\n"},
           {"Numbers", Json::array({0, -42, 18446744073709551615ull, 1.5, -0.25, 1e300, 3.0})},
           {"Empty", Json::object()},
           {"EmptyList", Json::array()},
           {"Nested", Json{{"a", Json::array({Json::object(), Json::array({Json::array()}), nullptr, true, false})},
                           {"key \"quoted\"\n", "v"}}}});
  r.depends_on = {"Other"};
  r.condition = "IsOne";
  r.deletion_policy = "Retain";
  r.update_replace_policy = "Retain";
  r.metadata = Json{{"m", 1}};
  r.creation_policy = Json{{"ResourceSignal", Json{{"Count", 1}}}};
  t.AddResource("Other", "AWS::SNS::Topic");
  t.AddOutput("Out", {Ref("Thing"), "an output", "Exported", "IsOne"});
  t.AddOutput("Bare", {Json("x"), "", "", ""});
  return t;
}

TEST(Writers, TemplateWritersGiveToJsonsBytes) {
  for (const Template& t : {EverySection(), Template()}) {
    const Json doc = t.ToJson();
    EXPECT_EQ(WriteTemplate(t, Format::kJson), WriteJson(doc));
    EXPECT_EQ(WriteTemplate(t, Format::kYaml), WriteYaml(doc));
    EXPECT_EQ(WriteTemplateCompactJson(t), WriteCompactJson(doc));
    EXPECT_EQ(TemplateCompactJsonSize(t), WriteCompactJson(doc).size());
  }
}

TEST(Writers, TheCompactSizeCountsEveryAsciiByteAsDumpWritesIt) {
  for (int c = 0; c < 0x80; ++c) {
    Template t;
    t.AddResource("Thing", "AWS::S3::Bucket", Json{{"P", std::string("x") + static_cast<char>(c) + "y"}});
    EXPECT_EQ(TemplateCompactJsonSize(t),
              t.ToJson().dump(-1, ' ', false, nlohmann::detail::error_handler_t::strict).size())
        << "byte " << c;
  }
}

TEST(Writers, TemplateWritersRefuseInvalidUtf8AsDumpDoes) {
  Template t;
  t.AddResource("Thing", "AWS::S3::Bucket", Json{{"BucketName", std::string("a\xff")}});
  EXPECT_THROW(WriteTemplate(t, Format::kJson), nlohmann::json::type_error);
  EXPECT_THROW(TemplateCompactJsonSize(t), nlohmann::json::type_error);
}

// A byte that needs an escape, or one outside ASCII, at any offset of strings of every
// length up to 24 is written as dump writes it, and counted as written.
TEST(Writers, EveryEscapeAtEveryOffsetIsWrittenAsDumpWritesIt) {
  for (const std::string& special : std::vector<std::string>{"\"", "\\", "\n", std::string(1, '\x01'),
                                                             std::string(1, '\x1f'), "\x7f", "\xc3\xa9", " "}) {
    for (size_t length = 0; length <= 24; ++length) {
      for (size_t at = 0; at <= length; ++at) {
        std::string s(length, 'a');
        s.insert(at, special);
        Json doc = Json::array({s, Json{{s, s}}});
        EXPECT_EQ(WriteCompactJson(doc), doc.dump(-1, ' ', false, nlohmann::detail::error_handler_t::strict))
            << "length " << length << " at " << at;
        Template t;
        t.AddResource("Thing", "AWS::S3::Bucket", Json{{"P", doc}});
        EXPECT_EQ(TemplateCompactJsonSize(t),
                  t.ToJson().dump(-1, ' ', false, nlohmann::detail::error_handler_t::strict).size())
            << "length " << length << " at " << at;
      }
    }
  }
}

// The canonical text is nlohmann::json's (a sorted map) for the same value, whatever
// order the members were added in.
TEST(Writers, CanonicalJsonIsTheSortedDump) {
  Json a = Json{{"b", Json{{"z", 1}, {"a", Json::array({Json{{"y", "é"}, {"x", 2.5}}})}}}, {"a", nullptr}, {"B", true}};
  Json b = Json{{"B", true}, {"a", nullptr}, {"b", Json{{"a", Json::array({Json{{"x", 2.5}, {"y", "é"}}})}, {"z", 1}}}};
  const std::string sorted = nlohmann::json::parse(a.dump()).dump();
  EXPECT_EQ(WriteCanonicalJson(a), sorted);
  EXPECT_EQ(WriteCanonicalJson(b), sorted);
  EXPECT_THAT(sorted, ::testing::StartsWith(R"({"B":true,"a":null,"b":{"a":[{"x":2.5,"y":"é"}],"z":1}})"));
}

TEST(Intrinsics, Shapes) {
  EXPECT_EQ(Ref("X").dump(), R"({"Ref":"X"})");
  EXPECT_EQ(GetAtt("Db", "Endpoint.Address").dump(), R"({"Fn::GetAtt":["Db","Endpoint.Address"]})");
  EXPECT_EQ(Sub("${AWS::Region}").dump(), R"({"Fn::Sub":"${AWS::Region}"})");
  EXPECT_EQ(Sub("${A}", Json{{"A", 1}}).dump(), R"({"Fn::Sub":["${A}",{"A":1}]})");
  EXPECT_EQ(Join(",", Json::array({"a", "b"})).dump(), R"({"Fn::Join":[",",["a","b"]]})");
  EXPECT_EQ(Select(1, GetAZs("")).dump(), R"({"Fn::Select":["1",{"Fn::GetAZs":""}]})");
  EXPECT_EQ(Split(",", "a,b").dump(), R"({"Fn::Split":[",","a,b"]})");
  EXPECT_EQ(Cidr("10.0.0.0/24", 4, 6).dump(), R"({"Fn::Cidr":["10.0.0.0/24","4","6"]})");
  EXPECT_EQ(If("C", 1, pseudo::NoValue()).dump(), R"({"Fn::If":["C",1,{"Ref":"AWS::NoValue"}]})");
  EXPECT_EQ(And(Json::array({Condition("A"), Not(Condition("B"))})).dump(),
            R"({"Fn::And":[{"Condition":"A"},{"Fn::Not":[{"Condition":"B"}]}]})");
  EXPECT_EQ(Or(Json::array({Equals("a", "b"), Condition("B")})).dump(),
            R"({"Fn::Or":[{"Fn::Equals":["a","b"]},{"Condition":"B"}]})");
  EXPECT_EQ(ImportValue("x").dump(), R"({"Fn::ImportValue":"x"})");
  EXPECT_EQ(Base64("x").dump(), R"({"Fn::Base64":"x"})");
  EXPECT_EQ(pseudo::AccountId().dump(), R"({"Ref":"AWS::AccountId"})");
  EXPECT_EQ(pseudo::Partition().dump(), R"({"Ref":"AWS::Partition"})");
  EXPECT_EQ(pseudo::StackName().dump(), R"({"Ref":"AWS::StackName"})");
  EXPECT_EQ(pseudo::URLSuffix().dump(), R"({"Ref":"AWS::URLSuffix"})");
  EXPECT_EQ(pseudo::Region().dump(), R"({"Ref":"AWS::Region"})");
}

}  // namespace
}  // namespace bp::cfn
