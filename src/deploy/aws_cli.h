// The transport to AWS: the AWS CLI, run without a shell. Only options that AWS CLI
// v1 and v2 share are used, output is always `--output json`, and failures come back
// as the service's error code and message ("ValidationError: Stack with id x does not
// exist"), never as an exception.
//
// Every call is bounded in time, runs without the config passphrase in its
// environment, and is retried with backoff when the failure is transient (throttling,
// a 5xx, a lost connection, no answer in time): reads always, calls that change
// something only when AWS said it did not do them (throttling). Once the user
// interrupted (deploy/process.h, DeferInterrupts), nothing is retried.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "cfn/intrinsics.h"
#include "util/diag.h"

namespace bp {

struct AwsOptions {
  std::string program = "aws";  // BLUEPRINT_AWS_CLI (ReadAwsEnvironment); looked up on PATH
  std::string profile;          // --profile, passed through when set
  std::string region;           // --region: must agree with the stacks' own regions (checked by the
                                // command line); used only for calls without a stack region
  std::string endpoint_url;     // --endpoint-url, passed through when set (moto, LocalStack)
  int timeout_seconds = 120;    // per call; BLUEPRINT_AWS_TIMEOUT_SECONDS (ReadAwsEnvironment)
  int attempts = 5;             // for transient failures (2 when the call timed out)
  int retry_base_ms = 1000;     // first backoff; doubles per attempt, at most 16 s
};

// The settings environment variables override: BLUEPRINT_AWS_CLI (the program) and
// BLUEPRINT_AWS_TIMEOUT_SECONDS (1 to 3600). A bad value is an error in diags (exit 2),
// never a silent other number.
bool ReadAwsEnvironment(AwsOptions* options, Diagnostics* diags);

// How one call may be retried and what it inherits.
struct AwsCall {
  bool changes_something = false;  // retried only when throttled
  std::vector<int> pass_fds;       // descriptors it reads as file:///dev/fd/N
};

struct AwsResult {
  bool ok = false;
  cfn::Json body;          // parsed stdout; null when empty
  std::string error_code;  // "ValidationError", "500", ... ("" when not a service error)
  std::string message;     // one line: the service message, or the CLI's last stderr line
  bool transient = false;  // failed in a way that may pass on its own (after the retries)
  bool timed_out = false;  // no answer within timeout_seconds
  bool interrupted = false;  // stopped by an interrupt (DeferInterrupts): AWS may or may not have done it
  int attempts = 0;
};

class AwsCli {
 public:
  explicit AwsCli(AwsOptions options);

  // `aws <service> <operation> <args...> --output json [--region R] [--profile P]
  // [--endpoint-url U]`. `region` is the stack's region.
  AwsResult Run(std::string_view service, std::string_view operation, const std::vector<std::string>& args,
                const std::string& region, const AwsCall& call = {}) const;

  const AwsOptions& options() const { return options_; }

 private:
  AwsResult RunOnce(std::string_view service, std::string_view operation, const std::vector<std::string>& args,
                    const std::string& region, const AwsCall& call) const;
  AwsOptions options_;
};

// Splits the CLI's "An error occurred (Code) when calling the Op operation: message";
// an HTTP status for a code becomes "HTTP 500: Internal Server Error", and an answer
// the CLI could not parse (an HTML error page) one line of its text.
void ParseAwsError(const std::string& stderr_text, std::string* code, std::string* message);

// Throttling, 5xx, lost connections: failures that may pass when tried again.
bool IsTransientAwsError(const std::string& code, const std::string& message);
bool IsThrottling(const std::string& code);

// "error_code: message" or the message alone.
std::string ErrorText(const AwsResult& r);

}  // namespace bp
