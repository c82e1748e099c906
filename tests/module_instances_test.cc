// Logical IDs are scoped per module instance: the same module can appear twice in one
// template, and the stack's one instance keeps the IDs it always had.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "modules/app_secrets.h"
#include "modules/compute.h"
#include "modules/database.h"
#include "modules/networking.h"
#include "modules/registry.h"
#include "platform_fixtures.h"

namespace bp {
namespace {

using cfn::Json;

StackConfig DevConfig() {
  StackConfig c;
  Diagnostics d;
  EXPECT_TRUE(ParseStackConfig(fixtures::StackYaml("dev", "instance"), "dev/stack.yaml", "dev", &c, &d))
      << d.FormatAll();
  return c;
}

// One instance of every module, wired as the main stack wires them.
void AddAll(const ModuleContext& ctx, const StackConfig& c, cfn::Template* t) {
  NetworkOutputs net = AddNetworking(ctx, c.network, t);
  AddRegistry(ctx, c.registry, t);
  AppSecurityGroupOutputs sg = AddAppSecurityGroup(ctx, net.vpc_id, t);
  DatabaseOutputs db = AddDatabase(ctx, c.database, {net.vpc_id, net.private_subnet_ids, sg.security_group_id}, t);
  AppSecretsOutputs secrets =
      AddAppSecrets(ctx, {{{"API_KEY", "v1:AAAA", ""}}}, t);
  ComputeInputs in{net, sg.security_group_id, {}};
  in.runtime.Add(db.runtime);
  in.runtime.Add(secrets.runtime);
  AddCompute(ctx, c.app, in, t);
}

// Physical names a resource claims: string properties ending in "Name" and its Name
// tag. DBName is the database inside the instance, not a name in the account.
std::set<std::string> NamesOf(const Json& resource) {
  std::set<std::string> names;
  for (const auto& [key, value] : resource["Properties"].items()) {
    if (key == "DBName") continue;
    if (value.is_string() && key.size() > 4 && key.substr(key.size() - 4) == "Name") names.insert(value);
    if (key == "Tags" && value.is_array())
      for (const auto& tag : value)
        if (tag.value("Key", "") == "Name") names.insert(tag["Value"].get<std::string>());
  }
  return names;
}

bool IsReplica(const std::string& id) { return id.rfind("Replica", 0) == 0; }

TEST(ModuleInstances, DefaultInstanceKeepsItsIds) {
  ModuleContext ctx{"orders-api-dev", {}};
  EXPECT_EQ(ctx.Id("Vpc"), "Vpc");
  ModuleContext replica = ctx.Instance("replica");
  EXPECT_EQ(replica.Id("Vpc"), "ReplicaVpc");
  EXPECT_EQ(replica.name_prefix, "orders-api-dev-replica");
  EXPECT_EQ(replica.Instance("b").Id("Db"), "ReplicaBDb");
}

TEST(ModuleInstances, SecondInstanceOfEveryModuleGetsDistinctIdsAndNames) {
  StackConfig c = DevConfig();
  ModuleContext ctx{"orders-api-dev", {{"Project", "orders-api"}}};
  cfn::Template t;
  AddAll(ctx, c, &t);
  size_t one = t.resources().size();
  AddAll(ctx.Instance("replica"), c, &t);  // would abort on a duplicate logical ID
  EXPECT_EQ(t.resources().size(), 2 * one);

  Diagnostics d;
  cfn::CheckReferences("two-instances", t, &d);
  EXPECT_FALSE(d.HasErrors()) << d.FormatAll();

  Json doc = t.ToJson();
  // The stack's instance has today's IDs; the replica's are all prefixed.
  for (const char* id : {"Vpc", "Db", "Service", "Repository", "AppSecurityGroup", "NatNetworkInterface1"}) {
    EXPECT_TRUE(doc["Resources"].contains(id)) << id;
    EXPECT_TRUE(doc["Resources"].contains(std::string("Replica") + id)) << id;
  }
  for (const char* section : {"Parameters", "Conditions", "Outputs"}) {
    size_t replicas = 0;
    for (const auto& [id, v] : doc[section].items()) replicas += IsReplica(id);
    EXPECT_EQ(replicas * 2, doc[section].size()) << section;
  }

  // Each instance references only its own resources.
  for (const auto& [id, r] : doc["Resources"].items()) {
    std::string text = r.dump();
    if (IsReplica(id)) continue;
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("\"Replica"))) << id << " references the other instance";
  }
  EXPECT_EQ(doc["Resources"]["ReplicaDbIngressFromApp"]["Properties"]["SourceSecurityGroupId"],
            cfn::GetAtt("ReplicaAppSecurityGroup", "GroupId"));

  // No physical name is claimed by both instances.
  std::set<std::string> first, second;
  for (const auto& [id, r] : doc["Resources"].items())
    for (const auto& name : NamesOf(r)) (IsReplica(id) ? second : first).insert(name);
  EXPECT_FALSE(first.empty());
  for (const auto& name : second) EXPECT_EQ(first.count(name), 0u) << name << " is claimed twice";
  EXPECT_TRUE(second.count("orders-api-dev-replica")) << "the replica's service and repository names";
}

}  // namespace
}  // namespace bp
