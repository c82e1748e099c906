// The command line as a whole: builds the commands, parses argv, runs the chosen one.
// Its own header, without CLI11 or JSON, so src/main.cc compiles in a moment.
#pragma once

namespace bp::cli {

// Exit status: 0 ok, 2 user error, 1 internal error (cli/common.h).
int Run(int argc, char** argv);

}  // namespace bp::cli
