// IPv4 CIDR math for the VPC layout: parse and check a block, then split it into
// equal slots reserved for max_az_count AZs (2 x max_az_count, rounded up to a power of
// two): AZ n's public subnet in slot n, its private subnet in slot max_az_count + n. A
// subnet's CIDR depends only on the VPC block, max_az_count and its AZ number, so
// raising az_count (up to max_az_count) adds subnets and moves none: EC2 replaces a
// subnet whose CidrBlock changes, creating the new one before deleting the old, so a
// moved CIDR overlaps and fails (reference/aws-facts.md 15, SCHEMA:aws-ec2-subnet). With
// max_az_count equal to az_count the layout is the original blueprint's (10.2.0.0/24
// over 2 AZs -> public .0/26 .64/26, private .128/26 .192/26), so stacks deployed before
// the slots existed keep every subnet. AWS allows VPC and subnet blocks from /16 to /28.
// Src: DOC:vpc/latest/userguide/vpc-cidr-blocks.html, DOC:vpc/latest/userguide/subnet-sizing.html
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bp {

inline constexpr int kMinVpcPrefix = 16;
inline constexpr int kMaxSubnetPrefix = 28;

struct Ipv4Cidr {
  uint32_t base = 0;
  int prefix = 0;
  std::string ToString() const;
  uint64_t Size() const { return uint64_t{1} << (32 - prefix); }
};

// Accepts "a.b.c.d/n" with a network-aligned base; a base with host bits set is an
// error that names the aligned block. Returns "" and fills `out`, or what is wrong
// (a value check: the caller files it with the location, see util/diag.h).
std::string ParseCidr(std::string_view text, Ipv4Cidr* out);

// True when the block lies in 10/8, 172.16/12 or 192.168/16 (RFC 1918).
bool IsPrivateRange(const Ipv4Cidr& c);

struct SubnetLayout {
  int subnet_prefix = 0;
  std::vector<Ipv4Cidr> public_subnets;   // one per AZ
  std::vector<Ipv4Cidr> private_subnets;  // one per AZ
};

// The subnets of the first `az_count` AZs when `vpc` is split into slots for
// `max_az_count` AZs (equal, the largest that fit). Fails when a slot would be smaller
// than /28, or az_count is not between 1 and max_az_count. Returns "" and fills
// `out`, or what is wrong.
std::string PlanSubnets(const Ipv4Cidr& vpc, int az_count, int max_az_count, SubnetLayout* out);

}  // namespace bp
