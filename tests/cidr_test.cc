#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "naming/cidr.h"

namespace bp {
namespace {

std::vector<std::string> Strings(const std::vector<Ipv4Cidr>& v) {
  std::vector<std::string> out;
  for (const auto& c : v) out.push_back(c.ToString());
  return out;
}

TEST(Cidr, ParsesAlignedBlocks) {
  Ipv4Cidr c;
  std::string err;
  ASSERT_EQ(err = ParseCidr("10.2.0.0/24", &c), "") << err;
  EXPECT_EQ(c.ToString(), "10.2.0.0/24");
  EXPECT_EQ(c.Size(), 256u);
  ASSERT_EQ(err = ParseCidr("172.16.0.0/12", &c), "");
  ASSERT_EQ(err = ParseCidr("0.0.0.0/0", &c), "");
  ASSERT_EQ(err = ParseCidr("255.255.255.255/32", &c), "");
}

TEST(Cidr, RejectsMalformed) {
  Ipv4Cidr c;
  std::string err;
  for (const char* bad : {"10.0.0/24", "10.0.0.0", "10.0.0.0/33", "256.0.0.0/16", "10.0.0.0/", "/16",
                          "10.0.0.0/016", "010.0.0.0/16", "10.0.0.0.0/16", "a.b.c.d/16", "10.0.0.0/-1",
                          " 10.0.0.0/16", "10.0.0.0/16 "}) {
    EXPECT_NE(err = ParseCidr(bad, &c), "") << bad;
    EXPECT_THAT(err, ::testing::HasSubstr("not an IPv4 CIDR block")) << bad << ": " << err;
  }
}

TEST(Cidr, NonAlignedBaseNamesTheNetworkAddress) {
  Ipv4Cidr c;
  std::string err;
  EXPECT_NE(err = ParseCidr("10.0.0.5/24", &c), "");
  EXPECT_THAT(err, ::testing::HasSubstr("10.0.0.0/24")) << err;
  EXPECT_NE(err = ParseCidr("10.0.128.0/16", &c), "");
  EXPECT_THAT(err, ::testing::HasSubstr("10.0.0.0/16")) << err;
  EXPECT_NE(err = ParseCidr("192.168.1.17/28", &c), "");
  EXPECT_THAT(err, ::testing::HasSubstr("192.168.1.16/28")) << err;
}

TEST(Cidr, OriginalBlueprintLayout) {
  // prod 10.2.0.0/24 over 2 AZs: public .0/26 .64/26, private .128/26 .192/26.
  Ipv4Cidr vpc;
  std::string err;
  ASSERT_EQ(err = ParseCidr("10.2.0.0/24", &vpc), "");
  SubnetLayout l;
  ASSERT_EQ(err = PlanSubnets(vpc, 2, 2, &l), "") << err;
  EXPECT_EQ(Strings(l.public_subnets), (std::vector<std::string>{"10.2.0.0/26", "10.2.0.64/26"}));
  EXPECT_EQ(Strings(l.private_subnets), (std::vector<std::string>{"10.2.0.128/26", "10.2.0.192/26"}));
}

// Slots reserved for 4 AZs, 2 in use: 10.2.0.0/24 -> public .0/27 .32/27 (slots 0, 1),
// private .128/27 .160/27 (slots 4, 5); slots 2, 3, 6, 7 wait for AZs 3 and 4.
TEST(Cidr, ReservedSlotsLayout) {
  Ipv4Cidr vpc;
  std::string err;
  ASSERT_EQ(err = ParseCidr("10.2.0.0/24", &vpc), "");
  SubnetLayout l;
  ASSERT_EQ(err = PlanSubnets(vpc, 2, 4, &l), "") << err;
  EXPECT_EQ(Strings(l.public_subnets), (std::vector<std::string>{"10.2.0.0/27", "10.2.0.32/27"}));
  EXPECT_EQ(Strings(l.private_subnets), (std::vector<std::string>{"10.2.0.128/27", "10.2.0.160/27"}));
  ASSERT_EQ(err = PlanSubnets(vpc, 3, 3, &l), "") << err;  // 8 slots for 6 subnets: private from slot 3
  EXPECT_EQ(Strings(l.private_subnets), (std::vector<std::string>{"10.2.0.96/27", "10.2.0.128/27", "10.2.0.160/27"}));
}

// Raising az_count up to max_az_count adds subnets and moves none: EC2 creates a
// replacement subnet before deleting the old one, so a moved CIDR would overlap.
TEST(Cidr, RaisingAzCountKeepsEverySubnet) {
  for (const char* block : {"10.2.0.0/24", "10.0.0.0/16", "172.16.0.0/22"})
    for (int max = 2; max <= 6; ++max) {
      Ipv4Cidr vpc;
      std::string err;
      ASSERT_EQ(err = ParseCidr(block, &vpc), "");
      SubnetLayout small;
      ASSERT_EQ(err = PlanSubnets(vpc, 2, max, &small), "") << err;
      for (int azs = 3; azs <= max; ++azs) {
        SCOPED_TRACE(std::string(block) + " max " + std::to_string(max) + " azs " + std::to_string(azs));
        SubnetLayout big;
        ASSERT_EQ(err = PlanSubnets(vpc, azs, max, &big), "") << err;
        for (int i = 0; i < 2; ++i) {
          EXPECT_EQ(big.public_subnets[i].ToString(), small.public_subnets[i].ToString());
          EXPECT_EQ(big.private_subnets[i].ToString(), small.private_subnets[i].ToString());
        }
        std::vector<Ipv4Cidr> all = big.public_subnets;
        all.insert(all.end(), big.private_subnets.begin(), big.private_subnets.end());
        for (size_t i = 0; i < all.size(); ++i)
          for (size_t j = 0; j < i; ++j)
            EXPECT_TRUE(all[j].base + all[j].Size() <= all[i].base || all[i].base + all[i].Size() <= all[j].base);
      }
    }
}

TEST(Cidr, PlansFromSlash16ToSlash28) {
  struct Case {
    const char* vpc;
    int azs;
    int prefix;
    const char* first_private;
  };
  for (const Case& c : {Case{"10.0.0.0/16", 2, 18, "10.0.128.0/18"}, Case{"10.0.0.0/16", 3, 19, "10.0.96.0/19"},
                        Case{"10.0.0.0/16", 6, 20, "10.0.96.0/20"}, Case{"10.1.0.0/24", 3, 27, "10.1.0.96/27"},
                        Case{"10.9.8.0/26", 2, 28, "10.9.8.32/28"}, Case{"192.168.4.0/22", 4, 25, "192.168.6.0/25"}}) {
    Ipv4Cidr vpc;
    std::string err;
    ASSERT_EQ(err = ParseCidr(c.vpc, &vpc), "");
    SubnetLayout l;
    ASSERT_EQ(err = PlanSubnets(vpc, c.azs, c.azs, &l), "") << c.vpc << ": " << err;
    EXPECT_EQ(l.subnet_prefix, c.prefix) << c.vpc;
    ASSERT_EQ(l.public_subnets.size(), static_cast<size_t>(c.azs));
    ASSERT_EQ(l.private_subnets.size(), static_cast<size_t>(c.azs));
    EXPECT_EQ(l.private_subnets[0].ToString(), c.first_private) << c.vpc;
    // Disjoint, inside the VPC, in order.
    std::vector<Ipv4Cidr> all = l.public_subnets;
    all.insert(all.end(), l.private_subnets.begin(), l.private_subnets.end());
    for (size_t i = 0; i < all.size(); ++i) {
      EXPECT_GE(all[i].base, vpc.base);
      EXPECT_LE(all[i].base + all[i].Size(), vpc.base + vpc.Size());
      if (i) {
        EXPECT_EQ(all[i].base, all[i - 1].base + all[i - 1].Size());
      }
    }
  }
}

TEST(Cidr, RefusesSubnetsSmallerThanSlash28) {
  Ipv4Cidr vpc;
  std::string err;
  ASSERT_EQ(err = ParseCidr("10.0.0.0/27", &vpc), "");
  SubnetLayout l;
  EXPECT_EQ(err = PlanSubnets(vpc, 1, 1, &l), "");
  EXPECT_NE(err = PlanSubnets(vpc, 2, 2, &l), "");
  EXPECT_THAT(err, ::testing::HasSubstr("use a block of /26 or larger, or a smaller max_az_count")) << err;
  // Room is reserved for max_az_count, not only for the AZs in use.
  EXPECT_NE(err = PlanSubnets(vpc, 1, 2, &l), "");
  ASSERT_EQ(err = ParseCidr("10.0.0.0/28", &vpc), "");
  EXPECT_NE(err = PlanSubnets(vpc, 1, 1, &l), "");
  // az_count above the reserved slots.
  ASSERT_EQ(err = ParseCidr("10.0.0.0/24", &vpc), "");
  EXPECT_NE(err = PlanSubnets(vpc, 3, 2, &l), "");
}

TEST(Cidr, PrivateRanges) {
  Ipv4Cidr c;
  std::string err;
  ASSERT_EQ(err = ParseCidr("10.2.0.0/24", &c), "");
  EXPECT_TRUE(IsPrivateRange(c));
  ASSERT_EQ(err = ParseCidr("172.31.0.0/16", &c), "");
  EXPECT_TRUE(IsPrivateRange(c));
  ASSERT_EQ(err = ParseCidr("172.32.0.0/16", &c), "");
  EXPECT_FALSE(IsPrivateRange(c));
  ASSERT_EQ(err = ParseCidr("100.64.0.0/16", &c), "");
  EXPECT_FALSE(IsPrivateRange(c));
}

}  // namespace
}  // namespace bp
