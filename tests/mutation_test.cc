// A deterministic mutation test over the bundled configs: thousands of damaged
// stack.yaml files (lines deleted, duplicated, swapped or re-indented; values swapped
// for other types, made huge, given invalid UTF-8; odd YAML: anchors, tags, flow
// style, tabs, documents, deep nesting, control bytes). In process every case goes
// through the loader and the assembly and ends in a result or in diagnostics: no
// exception (which the command line reports as "internal error", exit 1), no crash,
// and under the sanitizers (make test) no undefined behaviour. A sample goes through
// the binary and must exit 0 or 2.
//
// The seed is fixed, so a failure names a case that reproduces: run with
// --gtest_filter='Mutation.*' and BLUEPRINT_MUTATION_CASE=<n> to see its text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "app/app.h"
#include "cfn/writer.h"
#include "config/loader.h"
#include "test_util.h"
#include "util/strings.h"

namespace bp::testing {
namespace {

// splitmix64: small, fast and the same on every machine.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }

 private:
  uint64_t state_;
};

// Values of another type or shape than the one a key expects.
const std::vector<std::string> kOddValues = {
    "", "~", "null", "[]", "{}", "[a, b]", "{a: 1}", "true", "false", "yes", "0", "-1", "2147483648",
    "99999999999999999999999", "-9223372036854775809", "1e309", "-1e309", ".nan", ".inf", "0x1F", "0o17",
    "1_000", "3.14", "\"\"", "''", "\"quoted: value\"", "'single'", "!!binary aGVsbG8=", "!!str 1",
    "!!int x", "!!float", "!custom tag", "&anchor 5", "*anchor", "*nosuch", "|\n  block\n  text",
    ">-\n  folded", "\"\\u0000\"", "\"\\xff\"", "\"\\ud800\"", "10.0.0.0/8", "0.0.0.0/0", "::/0",
    "db.", "t4g.", "a@b", "@", "-", "--", "...", "---", "?", ": x", "#comment", "%TAG", "`", "@x", "|",
    "[", "{", "]", "}", "'", "\"", "[[[[", "{{{{", "*", "&", "!", "<<: *a"};

// Invalid UTF-8: a lone continuation byte, a truncated sequence, an overlong '/', a
// UTF-16 surrogate, a code point past U+10FFFF, bytes never valid, and a NUL.
const std::vector<std::string> kBadBytes = {"\x80", "\xc3", "\xc3\x28", "\xc0\xaf", "\xed\xa0\x80",
                                            "\xf4\x90\x80\x80", "\xfe", "\xff\xfe", std::string(1, '\0'),
                                            "\x1b[31m", "\r", "\t", "\xef\xbb\xbf"};

size_t Indent(const std::string& line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

// The value part of "key: value" (after ": "), or npos.
size_t ValueStart(const std::string& line) {
  size_t colon = line.find(": ");
  return colon == std::string::npos ? std::string::npos : colon + 2;
}

std::string Mutate(const std::vector<std::string>& original, Rng& rng) {
  std::vector<std::string> lines = original;
  size_t steps = 1 + rng.Below(3);
  std::string prefix, suffix;
  for (size_t s = 0; s < steps && !lines.empty(); ++s) {
    size_t i = rng.Below(lines.size());
    std::string& line = lines[i];
    size_t v = ValueStart(line);
    switch (rng.Below(17)) {
      case 0: lines.erase(lines.begin() + static_cast<long>(i)); break;
      case 1: lines.insert(lines.begin() + static_cast<long>(i), line); break;
      case 2: std::swap(line, lines[rng.Below(lines.size())]); break;
      case 3: line = std::string(rng.Below(6), ' ') + line.substr(Indent(line)); break;
      case 4:
      case 5:
        if (v != std::string::npos) line = line.substr(0, v) + rng.Pick(kOddValues);
        else line += ": " + rng.Pick(kOddValues);
        break;
      case 6: {  // huge value
        std::string huge(static_cast<size_t>(1) << (10 + rng.Below(8)), "a9-.@/ "[rng.Below(7)]);
        if (v != std::string::npos) line = line.substr(0, v) + huge;
        else line = huge;
        break;
      }
      case 7:
      case 8: {  // invalid UTF-8 or a control byte, in a key or a value
        size_t at = line.empty() ? 0 : rng.Below(line.size() + 1);
        line.insert(at, rng.Pick(kBadBytes));
        break;
      }
      case 9: {  // a typo in a key
        size_t colon = line.find(':');
        if (colon != std::string::npos && colon > Indent(line)) {
          size_t at = Indent(line) + rng.Below(colon - Indent(line));
          line[at] = static_cast<char>('a' + rng.Below(26));
        }
        break;
      }
      case 10: {  // a list item where a scalar was, or a map below a scalar key
        if (v != std::string::npos)
          lines.insert(lines.begin() + static_cast<long>(i) + 1,
                       std::string(Indent(line) + 2, ' ') + (rng.Below(2) ? "- item" : "nested: 1"));
        break;
      }
      case 11: line = std::string(Indent(line), '\t') + line.substr(Indent(line)); break;
      case 12: {  // anchors, aliases and merge keys
        const std::vector<std::string> odd = {"base: &b {x: 1}", "<<: *b", "other: *b", "&a key: 1",
                                              "? complex key", "!!map {a: 1}: 2", "- just a list item"};
        lines.insert(lines.begin() + static_cast<long>(i), std::string(Indent(line), ' ') + rng.Pick(odd));
        break;
      }
      case 13: {  // document markers and directives
        const std::vector<std::string> docs = {"---", "...", "--- !!map", "%YAML 1.2\n---", "--- |\n  text",
                                               "---\nprofile: dev"};
        lines.insert(lines.begin() + static_cast<long>(i), rng.Pick(docs));
        break;
      }
      case 14: {  // deep nesting in flow style
        size_t depth = static_cast<size_t>(1) << (4 + rng.Below(12));
        bool seq = rng.Below(2);
        std::string deep = std::string(depth, seq ? '[' : '{') + (seq ? "" : "a: ") + "1" +
                           std::string(depth, seq ? ']' : '}');
        if (!seq) {
          deep.clear();
          for (size_t d = 0; d < depth; ++d) deep += "{a: ";
          deep += "1" + std::string(depth, '}');
        }
        line = (v != std::string::npos ? line.substr(0, v) : line + ": ") + deep;
        break;
      }
      case 15: line = line.substr(0, rng.Below(line.size() + 1)); break;  // cut short
      case 16: {  // whole-file changes
        switch (rng.Below(4)) {
          case 0: prefix = "\xef\xbb\xbf"; break;  // a byte-order mark
          case 1: for (auto& l : lines) l += "\r"; break;  // CRLF
          case 2: suffix = "\n" + original[rng.Below(original.size())]; break;
          case 3: suffix = std::string(rng.Below(3) + 1, '\n') + "   "; break;
        }
        break;
      }
    }
  }
  return prefix + Join(lines, "\n") + "\n" + suffix;
}

struct Base {
  std::string env;
  std::vector<std::string> lines;
};

std::vector<Base> Bases() {
  std::vector<Base> out;
  for (const char* env : {"dev", "staging", "prod"}) {
    std::string text = ReadFileOrDie(SourceDir() + "/environments/" + env + "/stack.yaml");
    if (!text.empty() && text.back() == '\n') text.pop_back();
    out.push_back({env, SplitString(text, '\n')});
  }
  return out;
}

std::string CaseText(const std::vector<Base>& bases, size_t n, std::string* env) {
  Rng rng(0x5eed0000 + n);
  const Base& base = bases[n % bases.size()];
  *env = base.env;
  return Mutate(base.lines, rng);
}

constexpr size_t kCases = 3000;

TEST(Mutation, EveryDamagedConfigEndsInAResultOrDiagnostics) {
  std::vector<Base> bases = Bases();
  size_t accepted = 0, refused = 0;
  const char* only = std::getenv("BLUEPRINT_MUTATION_CASE");
  for (size_t n = 0; n < kCases; ++n) {
    if (only && std::to_string(n) != only) continue;
    std::string env;
    std::string text = CaseText(bases, n, &env);
    if (only) std::fprintf(stderr, "--- case %zu (%s)\n%s\n---\n", n, env.c_str(), text.c_str());
    Diagnostics d;
    StackConfig config;
    App app;
    bool ok = false;
    try {
      ok = ParseStackConfig(text, env + "/stack.yaml", env, &config, &d) && Assemble(config, &app, &d);
      if (ok)
        for (const auto& stack : app.stacks) {
          EXPECT_FALSE(cfn::WriteJson(stack.tmpl.ToJson()).empty());
          EXPECT_FALSE(cfn::WriteYaml(stack.tmpl.ToJson()).empty());
        }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "case " << n << " (" << env << "): exception " << e.what();
      continue;
    }
    if (ok) {
      ++accepted;
    } else {
      ++refused;
      ASSERT_TRUE(d.HasErrors()) << "case " << n << ": refused without an error";
      for (const auto& item : d.items) {
        EXPECT_FALSE(item.message.empty()) << "case " << n;
        EXPECT_THAT(item.message, ::testing::Not(::testing::HasSubstr("internal error")))
            << "case " << n << ": " << item.message;
      }
    }
  }
  // The mutations reach both sides (a generator that only broke the YAML would test
  // nothing behind the parser).
  if (!only) {
    EXPECT_GT(accepted, kCases / 20);
    EXPECT_GT(refused, kCases / 2);
  }
}

// What the mutation test found first: invalid UTF-8 in a value reached the JSON writer
// and came out as "internal error" (exit 1).
TEST(Mutation, InvalidUtf8IsRefusedWithItsLine) {
  Diagnostics d;
  StackConfig config;
  std::string text = "profile: dev\nregion: eu-west-3\napp:\n  name: orders-api\n  env:\n    X: a\xa0" "b\n";
  EXPECT_FALSE(ParseStackConfig(text, "dev/stack.yaml", "dev", &config, &d));
  EXPECT_THAT(d.FormatAll(), ::testing::HasSubstr("dev/stack.yaml:6:9: error: the file is not valid UTF-8"))
      << d.FormatAll();
}

TEST(Mutation, SampleThroughTheBinaryExitsZeroOrTwo) {
  std::vector<Base> bases = Bases();
  for (size_t n = 0; n < kCases; n += kCases / 40) {
    std::string env;
    std::string text = CaseText(bases, n, &env);
    TempDir dir;
    dir.Write("environments/" + env + "/stack.yaml", text);
    CommandResult r = RunBlueprint({"synth", "--environments", "environments", "--out", "out", "--quiet"}, dir.path());
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 2)
        << "case " << n << " (" << env << "): exit " << r.exit_code << "\n" << r.err.substr(0, 2000);
    r = RunBlueprint({"config", "list", "--stack", env, "--environments", "environments"}, dir.path());
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 2)
        << "case " << n << " (" << env << "): config list exit " << r.exit_code << "\n" << r.err.substr(0, 2000);
  }
}

// Issue 23: what crosses a limit must be refused, not pass validate and fail at deploy
// or hang: deep nesting (the YAML parser's depth, not the stack, is the limit), AWS's
// limits on tags, role policies and variable names, and a file of thousands of unknown
// keys (a bounded number of errors, quickly). Every bundled config, each mutation alone.

// `text` with `lines` inserted right below its top-level `section:` line, or with the
// section appended when the file has none.
std::string Under(const std::string& text, const std::string& section, const std::string& lines) {
  size_t at = text.find("\n" + section + ":\n");
  if (at == std::string::npos) return text + "\n" + section + ":\n" + lines;
  at += section.size() + 3;
  return text.substr(0, at) + lines + text.substr(at);
}

std::string Repeat(size_t n, const std::function<std::string(size_t)>& line) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += line(i);
  return out;
}

struct LimitCase {
  const char* name;
  std::function<std::string(const std::string&)> mutate;
  std::string key;  // the key the first error names; "" when any error will do
};

std::vector<LimitCase> LimitCases() {
  return {
      {"deep block nesting",
       [](const std::string& t) {
         std::string deep = "deep:\n";
         for (size_t d = 1; d <= 2100; ++d) deep += std::string(d, ' ') + "k:\n";
         return t + "\n" + deep + std::string(2101, ' ') + "1\n";
       },
       ""},
      {"deep flow nesting",
       [](const std::string& t) { return t + "\ndeep: " + std::string(100000, '[') + std::string(100000, ']') + "\n"; },
       ""},
      {"51 tags", [](const std::string& t) {
         return Under(t, "tags", "  extra:\n" + Repeat(47, [](size_t i) { return "    Team" + std::to_string(i) + ": t\n"; }));
       }, "tags.extra"},
      {"tag value of 257 characters",
       [](const std::string& t) { return Under(t, "tags", "  extra:\n    Owner: " + std::string(257, 'o') + "\n"); },
       "tags.extra.Owner"},
      {"trust policy over 4,096 characters", [](const std::string& t) {
         return Under(t, "github", "  branches:\n" + Repeat(90, [](size_t i) {
                        return "    - release/2026-" + std::to_string(1000 + i) + "-hotfix\n";
                      }));
       }, "github.branches"},
      {"inline policies over 10,240 characters", [](const std::string& t) {
         return Under(t, "app", "  secrets:\n" + Repeat(130, [](size_t i) {
                        std::string name = "S" + std::to_string(1000 + i);
                        return "    " + name + ": {arn: 'arn:aws:secretsmanager:eu-west-3:111111111111:secret:orders-api/" +
                               name + "-AbCdEf'}\n";
                      }));
       }, "app.secrets"},
      {"reserved App Runner variable",
       [](const std::string& t) { return Under(t, "app", "  env:\n    AWSAPPRUNNER_X: 1\n"); }, ""},
      {"19,500 unknown keys", [](const std::string& t) {
         return t + "\n" + Repeat(19500, [](size_t i) { return "unknown_" + std::to_string(i) + ": 1\n"; });
       }, ""},
  };
}

TEST(Mutation, OverLimitConfigsAreRefusedQuickly) {
  for (const Base& base : Bases()) {
    std::string text = Join(base.lines, "\n") + "\n";
    for (const LimitCase& lc : LimitCases()) {
      std::string mutated = lc.mutate(text);
      Diagnostics d;
      StackConfig config;
      App app;
      bool ok = true;
      try {
        ok = ParseStackConfig(mutated, base.env + "/stack.yaml", base.env, &config, &d) && Assemble(config, &app, &d);
      } catch (const std::exception& e) {
        ADD_FAILURE() << lc.name << " (" << base.env << "): exception " << e.what();
        continue;
      }
      EXPECT_FALSE(ok) << lc.name << " (" << base.env << ") passed validation";
      ASSERT_TRUE(d.HasErrors()) << lc.name << " (" << base.env << ")";
      EXPECT_LE(d.ErrorCount(), 51u) << lc.name << " (" << base.env << ")";
      const Diagnostic* first = nullptr;
      for (const auto& item : d.items) {
        EXPECT_THAT(item.message, ::testing::Not(::testing::HasSubstr("internal error")))
            << lc.name << ": " << item.message;
        if (!first && item.severity == Diagnostic::Severity::kError) first = &item;
      }
      if (!lc.key.empty()) {
        EXPECT_EQ(first->path, lc.key) << lc.name << " (" << base.env << "): " << d.FormatAll().substr(0, 2000);
      }
    }
  }
}

// The same through the binary: exit 2 (never 1, "internal error", nor a crash).
TEST(Mutation, OverLimitConfigsExitTwoThroughTheBinary) {
  std::vector<Base> bases = Bases();
  std::string text = Join(bases.front().lines, "\n") + "\n";
  for (const LimitCase& lc : LimitCases()) {
    TempDir dir;
    dir.Write("environments/" + bases.front().env + "/stack.yaml", lc.mutate(text));
    CommandResult r = RunBlueprint({"validate", "--environments", "environments"}, dir.path());
    EXPECT_EQ(r.exit_code, 2) << lc.name << "\n" << r.err.substr(0, 2000);
    EXPECT_LT(r.err.size(), 64u * 1024) << lc.name;
  }
}

}  // namespace
}  // namespace bp::testing
