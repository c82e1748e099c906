// Reading the AWS CLI's CloudFormation answers (JSON), shared by the driver's files
// (driver.cc, driver_destroy.cc).
#pragma once
#include <string>

#include "cfn/intrinsics.h"
#include "deploy/aws_cli.h"

namespace bp::cfn_answers {

// obj[key] when `obj` is an object and that member a string, else "".
std::string Str(const cfn::Json& obj, const char* key);

// The template body of a get-template answer: JSON as an object or as a string; null
// for anything else (a YAML body, an error).
cfn::Json TemplateBodyOf(const AwsResult& r);

}  // namespace bp::cfn_answers
