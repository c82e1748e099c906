#include "deploy/parameter_policy.h"

#include <algorithm>
#include <map>

namespace bp {

using cfn::Json;

Json ChangeSetParameters(const Stack& stack, const ParameterValues& values, const StackInfo& info, bool update,
                         std::vector<std::string>* missing) {
  Json params = Json::array();
  // The image (CI sets it on each release) and the secrets are kept across updates unless given.
  const StackInput* image = stack.ImageInput();
  for (const auto& [name, p] : stack.tmpl.parameters().entries()) {
    auto it = values.find(name);
    bool deployed = std::find(info.parameters.begin(), info.parameters.end(), name) != info.parameters.end();
    if (it != values.end()) {
      params.push_back({{"ParameterKey", name}, {"ParameterValue", it->second}});
    } else if (update && deployed && ((image && name == image->parameter) || p.no_echo)) {
      params.push_back({{"ParameterKey", name}, {"UsePreviousValue", true}});
    } else if (p.default_value.is_null()) {
      missing->push_back(name);
    }
  }
  return params;
}

bool FillStackInputs(Driver& driver, const Stack& stack, const std::map<std::string, cfn::Json>& produced,
                     ParameterValues* values, Diagnostics* diags, bool* call_failed) {
  for (const StackInput& in : stack.inputs) {
    if (values->count(in.parameter)) continue;  // an explicit --parameter wins
    // The command line gives the image and the decrypted config secrets (or an update
    // keeps the deployed values).
    if (in.source == InputSource::kImage || in.source == InputSource::kConfigSecret) continue;
    if (in.source == InputSource::kSsmParameter) {
      std::string value;
      if (!driver.ReadSsmParameter(stack, in.ssm_parameter, in.parameter, &value, diags, call_failed)) return false;
      (*values)[in.parameter] = value;
      continue;
    }
    Json outputs;
    auto done = produced.find(in.producer);
    if (done != produced.end()) {
      outputs = done->second;
    } else {
      StackInfo info;
      if (!driver.Describe(in.producer_stack, in.producer_region, &info, diags)) {
        if (call_failed) *call_failed = true;
        return false;
      }
      if (!info.exists || !IsDeployed(info.status)) {
        diags->Error({}, stack.name,
                     "needs output " + in.output + " of stack " + in.producer_stack + " (" + in.producer_region +
                         "), which is not deployed; deploy it first: blueprint up --stack " + in.producer);
        return false;
      }
      outputs = info.outputs;
    }
    if (!outputs.is_object() || !outputs.contains(in.output) || !outputs[in.output].is_string()) {
      diags->Error({}, stack.name,
                   "stack " + in.producer_stack + " (" + in.producer_region + ") has no output " + in.output +
                       "; deploy it again with this version: blueprint up --stack " + in.producer);
      return false;
    }
    (*values)[in.parameter] = outputs[in.output].get<std::string>();
  }
  return true;
}

}  // namespace bp
