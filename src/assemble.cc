#include "app.h"

#include "cfn/spec.h"
#include "cfn/writer.h"
#include "modules/networking.h"

namespace bp {

namespace {

ModuleContext ContextFor(const StackConfig& c) {
  ModuleContext ctx;
  ctx.name_prefix = c.app.name + "-" + c.env;
  ctx.tags = {{"Project", c.app.name}, {"Environment", c.env}, {"ManagedBy", "apprunner-blueprint"}};
  if (!c.tags.cost_center.empty()) ctx.tags.emplace_back("CostCenter", c.tags.cost_center);
  for (const auto& kv : c.tags.extra) ctx.tags.push_back(kv);
  return ctx;
}

}  // namespace

bool Assemble(const StackConfig& c, App* app, Diagnostics* diags) {
  ModuleContext ctx = ContextFor(c);
  App out;
  out.env = c.env;

  Stack main;
  main.name = ctx.name_prefix;
  main.region = c.region;
  main.role = "main";
  main.tmpl.description = "apprunner-blueprint: " + c.app.name + " (" + c.env + ", profile " +
                          ProfileName(c.profile) + ")";

  NetworkArgs net{c.network.cidr, c.network.az_count, c.network.nat, c.network.nat_instance_type};
  AddNetworking(ctx, net, &main.tmpl);

  out.stacks.push_back(std::move(main));

  size_t before = diags->ErrorCount();
  ValidateApp(out, diags);
  if (diags->ErrorCount() > before) return false;
  *app = std::move(out);
  return true;
}

void ValidateApp(const App& app, Diagnostics* diags) {
  // CloudFormation quotas. Src: DOC:AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
  constexpr size_t kMaxResources = 500, kMaxOutputs = 200, kMaxParameters = 200;
  constexpr size_t kMaxTemplateBytesS3 = 1024 * 1024;
  for (const auto& s : app.stacks) {
    cfn::CheckReferences(s.name, s.tmpl, diags);
    cfn::CheckAgainstSpec(s.name, s.tmpl, diags);
    const auto& t = s.tmpl;
    if (t.resources().size() > kMaxResources)
      diags->Error({}, s.name, std::to_string(t.resources().size()) + " resources; CloudFormation allows 500 per stack");
    if (t.outputs().size() > kMaxOutputs)
      diags->Error({}, s.name, std::to_string(t.outputs().size()) + " outputs; CloudFormation allows 200");
    if (t.parameters().size() > kMaxParameters)
      diags->Error({}, s.name, std::to_string(t.parameters().size()) + " parameters; CloudFormation allows 200");
    if (t.description.size() > 1024)
      diags->Error({}, s.name, "template description over 1,024 bytes");
    size_t bytes = cfn::WriteJson(t.ToJson()).size();
    if (bytes > kMaxTemplateBytesS3)
      diags->Error({}, s.name, "template is " + std::to_string(bytes) + " bytes; CloudFormation accepts at most 1 MB (from S3)");
  }
}

}  // namespace bp
