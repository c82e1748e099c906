// blueprint cost: each line equals the hand arithmetic beside it, from the prices
// cited in data/prices.json (us-east-1 from reference/aws-facts.md section 11 and the AWS pages
// named there; regional values as listed per region). 730 hours a month.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <set>

#include "analysis/cost_render.h"
#include "cfn/writer.h"
#include "config/loader.h"
#include "test_util.h"

namespace bp::analysis {
namespace {

using cfn::Json;

std::string Yaml(const std::string& profile, const std::string& region, const std::string& nat,
                 const std::string& extra = "") {
  return "profile: " + profile + "\nregion: " + region +
         "\napp:\n  name: orders-api\n  port: 8080\n"
         "network:\n  cidr: 10.0.0.0/22\n  nat: " + nat + "\n" + extra +
         // prod guards an alert address (guards.allow_no_alerts).
         (profile == "prod" ? "alerts:\n  emails: [oncall@acme.example]\n" : "");
}

struct Costed {
  StackConfig config;
  EnvCost cost;
};

Costed CostOf(const std::string& yaml, const std::string& env = "prod") {
  Costed c;
  Diagnostics d;
  EXPECT_TRUE(ParseStackConfig(yaml, "stack.yaml", env, &c.config, &d)) << d.FormatAll();
  App app;
  EXPECT_TRUE(Assemble(c.config, &app, &d)) << d.FormatAll();
  c.cost = CostApp(app, env, c.config.usage);
  return c;
}

// By logical ID, or by type ("AWS::EC2::NatGateway": the first of that type), so the
// arithmetic does not depend on how modules name their resources.
const ResourceCost& Resource(const EnvCost& e, const std::string& id) {
  bool by_type = id.find("::") != std::string::npos;
  for (const auto& s : e.stacks)
    for (const auto& r : s.resources)
      if ((by_type ? r.type : r.logical_id) == id) return r;
  ADD_FAILURE() << "no resource " << id;
  static ResourceCost none;
  return none;
}

// The line of `id` whose name starts with `prefix`.
const CostLine& Line(const EnvCost& e, const std::string& id, const std::string& prefix) {
  for (const auto& l : Resource(e, id).lines)
    if (l.name.rfind(prefix, 0) == 0) return l;
  ADD_FAILURE() << "no line '" << prefix << "' on " << id;
  static CostLine none;
  return none;
}

void ExpectUsd(const EnvCost& e, const std::string& id, const std::string& line, double expected) {
  SCOPED_TRACE(id + " / " + line);
  const CostLine& l = Line(e, id, line);
  EXPECT_TRUE(l.known) << l.why_unknown;
  EXPECT_NEAR(l.monthly_usd, expected, 1e-9);
}

void ExpectUnknown(const EnvCost& e, const std::string& id, const std::string& line) {
  SCOPED_TRACE(id + " / " + line);
  const CostLine& l = Line(e, id, line);
  EXPECT_FALSE(l.known);
  EXPECT_FALSE(l.why_unknown.empty());
}

const char* const kNat = "AWS::EC2::NatGateway";
const char* const kEip = "AWS::EC2::EIP";
const char* const kService = "AWS::AppRunner::Service";
const char* const kDb = "AWS::RDS::DBInstance";
const char* const kRepo = "AWS::ECR::Repository";

TEST(Cost, ProdInUsEast1) {
  // prod profile: one NAT gateway, 0.5 vCPU / 1 GB App Runner with 1 provisioned
  // instance and X-Ray, db.t4g.small Multi-AZ with 50 GB gp3 (max 1000). Usage
  // defaults: 10M requests of 100 ms at 2 concurrent, 50 GB out, 20 GB through NAT,
  // 5 GB logs, 10 GB growth, 100 GB backups, 5 GB images, 5% traced.
  Costed c = CostOf(Yaml("prod", "us-east-1", "gateway"));
  const EnvCost& e = c.cost;
  ExpectUsd(e, kNat, "NAT gateway hours", 730 * 0.045);     // 32.85
  ExpectUsd(e, kNat, "Data processed", 20 * 0.045);         // 0.90
  ExpectUsd(e, kEip, "Public IPv4 address", 730 * 0.005);       // 3.65
  double active_hours = 10e6 * 0.100 / 2 / 3600;                     // 138.89
  ExpectUsd(e, kService, "Provisioned memory", (730 - active_hours) * 1 * 0.007);  // 4.14
  ExpectUsd(e, kService, "Active vCPU", active_hours * 0.5 * 0.064);               // 4.44
  ExpectUsd(e, kService, "Active memory", active_hours * 1 * 0.007);               // 0.97
  ExpectUsd(e, kService, "Data transfer out", 50 * 0.09);                          // 4.50
  ExpectUsd(e, kService, "Log ingestion", 5 * 0.50);                               // 2.50
  ExpectUsd(e, kService, "X-Ray traces recorded", 10e6 * 0.05 / 1e6 * 5.00);       // 2.50
  ExpectUsd(e, kDb, "Instance hours (db.t4g.small, Multi-AZ", 2 * 730 * 0.032);   // 46.72
  ExpectUsd(e, kDb, "Storage (gp3, 50 GB x 2)", 2 * 50 * 0.115);                  // 11.50
  ExpectUsd(e, kDb, "Storage growth", 2 * 10 * 0.115);                            // 2.30
  ExpectUsd(e, kDb, "Backup storage", (100 - (50 + 10)) * 0.095);                 // 3.80
  ExpectUsd(e, "DbCredentials", "Secret", 0.40);  // generated credentials (docs/database.md)
  ExpectUsd(e, kRepo, "Image storage", 5 * 0.10);                           // 0.50
  // Operations: the alert topic's key, the dashboard, 7 alarms reading 8 metrics (the
  // 5xx rate reads two).
  ExpectUsd(e, "AWS::KMS::Key", "Customer managed key", 1.00);
  ExpectUsd(e, "AWS::CloudWatch::Dashboard", "Dashboard", 3.00);
  ExpectUsd(e, "ServiceErrorRateAlarm", "Alarm metrics", 2 * 0.10);
  // WAF (on in prod): the web ACL, 5 rules (rate limit and 4 managed groups), 10M requests.
  ExpectUsd(e, "WebAcl", "Web ACL", 5.00);
  ExpectUsd(e, "WebAcl", "Rules", 5 * 1.00);
  ExpectUsd(e, "WebAcl", "Requests inspected", 10 * 0.60);
  double total = 32.85 + 0.90 + 3.65 + (730 - active_hours) * 0.007 + active_hours * 0.5 * 0.064 +
                 active_hours * 0.007 + 4.50 + 2.50 + 2.50 + 46.72 + 11.50 + 2.30 + 3.80 + 0.40 + 0.50 +
                 1.00 + 3.00 + 8 * 0.10 + 16.00;
  EXPECT_NEAR(e.monthly_usd, total, 1e-6);
  // Unknown: what WAF's request logs and the VPC flow logs (on in prod) add to CloudWatch
  // Logs (their two log groups, and the flow log's vended-log ingestion: no usage
  // assumption for them).
  EXPECT_EQ(e.unknown, 5) << FormatCost({e});
  ExpectUnknown(e, "WebAclLogGroup", "Log ingestion");
  ExpectUnknown(e, "FlowLogGroup", "Log ingestion");
  ExpectUnknown(e, "FlowLog", "Log ingestion (vended logs)");
  EXPECT_EQ(Resource(e, "AWS::EC2::VPC").status, CostStatus::kFree);
}

TEST(Cost, ProdInEuWest1KnowsWhatIsSourcedAndSaysTheRestIsUnknown) {
  Costed c = CostOf(Yaml("prod", "eu-west-1", "gateway"));
  const EnvCost& e = c.cost;
  double active_hours = 10e6 * 0.100 / 2 / 3600;
  // App Runner's page gives eu-west-1 the us-east-1 rates; public IPv4 is $0.005 everywhere.
  ExpectUsd(e, kService, "Provisioned memory", (730 - active_hours) * 1 * 0.007);
  ExpectUsd(e, kService, "Active vCPU", active_hours * 0.5 * 0.064);
  ExpectUsd(e, kEip, "Public IPv4 address", 730 * 0.005);
  // eu-west-1 offer 20260925174521: $0.048 per NAT gateway hour and GB.
  ExpectUsd(e, kNat, "NAT gateway hours", 730 * 0.048);                              // 35.04
  ExpectUsd(e, kDb, "Instance hours (db.t4g.small, Multi-AZ", 2 * 730 * 0.035);     // 51.10
  // No sourced Ireland value: unknown, never zero or a borrowed us-east-1 price.
  ExpectUnknown(e, kDb, "Storage (gp3");
  ExpectUnknown(e, kService, "Data transfer out");
  EXPECT_FALSE(e.complete());
  EXPECT_THAT(FormatCost({e}), ::testing::HasSubstr("incomplete"));
  EXPECT_EQ(CostToJson({e})["environments"][0]["complete"], false);
}

TEST(Cost, ProdInEuWest3) {
  // The bundled environments' region. Paris prices: the AWS Price List offer files for
  // eu-west-3 (NAT $0.05/h and /GB, gp3 $0.133, backup $0.10, egress $0.09, logs
  // $0.5985/GB, secret $0.40), the RDS page's file (db.t4g.small $0.036/h Single-AZ).
  Costed c = CostOf(Yaml("prod", "eu-west-3", "gateway"));
  const EnvCost& e = c.cost;
  ExpectUsd(e, kNat, "NAT gateway hours", 730 * 0.05);                              // 36.50
  ExpectUsd(e, kNat, "Data processed", 20 * 0.05);                                  //  1.00
  ExpectUsd(e, kEip, "Public IPv4 address", 730 * 0.005);                           //  3.65
  ExpectUsd(e, kService, "Data transfer out", 50 * 0.09);                           //  4.50
  ExpectUsd(e, kService, "Log ingestion", 5 * 0.5985);                              //  2.99
  ExpectUsd(e, kDb, "Instance hours (db.t4g.small, Multi-AZ", 2 * 730 * 0.036);     // 52.56
  ExpectUsd(e, kDb, "Storage (gp3, 50 GB x 2)", 2 * 50 * 0.133);                   // 13.30
  ExpectUsd(e, kDb, "Storage growth", 2 * 10 * 0.133);                              //  2.66
  ExpectUsd(e, kDb, "Backup storage", (100 - (50 + 10)) * 0.10);                    //  4.00
  ExpectUsd(e, "DbCredentials", "Secret", 0.40);  // generated credentials (docs/database.md)
  // No sourced Paris value for App Runner, ECR storage or X-Ray.
  ExpectUnknown(e, kService, "Provisioned memory");
  ExpectUnknown(e, kService, "Active vCPU");
  ExpectUnknown(e, kService, "Active memory");
  ExpectUnknown(e, kService, "X-Ray traces recorded");
  ExpectUnknown(e, kRepo, "Image storage");
  // Operations: the alert topic's key, 7 alarms reading 8 metrics; the dashboard has no
  // sourced Paris price.
  ExpectUsd(e, "AWS::KMS::Key", "Customer managed key", 1.00);
  ExpectUnknown(e, "AWS::CloudWatch::Dashboard", "Dashboard");
  ExpectUsd(e, "WebAcl", "Rules", 5 * 1.00);  // WAF's prices are the same in every region
  double total = 36.50 + 1.00 + 3.65 + 4.50 + 5 * 0.5985 + 52.56 + 13.30 + 2.66 + 4.00 + 0.40 +
                 1.00 + 8 * 0.10 + 16.00;  // 139.3625
  EXPECT_NEAR(e.monthly_usd, total, 1e-6);
  EXPECT_EQ(e.unknown, 11);  // and the WAF and flow log groups' ingestion, the flow log's
  EXPECT_THAT(FormatCost({e}), ::testing::HasSubstr("Environment prod monthly total: $139.36 (incomplete: 11 unknown)"))
      << FormatCost({e});
}

TEST(Cost, DevInEuWest3) {
  // Two NAT instances (t4g.nano $0.0047/h in Paris, the EC2 page's file), db.t4g.micro
  // ($0.018/h), 20 GB gp3, 1 day of backups.
  Costed c = CostOf(Yaml("dev", "eu-west-3", "instance"), "dev");
  const EnvCost& e = c.cost;
  int asgs = 0;
  for (const auto& r : e.stacks[0].resources) {
    if (r.type != "AWS::AutoScaling::AutoScalingGroup") continue;
    ++asgs;
    ExpectUsd(e, r.logical_id, "Instance hours (t4g.nano)", 730 * 0.0047);  // 3.431
    ExpectUsd(e, r.logical_id, "Public IPv4 address", 730 * 0.005);         // 3.65
    ExpectUnknown(e, r.logical_id, "Root volume");
  }
  EXPECT_EQ(asgs, 2);
  ExpectUsd(e, kService, "Data transfer out", 1 * 0.09);
  ExpectUsd(e, kService, "Log ingestion", 0.5 * 0.5985);
  ExpectUsd(e, kDb, "Instance hours (db.t4g.micro, Single-AZ)", 730 * 0.018);  // 13.14
  ExpectUsd(e, kDb, "Storage (gp3, 20 GB)", 20 * 0.133);                       //  2.66
  ExpectUsd(e, kDb, "Backup storage", 0 * 0.10);
  ExpectUsd(e, "DbCredentials", "Secret", 0.40);  // generated credentials (docs/database.md)
  ExpectUnknown(e, kService, "Provisioned memory");
  ExpectUnknown(e, kRepo, "Image storage");
  // Operations: the key and 9 alarm metrics (3 service alarms reading 4, 3 database, 2 NAT).
  double total = 2 * (730 * 0.0047 + 730 * 0.005) + 0.09 + 0.5 * 0.5985 + 13.14 + 2.66 + 0.40 +
                 1.00 + 9 * 0.10;  // 32.65125
  EXPECT_NEAR(e.monthly_usd, total, 1e-6);
  // Unknown: two root volumes, App Runner's three lines, ECR storage, the dashboard, and
  // the log retention function (its invocations and its log group's ingestion).
  EXPECT_EQ(e.unknown, 9);
  ExpectUnknown(e, "LogRetentionFunction", "Requests and duration");
  ExpectUnknown(e, "LogRetentionFunctionLogs", "Log ingestion");
}

// Every known line names its price's AWS page, the date the value holds and where it
// was read; an unknown line has none of them and says why instead.
TEST(Cost, EachLineCarriesItsSource) {
  EnvCost e = CostOf(Yaml("dev", "eu-west-3", "instance"), "dev").cost;
  Json doc = CostToJson({e});
  int known = 0, unknown = 0;
  for (const auto& r : doc["environments"][0]["stacks"][0]["resources"])
    for (const auto& l : r["lines"]) {
      SCOPED_TRACE(l.dump());
      if (l["monthly_usd"].is_null()) {
        ++unknown;
        EXPECT_TRUE(l["price_source"].is_null());
        EXPECT_TRUE(l["price_read"].is_null());
        EXPECT_FALSE(l["unknown_reason"].get<std::string>().empty());
        continue;
      }
      ++known;
      EXPECT_EQ(l["price_source"].get<std::string>().rfind("https://aws.amazon.com/", 0), 0u);
      EXPECT_EQ(l["price_read"].get<std::string>().size(), 10u);
      EXPECT_FALSE(l["price_via"].get<std::string>().empty());
      if (l["price_key"] == "ec2.instance_hour:t4g.nano") {
        EXPECT_EQ(l["price_source"], "https://aws.amazon.com/ec2/pricing/on-demand/");
        EXPECT_EQ(l["price_read"], "2026-08-08");
        EXPECT_THAT(l["price_via"].get<std::string>(), ::testing::HasSubstr("EU (Paris)"));
      }
    }
  EXPECT_GT(known, 0);
  EXPECT_EQ(unknown, 9);
  // The text lists the prices the stack used, with page and date, once each.
  std::string text = FormatCost({e});
  EXPECT_THAT(text, ::testing::HasSubstr(" Prices used (eu-west-3, USD):\n")) << text;
  EXPECT_THAT(text, ::testing::HasSubstr("rds.postgres_instance_hour:db.t4g.micro")) << text;
  EXPECT_THAT(text, ::testing::HasSubstr("https://aws.amazon.com/rds/postgresql/pricing/ (as of 2026-10-06)")) << text;
  // ... and the unknown lines together under the resources, each with its reason.
  EXPECT_THAT(text, ::testing::HasSubstr(" Unknown, left out of the total (9 lines):\n")) << text;
  EXPECT_THAT(text,
              ::testing::HasSubstr(
                  "   Repository / Image storage: no price for eu-west-3 in data/prices.json (ecr.storage_gb_month)\n"))
      << text;
  // ... and each unknown line where it stands, with the reason.
  EXPECT_THAT(text, ::testing::HasSubstr("no price for eu-west-3 in data/prices.json (apprunner.active_vcpu_hour)"));
  EXPECT_THAT(text, ::testing::HasSubstr("no price for eu-west-3 in data/prices.json (ecr.storage_gb_month)"));
}

TEST(Cost, DevInUsEast1) {
  // dev profile: two NAT instances (t4g.nano, public IPv4 each), 0.25 vCPU / 0.5 GB,
  // db.t4g.micro Single-AZ 20 GB gp3 (max 50), 1 day of backups. Usage defaults:
  // 100k requests of 100 ms at 1, 1 GB out, 0.5 GB logs, no growth, 20 GB backups, 1 GB images.
  Costed c = CostOf(Yaml("dev", "us-east-1", "instance"), "dev");
  const EnvCost& e = c.cost;
  int asgs = 0;
  for (const auto& r : e.stacks[0].resources) {
    if (r.type != "AWS::AutoScaling::AutoScalingGroup") continue;
    const std::string& asg = r.logical_id;
    ++asgs;
    ExpectUsd(e, asg, "Instance hours (t4g.nano)", 730 * 0.0042);  // 3.066
    ExpectUsd(e, asg, "Public IPv4 address", 730 * 0.005);         // 3.65
    ExpectUnknown(e, asg, "Root volume");                           // size from the AMI
  }
  EXPECT_EQ(asgs, 2);  // one NAT instance per AZ
  double active_hours = 100e3 * 0.100 / 1 / 3600;  // 2.78
  ExpectUsd(e, kService, "Provisioned memory", (730 - active_hours) * 0.5 * 0.007);  // 2.55
  ExpectUsd(e, kService, "Active vCPU", active_hours * 0.25 * 0.064);                // 0.04
  ExpectUsd(e, kService, "Active memory", active_hours * 0.5 * 0.007);               // 0.01
  ExpectUsd(e, kService, "Data transfer out", 1 * 0.09);
  ExpectUsd(e, kService, "Log ingestion", 0.5 * 0.50);
  ExpectUsd(e, kDb, "Instance hours (db.t4g.micro, Single-AZ)", 730 * 0.016);  // 11.68
  ExpectUsd(e, kDb, "Storage (gp3, 20 GB)", 20 * 0.115);                       // 2.30
  ExpectUsd(e, kDb, "Storage growth", 0 * 0.115);
  ExpectUsd(e, kDb, "Backup storage", 0 * 0.095);  // 20 GB of backups fit the 20 GB allowance
  ExpectUsd(e, kRepo, "Image storage", 1 * 0.10);
  for (const auto& l : Resource(e, kService).lines)
    EXPECT_THAT(l.name, ::testing::Not(::testing::HasSubstr("X-Ray")));  // no tracing
  EXPECT_FALSE(e.complete());                       // the NAT instances' root volumes
  EXPECT_EQ(e.unknown, 4);
}

TEST(Cost, DevInApSoutheast1) {
  Costed c = CostOf(Yaml("dev", "ap-southeast-1", "gateway"), "dev");
  const EnvCost& e = c.cost;
  double active_hours = 100e3 * 0.100 / 1 / 3600;
  // Singapore offer files (2026-09): App Runner $0.00885/GB-h, $0.0809/vCPU-h; NAT gateway
  // $0.059/h and /GB; db.t4g.micro $0.025/h; gp3 $0.138; egress $0.12; logs $0.70.
  ExpectUsd(e, kService, "Provisioned memory", (730 - active_hours) * 0.5 * 0.00885);  // 3.22
  ExpectUsd(e, kService, "Active vCPU", active_hours * 0.25 * 0.0809);
  ExpectUsd(e, kService, "Active memory", active_hours * 0.5 * 0.00885);
  ExpectUsd(e, kService, "Data transfer out", 1 * 0.12);
  ExpectUsd(e, kService, "Log ingestion", 0.5 * 0.70);
  ExpectUsd(e, kNat, "NAT gateway hours", 730 * 0.059);                        // 43.07
  ExpectUsd(e, kNat, "Data processed", 1 * 0.059);
  ExpectUsd(e, kEip, "Public IPv4 address", 730 * 0.005);
  ExpectUsd(e, kDb, "Instance hours (db.t4g.micro, Single-AZ)", 730 * 0.025);  // 18.25
  ExpectUsd(e, kDb, "Storage (gp3, 20 GB)", 20 * 0.138);
  ExpectUsd(e, kRepo, "Image storage", 1 * 0.10);
  // Everything but the dashboard, which has no sourced Singapore price.
  ExpectUnknown(e, "AWS::CloudWatch::Dashboard", "Dashboard");
  EXPECT_EQ(e.unknown, 3) << FormatCost({e});
}

const char* const kExpress = "AWS::ECS::ExpressGatewayService";
// The private layout: the service alone, without the CloudFront or endpoints of the
// other layouts (priced by Cost.EcsExpressLayoutsPriceTheirOwnParts).
const char* const kEcs = "compute:\n  platform: ecs-express\n  ingress: private\n";

TEST(Cost, ProdOnEcsExpressInUsEast1) {
  // prod on ECS Express Mode: 0.5 vCPU / 1 GB Fargate tasks, 1 always on (max 5), the
  // ALB Express Mode creates, no tracing (refused on the platform). Fargate Linux/x86 $0.04048 per
  // vCPU-hour and $0.004445 per GB-hour; ALB $0.0225 per hour and $0.008 per LCU-hour
  // (reference/aws-facts.md 13.8); egress $0.09, logs $0.50, X-Ray $5 per million (section 11).
  Costed c = CostOf(Yaml("prod", "us-east-1", "gateway", kEcs));
  const EnvCost& e = c.cost;
  ExpectUsd(e, kExpress, "Task vCPU (1 x 0.5 vCPU always on; scales to 5 tasks)", 1 * 0.5 * 730 * 0.04048);  // 14.78
  ExpectUsd(e, kExpress, "Task memory (1 x 1 GB)", 1 * 1 * 730 * 0.004445);                                // 3.24
  ExpectUsd(e, kExpress, "Load balancer hours", 730 * 0.0225);                                              // 16.43
  // LCUs: max(10M requests / (730 x 3600 s) / 25 new connections a second, 50 GB / 730 h)
  // = max(0.1522, 0.0685) LCU an hour, x 730 hours = 111.11 LCU-hours.
  double lcu_hours = 10e6 / (730 * 3600.0) / 25 * 730;
  ExpectUsd(e, kExpress, "Load balancer capacity units", lcu_hours * 0.008);                                // 0.89
  EXPECT_NEAR(Line(e, kExpress, "Load balancer capacity units").quantity, 111.111, 0.001);
  ExpectUsd(e, kExpress, "Data transfer out", 50 * 0.09);                                                   // 4.50
  for (const auto& l : Resource(e, kExpress).lines) EXPECT_THAT(l.name, ::testing::Not(::testing::HasSubstr("X-Ray")));
  ExpectUsd(e, "ServiceLogGroup", "Log ingestion (CloudWatch Logs)", 5 * 0.50);                             // 2.50
  EXPECT_EQ(Resource(e, "AWS::ECS::Cluster").status, CostStatus::kFree);  // ECS has no charge of its own
  for (const auto& s : e.stacks)
    for (const auto& r : s.resources) EXPECT_NE(r.type, kService);
  // The rest is the App Runner prod estimate's (TEST ProdInUsEast1): NAT, address,
  // database, secret, repository, key, dashboard, WAF, 8 alarm metrics.
  double compute = 0.5 * 730 * 0.04048 + 730 * 0.004445 + 730 * 0.0225 + lcu_hours * 0.008 + 4.50 + 2.50;
  double rest = 32.85 + 0.90 + 3.65 + 46.72 + 11.50 + 2.30 + 3.80 + 0.40 + 0.50 + 1.00 + 3.00 + 8 * 0.10 + 16.00;
  EXPECT_NEAR(e.monthly_usd, compute + rest, 1e-6) << FormatCost({e});  // 45.10 + 123.42 = 168.52
  EXPECT_EQ(e.unknown, 5) << FormatCost({e});  // the WAF and flow log groups' ingestion and the flow log's, as on App Runner
  ExpectUnknown(e, "WebAclLogGroup", "Log ingestion");
}

// What each ECS Express layout adds to the service (us-east-1, dev, NAT gateway, 2 AZs):
// public, the four interface endpoints in both AZs ($0.01 per endpoint per AZ-hour,
// data processed unknown) and a free S3 gateway endpoint; edge, the CloudFront
// distribution (requests and transfer) with a free VPC origin and no endpoints (the
// tasks use the NAT); private, neither.
TEST(Cost, EcsExpressLayoutsPriceTheirOwnParts) {
  auto cost = [](const std::string& ingress, const std::string& nat = "gateway") {
    return CostOf(Yaml("dev", "us-east-1", nat, "compute:\n  platform: ecs-express\n  ingress: " + ingress + "\n"), "dev")
        .cost;
  };
  auto count = [](const EnvCost& e, const std::string& type) {
    int n = 0;
    for (const auto& s : e.stacks)
      for (const auto& r : s.resources) n += r.type == type;
    return n;
  };
  EnvCost pub = cost("public"), priv = cost("private"), edge = cost("edge"), priv_no_nat = cost("private", "none");
  EXPECT_EQ(count(pub, "AWS::EC2::VPCEndpoint"), 5);
  for (const char* id : {"EcrApiEndpoint", "EcrDkrEndpoint", "LogsEndpoint", "SecretsmanagerEndpoint"}) {
    ExpectUsd(pub, id, "Endpoint hours (2 AZs)", 2 * 730 * 0.01);
    ExpectUnknown(pub, id, "Data processed");
  }
  EXPECT_EQ(Resource(pub, "S3Endpoint").status, CostStatus::kFree);
  EXPECT_EQ(count(priv, "AWS::EC2::VPCEndpoint"), 0);
  EXPECT_EQ(count(edge, "AWS::EC2::VPCEndpoint"), 0);
  EXPECT_EQ(count(priv_no_nat, "AWS::EC2::VPCEndpoint"), 5);  // no NAT: endpoints instead
  EXPECT_EQ(Resource(edge, "VpcOrigin").status, CostStatus::kFree);
  EXPECT_TRUE(Line(edge, "AWS::CloudFront::Distribution", "HTTPS requests").known);
  EXPECT_EQ(count(priv, "AWS::CloudFront::Distribution"), 0);
  // Same service, NAT and database: public differs from private by its endpoints alone.
  EXPECT_NEAR(pub.monthly_usd - priv.monthly_usd, 4 * 2 * 730 * 0.01, 1e-6) << FormatCost({pub});
}

TEST(Cost, DevOnEcsExpressInEuWest2) {
  // London: Fargate $0.04656 per vCPU-hour and $0.00511 per GB-hour, ALB $0.02646 per
  // hour and $0.0084 per LCU-hour (AmazonECS and AWSELB offer files of 2026-09-11).
  // dev: 0.25 vCPU / 0.5 GB, 1 task (max 2), no tracing; 100k requests, 1 GB out, 0.5 GB
  // logs; two NAT instances, db.t4g.micro with 20 GB gp3, 9 alarm metrics.
  Costed c = CostOf(Yaml("dev", "eu-west-2", "instance", kEcs), "dev");
  const EnvCost& e = c.cost;
  ExpectUsd(e, kExpress, "Task vCPU (1 x 0.25 vCPU always on; scales to 2 tasks)", 0.25 * 730 * 0.04656);  // 8.50
  ExpectUsd(e, kExpress, "Task memory (1 x 0.5 GB)", 0.5 * 730 * 0.00511);                                 // 1.87
  ExpectUsd(e, kExpress, "Load balancer hours", 730 * 0.02646);                                            // 19.32
  // max(100k / 2,628,000 s / 25, 1 GB / 730 h) = max(0.00152, 0.00137) LCU an hour.
  ExpectUsd(e, kExpress, "Load balancer capacity units", 100e3 / (730 * 3600.0) / 25 * 730 * 0.0084);      // 0.01
  for (const auto& l : Resource(e, kExpress).lines)
    EXPECT_THAT(l.name, ::testing::Not(::testing::HasSubstr("X-Ray")));  // no tracing
  // London's other offer files (2026-09/10): egress $0.09, logs $0.5985, gp3 $0.133,
  // secret $0.40, ECR $0.10, alarms $0.10; EC2 and RDS page files: t4g.nano $0.0047, db.t4g.micro $0.018.
  ExpectUsd(e, kExpress, "Data transfer out", 1 * 0.09);
  ExpectUsd(e, "ServiceLogGroup", "Log ingestion (CloudWatch Logs)", 0.5 * 0.5985);  // 0.30
  ExpectUsd(e, kDb, "Instance hours (db.t4g.micro, Single-AZ)", 730 * 0.018);         // 13.14
  ExpectUsd(e, kDb, "Storage (gp3, 20 GB)", 20 * 0.133);                              // 2.66
  ExpectUsd(e, kRepo, "Image storage", 1 * 0.10);
  double lcu = 100e3 / (730 * 3600.0) / 25 * 730 * 0.0084;
  double total = 2 * (730 * 0.0047 + 730 * 0.005)                                       // NAT instances: 14.16
                 + 0.25 * 730 * 0.04656 + 0.5 * 730 * 0.00511 + 730 * 0.02646 + lcu + 0.09  // the service: 29.78
                 + 0.5 * 0.5985 + 13.14 + 2.66 + 0.40 + 0.10 + 1.00 + 9 * 0.10;          // 62.44
  EXPECT_NEAR(e.monthly_usd, total, 1e-6) << FormatCost({e});
  // Unknown: the NAT instances' root volumes and the dashboard (no sourced London price).
  EXPECT_EQ(e.unknown, 5) << FormatCost({e});
  ExpectUnknown(e, "AWS::CloudWatch::Dashboard", "Dashboard");
}

TEST(Cost, EcsExpressInEuWest3HasTheLoadBalancerButNoSourcedFargatePrice) {
  // Paris: ALB $0.02646 per hour and $0.0084 per LCU-hour (AWSELB offer 2026-09-11);
  // no Fargate value dated 2022 or later was found for eu-west-3 (docs/cost.md).
  Costed c = CostOf(Yaml("prod", "eu-west-3", "gateway", kEcs));
  const EnvCost& e = c.cost;
  ExpectUsd(e, kExpress, "Load balancer hours", 730 * 0.02646);                              // 19.32
  ExpectUsd(e, kExpress, "Load balancer capacity units", 10e6 / (730 * 3600.0) / 25 * 730 * 0.0084);  // 0.93
  ExpectUnknown(e, kExpress, "Task vCPU");
  ExpectUnknown(e, kExpress, "Task memory");
  ExpectUsd(e, "ServiceLogGroup", "Log ingestion (CloudWatch Logs)", 5 * 0.5985);           // 2.99
  EXPECT_THAT(FormatCost({e}), ::testing::HasSubstr("no price for eu-west-3 in data/prices.json (fargate.vcpu_hour)"));
}

TEST(Cost, EcsExpressSizeSetOutsideTheTemplateIsUnknown) {
  Json t = {{"Resources",
             {{"Svc",
               {{"Type", "AWS::ECS::ExpressGatewayService"},
                {"Properties", {{"Cpu", {{"Ref", "Cpu"}}}, {"Memory", "2048"}, {"ScalingTarget", {{"MinTaskCount", 2}}}}}}}}}};
  StackCost s = CostTemplate("s", "us-east-1", t, UsageConfig{});
  EXPECT_FALSE(s.resources[0].lines[0].known);
  EXPECT_EQ(s.resources[0].lines[0].name, "Fargate tasks");
  // Schema defaults when absent: 256 CPU units, 512 MiB, 1 task.
  Json d = {{"Resources", {{"Svc", {{"Type", "AWS::ECS::ExpressGatewayService"}, {"Properties", Json::object()}}}}}};
  StackCost sd = CostTemplate("s", "us-east-1", d, UsageConfig{});
  EXPECT_NEAR(sd.resources[0].lines[0].monthly_usd, 0.25 * 730 * 0.04048, 1e-9);  // 7.39
  EXPECT_NEAR(sd.resources[0].lines[1].monthly_usd, 0.5 * 730 * 0.004445, 1e-9);  // 1.62
}

TEST(Cost, AResourceTypeWithoutARuleIsListedAndMakesTheTotalIncomplete) {
  Json t = {{"Resources",
             {{"Topic", {{"Type", "AWS::SNS::Topic"}}},
              {"Fleet", {{"Type", "AWS::GameLift::Fleet"}, {"Properties", Json::object()}}},
              {"Ip", {{"Type", "AWS::EC2::EIP"}}}}}};
  StackCost s = CostTemplate("s", "us-east-1", t, UsageConfig{});
  ASSERT_EQ(s.resources.size(), 3u);
  EXPECT_EQ(s.resources[0].status, CostStatus::kFree);
  EXPECT_EQ(s.resources[1].status, CostStatus::kNotPriced);
  EXPECT_NEAR(s.monthly_usd, 730 * 0.005, 1e-9);
  EXPECT_FALSE(s.complete());
  std::string text = FormatCost({EnvCost{"x", {s}, s.monthly_usd, s.unknown}});
  EXPECT_THAT(text, ::testing::HasSubstr("Fleet (AWS::GameLift::Fleet)"));
  EXPECT_THAT(text, ::testing::HasSubstr("$3.65 (incomplete: 1 unknown)"));
}

TEST(Cost, APropertySetAtDeployTimeIsUnknownNotZero) {
  Json t = {{"Resources",
             {{"Db",
               {{"Type", "AWS::RDS::DBInstance"},
                {"Properties", {{"Engine", "postgres"}, {"DBInstanceClass", {{"Ref", "DbClass"}}}, {"AllocatedStorage", "20"}}}}}}}};
  StackCost s = CostTemplate("s", "us-east-1", t, UsageConfig{});
  EXPECT_FALSE(s.resources[0].lines[0].known);
  EXPECT_FALSE(s.complete());
}

// Each usage key, raised, changes only lines that name it, and at least one.
TEST(Cost, AUsageAssumptionChangesExactlyTheLinesThatNameIt) {
  const std::vector<std::pair<std::string, std::function<void(UsageConfig*)>>> keys = {
      {"usage.requests_per_month", [](UsageConfig* u) { u->requests_per_month = u->requests_per_month * 3 + 7; }},
      {"usage.request_duration_ms", [](UsageConfig* u) { u->request_duration_ms = u->request_duration_ms * 3 + 7; }},
      {"usage.concurrent_requests", [](UsageConfig* u) { u->concurrent_requests = u->concurrent_requests * 3 + 7; }},
      {"usage.egress_gb_per_month", [](UsageConfig* u) { u->egress_gb_per_month = u->egress_gb_per_month * 3 + 7; }},
      {"usage.nat_gb_per_month", [](UsageConfig* u) { u->nat_gb_per_month = u->nat_gb_per_month * 3 + 7; }},
      {"usage.log_gb_per_month", [](UsageConfig* u) { u->log_gb_per_month = u->log_gb_per_month * 3 + 7; }},
      {"usage.db_storage_growth_gb", [](UsageConfig* u) { u->db_storage_growth_gb = u->db_storage_growth_gb * 3 + 7; }},
      {"usage.backup_storage_gb", [](UsageConfig* u) { u->backup_storage_gb = u->backup_storage_gb * 3 + 7; }},
      {"usage.image_storage_gb", [](UsageConfig* u) { u->image_storage_gb = u->image_storage_gb * 3 + 7; }},
      {"usage.trace_sample_rate", [](UsageConfig* u) { u->trace_sample_rate = 0.5; }},
  };
  for (const std::string platform : {"", kEcs}) {
  SCOPED_TRACE(platform.empty() ? "apprunner" : "ecs-express");
  Costed base = CostOf(Yaml("prod", "us-east-1", "gateway", platform));
  App app;
  Diagnostics d;
  ASSERT_TRUE(Assemble(base.config, &app, &d));
  for (const auto& [key, raise] : keys) {
    SCOPED_TRACE(key);
    UsageConfig u = base.config.usage;
    raise(&u);
    EnvCost after = CostApp(app, base.config.env, u);
    int changed = 0;
    const auto& rb = base.cost.stacks[0].resources;
    const auto& ra = after.stacks[0].resources;
    ASSERT_EQ(rb.size(), ra.size());
    for (size_t i = 0; i < rb.size(); ++i) {
      ASSERT_EQ(rb[i].lines.size(), ra[i].lines.size());
      for (size_t j = 0; j < rb[i].lines.size(); ++j) {
        const CostLine& a = ra[i].lines[j];
        bool names = false;
        for (const auto& [k, v] : a.assumptions) names = names || k == key;
        if (a.quantity != rb[i].lines[j].quantity) {
          ++changed;
          EXPECT_TRUE(names) << ra[i].logical_id << " / " << a.name << " changed without naming " << key;
        }
      }
    }
    // Every key moves some line on App Runner; on ECS Express, request duration and
    // concurrency (App Runner's active time) and the trace sample rate (no tracing) price nothing.
    if (platform.empty() || (key != "usage.request_duration_ms" && key != "usage.concurrent_requests" &&
                             key != "usage.trace_sample_rate")) {
      EXPECT_GT(changed, 0);
    } else {
      EXPECT_EQ(changed, 0);
    }
  }
  // The assumption is visible in the text next to the line.
  EXPECT_THAT(FormatCost({base.cost}), ::testing::HasSubstr("assumes usage.nat_gb_per_month=20"));
  }
}

// Every key path of a JSON document, arrays collapsed to [].
void Shape(const Json& v, const std::string& path, std::set<std::string>* out) {
  if (v.is_object()) {
    for (const auto& [k, e] : v.items()) {
      // assumptions is a map of usage keys; its keys vary by line.
      if (k == "assumptions") {
        out->insert(path + ".assumptions:object");
        continue;
      }
      Shape(e, path + "." + k, out);
    }
  } else if (v.is_array()) {
    out->insert(path + ":array");
    for (const auto& e : v) Shape(e, path + "[]", out);
  } else {
    out->insert(path);  // a value (null where unknown)
  }
}

TEST(Cost, JsonHasOneStableShape) {
  Json complete = CostToJson({CostOf(Yaml("prod", "us-east-1", "gateway")).cost});
  Json partial = CostToJson({CostOf(Yaml("dev", "eu-west-3", "instance"), "dev").cost});
  Json ecs = CostToJson({CostOf(Yaml("prod", "eu-west-3", "gateway", kEcs)).cost});
  std::set<std::string> a, b, c;
  Shape(complete, "", &a);
  Shape(partial, "", &b);
  Shape(ecs, "", &c);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);  // either compute platform
  // Every line carries every key, known or not.
  for (const Json* doc : {&complete, &partial})
    for (const auto& s : (*doc)["environments"][0]["stacks"])
      for (const auto& r : s["resources"])
        for (const auto& l : r["lines"]) {
          std::vector<std::string> keys;
          for (const auto& [k, v] : l.items()) keys.push_back(k);
          EXPECT_EQ(keys, (std::vector<std::string>{"name", "quantity", "unit", "price_key", "unit_usd", "monthly_usd",
                                                    "price_source", "price_read", "price_via", "unknown_reason",
                                                    "assumptions"}));
        }
  EXPECT_EQ(complete["environments"][0]["stacks"][0]["resources"][0].size(), 7u);
  // Unknown amounts are null, known ones numbers.
  bool null_seen = false;
  for (const auto& r : partial["environments"][0]["stacks"][0]["resources"])
    for (const auto& l : r["lines"]) {
      EXPECT_TRUE(l["monthly_usd"].is_null() || l["monthly_usd"].is_number());
      null_seen = null_seen || l["monthly_usd"].is_null();
    }
  EXPECT_TRUE(null_seen);
  // Same input, same bytes.
  EXPECT_EQ(cfn::WriteJson(complete), cfn::WriteJson(CostToJson({CostOf(Yaml("prod", "us-east-1", "gateway")).cost})));
}

TEST(Cost, PriceChangeForPreview) {
  Costed dev = CostOf(Yaml("dev", "us-east-1", "gateway"), "dev");
  App app;
  Diagnostics d;
  ASSERT_TRUE(Assemble(dev.config, &app, &d));
  const Stack& stack = app.stacks[0];
  // First deployment: everything is new.
  StackCost none = CostTemplate(stack.name, stack.region, Json(), dev.config.usage);
  StackCost now = CostStack(stack, dev.config.usage);
  std::string text = FormatCostChange(none, now);
  for (const auto& r : now.resources) {
    if (r.type == kNat || r.type == kEip) {
      EXPECT_THAT(text, ::testing::HasSubstr("+ " + r.logical_id)) << text;
    }
  }
  EXPECT_THAT(text, ::testing::HasSubstr("$3.65")) << text;
  // Going from a NAT gateway to none removes its lines.
  Costed without = CostOf(Yaml("dev", "us-east-1", "none"), "dev");
  App app2;
  ASSERT_TRUE(Assemble(without.config, &app2, &d));
  StackCost after = CostStack(app2.stacks[0], dev.config.usage);
  Json change = CostChangeToJson(now, after);
  // The gateway, its data, its address and its port-allocation alarm.
  EXPECT_NEAR(change["change_usd"].get<double>(), -(730 * 0.045 + 1 * 0.045 + 730 * 0.005 + 0.10), 0.011);
  bool removed = false;
  for (const auto& r : change["resources"]) removed = removed || (r["type"] == kNat && r["after_usd"].is_null());
  EXPECT_TRUE(removed) << change.dump();
  // Free resources do not clutter the change.
  for (const auto& r : change["resources"]) EXPECT_NE(r["type"], "AWS::EC2::Route");
}

TEST(CostCli, CostCommandTextJsonAndSelection) {
  auto r = testing::RunBlueprint({"cost", "--stack", "prod", "--environments", testing::SourceDir() + "/environments"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("Environment prod monthly total:")) << r.out;
  EXPECT_THAT(r.out, ::testing::Not(::testing::HasSubstr("Environment dev")));
  auto j = testing::RunBlueprint({"cost", "--all", "--json", "--environments", testing::SourceDir() + "/environments"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  Json doc = Json::parse(j.out);
  EXPECT_EQ(doc["environments"].size(), 3u);
  EXPECT_EQ(doc["currency"], "USD");
  auto bad = testing::RunBlueprint({"cost", "--stack", "nope", "--environments", testing::SourceDir() + "/environments"});
  EXPECT_EQ(bad.exit_code, 2);
}

// The bundled environments (eu-west-3) from the command line: dev's total is the
// hand sum of TEST(Cost, DevInEuWest3) and says what it leaves out.
TEST(CostCli, BundledDevInEuWest3) {
  auto r = testing::RunBlueprint({"cost", "--stack", "dev", "--environments", testing::SourceDir() + "/environments"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 2 x (730 x 0.0047 + 730 x 0.005) + 0.09 + 0.5 x 0.5985 + 13.14 + 2.66 + 0.40 + 1.00 + 0.90 = 32.65
  EXPECT_THAT(r.out, ::testing::HasSubstr("Environment dev monthly total: $32.65 (incomplete: 9 unknown)")) << r.out;
  EXPECT_THAT(r.out, ::testing::HasSubstr(" Prices used (eu-west-3, USD):")) << r.out;
  for (const char* env : {"staging", "prod"}) {
    auto all = testing::RunBlueprint({"cost", "--stack", env, "--environments", testing::SourceDir() + "/environments"});
    EXPECT_EQ(all.exit_code, 0) << all.err;
    EXPECT_THAT(all.out, ::testing::HasSubstr(std::string("Environment ") + env + " monthly total: $")) << all.out;
  }
}

// preview puts the monthly change next to the resource changes (no recorded
// deployment here: everything is new, so the change is the whole estimate).
TEST(CostCli, PreviewShowsTheMonthlyChange) {
  testing::TempDir dir;
  dir.Write("envs/dev/stack.yaml", Yaml("dev", "eu-west-3", "instance"));
  auto r = testing::RunBlueprint({"preview", "--stack", "dev", "--environments", dir.path() + "/envs"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr(
                         "  Monthly cost: $0.00 -> $32.65 (incomplete: 9 unknown) (+$32.65, known prices only)\n"))
      << r.out;
  EXPECT_THAT(r.out, ::testing::HasSubstr("+ Db")) << r.out;
}

// Prices stay out of the templates: no output, parameter or metadata of any bundled
// stack carries a cost, so a price-table edit never changes a deployed stack.
TEST(CostCli, NoPriceInAnyBundledTemplate) {
  testing::TempDir dir;
  auto r = testing::RunBlueprint(
      {"synth", "--all", "--environments", testing::SourceDir() + "/environments", "--out", dir.path() + "/out"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int templates = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir.path() + "/out")) {
    if (f.path().string().find(".template.json") == std::string::npos) continue;
    ++templates;
    Json t = Json::parse(testing::ReadFileOrDie(f.path().string()));
    for (const char* section : {"Outputs", "Parameters", "Metadata"}) {
      if (!t.contains(section)) continue;
      for (const auto& [name, v] : t[section].items()) {
        SCOPED_TRACE(f.path().string() + " " + section + "." + name);
        for (const char* word : {"Cost", "Usd", "USD", "Price"})
          EXPECT_THAT(name, ::testing::Not(::testing::HasSubstr(word)));
      }
    }
    std::string text = t.dump();
    EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("prices.json")));
  }
  EXPECT_GE(templates, 3);
}

TEST(CostCli, ValidateWarnsOverBudget) {
  testing::TempDir dir;
  dir.Write("envs/prod/stack.yaml", Yaml("prod", "us-east-1", "gateway", "budget:\n  monthly_usd: 50\n"));
  auto r = testing::RunBlueprint({"validate", "--environments", dir.path() + "/envs"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("warning")) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("budget.monthly_usd")) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("over the budget of $50.00")) << r.err;
  dir.Write("envs/prod/stack.yaml", Yaml("prod", "us-east-1", "gateway", "budget:\n  monthly_usd: 1000\n"));
  r = testing::RunBlueprint({"validate", "--environments", dir.path() + "/envs"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, ::testing::Not(::testing::HasSubstr("over the budget"))) << r.err;
}

}  // namespace
}  // namespace bp::analysis
