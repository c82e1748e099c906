#include "modules/flow_logs.h"

namespace bp {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;

FlowLogsOutputs AddFlowLogs(const ModuleContext& ctx, const FlowLogsArgs& args, cfn::Template* t) {
  FlowLogsOutputs out;
  const std::string group = ctx.Id("FlowLogGroup"), role = ctx.Id("FlowLogRole");
  // No LogGroupName: CloudFormation generates one from the stack, so a group left from
  // an earlier stack of the same name can never make this deploy fail (the name is an
  // output). Src: SCHEMA:aws-logs-loggroup (LogGroupName optional, create-only).
  t->AddResource(group, "AWS::Logs::LogGroup",
                 Object({{"RetentionInDays", args.retention_days}, {"Tags", ctx.Tags()}}));
  out.log_group_name = Ref(group);

  // Trust: the flow logs service, for flow logs of this account and region only
  // (confused deputy). Src: DOC:vpc/latest/userguide/flow-logs-iam-role.html.
  Json trust = Object(
      {{"Version", "2012-10-17"},
       {"Statement",
        Json::array({Object(
            {{"Effect", "Allow"},
             {"Principal", Object({{"Service", "vpc-flow-logs.amazonaws.com"}})},
             {"Action", "sts:AssumeRole"},
             {"Condition",
              Object({{"StringEquals", Object({{"aws:SourceAccount", cfn::Sub("${AWS::AccountId}")}})},
                      {"ArnLike", Object({{"aws:SourceArn", cfn::Sub("arn:${AWS::Partition}:ec2:${AWS::Region}:"
                                                                     "${AWS::AccountId}:vpc-flow-log/*")}})}})}})})}});
  // Writing to this group only: the log group's Arn attribute ends in ":*", which covers
  // its streams. The page above lists CreateLogGroup and DescribeLogGroups on "*" too;
  // the group exists, and CDK's flow log role works without either
  // (CDK:aws-cdk-lib/aws-ec2/lib/vpc-flow-logs.ts CloudWatchLogsDestination).
  Json statement =
      Object({{"Sid", "WriteFlowLogGroup"},
              {"Effect", "Allow"},
              {"Action", Json::array({"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"})},
              {"Resource", GetAtt(group, "Arn")}});
  t->AddResource(
      role, "AWS::IAM::Role",
      Object({{"Description", "VPC flow logs of " + ctx.name_prefix + " write to their log group"},
              {"AssumeRolePolicyDocument", trust},
              {"Policies",
               Json::array({Object({{"PolicyName", "flow-logs"},
                                    {"PolicyDocument",
                                     Object({{"Version", "2012-10-17"}, {"Statement", Json::array({statement})}})}})})},
              {"Tags", ctx.Tags()}}));

  // Src: SCHEMA:aws-ec2-flowlog (every property but Tags is create-only). ALL: rejected
  // flows show blocked scans, accepted ones who the app talks to. The default record
  // format and the default 10-minute aggregation.
  t->AddResource(ctx.Id("FlowLog"), "AWS::EC2::FlowLog",
                 Object({{"ResourceType", "VPC"},
                         {"ResourceId", args.vpc_id},
                         {"TrafficType", "ALL"},
                         {"LogDestinationType", "cloud-watch-logs"},
                         // The group by name, as CDK does: its Arn attribute carries a ":*" suffix.
                         {"LogGroupName", Ref(group)},
                         {"DeliverLogsPermissionArn", GetAtt(role, "Arn")},
                         {"Tags", ctx.TagsWithName(ctx.name_prefix + "-flow-logs")}}));
  t->AddOutput(ctx.Id("FlowLogGroupName"), {out.log_group_name, "CloudWatch Logs group of the VPC flow logs", "", ""});
  return out;
}

}  // namespace bp
