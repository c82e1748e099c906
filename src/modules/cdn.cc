#include "modules/cdn.h"

#include "config/secrets.h"
#include "naming/names.h"

namespace bp {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;

namespace {

constexpr const char* kOriginId = "service";

}  // namespace

OriginSecretParameters OriginSecretParameterNames(const ModuleContext& ctx) {
  const std::string base = ctx.Id(cfn::LogicalId({ctx.name_prefix, "origin", "secret"}));
  return {base, base + "Previous"};
}

std::vector<Json> OriginSecretParameters::Refs() const {
  std::vector<Json> refs = {Ref(current)};
  if (!previous.empty()) refs.push_back(Ref(previous));
  return refs;
}

OriginSecretParameters AddOriginSecretParameters(const ModuleContext& ctx, bool with_previous, cfn::Template* t) {
  const OriginSecretParameters names = OriginSecretParameterNames(ctx);
  for (const auto& [name, what] : {std::pair{names.current, "the value CloudFront sends"},
                                   std::pair{names.previous, "the value a rotation replaces (the current one when none)"}}) {
    cfn::Parameter p;
    p.description = std::string("Origin secret header value: ") + what +
                    " (decrypted from stack.yaml at deploy time)";
    p.no_echo = true;  // masked in the console and API. Src: reference/aws-facts.md 12 (parameters-section-structure).
    p.allowed_pattern =
        "[!-~]{" + std::to_string(kMinOriginSecretChars) + "," + std::to_string(kMaxOriginSecretChars) + "}";
    p.constraint_description = "32 to 200 printable ASCII characters without spaces";
    t->AddParameter(name, p);
    if (!with_previous) break;
  }
  return {names.current, with_previous ? names.previous : ""};
}

std::string CachePolicyId(const std::string& cache_policy) {
  return cache_policy == "caching-optimized" ? kCachePolicyCachingOptimized : kCachePolicyCachingDisabled;
}

DistributionOutputs AddDistribution(const ModuleContext& ctx, const DistributionArgs& args, cfn::Template* t) {
  const std::string id = ctx.Id("Distribution");
  // App Runner and the ECS Express listener serve HTTPS only: https-only to the origin,
  // TLSv1.2 (CloudFormation's default list includes SSLv3 and TLSv1). Src: reference/aws-facts.md 5.1, 13.6.
  // Through a VPC origin the domain name is still the service's own (the Host header and
  // the certificate's name: AllViewerExceptHostHeader below), while the connection goes to
  // the VPC origin's load balancer (docs/facts/ingress.md, section 2).
  Json origin = Object({{"Id", kOriginId}, {"DomainName", args.origin_host}});
  if (!args.vpc_origin_id.is_null()) {
    origin["VpcOriginConfig"] = Object({{"VpcOriginId", args.vpc_origin_id}});
  } else {
    origin["CustomOriginConfig"] = Object(
        {{"OriginProtocolPolicy", "https-only"}, {"HTTPSPort", 443}, {"OriginSSLProtocols", Json::array({"TLSv1.2"})}});
    origin["OriginCustomHeaders"] =
        Json::array({Object({{"HeaderName", kOriginSecretHeader}, {"HeaderValue", args.origin_secret}})});
  }
  // Every method reaches the app (it is an application, not a static site); only GET and
  // HEAD answers may be cached, and only under caching-optimized. CachePolicyId replaces
  // the legacy ForwardedValues. Src: reference/aws-facts.md 5.1 (SCHEMA DefaultCacheBehavior).
  Json behavior = Object({{"TargetOriginId", kOriginId},
                          {"ViewerProtocolPolicy", "redirect-to-https"},
                          {"AllowedMethods", Json::array({"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"})},
                          {"CachedMethods", Json::array({"GET", "HEAD"})},
                          {"CachePolicyId", CachePolicyId(args.cache_policy)},
                          {"OriginRequestPolicyId", kOriginRequestPolicyAllViewerExceptHost},
                          {"Compress", true}});
  Json config = Object({{"Enabled", true},
                        {"Comment", ctx.name_prefix},
                        {"HttpVersion", "http2and3"},
                        {"IPV6Enabled", true},
                        {"PriceClass", args.price_class},
                        {"Origins", Json::array({origin})},
                        {"DefaultCacheBehavior", behavior}});
  // A WAFv2 web ACL is named by its ARN (the bare ID is WAF Classic's). Src: reference/aws-facts.md 4.2.
  if (!args.web_acl_arn.is_null()) config["WebACLId"] = args.web_acl_arn;
  if (!args.domain.empty()) {
    // SNI only (a dedicated IP costs $600 a month); TLSv1.2_2021: TLS 1.2 and 1.3 with
    // current ciphers. Src: reference/aws-facts.md 5.1 (CFNREF:aws-properties-cloudfront-distribution-viewercertificate).
    config["Aliases"] = Json::array({args.domain});
    config["ViewerCertificate"] = Object({{"AcmCertificateArn", args.certificate_arn},
                                          {"SslSupportMethod", "sni-only"},
                                          {"MinimumProtocolVersion", "TLSv1.2_2021"}});
  } else {
    config["ViewerCertificate"] = Object({{"CloudFrontDefaultCertificate", true}});
  }
  t->AddResource(id, "AWS::CloudFront::Distribution", Object({{"DistributionConfig", config}, {"Tags", ctx.Tags()}}));

  DistributionOutputs out;
  out.id = Ref(id);
  out.domain_name = GetAtt(id, "DomainName");
  out.site_url = args.domain.empty() ? cfn::Sub("https://${" + id + ".DomainName}") : Json("https://" + args.domain);
  t->AddOutput(ctx.Id("DistributionId"), {out.id, "CloudFront distribution ID", "", ""});
  t->AddOutput(ctx.Id("DistributionDomainName"), {out.domain_name, "CloudFront distribution domain name", "", ""});
  t->AddOutput(ctx.Id("SiteUrl"), {out.site_url, "The site's address (through CloudFront)", "", ""});
  return out;
}

Json AddVpcOrigin(const ModuleContext& ctx, const Json& load_balancer_arn, const std::string& internet_gateway_attachment,
                  cfn::Template* t) {
  const std::string id = ctx.Id("VpcOrigin");
  // The Express listener serves HTTPS on 443 only: https-only, TLSv1.2 as for a custom
  // origin. Src: data/cfn-spec.json AWS::CloudFront::VpcOrigin.VpcOriginEndpointConfig
  // (Arn and Name required); docs/facts/ingress.md, sections 1-3.
  auto& origin = t->AddResource(
      id, "AWS::CloudFront::VpcOrigin",
      Object({{"VpcOriginEndpointConfig", Object({{"Name", FitName(NameKind::kVpcOrigin, ctx.name_prefix)},
                                                  {"Arn", load_balancer_arn},
                                                  {"HTTPSPort", 443},
                                                  {"OriginProtocolPolicy", "https-only"},
                                                  {"OriginSSLProtocols", Json::array({"TLSv1.2"})}})},
              {"Tags", ctx.Tags()}}));
  origin.depends_on = {internet_gateway_attachment};
  return GetAtt(id, "Id");
}

Json AddCertificate(const ModuleContext& ctx, const std::string& domain, const std::string& hosted_zone_id,
                    cfn::Template* t) {
  const std::string id = ctx.Id("Certificate");
  t->AddResource(id, "AWS::CertificateManager::Certificate",
                 Object({{"DomainName", domain},
                         {"ValidationMethod", "DNS"},
                         {"DomainValidationOptions",
                          Json::array({Object({{"DomainName", domain}, {"HostedZoneId", hosted_zone_id}})})},
                         {"Tags", ctx.Tags()}}));
  return Ref(id);  // Ref = the certificate's ARN
}

void AddAliasRecords(const ModuleContext& ctx, const std::string& domain, const std::string& hosted_zone_id,
                     const Json& distribution_domain_name, cfn::Template* t) {
  // Alias records cost nothing to query and follow the distribution's addresses.
  // EvaluateTargetHealth must be false for a CloudFront target.
  // Src: DOC:Route53/latest/DeveloperGuide/routing-to-cloudfront-distribution.html.
  for (const char* type : {"A", "AAAA"}) {
    t->AddResource(ctx.Id(std::string("AliasRecord") + (type[1] ? "Ipv6" : "Ipv4")), "AWS::Route53::RecordSet",
                   Object({{"HostedZoneId", hosted_zone_id},
                           {"Name", domain},
                           {"Type", type},
                           {"AliasTarget", Object({{"DNSName", distribution_domain_name},
                                                   {"HostedZoneId", kCloudFrontHostedZoneId},
                                                   {"EvaluateTargetHealth", false}})}}));
  }
}

}  // namespace bp
