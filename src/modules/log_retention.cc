#include "modules/log_retention.h"

#include <algorithm>

namespace bp {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;

namespace {

// The custom resource's handler, kept small (the template carries it inline and the
// dev template is close to CloudFormation's 51,200-byte inline limit: no blank lines,
// one-space indents). CloudFormation
// passes every property as a string. Create/Update: for each name, CreateLogGroup (an
// existing group is the expected case, not an error), then PutRetentionPolicy; any
// other error is retried with back-off up to 8 tries when it is throttling, "a
// conflicting operation is in progress" (the service creating the same group) or
// AccessDenied (a new role's policy takes seconds to reach IAM everywhere), but never
// into the function's last 30 seconds (context.get_remaining_time_in_millis), and the
// SDK itself tries a call at most 3 times (standard retry mode,
// https://docs.aws.amazon.com/boto3/latest/guide/retries.html). Delete does nothing:
// the groups and their data belong to the services and expire on their own. The
// answer reaches CloudFormation (FAILED with the reason on any error); should the
// function die unanswered, the resource's ServiceTimeout (600 s) bounds the wait
// instead of CloudFormation's default hour. The physical ID stays the one given at Create, so a
// new service ID or retention is an in-place update. cfnresponse is the module
// CloudFormation provides to inline Python code ("import cfnresponse" exactly):
// DOC:AWSCloudFormation/latest/UserGuide/cfn-lambda-function-code-cfnresponsemodule.html.
// Behaviour as CDK's LogRetention (CDK:packages/@aws-cdk/custom-resource-handlers/lib/
// aws-logs/log-retention-handler/index.ts).
constexpr const char* kHandler = R"PY(import time,boto3,cfnresponse
from botocore.config import Config
RETRIED=("OperationAbortedException","ThrottlingException","AccessDeniedException")
END=0
def call(fn,**kw):
 for i in range(8):
  try:return fn(**kw)
  except Exception as e:
   code=getattr(e,"response",{}).get("Error",{}).get("Code")
   if code=="ResourceAlreadyExistsException":return
   if code not in RETRIED or i==7 or time.time()+min(2**i,20)>END:raise
   time.sleep(min(2**i,20))
def handler(event,context):
 global END
 END=time.time()+context.get_remaining_time_in_millis()/1000-30
 status,reason=cfnresponse.SUCCESS,"OK"
 try:
  if event["RequestType"]!="Delete":
   logs,p=boto3.client("logs",config=Config(retries={"mode":"standard","max_attempts":3})),event["ResourceProperties"]
   for name in p["LogGroupNames"]:
    call(logs.create_log_group,logGroupName=name)
    call(logs.put_retention_policy,logGroupName=name,retentionInDays=int(p["RetentionInDays"]))
 except Exception as e:status,reason=cfnresponse.FAILED,(type(e).__name__+": "+str(e))[:900]
 print(event["RequestType"],status,reason)
 physical=event.get("PhysicalResourceId") or event["LogicalResourceId"]+"-"+event["RequestId"][:8]
 cfnresponse.send(event,context,status,{},physical,reason=reason)
)PY";

// The ARN covering a group and the groups beside it: the name up to its last '/' plus
// "*" ("/aws/rds/instance/${Db}/*"): the one service's or instance's groups, streams
// included. Src: DOC:service-authorization/latest/reference/list_amazoncloudwatchlogs.html
// (log-group resource type: arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}).
cfn::Json GroupsArn(const std::string& name) {
  return cfn::Sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:" +
                  name.substr(0, name.rfind('/') + 1) + "*");
}

}  // namespace

const char* LogRetentionHandlerSource() { return kHandler; }

void AddLogRetention(const ModuleContext& ctx, const LogRetentionArgs& args, cfn::Template* t) {
  Json targets = Json::array();
  for (const auto& target : args.targets)
    for (const auto& name : target.log_group_names)
      if (Json arn = GroupsArn(name); std::find(targets.begin(), targets.end(), arn) == targets.end())
        targets.push_back(arn);
  if (targets.empty()) return;

  const std::string function = ctx.Id("LogRetentionFunction"), role = ctx.Id("LogRetentionRole"),
                    own_logs = ctx.Id("LogRetentionFunctionLogs");
  // The function's own log group, declared so it expires too (Lambda would otherwise
  // create /aws/lambda/<name> with no retention). Src: SCHEMA:aws-lambda-function
  // LoggingConfig.LogGroup; SCHEMA:aws-logs-loggroup.
  t->AddResource(own_logs, "AWS::Logs::LogGroup",
                 Object({{"RetentionInDays", args.function_log_retention_days}, {"Tags", ctx.Tags()}}));

  // The two calls on these services' groups only, and writing its own log.
  Json statements = Json::array({Object({{"Effect", "Allow"},
                                         {"Action", Json::array({"logs:CreateLogGroup", "logs:PutRetentionPolicy"})},
                                         {"Resource", targets}}),
                                 Object({{"Effect", "Allow"},
                                         {"Action", Json::array({"logs:CreateLogStream", "logs:PutLogEvents"})},
                                         {"Resource", GetAtt(own_logs, "Arn")}})});
  t->AddResource(
      role, "AWS::IAM::Role",
      Object({{"AssumeRolePolicyDocument", ServiceTrustPolicy("lambda.amazonaws.com")},
              {"Policies", Json::array({Object(
                               {{"PolicyName", "logs"},
                                {"PolicyDocument", Object({{"Version", "2012-10-17"}, {"Statement", statements}})}})})},
              {"Tags", ctx.Tags()}}));

  // Src: SCHEMA:aws-lambda-function (Code.ZipFile: inline source, at most 4 KB, written to
  // index.py for Python runtimes; Architectures arm64; MemorySize
  // default 128 MB).
  t->AddResource(function, "AWS::Lambda::Function",
                 // The newest Python runtime. Src: DOC:lambda/latest/dg/lambda-runtimes.html (python3.14).
                 Object({{"Runtime", "python3.14"},
                         {"Architectures", Json::array({"arm64"})},
                         {"Handler", "index.handler"},
                         {"Code", Object({{"ZipFile", kHandler}})},
                         // Up to 8 tries a call with back-off (about 70 s) on two calls per group.
                         {"Timeout", 300},
                         {"Role", GetAtt(role, "Arn")},
                         {"LoggingConfig", Object({{"LogGroup", Ref(own_logs)}})},
                         {"Tags", ctx.Tags()}}));

  for (const auto& target : args.targets) {
    if (target.log_group_names.empty()) continue;
    Json names = Json::array();
    for (const auto& name : target.log_group_names) names.push_back(cfn::Sub(name));
    t->AddResource(
        ctx.Id(target.owner + "LogRetention"), "Custom::LogRetention",
        Object({{"ServiceToken", GetAtt(function, "Arn")},
                {"LogGroupNames", names},
                {"RetentionInDays", target.retention_days},
                // Src: DOC:AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html
                // (ServiceTimeout: 1-3600 s, default 3600); twice the function's timeout.
                {"ServiceTimeout", 600}}));
  }
}

}  // namespace bp
