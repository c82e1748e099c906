// The rules of `blueprint check` (check.h lists them, with their sources): each reads an
// environment's config and templates and reports through a Reporter. check.cc runs them,
// applies the acknowledgements and sorts.
#pragma once
#include <string>
#include <vector>

#include "analysis/check.h"

namespace bp::analysis::check_rules {

class Reporter {
 public:
  Reporter(const StackConfig& config, std::vector<Finding>* out) : c_(config), out_(out) {}

  // `rule` must be in CheckRules(); `key` is the stack.yaml key that decides the finding
  // ("" when none does), pointed at by its line when the file writes it.
  void Add(const char* rule, const std::string& stack, const std::string& resource, std::string message,
           const std::string& key = "");

 private:
  const StackConfig& c_;
  std::vector<Finding>* out_;
};

void RunAll(const StackConfig& config, const std::vector<StackTemplate>& stacks, Reporter& report);

}  // namespace bp::analysis::check_rules
