// Argument errors: one `error:` line with "did you mean" for a mistyped command or
// option (CLI11's own message otherwise) and where to find help; exit status 2.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/common.h"
#include "cli/run.h"
#include "util/strings.h"

namespace bp::cli {

namespace {

// RefuseAtParse's error: its diagnostics are the whole message.
class SettingError : public CLI::ParseError {
 public:
  explicit SettingError(const std::string& text) : CLI::ParseError("SettingError", text, kUserError) {}
};

// "blueprint config set": the command a parse error belongs to.
std::string CommandPath(const CLI::App* cmd) {
  std::string path;
  for (const CLI::App* c = cmd; c; c = c->get_parent()) path = c->get_name() + (path.empty() ? "" : " " + path);
  return path;
}

// The named sub-commands of `cmd` (option groups are nameless sub-commands in CLI11).
std::vector<CLI::App*> Subcommands(CLI::App* cmd) {
  return cmd->get_subcommands([](CLI::App* s) { return !s->get_name().empty(); });
}

CLI::App* FindSubcommand(CLI::App* cmd, const std::string& name) {
  for (CLI::App* s : Subcommands(cmd))
    if (s->get_name() == name) return s;
  return nullptr;
}

// Every spelling of every option of `cmd`, its option groups included.
std::vector<std::string> OptionNames(CLI::App* cmd) {
  std::vector<std::string> names;
  std::vector<CLI::App*> apps = cmd->get_subcommands([](CLI::App* s) { return s->get_name().empty(); });
  apps.push_back(cmd);
  for (CLI::App* a : apps)
    for (const CLI::Option* opt : a->get_options()) {
      for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
      for (const auto& s : opt->get_snames()) names.push_back("-" + s);
    }
  return names;
}

// A sentence for an argument error, with "did you mean" for a mistyped command or
// option; "" when the arguments hold no unknown word (then CLI11's message is used).
std::string Explain(CLI::App* app, int argc, char** argv) {
  CLI::App* cur = app;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") break;
    if (a.size() > 1 && a[0] == '-' && !std::isdigit(static_cast<unsigned char>(a[1]))) {
      std::string name = a.substr(0, a.find('='));
      std::vector<std::string> names = OptionNames(cur);
      if (std::find(names.begin(), names.end(), name) == names.end())
        return "unknown option '" + name + "' for '" + CommandPath(cur) + "'" + DidYouMean(name, names) + "; see '" +
               CommandPath(cur) + " --help'";
      continue;
    }
    std::vector<CLI::App*> subs = Subcommands(cur);
    if (subs.empty()) continue;  // a positional argument or an option's value
    if (CLI::App* sub = FindSubcommand(cur, a)) {
      cur = sub;
      continue;
    }
    // A word where a command is expected; an option's value ("--stack dev") is skipped.
    const std::string prev = i > 1 ? argv[i - 1] : "";
    if (prev.size() > 1 && prev[0] == '-' && prev.find('=') == std::string::npos) {
      const CLI::Option* opt = cur->get_option_no_throw(prev);
      if (opt && opt->get_type_size() != 0) continue;
    }
    std::vector<std::string> names;
    for (CLI::App* s : subs) names.push_back(s->get_name());
    return "unknown command '" + a + "'" + (cur == app ? "" : " for '" + CommandPath(cur) + "'") +
           DidYouMean(a, names) + "; commands: " + Join(names, ", ");
  }
  return "";
}

// The command the arguments reach, for the "see --help" hint.
CLI::App* Reached(CLI::App* app, int argc, char** argv) {
  CLI::App* cur = app;
  for (int i = 1; i < argc; ++i)
    if (CLI::App* sub = FindSubcommand(cur, argv[i])) cur = sub;
  return cur;
}

}  // namespace

void AddVersionFlag(CLI::App* app) { app->set_version_flag("--version", std::string("blueprint ") + kVersion); }

void RefuseAtParse(const Diagnostics& diags) { throw SettingError(diags.FormatAll()); }

int ReportParseError(CLI::App* app, const CLI::ParseError& e, int argc, char** argv) {
  if (dynamic_cast<const SettingError*>(&e)) {
    std::fputs(e.what(), stderr);
    return kUserError;
  }
  if (e.get_exit_code() == 0) return app->exit(e) == 0 ? kOk : kUserError;  // --help, --version
  std::string msg = Explain(app, argc, argv);
  if (msg.empty()) msg = std::string(e.what()) + "; see '" + CommandPath(Reached(app, argc, argv)) + " --help'";
  std::fprintf(stderr, "error: %s\n", msg.c_str());
  return kUserError;
}

int Run(int argc, char** argv) {
  // `--version` alone needs no command tree: it prints what the flag below would.
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    std::printf("blueprint %s\n", kVersion);
    return kOk;
  }
  CLI::App app{"apprunner-blueprint: CloudFormation for App Runner platforms from environments/<env>/stack.yaml"};
  app.name("blueprint");
  app.require_subcommand(1);
  AddVersionFlag(&app);
  int rc = kOk;
  // The command table, in the order `--help` lists them: name, one line for `--help`,
  // and what adds the command's options and action (one file per command). When the
  // first argument names one, only that one is built: its options are most of the
  // start-up work, and the others cannot take part in its parse. Anything else (--help,
  // a mistyped command, no command) names every command with its line, so the help lists
  // them all and "did you mean" sees every name, and builds the options of only the one
  // a later argument names (`blueprint --help up` shows up's help).
  struct Command {
    const char* name;
    const char* summary;
    void (*add)(CLI::App* cmd, int* rc);
  };
  static const Command kCommands[] = {
      {"synth", "Write CloudFormation templates and manifest.json (a cloud assembly)", RegisterSynth},
      {"stacks", "List every stack: the environment it serves, region, role, dependencies", RegisterStacks},
      {"validate", "Run every check without writing files", RegisterValidate},
      {"check", "Run the rules: does the platform serve, is it safe (security, reliability, cost)", RegisterCheck},
      {"docs", "Print generated documentation", RegisterDocs},
      {"config", "Read and edit environments/<env>/stack.yaml (secrets encrypted)", RegisterConfig},
      {"preview", "Show what `up` would change: offline diff against the last deployment, or a change set (--remote)",
       RegisterPreview},
      {"up", "Deploy the stacks of an environment through CloudFormation change sets", RegisterUp},
      {"destroy", "Delete the stacks of an environment; says what is kept", RegisterDestroy},
      {"outputs", "Print the outputs of deployed stacks", RegisterOutputs},
      {"cost", "Estimate the monthly cost of each environment, per stack and resource", RegisterCost},
      {"workflow",
       "Write the GitHub Actions workflow that builds the image once and deploys it to every environment in turn",
       RegisterWorkflow},
  };
  auto named = [&](int i) {
    return std::find_if(std::begin(kCommands), std::end(kCommands),
                        [&](const Command& c) { return std::strcmp(c.name, argv[i]) == 0; });
  };
  const Command* built = std::end(kCommands);
  for (int i = 1; i < argc && built == std::end(kCommands); ++i) built = named(i);
  const bool first_names_it = argc > 1 && named(1) != std::end(kCommands);
  for (const Command& c : kCommands) {
    if (&c == built) {
      c.add(app.add_subcommand(c.name, c.summary), &rc);
    } else if (!first_names_it) {
      app.add_subcommand(c.name, c.summary);
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return ReportParseError(&app, e, argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error: %s\n", e.what());
    return kInternalError;
  }
  return rc;
}

}  // namespace bp::cli
