// The transport to AWS: the AWS CLI, run without a shell. Only options that AWS CLI
// v1 and v2 share are used, output is always `--output json`, and failures come back
// as the service's error code and message ("ValidationError: Stack with id x does not
// exist"), never as an exception.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "cfn/intrinsics.h"

namespace bp {

struct AwsOptions {
  std::string program = "aws";  // BLUEPRINT_AWS_CLI overrides; looked up on PATH
  std::string profile;          // --profile, passed through when set
  std::string region;           // --region: overrides every stack's own region when set
  std::string endpoint_url;     // --endpoint-url, passed through when set (moto, LocalStack)
};

struct AwsResult {
  bool ok = false;
  cfn::Json body;          // parsed stdout; null when empty
  std::string error_code;  // "ValidationError", ... ("" when not a service error)
  std::string message;     // one line: the service message, or the CLI's last stderr line
};

class AwsCli {
 public:
  explicit AwsCli(AwsOptions options);

  // `aws <service> <operation> <args...> --output json [--region R] [--profile P]
  // [--endpoint-url U]`. `region` is the stack's region; options.region wins when set.
  AwsResult Run(std::string_view service, std::string_view operation, const std::vector<std::string>& args,
                const std::string& region) const;

  const AwsOptions& options() const { return options_; }

 private:
  AwsOptions options_;
};

// Splits the CLI's "An error occurred (Code) when calling the Op operation: message".
void ParseAwsError(const std::string& stderr_text, std::string* code, std::string* message);

}  // namespace bp
