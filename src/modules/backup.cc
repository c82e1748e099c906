#include "modules/backup.h"

#include "naming/names.h"

namespace bp {

using cfn::GetAtt;
using cfn::Json;
using cfn::Ref;

BackupOutputs AddBackup(const ModuleContext& ctx, const BackupArgs& a, cfn::Template* t) {
  BackupOutputs out;
  std::string vault = ctx.Id("BackupVault"), plan = ctx.Id("BackupPlan"), role = ctx.Id("BackupRole");
  Json tag_map = Json::object();
  for (const auto& [k, v] : ctx.tags) tag_map[k] = v;

  // Src: reference/aws-facts.md 9 (SCHEMA:aws-backup-backupvault: name 2-50 [a-zA-Z0-9-_], required).
  // A vault is always encrypted; without EncryptionKeyArn with the AWS-managed aws/backup
  // key (RDS snapshots keep the instance's own encryption). A vault holding recovery
  // points cannot be deleted, and backups must outlive the stack: Retain.
  auto& v = t->AddResource(vault, "AWS::Backup::BackupVault",
                           Object({{"BackupVaultName", FitName(NameKind::kBackupVault, ctx.name_prefix + "-db")},
                                   {"BackupVaultTags", tag_map}}));
  v.deletion_policy = "Retain";
  v.update_replace_policy = "Retain";
  out.vault_arn = GetAtt(vault, "BackupVaultArn");

  // Src: reference/aws-facts.md 9 (DOC:aws-backup/latest/devguide/iam-service-roles.html).
  t->AddResource(
      role, "AWS::IAM::Role",
      Object({{"Description", "AWS Backup of the " + ctx.name_prefix + " database"},
              {"AssumeRolePolicyDocument", ServiceTrustPolicy("backup.amazonaws.com")},
              {"ManagedPolicyArns",
               Json::array(
                   {cfn::Sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"),
                    cfn::Sub(
                        "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores")})},
              {"Tags", ctx.Tags()}}));

  // Daily at 05:00 UTC, after the default RDS backup (02:00) and maintenance (sun 03:00)
  // windows. No cold storage: RDS backups do not support it. Src: reference/aws-facts.md 9
  // (SCHEMA:aws-backup-backupplan; StartWindowMinutes >= 60).
  Json rule = Object({{"RuleName", "daily"},
                      {"TargetBackupVault", Ref(vault)},
                      {"ScheduleExpression", "cron(0 5 ? * * *)"},
                      {"StartWindowMinutes", 60},
                      {"CompletionWindowMinutes", 180},
                      {"Lifecycle", Object({{"DeleteAfterDays", a.retention_days}})},
                      {"RecoveryPointTags", tag_map}});
  t->AddResource(plan, "AWS::Backup::BackupPlan",
                 Object({{"BackupPlan", Object({{"BackupPlanName", ctx.name_prefix + "-db"},
                                                {"BackupPlanRule", Json::array({rule})}})},
                         {"BackupPlanTags", tag_map}}));
  // A plan without a selection protects nothing. Src: reference/aws-facts.md 9
  // (DOC:aws-backup/latest/devguide/assigning-resources.html; the RDS ARN is DBInstanceArn).
  t->AddResource(ctx.Id("BackupSelection"), "AWS::Backup::BackupSelection",
                 Object({{"BackupPlanId", GetAtt(plan, "BackupPlanId")},
                         {"BackupSelection",
                          Object({{"SelectionName", FitName(NameKind::kBackupSelection, ctx.name_prefix + "-db")},
                                  {"IamRoleArn", GetAtt(role, "Arn")},
                                  {"Resources", Json::array({a.db_instance_arn})}})}}));
  t->AddOutput(ctx.Id("BackupVaultArn"), {out.vault_arn, "AWS Backup vault of the database (kept when the stack is deleted)", "", ""});
  return out;
}

}  // namespace bp
