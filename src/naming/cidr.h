// IPv4 CIDR math for the VPC layout: parse and check a block, then split it into
// 2 x az_count equal subnets, public ones first, then private (the original
// blueprint's order: 10.2.0.0/24 over 2 AZs -> public .0/26 .64/26, private .128/26
// .192/26). AWS allows VPC and subnet blocks from /16 to /28.
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
// error that names the aligned block.
bool ParseCidr(std::string_view text, Ipv4Cidr* out, std::string* err);

// True when the block lies in 10/8, 172.16/12 or 192.168/16 (RFC 1918).
bool IsPrivateRange(const Ipv4Cidr& c);

struct SubnetLayout {
  int subnet_prefix = 0;
  std::vector<Ipv4Cidr> public_subnets;   // one per AZ
  std::vector<Ipv4Cidr> private_subnets;  // one per AZ
};

// Splits `vpc` into 2 x az_count subnets of equal size (the largest that fit).
// Fails when they would be smaller than /28.
bool PlanSubnets(const Ipv4Cidr& vpc, int az_count, SubnetLayout* out, std::string* err);

}  // namespace bp
