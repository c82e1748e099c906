// CDN module: a CloudFront distribution in front of the compute contract's service host,
// the secret origin header that lets the service tell CloudFront's requests from direct
// ones, and an optional custom domain (ACM certificate validated by DNS, Route 53 alias
// records). CloudFront is a global service whose certificate and CLOUDFRONT-scoped web
// ACL must be in us-east-1; the caller puts these resources in the environment's global
// stack and hands the service host over as a cross-stack reference (docs/edge.md).
#pragma once
#include <string>
#include <vector>

#include "cfn/template.h"
#include "modules/common.h"

namespace bp {

// The header CloudFront adds to every origin request; the service's REGIONAL web ACL
// blocks requests without one of the accepted values. Lowercase: WAF compares header
// names case-insensitively, and CloudFront forwards the name as written.
// Src: reference/aws-facts.md 5.1 (SCHEMA OriginCustomHeaders; design pattern); CloudFront refuses
// custom headers named X-Amz-*, X-Edge-*, Host and the like
// (DOC:AmazonCloudFront/latest/DeveloperGuide/add-origin-custom-headers.html), which this is not.
inline constexpr const char* kOriginSecretHeader = "x-origin-verify";

// The two NoEcho parameters carrying the origin secret into a stack: the current value
// (CloudFront sends it) and the previous one (the service still accepts it during a
// rotation; `up` passes the current value again when there is none). Named after the
// environment (`ctx.name_prefix`), so one deploy of several environments fills each
// stack with its own environment's value.
struct OriginSecretParameters {
  std::string current;   // "OrdersApiProdOriginSecret"
  std::string previous;  // "OrdersApiProdOriginSecretPrevious"; "" when not added
  // Refs to the parameters, current first.
  std::vector<cfn::Json> Refs() const;
};
OriginSecretParameters OriginSecretParameterNames(const ModuleContext& ctx);

// Adds the current parameter, and the previous one when `with_previous` (the stack
// that checks the secret; the one that sends it needs only the current value), to `t`
// (NoEcho, printable ASCII, 32 to 200 characters: config/secrets.h
// CheckOriginSecretValue), and returns the names of those it added. The caller records
// which config value fills each (cloudfront.origin_secret; for the previous one
// cloudfront.origin_secret_previous, or the current value again when none is set).
OriginSecretParameters AddOriginSecretParameters(const ModuleContext& ctx, bool with_previous, cfn::Template* t);

// Managed policies (fixed IDs, the same in every account).
// Src: DOC:AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html;
// DOC:AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html (reference/aws-facts.md 5.1).
inline constexpr const char* kCachePolicyCachingDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
inline constexpr const char* kCachePolicyCachingOptimized = "658327ea-f89d-4fab-a63d-7e88639e58f6";
// AllViewerExceptHostHeader: every viewer header, cookie and query string except Host, so
// the origin sees its own name as Host (App Runner and the ECS Express load balancer
// route by Host; the viewer's Host would miss every route).
inline constexpr const char* kOriginRequestPolicyAllViewerExceptHost = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

// The cache policy ID of cloudfront.cache_policy ("caching-disabled" | "caching-optimized").
std::string CachePolicyId(const std::string& cache_policy);

// The hosted zone ID of every CloudFront distribution, for Route 53 alias records.
// Src: DOC:Route53/latest/DeveloperGuide/routing-to-cloudfront-distribution.html (reference/aws-facts.md 15).
inline constexpr const char* kCloudFrontHostedZoneId = "Z2FDTNDATAQYW2";

struct DistributionArgs {
  cfn::Json origin_host;  // the service's bare host name (compute contract service_host)
  // How CloudFront reaches it: over the internet with the secret header the service's web
  // ACL checks, or through a VPC origin (AddVpcOrigin) to an entry point only the VPC reaches.
  cfn::Json origin_secret;  // the value CloudFront sends in kOriginSecretHeader (a Ref), or null
  cfn::Json vpc_origin_id;  // the VPC origin's ID, or null
  cfn::Json web_acl_arn;    // a CLOUDFRONT-scoped web ACL's ARN, or null for none
  std::string price_class;  // PriceClass_100 | PriceClass_200 | PriceClass_All
  std::string cache_policy;  // cloudfront.cache_policy
  std::string domain;          // custom domain, "" for none
  cfn::Json certificate_arn;   // its ACM certificate (us-east-1), with `domain`
};

struct DistributionOutputs {
  cfn::Json id;           // Ref
  cfn::Json domain_name;  // dxxxx.cloudfront.net
  cfn::Json site_url;     // https://<domain or dxxxx.cloudfront.net>
};

// The distribution and its outputs (DistributionId, DistributionDomainName, SiteUrl).
DistributionOutputs AddDistribution(const ModuleContext& ctx, const DistributionArgs& args, cfn::Template* t);

// A CloudFront VPC origin on `load_balancer_arn` (an internal Application Load Balancer):
// CloudFront reaches it through interfaces it places in the VPC, HTTPS only. Returns its ID
// for DistributionArgs::vpc_origin_id. Put it in the load balancer's region: its resource
// handler looks the load balancer up there (docs/facts/ingress.md, section 3).
// `internet_gateway_attachment` (a logical ID): AWS requires the VPC's internet gateway
// while the VPC origin exists, so it is created after and deleted before it.
cfn::Json AddVpcOrigin(const ModuleContext& ctx, const cfn::Json& load_balancer_arn,
                       const std::string& internet_gateway_attachment, cfn::Template* t);

// An ACM certificate for `domain`, validated by DNS records CloudFormation writes into
// `hosted_zone_id`; returns its ARN. It must be created in us-east-1 for CloudFront.
// Src: DOC:acm/latest/userguide/acm-regions.html; CFNREF:aws-resource-certificatemanager-certificate
// (DomainValidationOptions.HostedZoneId: CloudFormation creates the validation record).
cfn::Json AddCertificate(const ModuleContext& ctx, const std::string& domain, const std::string& hosted_zone_id,
                         cfn::Template* t);

// Route 53 A and AAAA alias records naming `domain` in `hosted_zone_id` that point at
// the distribution (IPv4 and IPv6: the distribution has IPv6 on).
void AddAliasRecords(const ModuleContext& ctx, const std::string& domain, const std::string& hosted_zone_id,
                     const cfn::Json& distribution_domain_name, cfn::Template* t);

}  // namespace bp
