#include "deploy/aws_cli.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "cfn/json_read.h"
#include "deploy/process.h"
#include "util/env.h"
#include "util/strings.h"

namespace bp {

namespace {

constexpr int kMaxTimeoutSeconds = 3600;

// The most kept of one call's output: far above any answer the tool asks for, so only
// a program that prints without end reaches it. The largest is get-template: a template
// is at most 1 MB (cfn::kMaxS3TemplateBytes; Src:
// DOC:AWSCloudFormation/latest/UserGuide/cloudformation-limits.html), returned as one
// JSON string whose escapes at most sextuple it; the tool asks for stack events 100 at
// a time (--max-items). An error on stderr quotes at most a template.
constexpr size_t kMaxAnswerBytes = 64 << 20;
constexpr size_t kMaxErrorBytes = 4 << 20;

// Longest message kept from the CLI: an error line can be 40 kB (a whole template).
constexpr size_t kMaxMessage = 300;

std::string Shorten(std::string s) {
  if (s.size() > kMaxMessage) s = s.substr(0, kMaxMessage) + "...";
  return s;
}

std::string TrimLine(std::string l) {
  while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t')) l.pop_back();
  size_t b = l.find_first_not_of(" \t");
  return b == std::string::npos ? "" : l.substr(b);
}

bool IsDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The text of a Python bytes literal as the CLI prints it (b'...' or b"..."), tags of
// an HTML page dropped and white space folded: one readable line.
std::string BytesLiteralText(const std::string& literal) {
  // An HTML error page says it best in its title ("500 Internal Server Error").
  size_t title = literal.find("<title>");
  size_t title_end = title == std::string::npos ? title : literal.find("</title>", title);
  if (title_end != std::string::npos) return BytesLiteralText("b'" + literal.substr(title + 7, title_end - title - 7) + "'");
  std::string text;
  char quote = literal.size() >= 3 ? literal[1] : '\'';
  for (size_t i = 2; i < literal.size(); ++i) {
    char c = literal[i];
    if (c == quote && i + 1 == literal.size()) break;
    if (c != '\\' || i + 1 >= literal.size()) {
      text += c;
      continue;
    }
    char e = literal[++i];
    if (e == 'n' || e == 'r' || e == 't') text += ' ';
    else if (e == 'x' && i + 2 < literal.size()) {
      text += ' ';  // a byte outside ASCII: not worth decoding for one line
      i += 2;
    } else text += e;
  }
  std::string plain;
  bool in_tag = false;
  for (char c : text) {
    if (c == '<') in_tag = true;
    else if (c == '>') {
      in_tag = false;
      plain += ' ';
    } else if (!in_tag) plain += c;
  }
  std::string folded;
  for (char c : plain) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (space && (folded.empty() || folded.back() == ' ')) continue;
    folded += space ? ' ' : c;
  }
  return TrimLine(folded);
}

}  // namespace

bool ReadAwsEnvironment(AwsOptions* options, Diagnostics* diags) {
  if (const char* p = std::getenv("BLUEPRINT_AWS_CLI"); p && *p) options->program = p;
  // An hour is far beyond any one call (a template upload, a describe); the bound
  // exists so that a hung endpoint is noticed.
  return ParseEnvInt("BLUEPRINT_AWS_TIMEOUT_SECONDS", 1, kMaxTimeoutSeconds, &options->timeout_seconds, diags);
}

AwsCli::AwsCli(AwsOptions options) : options_(std::move(options)) {}

void ParseAwsError(const std::string& text, std::string* code, std::string* message) {
  code->clear();
  message->clear();
  const std::string kStart = "An error occurred (";
  size_t p = text.find(kStart);
  if (p != std::string::npos) {
    size_t close = text.find(')', p + kStart.size());
    size_t op = close == std::string::npos ? close : text.find(" operation", close);
    size_t after = op == std::string::npos ? op : op + std::string(" operation").size();
    // "... operation (reached max retries: 4): message"
    if (after != std::string::npos && text.compare(after, 2, " (") == 0) {
      after = text.find(')', after);
      if (after != std::string::npos) ++after;
    }
    size_t colon = after != std::string::npos && text.compare(after, 2, ": ") == 0 ? after : std::string::npos;
    size_t eol = text.find('\n', p);
    if (colon != std::string::npos && (eol == std::string::npos || colon < eol)) {
      *code = text.substr(p + kStart.size(), close - p - kStart.size());
      *message = Shorten(TrimLine(text.substr(colon + 2, eol == std::string::npos ? eol : eol - colon - 2)));
      if (IsDigits(*code)) *code = "HTTP " + *code;  // no service error in the body: the HTTP status
      return;
    }
  }
  std::vector<std::string> lines;
  for (const auto& line : SplitString(text, '\n'))
    if (std::string l = TrimLine(line); !l.empty()) lines.push_back(l);
  if (lines.empty()) return;
  // "Unable to parse response (...), invalid XML received. Further retries may
  // succeed:\nb'<html>...500 Internal Server Error...'": the endpoint's own words.
  for (size_t i = 0; i + 1 < lines.size(); ++i)
    if (StartsWith(lines[i], "Unable to parse response") &&
        (StartsWith(lines[i + 1], "b'") || StartsWith(lines[i + 1], "b\""))) {
      std::string said = BytesLiteralText(lines[i + 1]);
      *message = Shorten("the endpoint's answer is not an AWS response: " + (said.empty() ? "(empty)" : said));
      return;
    }
  *message = Shorten(lines.back());  // the last non-empty line says what went wrong
}

bool IsThrottling(const std::string& code) {
  static const char* kCodes[] = {"Throttling", "ThrottlingException", "RequestLimitExceeded",
                                 "TooManyRequestsException", "RequestThrottled", "SlowDown", "HTTP 429"};
  return std::find(std::begin(kCodes), std::end(kCodes), code) != std::end(kCodes);
}

bool IsTransientAwsError(const std::string& code, const std::string& message) {
  // Src: DOC:sdkref/latest/guide/feature-retry-behavior.html (transient and throttling errors).
  static const char* kCodes[] = {"InternalFailure", "InternalError", "ServiceUnavailable", "RequestTimeout",
                                 "RequestTimeoutException", "PriorRequestNotComplete"};
  if (IsThrottling(code) || std::find(std::begin(kCodes), std::end(kCodes), code) != std::end(kCodes)) return true;
  if (StartsWith(code, "HTTP 5")) return true;
  static const char* kConnection[] = {"Could not connect to the endpoint URL", "Connection was closed",
                                      "Read timeout on endpoint URL", "Connect timeout on endpoint URL",
                                      "Connection reset", "the endpoint's answer is not an AWS response"};
  for (const char* c : kConnection)
    if (message.find(c) != std::string::npos) return true;
  return false;
}

std::string ErrorText(const AwsResult& r) { return r.error_code.empty() ? r.message : r.error_code + ": " + r.message; }

AwsResult AwsCli::Run(std::string_view service, std::string_view operation, const std::vector<std::string>& args,
                      const std::string& region, const AwsCall& call) const {
  AwsResult r;
  int delay_ms = options_.retry_base_ms;
  for (int attempt = 1;; ++attempt) {
    r = RunOnce(service, operation, args, region, call);
    r.attempts = attempt;
    if (r.ok || !r.transient || attempt >= std::max(1, options_.attempts) || InterruptRequested()) return r;
    // An endpoint that does not answer at all gets one more chance, not four: each
    // try costs the whole timeout.
    if (r.timed_out && attempt >= 2) return r;
    // A call that changes something is repeated only when AWS said it did not run it.
    if (call.changes_something && !IsThrottling(r.error_code)) return r;
    // In slices, so an interrupt ends the wait and no new attempt starts after it.
    for (int slept = 0; slept < delay_ms && !InterruptRequested(); slept += 100)
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(100, delay_ms - slept)));
    if (InterruptRequested()) return r;
    delay_ms = std::min(delay_ms * 2, 16000);
  }
}

AwsResult AwsCli::RunOnce(std::string_view service, std::string_view operation, const std::vector<std::string>& args,
                          const std::string& region, const AwsCall& call) const {
  std::vector<std::string> argv = {options_.program, std::string(service), std::string(operation)};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--output");
  argv.push_back("json");
  // The stack's own region; --region only when the caller has none (it must agree with
  // every stack's region: the command line refuses a contradiction).
  std::string r = region.empty() ? options_.region : region;
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
  ProcessOptions po;
  po.timeout_ms = options_.timeout_seconds * 1000;
  po.max_out_bytes = kMaxAnswerBytes;
  po.max_err_bytes = kMaxErrorBytes;
  po.pass_fds = call.pass_fds;
  // The CLI needs no secret of ours: the config passphrase stays in this process.
  po.unset_env = {"BLUEPRINT_CONFIG_PASSPHRASE", "BLUEPRINT_CONFIG_NEW_PASSPHRASE"};
  int interrupt_before = InterruptSignal();
  ProcessResult p = RunProcess(argv, po);
  AwsResult result;
  std::string name = "aws " + std::string(service) + " " + std::string(operation);
  if (p.started && p.exit_code != 0 && InterruptSignal() != interrupt_before) {
    result.interrupted = true;
    result.message = name + " was stopped by the interrupt";
    return result;
  }
  if (!p.started) {
    result.message = p.error + " (is the AWS CLI installed and on PATH?)";
    return result;
  }
  if (p.timed_out) {
    result.timed_out = result.transient = true;
    result.message = name + " did not answer within " + std::to_string(options_.timeout_seconds) +
                     " s and was stopped (check the network and --endpoint-url; BLUEPRINT_AWS_TIMEOUT_SECONDS "
                     "sets the bound)";
    return result;
  }
  if (p.too_large) {
    result.message = name + ": answer too large: it printed more than " +
                     std::to_string((p.out.size() >= kMaxAnswerBytes ? kMaxAnswerBytes : kMaxErrorBytes) >> 20) +
                     " MiB and was stopped (is --endpoint-url an AWS endpoint, and BLUEPRINT_AWS_CLI the AWS CLI?)";
    return result;
  }
  if (p.exit_code != 0) {
    ParseAwsError(p.err, &result.error_code, &result.message);
    if (result.message.empty()) result.message = name + " exited with status " + std::to_string(p.exit_code);
    result.transient = IsTransientAwsError(result.error_code, result.message);
    return result;
  }
  // `aws s3 ...` prints progress text, not JSON, whatever --output says.
  size_t first = p.out.find_first_not_of(" \t\r\n");
  if (service != "s3" && first != std::string::npos) {
    std::string why;
    if (!cfn::ParseJson(p.out, &result.body, &why)) {
      result.message = name + ": the output is " + (why == "not valid JSON" ? "not JSON" : why);
      return result;
    }
  }
  result.ok = true;
  return result;
}

}  // namespace bp
