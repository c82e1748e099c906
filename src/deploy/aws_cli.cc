#include "deploy/aws_cli.h"

#include <cctype>
#include <cstdlib>
#include <string_view>

#include "deploy/process.h"
#include "util/strings.h"

namespace bp {

AwsCli::AwsCli(AwsOptions options) : options_(std::move(options)) {
  if (const char* p = std::getenv("BLUEPRINT_AWS_CLI"); p && *p) options_.program = p;
}

namespace {

// Reads `text` at `*pos` by hand (std::regex recursed once per character and crashed
// on a 40 kB error line). Each step consumes and returns true, or leaves *pos alone.
struct Cursor {
  std::string_view text;
  size_t pos = 0;

  bool Literal(std::string_view s) {
    if (text.substr(pos, s.size()) != s) return false;
    pos += s.size();
    return true;
  }
  // One or more characters satisfying `pred`; their text in *out.
  template <typename Pred>
  bool Run(Pred pred, std::string_view* out = nullptr) {
    size_t end = pos;
    while (end < text.size() && pred(text[end])) ++end;
    if (end == pos) return false;
    if (out) *out = text.substr(pos, end - pos);
    pos = end;
    return true;
  }
  // " (reached max retries: N)", if it is there.
  void OptionalRetries() {
    Cursor c = *this;
    if (c.Literal(" (reached max retries: ") && c.Run([](char ch) { return ch >= '0' && ch <= '9'; }) &&
        c.Literal(")"))
      *this = c;
  }
};

// "An error occurred (CODE)[ (reached max retries: N)] when calling the OPERATION
// operation[ (reached max retries: N)]: MESSAGE" starting at `start`.
bool ParseServiceError(std::string_view text, size_t start, std::string* code, std::string* message) {
  Cursor c{text, start};
  std::string_view code_text, message_text;
  auto word = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; };
  if (!c.Literal("An error occurred (") || !c.Run([](char ch) { return ch != ')'; }, &code_text) ||
      !c.Literal(")"))
    return false;
  c.OptionalRetries();
  if (!c.Literal(" when calling the ") || !c.Run(word) || !c.Literal(" operation")) return false;
  c.OptionalRetries();
  if (!c.Literal(": ")) return false;
  c.Run([](char ch) { return ch != '\n'; }, &message_text);
  *code = std::string(code_text);
  *message = std::string(message_text);
  return true;
}

}  // namespace

void ParseAwsError(const std::string& text, std::string* code, std::string* message) {
  for (size_t at = text.find("An error occurred ("); at != std::string::npos;
       at = text.find("An error occurred (", at + 1)) {
    if (ParseServiceError(text, at, code, message)) return;
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
