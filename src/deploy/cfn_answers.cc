#include "deploy/cfn_answers.h"

#include "cfn/json_read.h"

namespace bp::cfn_answers {

using cfn::Json;

std::string Str(const Json& obj, const char* key) {
  if (obj.is_object() && obj.contains(key) && obj[key].is_string()) return obj[key];
  return "";
}

Json TemplateBodyOf(const AwsResult& r) {
  Json tmpl = r.ok && r.body.is_object() && r.body.contains("TemplateBody") ? r.body["TemplateBody"] : Json();
  if (tmpl.is_string()) {
    Json parsed;
    std::string unparsed;
    cfn::ParseJson(tmpl.get<std::string>(), &parsed, &unparsed);
    tmpl = std::move(parsed);
  }
  return tmpl.is_object() ? tmpl : Json();
}

}  // namespace bp::cfn_answers
