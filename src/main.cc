// blueprint: production-grade CloudFormation for App Runner platforms from one typed
// config file per environment. Exit status: 0 ok, 2 user error, 1 internal error.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli/common.h"

int main(int argc, char** argv) {
  CLI::App app{"apprunner-blueprint: CloudFormation for App Runner platforms from environments/<env>/stack.yaml"};
  app.name("blueprint");
  app.require_subcommand(1);
  bp::cli::AddVersionFlag(&app);
  int rc = bp::cli::kOk;
  bp::cli::RegisterSynth(&app, &rc);
  bp::cli::RegisterStacks(&app, &rc);
  bp::cli::RegisterValidate(&app, &rc);
  bp::cli::RegisterDocs(&app, &rc);
  bp::cli::RegisterConfig(&app, &rc);
  bp::cli::RegisterPreview(&app, &rc);
  bp::cli::RegisterUp(&app, &rc);
  bp::cli::RegisterDestroy(&app, &rc);
  bp::cli::RegisterOutputs(&app, &rc);
  bp::cli::RegisterCost(&app, &rc);
  bp::cli::RegisterWorkflow(&app, &rc);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return bp::cli::ReportParseError(&app, e, argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error: %s\n", e.what());
    return bp::cli::kInternalError;
  }
  return rc;
}
