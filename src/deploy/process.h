// Running an external program (the AWS CLI) without a shell: arguments go to
// execvp as a vector, so no value is ever interpreted by a shell; stdout and stderr
// are captured separately.
#pragma once
#include <string>
#include <vector>

namespace bp {

struct ProcessResult {
  bool started = false;  // false: the program could not be run (see `error`)
  int exit_code = -1;    // 128+N when killed by signal N
  std::string out;
  std::string err;
  std::string error;     // why it did not start
};

// Runs argv[0] (looked up on PATH) with argv, stdin from /dev/null, and waits.
ProcessResult RunProcess(const std::vector<std::string>& argv);

// True when `name` resolves to an executable file, directly or through PATH.
bool FindExecutable(const std::string& name, std::string* path = nullptr);

}  // namespace bp
