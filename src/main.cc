// blueprint: production-grade CloudFormation for App Runner platforms from one typed
// config file per environment. Exit status: 0 ok, 2 user error, 1 internal error; an
// interrupt ends it with its signal (130 for Ctrl-C in a shell).
#include "cli/run.h"
#include "deploy/process.h"

int main(int argc, char** argv) {
  int rc = bp::cli::Run(argc, argv);
  bp::EndIfInterrupted();  // one a command held back (DeferInterrupts) and did not end itself
  return rc;
}
