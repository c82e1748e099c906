#include "analysis/reachability.h"

#include "analysis/json_at.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "cfn/references.h"
#include "naming/cidr.h"

namespace bp::analysis {

// Named so the file-local helpers do not meet those of the layer's other files in a
// unity source (CMakeLists.txt).
namespace reach {
namespace {

using cfn::Json;

constexpr const char* kAnywhere = "0.0.0.0/0";
constexpr int kHttps = 443;
// RDS PostgreSQL's port when the instance sets none (the modules write Port).
constexpr int kPostgresPort = 5432;

// --- Reading one template ---------------------------------------------------------

const Json& Resource(const Json& t, const std::string& id) {
  static const Json kNone = Json::object();
  if (!t.contains("Resources") || !t["Resources"].contains(id)) return kNone;
  return t["Resources"][id];
}

std::string TypeOf(const Json& t, const std::string& id) { return Resource(t, id).value("Type", ""); }

const Json& Props(const Json& t, const std::string& id) {
  static const Json kNone = Json::object();
  const Json& r = Resource(t, id);
  return r.contains("Properties") ? r["Properties"] : kNone;
}

std::vector<std::string> OfType(const Json& t, const std::string& type) {
  std::vector<std::string> ids;
  if (t.contains("Resources"))
    for (const auto& [id, r] : t["Resources"].items())
      if (r.value("Type", "") == type) ids.push_back(id);
  return ids;
}

// The resource a Ref or Fn::GetAtt names ("" for anything else), and the attribute.
std::string Named(const Json& t, const Json& expr, std::string* attribute = nullptr) {
  std::string id(cfn::TargetOf(expr)), attr;  // cfn/references.h
  if (!id.empty() && expr.contains("Fn::GetAtt")) {
    attr = std::string(cfn::ParseGetAtt(expr["Fn::GetAtt"])->attribute);
    if (attr.empty()) return "";  // an attribute given by an expression
  }
  if (id.empty() || TypeOf(t, id).empty()) return "";
  if (attribute) *attribute = attr;
  return id;
}

// The resources a list of Refs/GetAtts names; an element naming none appears as its JSON.
std::vector<std::string> NamedList(const Json& t, const Json& list) {
  std::vector<std::string> ids;
  if (list.is_array())
    for (const Json& e : list) {
      std::string id = Named(t, e);
      ids.push_back(id.empty() ? e.dump() : id);
    }
  return ids;
}

// Text of a string, an Fn::Sub or an Fn::Join of those (a Ref to a pseudo parameter as
// "${AWS::Region}"): enough to read an endpoint's ServiceName.
std::string Text(const Json& e) {
  if (e.is_string()) return e;
  if (const Json& sub = At(e, "Fn::Sub"); !sub.is_null()) return Text(sub.is_array() && !sub.empty() ? sub[0] : sub);
  if (const Json& ref = At(e, "Ref"); ref.is_string()) return "${" + ref.get<std::string>() + "}";
  if (const Json& join = At(e, "Fn::Join"); join.is_array() && join.size() == 2 && join[1].is_array()) {
    std::string out;
    for (size_t i = 0; i < join[1].size(); ++i) out += (i ? Text(join[0]) : "") + Text(join[1][i]);
    return out;
  }
  return "";
}

// A port or protocol number written as a number or a string; `fallback` otherwise.
int Number(const Json& v, int fallback) {
  if (v.is_number_integer()) return v.get<int>();
  if (v.is_string() && !v.get<std::string>().empty() &&
      std::all_of(v.get<std::string>().begin(), v.get<std::string>().end(), [](char c) { return c == '-' || std::isdigit(c); }))
    return std::stoi(v.get<std::string>());
  return fallback;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Whether block `outer` holds block `inner` (both "a.b.c.d/n").
bool CidrContains(const std::string& outer, const std::string& inner) {
  if (outer == kAnywhere) return true;
  Ipv4Cidr o, i;
  if (!ParseCidr(outer, &o).empty() || !ParseCidr(inner, &i).empty() || o.prefix > i.prefix) return false;
  uint64_t mask = ~((uint64_t{1} << (32 - o.prefix)) - 1) & 0xffffffffu;
  return (i.base & mask) == (o.base & mask);
}

// --- Subnets, routes, gateways ----------------------------------------------------
// A subnet is public when its route table sends 0.0.0.0/0 to an internet gateway
// attached to its VPC. Src: https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html
// (subnet types); https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html.

std::string RouteTableOf(const Json& t, const std::string& subnet) {
  for (const std::string& a : OfType(t, "AWS::EC2::SubnetRouteTableAssociation"))
    if (Named(t, At(Props(t, a), "SubnetId")) == subnet) return Named(t, At(Props(t, a), "RouteTableId"));
  return "";
}

std::string DefaultRoute(const Json& t, const std::string& table) {
  for (const std::string& r : OfType(t, "AWS::EC2::Route"))
    if (Named(t, At(Props(t, r), "RouteTableId")) == table && At(Props(t, r), "DestinationCidrBlock") == kAnywhere)
      return r;
  return "";
}

bool GatewayAttached(const Json& t, const std::string& igw, const Json& vpc) {
  for (const std::string& a : OfType(t, "AWS::EC2::VPCGatewayAttachment"))
    if (Named(t, At(Props(t, a), "InternetGatewayId")) == igw && At(Props(t, a), "VpcId") == vpc) return true;
  return false;
}

// "" when `subnet` is public, else why not.
std::string NotPublic(const Json& t, const std::string& subnet) {
  if (TypeOf(t, subnet) != "AWS::EC2::Subnet") return "subnet " + subnet + " is not an AWS::EC2::Subnet of the template";
  std::string table = RouteTableOf(t, subnet);
  if (table.empty()) return "subnet " + subnet + " has no route table association (the VPC's main table has no internet route)";
  std::string route = DefaultRoute(t, table);
  if (route.empty()) return "subnet " + subnet + "'s route table " + table + " has no 0.0.0.0/0 route";
  std::string igw = Named(t, At(Props(t, route), "GatewayId"));
  if (TypeOf(t, igw) != "AWS::EC2::InternetGateway") {
    std::string target;
    for (const char* k : {"NatGatewayId", "NetworkInterfaceId", "InstanceId", "TransitGatewayId"})
      if (Props(t, route).contains(k)) target = Named(t, Props(t, route)[k]);
    return "subnet " + subnet + " is private: route " + route + " sends 0.0.0.0/0 to " +
           (target.empty() ? "no internet gateway" : target + ", not an internet gateway");
  }
  if (!GatewayAttached(t, igw, At(Props(t, subnet), "VpcId")))
    return "subnet " + subnet + ": internet gateway " + igw + " is not attached to its VPC";
  return "";
}

// "" when instances without a public IP in `subnet` reach the internet: through a NAT
// gateway (public connectivity) in a public subnet, or a NAT instance's interface in a
// public subnet with its source/destination check off (networking.cc attaches it to an
// instance that forwards and masquerades). A public subnet's own internet route serves
// only instances with a public IP. Src: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html;
// https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html.
std::string NoNatEgress(const Json& t, const std::string& subnet) {
  std::string table = RouteTableOf(t, subnet);
  std::string route = table.empty() ? "" : DefaultRoute(t, table);
  if (route.empty()) return "subnet " + subnet + " has no 0.0.0.0/0 route (no NAT)";
  const Json& p = Props(t, route);
  if (std::string nat = Named(t, At(p, "NatGatewayId")); !nat.empty()) {
    if (At(Props(t, nat), "ConnectivityType") == "private") return "NAT gateway " + nat + " is private";
    std::string where = Named(t, At(Props(t, nat), "SubnetId"));
    std::string problem = NotPublic(t, where);
    return problem.empty() ? "" : "NAT gateway " + nat + ": " + problem;
  }
  if (std::string eni = Named(t, At(p, "NetworkInterfaceId")); !eni.empty()) {
    if (At(Props(t, eni), "SourceDestCheck") != false)
      return "NAT interface " + eni + " keeps its source/destination check on: it cannot forward";
    std::string problem = NotPublic(t, Named(t, At(Props(t, eni), "SubnetId")));
    return problem.empty() ? "" : "NAT interface " + eni + ": " + problem;
  }
  if (Named(t, At(p, "GatewayId")).empty()) return "route " + route + " sends 0.0.0.0/0 to no NAT";
  return "subnet " + subnet + " is public, but the tasks get no public IP (assumed) and route " + route +
         " goes to an internet gateway, not a NAT";
}

// --- Security groups ----------------------------------------------------------------
// Rules are stateful (replies pass); a group's egress is allow-all unless its
// SecurityGroupEgress property lists rules (separate AWS::EC2::SecurityGroupEgress
// resources add to the default, they do not remove it).
// Src: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html;
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html.

// One side of a connection: its security groups and the CIDR blocks of its subnets.
struct Side {
  std::vector<std::string> groups;
  std::vector<std::string> cidrs;
  bool prefix_list = false;  // an AWS service's prefix list (a gateway endpoint's destination)
};

// AWS services' public addresses, through a NAT or a gateway endpoint.
const Side kInternet{{}, {kAnywhere}};
const Side kGatewayEndpoint{{}, {kAnywhere}, true};

std::vector<std::string> SubnetCidrs(const Json& t, const std::vector<std::string>& subnets) {
  std::vector<std::string> cidrs;
  for (const std::string& s : subnets) cidrs.push_back(Text(At(Props(t, s), "CidrBlock")));
  return cidrs;
}

// A rule's CIDR: a literal, or a VPC's CidrBlock attribute.
std::string RuleCidr(const Json& t, const Json& rule) {
  const Json& c = At(rule, "CidrIp");
  if (c.is_string()) return c;
  std::string attr, vpc = Named(t, c, &attr);
  return attr == "CidrBlock" ? Text(At(Props(t, vpc), "CidrBlock")) : "";
}

// Whether `rule` opens TCP `port` to or from `peer`.
bool RuleAdmits(const Json& t, const Json& rule, bool ingress, int port, const Side& peer) {
  std::string protocol = Lower(Text(At(rule, "IpProtocol")));
  if (protocol.empty()) protocol = std::to_string(Number(At(rule, "IpProtocol"), 0));
  bool any_protocol = protocol == "-1";
  if (!any_protocol && protocol != "tcp" && protocol != "6") return false;
  if (!any_protocol && (Number(At(rule, "FromPort"), -1) > port || Number(At(rule, "ToPort"), -1) < port)) return false;
  if (!ingress && rule.contains("DestinationPrefixListId")) return peer.prefix_list;
  std::string group = Named(t, At(rule, ingress ? "SourceSecurityGroupId" : "DestinationSecurityGroupId"));
  if (!group.empty()) return std::find(peer.groups.begin(), peer.groups.end(), group) != peer.groups.end();
  std::string cidr = RuleCidr(t, rule);
  if (cidr.empty() || peer.cidrs.empty()) return false;
  return std::all_of(peer.cidrs.begin(), peer.cidrs.end(), [&](const std::string& c) { return CidrContains(cidr, c); });
}

// Whether security group `sg` lets TCP `port` in from (or out to) `peer`.
bool GroupAdmits(const Json& t, const std::string& sg, bool ingress, int port, const Side& peer) {
  if (TypeOf(t, sg) != "AWS::EC2::SecurityGroup") return false;  // not in the template: unknown
  const char* inline_key = ingress ? "SecurityGroupIngress" : "SecurityGroupEgress";
  const Json& inline_rules = At(Props(t, sg), inline_key);
  if (!ingress && (!inline_rules.is_array() || inline_rules.empty())) return true;  // the default egress rule
  if (inline_rules.is_array())
    for (const Json& rule : inline_rules)
      if (RuleAdmits(t, rule, ingress, port, peer)) return true;
  for (const std::string& r : OfType(t, ingress ? "AWS::EC2::SecurityGroupIngress" : "AWS::EC2::SecurityGroupEgress"))
    if (Named(t, At(Props(t, r), "GroupId")) == sg && RuleAdmits(t, Props(t, r), ingress, port, peer)) return true;
  return false;
}

std::string Names(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out.empty() ? "(none)" : out;
}

// "" when a group of `from` allows TCP `port` out to `to`, else why not.
std::string NoEgress(const Json& t, const Side& from, const Side& to, int port) {
  bool out = std::any_of(from.groups.begin(), from.groups.end(),
                         [&](const std::string& g) { return GroupAdmits(t, g, false, port, to); });
  return out ? "" : "security group(s) " + Names(from.groups) + " allow no egress on TCP " + std::to_string(port) + " to it";
}

// "" when `from` may open TCP `port` to `to`: a group of `from` allows the egress and a
// group of `to` admits it.
std::string BlockedBySecurityGroups(const Json& t, const Side& from, const Side& to, int port) {
  if (std::string out = NoEgress(t, from, to, port); !out.empty()) return out;
  bool in = std::any_of(to.groups.begin(), to.groups.end(),
                        [&](const std::string& g) { return GroupAdmits(t, g, true, port, from); });
  if (!in)
    return "security group(s) " + Names(to.groups) + " admit nothing on TCP " + std::to_string(port) + " from " +
           Names(from.groups);
  return "";
}

// --- VPC endpoints ------------------------------------------------------------------
// An interface endpoint answers the service's usual host name when PrivateDnsEnabled is
// true, from an interface in each of its subnets (one per AZ the callers use), behind
// its security groups (without any: the VPC's default group, which admits only its own
// members). A gateway endpoint (S3) adds a route to the route tables it lists.
// Src: https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html;
// https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html.
// ECR pulls need ecr.api, ecr.dkr and S3 (the layers):
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html.

// A subnet's AZ as written (a name, e.g. Fn::Select of Fn::GetAZs, or an AZ ID): equal
// expressions are one AZ.
const Json& AzOf(const Json& t, const std::string& subnet) {
  const Json& p = Props(t, subnet);
  return p.contains("AvailabilityZoneId") ? p["AvailabilityZoneId"] : At(p, "AvailabilityZone");
}

// "com.amazonaws.<region>.<service>" -> "<service>".
std::string EndpointService(const Json& t, const std::string& endpoint) {
  std::string name = Text(At(Props(t, endpoint), "ServiceName"));
  const std::string prefix = "com.amazonaws.";
  if (name.compare(0, prefix.size(), prefix) != 0) return "";
  size_t dot = name.find('.', prefix.size());
  return dot == std::string::npos ? "" : name.substr(dot + 1);
}

// "" when `callers` (tasks in `subnets`, of VPC `vpc`) reach AWS service `service`
// through an endpoint of the VPC, else why not.
std::string NoEndpoint(const Json& t, const std::string& service, const Json& vpc, const std::vector<std::string>& subnets,
                       const Side& callers) {
  std::string problem = "no VPC endpoint for " + service;
  for (const std::string& e : OfType(t, "AWS::EC2::VPCEndpoint")) {
    const Json& p = Props(t, e);
    if (EndpointService(t, e) != service || At(p, "VpcId") != vpc) continue;
    std::string kind = At(p, "VpcEndpointType").is_string() ? p["VpcEndpointType"].get<std::string>() : "Gateway";
    std::string miss;
    if (kind == "Gateway") {
      std::vector<std::string> tables = NamedList(t, At(p, "RouteTableIds"));
      for (const std::string& s : subnets)
        if (std::find(tables.begin(), tables.end(), RouteTableOf(t, s)) == tables.end())
          miss = "gateway endpoint " + e + " is not in subnet " + s + "'s route table " + RouteTableOf(t, s);
      // The destination is the service's prefix list (or anywhere).
      if (std::string out = NoEgress(t, callers, kGatewayEndpoint, kHttps); miss.empty() && !out.empty())
        miss = "gateway endpoint " + e + ": " + out;
    } else {
      std::vector<std::string> where = NamedList(t, At(p, "SubnetIds"));
      for (const std::string& s : subnets) {
        bool covered = std::any_of(where.begin(), where.end(), [&](const std::string& w) { return AzOf(t, w) == AzOf(t, s); });
        if (!covered) miss = "interface endpoint " + e + " has no subnet in subnet " + s + "'s AZ";
      }
      if (At(p, "PrivateDnsEnabled") != true) miss = "interface endpoint " + e + " has PrivateDnsEnabled off";
      Side endpoint{NamedList(t, At(p, "SecurityGroupIds")), SubnetCidrs(t, where)};
      if (miss.empty() && endpoint.groups.empty())
        miss = "interface endpoint " + e + " has no SecurityGroupIds (the VPC's default group admits only its members)";
      if (miss.empty()) {
        std::string blocked = BlockedBySecurityGroups(t, callers, endpoint, kHttps);
        if (!blocked.empty()) miss = "interface endpoint " + e + ": " + blocked;
      }
    }
    if (miss.empty()) return "";
    problem = miss;
  }
  return problem;
}

// --- Web ACLs -------------------------------------------------------------------------
// WAF evaluates the rules by Priority; the first matching rule with Allow or Block
// decides, else the DefaultAction. Src: https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing-order.html.
// Modelled: header byte matches (the origin guard, modules/waf.cc) and Not/And/Or of
// them; any other statement (managed rule groups, rate limits) is taken not to match an
// ordinary request.

// Whether `statement` matches a request carrying `headers` (lower-case name -> value
// expression); nullopt when not modelled.
std::optional<bool> Matches(const Json& statement, const Json& headers) {
  if (const Json& b = At(statement, "ByteMatchStatement"); !b.is_null()) {
    const Json& name = At(At(At(b, "FieldToMatch"), "SingleHeader"), "Name");
    if (!name.is_string() || At(b, "PositionalConstraint") != "EXACTLY") return std::nullopt;
    std::string h = Lower(name);
    return headers.contains(h) && headers[h] == At(b, "SearchString");
  }
  if (const Json& n = At(statement, "NotStatement"); !n.is_null()) {
    std::optional<bool> inner = Matches(At(n, "Statement"), headers);
    return inner ? std::optional<bool>(!*inner) : std::nullopt;
  }
  for (const char* op : {"OrStatement", "AndStatement"}) {
    const Json& list = At(At(statement, op), "Statements");
    if (!list.is_array()) continue;
    bool is_or = op[0] == 'O', unknown = false;
    for (const Json& s : list) {
      std::optional<bool> m = Matches(s, headers);
      if (!m) unknown = true;
      else if (*m == is_or) return is_or;
    }
    return unknown ? std::nullopt : std::optional<bool>(!is_or);
  }
  return std::nullopt;
}

// "" when the REGIONAL web ACL associated with `target` (if any) lets a request with
// `headers` through, else which rule blocks it.
std::string BlockedByWebAcl(const Json& t, const std::string& target, const Json& headers) {
  for (const std::string& a : OfType(t, "AWS::WAFv2::WebACLAssociation")) {
    if (Named(t, At(Props(t, a), "ResourceArn")) != target) continue;
    std::string acl = Named(t, At(Props(t, a), "WebACLArn"));
    const Json& p = Props(t, acl);
    std::vector<Json> rules;
    if (At(p, "Rules").is_array()) rules.assign(p["Rules"].begin(), p["Rules"].end());
    std::stable_sort(rules.begin(), rules.end(),
                     [](const Json& x, const Json& y) { return Number(At(x, "Priority"), 0) < Number(At(y, "Priority"), 0); });
    std::string verdict = At(At(p, "DefaultAction"), "Block").is_null() ? "" : "default action Block";
    for (const Json& rule : rules) {
      const Json& action = At(rule, "Action");  // rule groups carry OverrideAction: not modelled
      if (Matches(At(rule, "Statement"), headers) != true || !(action.contains("Block") || action.contains("Allow")))
        continue;
      verdict = action.contains("Block") ? "rule " + Text(At(rule, "Name")) + " (Block)" : "";
      break;
    }
    if (!verdict.empty()) return "web ACL " + acl + " (associated by " + a + ") blocks it: " + verdict;
  }
  return "";
}

// --- The service --------------------------------------------------------------------

struct Service {
  std::string id;                   // also what a web ACL association names (its ResourceArn)
  std::string entry_problem;        // "" when its entry point faces the internet (before any web ACL)
  std::vector<std::string> subnets; // where its outbound traffic enters the VPC (empty: none)
  Side side;                        // its outbound security groups and subnets' CIDRs
  std::string vpc_problem;          // why it has no VPC egress
};

// App Runner: its own front door, public unless IsPubliclyAccessible is false; the
// app's outbound traffic enters the VPC through the VPC connector when EgressType is VPC.
// Src: https://docs.aws.amazon.com/apprunner/latest/dg/network.html;
// https://docs.aws.amazon.com/apprunner/latest/dg/network-vpc.html.
Service AppRunnerService(const Json& t, const std::string& id, ReachabilityReport* r) {
  Service s;
  s.id = id;
  const Json& network = At(Props(t, id), "NetworkConfiguration");
  if (At(At(network, "IngressConfiguration"), "IsPubliclyAccessible") == false)
    s.entry_problem = "service " + id + " has IsPubliclyAccessible false (reachable from a VPC ingress connection only)";
  const Json& egress = At(network, "EgressConfiguration");
  std::string connector = Named(t, At(egress, "VpcConnectorArn"));
  if (At(egress, "EgressType") != "VPC" || connector.empty()) {
    s.vpc_problem = "service " + id + " has no VPC egress (EgressType is not VPC with a VPC connector)";
  } else {
    s.subnets = NamedList(t, At(Props(t, connector), "Subnets"));
    s.side = {NamedList(t, At(Props(t, connector), "SecurityGroups")), SubnetCidrs(t, s.subnets)};
  }
  // Image pull, logs and runtime secrets are App Runner's work, outside the customer VPC:
  // the pull with the access role (a private ECR image), the secrets with the instance
  // role. Src: https://docs.aws.amazon.com/apprunner/latest/dg/security_iam_service-with-iam.html#security_iam_service-with-iam-roles;
  // https://docs.aws.amazon.com/apprunner/latest/dg/env-variable.html; logs:
  // https://docs.aws.amazon.com/apprunner/latest/dg/monitor-cwl.html.
  const Json& source = At(Props(t, id), "SourceConfiguration");
  r->service_to_registry = At(At(source, "ImageRepository"), "ImageRepositoryType") == "ECR_PUBLIC" ||
                           At(source, "AuthenticationConfiguration").dump().find("AccessRoleArn") != std::string::npos;
  if (!r->service_to_registry) r->why.push_back("service → registry: service " + id + " has no access role to pull from ECR");
  r->service_to_secrets = !At(At(Props(t, id), "InstanceConfiguration"), "InstanceRoleArn").is_null();
  if (!r->service_to_secrets) r->why.push_back("service → secrets: service " + id + " has no instance role to read them");
  r->service_to_logs = true;
  return s;
}

// ECS Express Mode: the tasks and the load balancer Express manages sit in the same
// NetworkConfiguration.Subnets; the load balancer is internet-facing when they are
// public, internal otherwise. Express's own security groups (not in the template) admit
// HTTPS 443 at the load balancer and the load balancer at the tasks' container port; the
// tasks' outbound traffic is taken to use NetworkConfiguration.SecurityGroups. Tasks get
// no public IP even in a public subnet (assumed: AWS's .NET Aspire integration, PR 200,
// saw none; reference/aws-facts.md 13.2), so they reach AWS services through a NAT or VPC endpoints.
// Src: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-work.html.
Service ExpressService(const Json& t, const std::string& id, ReachabilityReport* r) {
  Service s;
  s.id = id;
  const Json& network = At(Props(t, id), "NetworkConfiguration");
  s.subnets = NamedList(t, At(network, "Subnets"));
  s.side = {NamedList(t, At(network, "SecurityGroups")), SubnetCidrs(t, s.subnets)};
  if (s.subnets.empty()) {
    s.vpc_problem = "service " + id + " names no NetworkConfiguration.Subnets (the default VPC's are not in the template)";
    s.entry_problem = s.vpc_problem;
  }
  for (const std::string& subnet : s.subnets)
    if (std::string problem = NotPublic(t, subnet); !problem.empty() && s.entry_problem.empty())
      s.entry_problem = "the load balancer of " + id + " is internal: " + problem;
  if (!s.vpc_problem.empty()) return s;

  // Image pull, logs and secrets: the execution role, through a NAT or endpoints. The
  // image is the app's own, in this account's ECR (the ImageUri branch); the first
  // deploy's placeholder on ECR Public needs the internet, which VPC endpoints do not
  // serve (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html), and
  // is not evaluated here (docs/compute.md, Ingress layouts).
  bool role = !At(Props(t, id), "ExecutionRoleArn").is_null();
  const Json& vpc = At(Props(t, s.subnets[0]), "VpcId");
  struct Need {
    bool* out;
    const char* what;
    std::vector<std::string> services;
  };
  for (const Need& need : {Need{&r->service_to_registry, "registry", {"ecr.api", "ecr.dkr", "s3"}},
                           Need{&r->service_to_secrets, "secrets", {"secretsmanager"}},
                           Need{&r->service_to_logs, "logs", {"logs"}}}) {
    std::string problem = role ? "" : "service " + id + " has no ExecutionRoleArn";
    for (const std::string& subnet : s.subnets) {
      if (!problem.empty()) break;
      std::string nat = NoNatEgress(t, subnet);
      if (nat.empty()) nat = NoEgress(t, s.side, kInternet, kHttps);
      if (nat.empty()) continue;
      for (const std::string& service : need.services)
        if (std::string e = NoEndpoint(t, service, vpc, {subnet}, s.side); !e.empty() && problem.empty())
          problem = "tasks in " + subnet + ": " + nat + "; and " + e;
    }
    *need.out = problem.empty();
    if (!problem.empty()) r->why.push_back(std::string("service → ") + need.what + ": " + problem);
  }
  return s;
}

// RDS: reachable when the service's outbound groups and the database's groups open its
// port between them, in one VPC. Src: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.Scenarios.html.
std::string DatabaseProblem(const Json& t, const Service& s) {
  std::vector<std::string> dbs = OfType(t, "AWS::RDS::DBInstance");
  if (dbs.empty()) return "no AWS::RDS::DBInstance";
  if (!s.vpc_problem.empty()) return s.vpc_problem;
  const Json& p = Props(t, dbs[0]);
  std::vector<std::string> subnets = NamedList(t, At(Props(t, Named(t, At(p, "DBSubnetGroupName"))), "SubnetIds"));
  if (subnets.empty()) return "database " + dbs[0] + " has no DB subnet group of the template";
  if (At(Props(t, subnets[0]), "VpcId") != At(Props(t, s.subnets[0]), "VpcId"))
    return "database " + dbs[0] + " is in another VPC than " + s.id;
  Side db{NamedList(t, At(p, "VPCSecurityGroups")), SubnetCidrs(t, subnets)};
  std::string blocked = BlockedBySecurityGroups(t, s.side, db, Number(At(p, "Port"), kPostgresPort));
  return blocked.empty() ? "" : "database " + dbs[0] + ": " + blocked;
}

// --- Across stacks --------------------------------------------------------------------

// An expression of `stack` followed through a parameter that another stack's output
// fills (Stack::inputs) to that output's expression in the producer.
std::pair<const StackTemplate*, Json> Resolve(const std::vector<StackTemplate>& stacks, const StackTemplate* stack,
                                              Json expr) {
  for (int hops = 0; hops < 8 && At(expr, "Ref").is_string(); ++hops) {
    const StackInput* in = nullptr;
    for (const StackInput& i : stack->inputs)
      if (i.parameter == expr["Ref"]) in = &i;
    auto producer = std::find_if(stacks.begin(), stacks.end(), [&](const StackTemplate& s) { return in && s.id == in->producer; });
    if (producer == stacks.end()) break;
    stack = &*producer;
    expr = At(At(At(stack->tmpl, "Outputs"), in->output.c_str()), "Value");
  }
  return {stack, expr};
}

// CloudFront's default origin: a custom origin at the service's own host, or a VPC
// origin at the Express load balancer. "" when CloudFront reaches the service.
// Src: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistS3AndCustomOrigins.html;
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
// (a VPC origin needs an internet gateway attached to the VPC; the origin's security
// group must admit CloudFront: Express's load balancer group admits 443, a modelled fact).
std::string CloudFrontProblem(const std::vector<StackTemplate>& stacks, const StackTemplate& edge, const std::string& dist,
                              const StackTemplate& main, const Service& s) {
  const Json& config = At(Props(edge.tmpl, dist), "DistributionConfig");
  const Json& target = At(At(config, "DefaultCacheBehavior"), "TargetOriginId");
  Json origin;
  if (At(config, "Origins").is_array())
    for (const Json& o : config["Origins"])
      if (At(o, "Id") == target) origin = o;
  if (origin.is_null()) return "distribution " + dist + " has no origin " + target.dump();
  // What CloudFront adds to each request. The origin secret's parameter has one name in
  // both stacks and deploy fills both from one config secret (modules/cdn.h), so equal
  // expressions are equal values.
  Json headers = Json::object();
  if (At(origin, "OriginCustomHeaders").is_array())
    for (const Json& h : origin["OriginCustomHeaders"])
      headers[Lower(Text(At(h, "HeaderName")))] = Resolve(stacks, &edge, At(h, "HeaderValue")).second;

  std::string attr, where = "distribution " + dist + " origin " + Text(target) + ": ";
  if (origin.contains("VpcOriginConfig")) {
    auto [vs, vexpr] = Resolve(stacks, &edge, At(origin["VpcOriginConfig"], "VpcOriginId"));
    std::string vpc_origin = Named(vs->tmpl, vexpr);
    if (TypeOf(vs->tmpl, vpc_origin) != "AWS::CloudFront::VpcOrigin") return where + "VpcOriginId names no AWS::CloudFront::VpcOrigin";
    auto [as, aexpr] = Resolve(stacks, vs, At(At(Props(vs->tmpl, vpc_origin), "VpcOriginEndpointConfig"), "Arn"));
    if (as != &main || Named(main.tmpl, aexpr, &attr) != s.id || attr != "ECSManagedResourceArns.IngressPath.LoadBalancerArn")
      return where + "VPC origin " + vpc_origin + " is not the load balancer of " + s.id;
    if (s.subnets.empty()) return where + s.vpc_problem;
    const Json& vpc = At(Props(main.tmpl, s.subnets[0]), "VpcId");
    bool igw = false;
    for (const std::string& g : OfType(main.tmpl, "AWS::EC2::InternetGateway")) igw = igw || GatewayAttached(main.tmpl, g, vpc);
    if (!igw) return where + "VPC origin " + vpc_origin + ": the VPC has no internet gateway attached";
  } else {
    auto [hs, hexpr] = Resolve(stacks, &edge, At(origin, "DomainName"));
    if (hs != &main || Named(main.tmpl, hexpr, &attr) != s.id || (attr != "ServiceUrl" && attr != "Endpoint"))
      return where + "DomainName " + hexpr.dump() + " is not the host of " + s.id;
    if (!s.entry_problem.empty()) return where + "host " + s.id + "." + attr + ": " + s.entry_problem;
  }
  std::string blocked = BlockedByWebAcl(main.tmpl, s.id, headers);
  return blocked.empty() ? "" : where + blocked;
}

ReachabilityReport Evaluate(const std::vector<StackTemplate>& stacks) {
  ReachabilityReport r;
  auto main = std::find_if(stacks.begin(), stacks.end(), [](const StackTemplate& s) { return s.role == StackRole::kMain; });
  if (main == stacks.end()) {
    r.why.push_back("no main stack");
    return r;
  }
  const Json& t = main->tmpl;
  std::vector<std::string> apprunner = OfType(t, "AWS::AppRunner::Service"), express = OfType(t, "AWS::ECS::ExpressGatewayService");
  if (apprunner.empty() && express.empty()) {
    r.why.push_back("no AWS::AppRunner::Service or AWS::ECS::ExpressGatewayService in " + main->id);
    return r;
  }
  Service s = apprunner.empty() ? ExpressService(t, express[0], &r) : AppRunnerService(t, apprunner[0], &r);

  std::string entry = s.entry_problem.empty() ? BlockedByWebAcl(t, s.id, Json::object()) : s.entry_problem;
  r.internet_to_entry = entry.empty();
  if (!entry.empty()) r.why.insert(r.why.begin(), "internet → entry: " + entry);

  for (const StackTemplate& edge : stacks)
    for (const std::string& dist : OfType(edge.tmpl, "AWS::CloudFront::Distribution")) {
      r.has_cloudfront = true;
      std::string problem = CloudFrontProblem(stacks, edge, dist, *main, s);
      r.cloudfront_to_origin = problem.empty();
      if (!problem.empty()) r.why.push_back("cloudfront → origin: " + problem);
    }

  std::string db = DatabaseProblem(t, s);
  r.service_to_database = db.empty();
  if (!db.empty()) r.why.push_back("service → database: " + db);
  return r;
}

}  // namespace
}  // namespace reach

std::vector<StackTemplate> TemplatesOf(const App& app, const std::string& env) {
  std::vector<StackTemplate> out;
  for (const Stack& s : app.stacks)
    if (s.role != StackRole::kAccount && s.envs == std::vector<std::string>{env})
      out.push_back(StackTemplate{s.id, s.role, s.tmpl.ToJson(), s.inputs, s.region});
  return out;
}

ReachabilityReport EvaluateReachability(const App& app, const std::string& env) {
  return EvaluateReachability(TemplatesOf(app, env));
}

ReachabilityReport EvaluateReachability(const std::vector<StackTemplate>& stacks) { return reach::Evaluate(stacks); }

}  // namespace bp::analysis
