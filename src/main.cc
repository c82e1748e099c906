// blueprint: production-grade CloudFormation for App Runner platforms from one typed
// config file per environment. Exit status: 0 ok, 2 user error, 1 internal error.
#include "cli/run.h"

int main(int argc, char** argv) { return bp::cli::Run(argc, argv); }
