// The NAT instance's boot script, run for real: the user data of the synthesized
// template, with CloudFormation's Fn::Sub applied, executed by bash with every command
// that touches the instance or AWS replaced by a stub on PATH (curl for the instance
// metadata, aws, ip, sysctl, nft, iptables, install, sleep, poweroff; dnf and the swap
// file's dd, mkswap, swapon, swapoff, rm). Each stub logs its command line; the test
// makes one step fail at a time and reads the log. The dnf stub "installs" nftables: it
// puts an nft stub on PATH.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "platform_fixtures.h"

namespace bp {
namespace {

using cfn::Json;
using namespace fixtures;
using testing::TempDir;

constexpr const char* kStackId = "arn:aws:cloudformation:eu-west-3:123456789012:stack/orders-api-dev/0a1b2c3d";

// What CloudFormation does to the Fn::Sub text: variables replaced, ${!x} becomes ${x}.
// A resource's logical ID stands for its Ref: PublicSubnet<n> is subnet-0pub<n>, AZ 1's
// static interface eni-0static, AZ n's eni-0static<n>.
std::string RenderSub(const Json& sub) {
  std::string text = sub.is_string() ? sub.get<std::string>() : sub[0].get<std::string>();
  std::map<std::string, std::string> vars = {{"AWS::Region", "eu-west-3"}, {"AWS::StackId", kStackId}};
  for (int n = 1; n <= 3; ++n) {
    vars["PublicSubnet" + std::to_string(n)] = "subnet-0pub" + std::to_string(n);
    vars["NatNetworkInterface" + std::to_string(n)] = "eni-0static" + (n == 1 ? "" : std::to_string(n));
  }
  if (sub.is_array())
    for (const auto& [k, v] : sub[1].items()) vars[k] = v.get<std::string>();
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, "${!") == 0) {
      out += "${";
      i += 3;
    } else if (text.compare(i, 2, "${") == 0) {
      size_t end = text.find('}', i);
      std::string name = text.substr(i + 2, end - i - 2);
      EXPECT_TRUE(vars.count(name)) << "unknown Fn::Sub variable " << name;
      out += vars[name];
      i = end + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

// A stub: logs "name args" (and stdin for nft), fails when the line starts with a
// pattern of $STUB_DIR/fail, or for the first two matches of $STUB_DIR/flaky.
constexpr const char* kStub = R"SH(#!/bin/bash
line="$(basename "$0") $*"
echo "$line" >> "$STUB_DIR/log"
[ "$(basename "$0")" = nft ] && cat >> "$STUB_DIR/log"
while IFS= read -r p; do
  [ -n "$p" ] && [[ "$line" == "$p"* ]] && exit 1
done < "$STUB_DIR/fail"
if [ -s "$STUB_DIR/flaky" ] && [[ "$line" == "$(cat "$STUB_DIR/flaky")"* ]]; then
  n=$(cat "$STUB_DIR/flaky.count" 2>/dev/null || echo 0)
  echo $((n + 1)) > "$STUB_DIR/flaky.count"
  [ "$n" -lt 2 ] && exit 1
fi
case "$(basename "$0")" in
  curl)
    for a in "$@"; do case "$a" in http*) url="$a" ;; esac; done
    case "$url" in
      */api/token) echo TOKEN ;;
      */meta-data/instance-id) echo i-0abc ;;
      */meta-data/mac) echo 0a:00:00:00:00:01 ;;
      */meta-data/network/interfaces/macs/)
        echo 0a:00:00:00:00:01/
        [ -e "$STUB_DIR/rebooted" ] && echo 0a:00:00:00:00:02/ ;;
      */macs/0a:00:00:00:00:01/interface-id) echo eni-0primary ;;
      */macs/0a:00:00:00:00:01/subnet-id) cat "$STUB_DIR/subnet" ;;
      */macs/0a:00:00:00:00:02/interface-id) echo eni-0static ;;
      *) exit 22 ;;
    esac ;;
  dnf) cp "$0" "$(dirname "$0")/nft" ;;
  ip)
    echo "1: lo: <LOOPBACK,UP> mtu 65536 link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00"
    echo "2: ens5: <BROADCAST,MULTICAST,UP> mtu 9001 link/ether 0a:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff"
    echo "3: ens6: <BROADCAST,MULTICAST,UP> mtu 9001 link/ether 0a:00:00:00:00:02 brd ff:ff:ff:ff:ff:ff" ;;
esac
exit 0
)SH";

struct ScriptRun {
  int exit_code = -1;
  std::vector<std::string> log;  // one command per line
  std::string log_text;
  std::string output;
};

class NatBootScript : public ::testing::Test {
 protected:
  void SetUp() override {
    Json t = Synth(StackYaml("dev", "instance"));
    const Json& data = t["Resources"]["NatLaunchTemplate"]["Properties"]["LaunchTemplateData"];
    script_ = RenderSub(data["UserData"]["Fn::Base64"]["Fn::Sub"]);
  }

  // Runs the script with the given stubs; `fail` lists command prefixes that fail.
  // `rebooted`: the static interface is attached already.
  ScriptRun Execute(const std::vector<std::string>& fail, const std::string& flaky = "",
              std::vector<std::string> stubs = {"curl", "aws", "ip", "sysctl", "nft", "iptables", "install", "sleep",
                                                "poweroff"},
              bool rebooted = false) {
    TempDir dir;
    if (rebooted) dir.Write("rebooted", "");
    std::string bin = dir.path() + "/bin";
    for (const auto& name : stubs) {
      dir.Write("bin/" + name, kStub);
      chmod((bin + "/" + name).c_str(), 0755);
    }
    std::string fail_text;
    for (const auto& f : fail) fail_text += f + "\n";
    dir.Write("fail", fail_text);
    dir.Write("flaky", flaky);
    dir.Write("log", "");
    dir.Write("subnet", subnet_ + "\n");
    dir.Write("user-data.sh", script_);
    // /usr/sbin and /sbin stay off PATH, so a real nft, iptables or poweroff is never found.
    std::string cmd = "cd '" + dir.path() + "' && env -i PATH='" + bin + ":/usr/bin:/bin' STUB_DIR='" + dir.path() +
                      "' /bin/bash user-data.sh > output 2>&1";
    int status = std::system(cmd.c_str());
    ScriptRun r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.log_text = testing::ReadFileOrDie(dir.path() + "/log");
    r.output = testing::ReadFileOrDie(dir.path() + "/output");
    size_t start = 0;
    for (size_t nl; (nl = r.log_text.find('\n', start)) != std::string::npos; start = nl + 1)
      r.log.push_back(r.log_text.substr(start, nl - start));
    return r;
  }

  static bool Has(const ScriptRun& r, const std::string& s) { return r.log_text.find(s) != std::string::npos; }
  static int Count(const ScriptRun& r, const std::string& prefix) {
    int n = 0;
    for (const auto& l : r.log) n += l.rfind(prefix, 0) == 0;
    return n;
  }

  std::string script_;
  std::string subnet_ = "subnet-0pub1";  // the subnet of the instance's primary interface
};

constexpr const char* kUnhealthy =
    "aws autoscaling set-instance-health --region eu-west-3 --instance-id i-0abc --health-status Unhealthy";
constexpr const char* kAttach =
    "aws ec2 attach-network-interface --region eu-west-3 --network-interface-id eni-0static --instance-id i-0abc "
    "--device-index 1";

// An image with nft or iptables (the standard one, as far as anyone has seen): no dnf,
// no swap file. Only an image with neither installs nftables.
const std::vector<std::string> kWithoutFirewallTools = {"curl", "aws",    "ip",     "sysctl",  "install", "sleep",
                                                        "poweroff", "dnf", "dd",   "mkswap", "swapon", "swapoff", "rm"};

TEST_F(NatBootScript, NeedsNoServiceCommandAndInstallsOnlyWhatTheImageLacks) {
  for (const char* banned : {"yum ", "service ", "systemctl "})
    EXPECT_THAT(script_, ::testing::Not(::testing::HasSubstr(banned))) << banned;
  std::vector<std::string> with_iptables = kWithoutFirewallTools;
  with_iptables.push_back("iptables");
  for (const auto& stubs : {std::vector<std::string>{"curl", "aws", "ip", "sysctl", "nft", "iptables", "install", "sleep",
                                                     "poweroff", "dnf", "dd", "mkswap", "swapon", "swapoff", "rm"},
                            with_iptables}) {
    ScriptRun r = Execute({"iptables -t nat -C"}, "", stubs);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(Count(r, "dnf"), 0);
    EXPECT_EQ(Count(r, "dd"), 0);
    EXPECT_TRUE(Has(r, "--status SUCCESS"));
  }
}

TEST_F(NatBootScript, AnImageWithNeitherToolInstallsNftablesWithATemporarySwapFile) {
  ScriptRun r = Execute({}, "", kWithoutFirewallTools);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto at = [&](const std::string& prefix) {
    for (size_t i = 0; i < r.log.size(); ++i)
      if (r.log[i].rfind(prefix, 0) == 0) return static_cast<long>(i);
    return -1L;
  };
  EXPECT_EQ(Count(r, "dnf install -y nftables"), 1);
  // The swap file exists while dnf runs, and not after.
  EXPECT_TRUE(Has(r, "dd if=/dev/zero of=/var/lib/apprunner-blueprint-nat.swap bs=1M count=512"));
  EXPECT_LT(at("dd "), at("mkswap /var/lib/apprunner-blueprint-nat.swap"));
  EXPECT_LT(at("mkswap "), at("swapon /var/lib/apprunner-blueprint-nat.swap"));
  EXPECT_LT(at("swapon "), at("dnf "));
  EXPECT_LT(at("dnf "), at("swapoff /var/lib/apprunner-blueprint-nat.swap"));
  EXPECT_LT(at("swapoff "), at("rm -f /var/lib/apprunner-blueprint-nat.swap"));
  // After the attach (the route's target comes first), before the masquerading, which
  // the installed nft sets up.
  EXPECT_LT(at("aws ec2 attach-network-interface"), at("dnf "));
  EXPECT_LT(at("dnf "), at("nft -f -"));
  EXPECT_TRUE(Has(r, "oifname \"ens5\" masquerade")) << r.log_text;
  EXPECT_TRUE(Has(r, "--status SUCCESS"));
  EXPECT_FALSE(Has(r, "set-instance-health"));

  // dnf busy (another dnf holds the lock) twice: a third attempt after growing pauses.
  r = Execute({}, "dnf install", kWithoutFirewallTools);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Count(r, "dnf install -y nftables"), 3);
  EXPECT_EQ(Count(r, "sleep 15"), 1) << r.log_text;
  EXPECT_EQ(Count(r, "sleep 30"), 1) << r.log_text;
  EXPECT_EQ(Count(r, "swapon "), 1);  // one swap file for every attempt
  EXPECT_TRUE(Has(r, "--status SUCCESS"));

  // No swap file (a full disk, say): dnf tries without.
  r = Execute({"mkswap"}, "", kWithoutFirewallTools);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Count(r, "swapon "), 0);
  EXPECT_EQ(Count(r, "dnf install -y nftables"), 1);
  EXPECT_TRUE(Has(r, "rm -f /var/lib/apprunner-blueprint-nat.swap"));
}

TEST_F(NatBootScript, AnInstallThatKeepsFailingIsBoundedThenFailsTheBoot) {
  ScriptRun r = Execute({"dnf install"}, "", kWithoutFirewallTools);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(Count(r, "dnf install -y nftables"), 4);
  // Pauses grow between attempts, none after the last.
  EXPECT_EQ(Count(r, "sleep 15"), 1);
  EXPECT_EQ(Count(r, "sleep 30"), 1);
  EXPECT_EQ(Count(r, "sleep 60"), 1);
  EXPECT_EQ(Count(r, "sleep 120"), 0);
  EXPECT_TRUE(Has(r, "rm -f /var/lib/apprunner-blueprint-nat.swap"));  // the swap file does not stay
  EXPECT_TRUE(Has(r, kUnhealthy));
  EXPECT_TRUE(Has(r, "--logical-resource-id NatAutoScalingGroup1 --unique-id i-0abc --status FAILURE"));
  EXPECT_FALSE(Has(r, "nft -f -"));
  EXPECT_FALSE(Has(r, "install -D"));
  EXPECT_THAT(r.output, ::testing::HasSubstr("install-nftables")) << r.output;
}

TEST_F(NatBootScript, SuccessAttachesTheStaticInterfaceFirstThenSignals) {
  ScriptRun r = Execute({});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Before the attach, only the instance metadata is read: nothing is changed.
  size_t first_change = 0;
  while (first_change < r.log.size() && r.log[first_change].rfind("curl ", 0) == 0) ++first_change;
  ASSERT_LT(first_change, r.log.size());
  EXPECT_EQ(r.log[first_change], kAttach);
  EXPECT_TRUE(Has(r, "aws ec2 modify-network-interface-attribute --region eu-west-3 --network-interface-id eni-0primary "
                     "--no-source-dest-check"));
  EXPECT_TRUE(Has(r, "sysctl -q -w net.ipv4.ip_forward=1"));
  EXPECT_TRUE(Has(r, "oifname \"ens5\" masquerade")) << r.log_text;  // the primary interface, by MAC
  EXPECT_TRUE(Has(r, std::string("aws cloudformation signal-resource --region eu-west-3 --stack-name ") + kStackId +
                         " --logical-resource-id NatAutoScalingGroup1 --unique-id i-0abc --status SUCCESS"));
  EXPECT_FALSE(Has(r, "set-instance-health"));
  EXPECT_FALSE(Has(r, "--status FAILURE"));
  EXPECT_FALSE(Has(r, "poweroff"));
}

TEST_F(NatBootScript, TransientFailuresAreRetried) {
  for (const std::string flaky : {"aws ec2 attach-network-interface", "aws ec2 modify-network-interface-attribute",
                                  "curl -sSf -X PUT", "aws cloudformation signal-resource"}) {
    SCOPED_TRACE(flaky);
    ScriptRun r = Execute({}, flaky);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(Count(r, flaky), 3);  // two failures, then success
    EXPECT_TRUE(Has(r, "--status SUCCESS"));
    EXPECT_FALSE(Has(r, "set-instance-health"));
  }
}

TEST_F(NatBootScript, EachFailingStepMarksTheInstanceUnhealthyAndSignalsFailure) {
  const std::vector<std::string> steps = {
      "curl -sSf -H X-aws-ec2-metadata-token: TOKEN http://169.254.169.254/latest/meta-data/mac",
      "aws ec2 attach-network-interface",
      "aws ec2 modify-network-interface-attribute",
      "ip -o link show",
      "sysctl -q -w net.ipv4.ip_forward=1",
      "sysctl -q -w net.ipv4.conf.ens6.rp_filter=0",
      "nft -f -",
  };
  for (const auto& step : steps) {
    SCOPED_TRACE(step);
    ScriptRun r = Execute({step});
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_TRUE(Has(r, kUnhealthy)) << r.log_text;
    // Once the instance knows its AZ (from its subnet), its own group hears the failure;
    // before, no group does (NatBootScript.EachAzsInstance...).
    if (step.rfind("curl", 0) == 0)
      EXPECT_FALSE(Has(r, "signal-resource"));
    else
      EXPECT_TRUE(Has(r, "--logical-resource-id NatAutoScalingGroup1 --unique-id i-0abc --status FAILURE"));
    EXPECT_FALSE(Has(r, "--status SUCCESS"));
    EXPECT_FALSE(Has(r, "poweroff"));
    // Nothing after the failed step runs.
    EXPECT_FALSE(Has(r, "install -D"));
    // Whatever failed after the metadata, the static interface was attached first.
    if (step.rfind("curl", 0) != 0 && step != "aws ec2 attach-network-interface") {
      EXPECT_TRUE(Has(r, kAttach));
    }
  }
}

TEST_F(NatBootScript, AnImageWithoutNftFallsBackToIptables) {
  // The rule is not there yet (-C fails): it is added once.
  ScriptRun r = Execute({"iptables -t nat -C"}, "", {"curl", "aws", "ip", "sysctl", "iptables", "install", "sleep", "poweroff"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Has(r, "iptables -t nat -A POSTROUTING -o ens5 -j MASQUERADE"));
  EXPECT_TRUE(Has(r, "--status SUCCESS"));
}

TEST_F(NatBootScript, WithoutMetadataOrHealthApiItPowersOffForTheEc2HealthCheck) {
  // No instance metadata token: the instance ID is unknown, so it cannot report itself.
  ScriptRun r = Execute({"curl -sSf -X PUT"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(Count(r, "curl -sSf -X PUT"), 10);  // retried
  EXPECT_TRUE(Has(r, "poweroff"));
  EXPECT_FALSE(Has(r, "signal-resource"));  // its AZ, so its group, is unknown
  EXPECT_FALSE(Has(r, "attach-network-interface"));

  // The health API refuses too: power off as well.
  r = Execute({"aws ec2 modify-network-interface-attribute", "aws autoscaling set-instance-health"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(Count(r, "aws autoscaling set-instance-health"), 5);
  EXPECT_TRUE(Has(r, "poweroff"));
  EXPECT_TRUE(Has(r, "--unique-id i-0abc --status FAILURE"));
}

// One launch template serves both AZs: the instance's subnet picks the static interface
// it attaches and the group it signals.
TEST_F(NatBootScript, EachAzsInstanceAttachesItsOwnInterfaceAndSignalsItsOwnGroup) {
  subnet_ = "subnet-0pub2";
  ScriptRun r = Execute({});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Has(r, "aws ec2 attach-network-interface --region eu-west-3 --network-interface-id eni-0static2 "
                     "--instance-id i-0abc --device-index 1"));
  EXPECT_FALSE(Has(r, "--network-interface-id eni-0static "));
  EXPECT_TRUE(Has(r, "--logical-resource-id NatAutoScalingGroup2 --unique-id i-0abc --status SUCCESS"));

  // A subnet that is not one of the stack's public subnets: nothing is attached and the
  // instance is marked unhealthy. Its group unknown, it signals none: a FAILURE sent to
  // another AZ's group could fail a stack update that is adding that group.
  subnet_ = "subnet-0other";
  r = Execute({});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(Has(r, "attach-network-interface"));
  EXPECT_TRUE(Has(r, kUnhealthy));
  EXPECT_FALSE(Has(r, "signal-resource"));
  EXPECT_THAT(r.output, ::testing::HasSubstr("find-az")) << r.output;
}

TEST_F(NatBootScript, AfterARebootTheAttachedInterfaceIsKept) {
  // The static interface shows up in the instance metadata: no second attach.
  ScriptRun first = Execute({});
  ASSERT_EQ(first.exit_code, 0);
  // The first boot installs the script to run again at every boot.
  EXPECT_TRUE(Has(first, "install -D -m 0755 user-data.sh /var/lib/cloud/scripts/per-boot/apprunner-blueprint-nat.sh"));
  ScriptRun r = Execute({}, "", {"curl", "aws", "ip", "sysctl", "nft", "iptables", "install", "sleep", "poweroff"}, true);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Count(r, "aws ec2 attach-network-interface"), 0);
  EXPECT_TRUE(Has(r, "sysctl -q -w net.ipv4.ip_forward=1"));
  EXPECT_TRUE(Has(r, "oifname \"ens5\" masquerade"));
}

}  // namespace
}  // namespace bp
