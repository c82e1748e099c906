#include "naming/cidr.h"

#include <charconv>

namespace bp {

std::string Ipv4Cidr::ToString() const {
  return std::to_string(base >> 24) + "." + std::to_string((base >> 16) & 0xFF) + "." +
         std::to_string((base >> 8) & 0xFF) + "." + std::to_string(base & 0xFF) + "/" +
         std::to_string(prefix);
}

namespace {

bool ParseNumber(std::string_view s, int max, int* out) {
  if (s.empty() || s.size() > 3) return false;
  if (s.size() > 1 && s[0] == '0') return false;  // no leading zeros (octal ambiguity)
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > max) return false;
  *out = v;
  return true;
}

}  // namespace

std::string ParseCidr(std::string_view text, Ipv4Cidr* out) {
  const std::string shape = "'" + std::string(text) +
                            "' is not an IPv4 CIDR block; write it as a.b.c.d/n, e.g. 10.0.0.0/24";
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return shape;
  }
  std::string_view addr = text.substr(0, slash);
  uint32_t base = 0;
  int parts = 0;
  size_t start = 0;
  while (true) {
    size_t dot = addr.find('.', start);
    std::string_view part = addr.substr(start, dot == std::string_view::npos ? addr.npos : dot - start);
    int octet;
    if (!ParseNumber(part, 255, &octet) || ++parts > 4) {
      return shape;
    }
    base = (base << 8) | static_cast<uint32_t>(octet);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  int prefix;
  if (parts != 4 || !ParseNumber(text.substr(slash + 1), 32, &prefix)) {
    return shape;
  }
  Ipv4Cidr c{base, prefix};
  uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
  if ((base & ~mask) != 0) {
    Ipv4Cidr aligned{base & mask, prefix};
    return "'" + std::string(text) + "' has host bits set; the network address of that block is " +
           aligned.ToString();
  }
  *out = c;
  return "";
}

bool IsPrivateRange(const Ipv4Cidr& c) {
  auto within = [&](uint32_t net, int prefix) {
    uint32_t mask = ~uint32_t{0} << (32 - prefix);
    return c.prefix >= prefix && (c.base & mask) == net;
  };
  return within(0x0A000000, 8) || within(0xAC100000, 12) || within(0xC0A80000, 16);
}

std::string PlanSubnets(const Ipv4Cidr& vpc, int az_count, int max_az_count, SubnetLayout* out) {
  if (az_count < 1 || az_count > max_az_count) {
    return "az_count " + std::to_string(az_count) + " must be between 1 and max_az_count " + std::to_string(max_az_count);
  }
  int needed = 2 * max_az_count;
  int bits = 0;
  while ((1 << bits) < needed) ++bits;
  int prefix = vpc.prefix + bits;
  if (prefix > kMaxSubnetPrefix) {
    return vpc.ToString() + " cannot hold " + std::to_string(1 << bits) + " subnet slots of at least /" +
           std::to_string(kMaxSubnetPrefix) + " (room for " + std::to_string(max_az_count) +
           " AZs x public + private, network.max_az_count); use a block of /" +
           std::to_string(kMaxSubnetPrefix - bits) + " or larger, or a smaller max_az_count";
  }
  SubnetLayout layout;
  layout.subnet_prefix = prefix;
  uint32_t step = uint32_t{1} << (32 - prefix);
  for (int i = 0; i < az_count; ++i) {
    layout.public_subnets.push_back({vpc.base + static_cast<uint32_t>(i) * step, prefix});
    layout.private_subnets.push_back({vpc.base + static_cast<uint32_t>(max_az_count + i) * step, prefix});
  }
  *out = std::move(layout);
  return "";
}

}  // namespace bp
