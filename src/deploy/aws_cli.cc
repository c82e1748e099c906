#include "deploy/aws_cli.h"

#include <cstdlib>
#include <regex>

#include "deploy/process.h"
#include "util/strings.h"

namespace bp {

AwsCli::AwsCli(AwsOptions options) : options_(std::move(options)) {
  if (const char* p = std::getenv("BLUEPRINT_AWS_CLI"); p && *p) options_.program = p;
}

void ParseAwsError(const std::string& text, std::string* code, std::string* message) {
  static const std::regex kServiceError(
      R"(An error occurred \(([^)]+)\)(?: \(reached max retries: \d+\))? when calling the \w+ operation(?: \(reached max retries: \d+\))?: ([^\n]*))");
  std::smatch m;
  if (std::regex_search(text, m, kServiceError)) {
    *code = m[1];
    *message = m[2];
    return;
  }
  code->clear();
  message->clear();
  for (const auto& line : SplitString(text, '\n')) {
    std::string l = line;
    while (!l.empty() && (l.back() == '\r' || l.back() == ' ')) l.pop_back();
    if (!l.empty()) *message = l;  // the last non-empty line says what went wrong
  }
}

AwsResult AwsCli::Run(std::string_view service, std::string_view operation, const std::vector<std::string>& args,
                      const std::string& region) const {
  std::vector<std::string> argv = {options_.program, std::string(service), std::string(operation)};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--output");
  argv.push_back("json");
  std::string r = options_.region.empty() ? region : options_.region;
  if (!r.empty()) {
    argv.push_back("--region");
    argv.push_back(r);
  }
  if (!options_.profile.empty()) {
    argv.push_back("--profile");
    argv.push_back(options_.profile);
  }
  if (!options_.endpoint_url.empty()) {
    argv.push_back("--endpoint-url");
    argv.push_back(options_.endpoint_url);
  }
  ProcessResult p = RunProcess(argv);
  AwsResult result;
  if (!p.started) {
    result.message = p.error + " (is the AWS CLI installed and on PATH?)";
    return result;
  }
  if (p.exit_code != 0) {
    ParseAwsError(p.err, &result.error_code, &result.message);
    if (result.message.empty()) result.message = "aws exited with status " + std::to_string(p.exit_code);
    return result;
  }
  // `aws s3 ...` prints progress text, not JSON, whatever --output says.
  std::string out = p.out;
  size_t first = out.find_first_not_of(" \t\r\n");
  if (service != "s3" && first != std::string::npos) {
    result.body = cfn::Json::parse(out, nullptr, /*allow_exceptions=*/false);
    if (result.body.is_discarded()) {
      result.body = nullptr;
      result.message = "aws " + std::string(service) + " " + std::string(operation) + ": output is not JSON";
      return result;
    }
  }
  result.ok = true;
  return result;
}

}  // namespace bp
