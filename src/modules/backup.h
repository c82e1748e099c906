// Backup module: AWS Backup for the database: an encrypted vault kept when the stack
// goes, a daily plan whose lifecycle AWS accepts, a selection naming the DB instance,
// and the role AWS Backup uses, with AWS's managed backup and restore policies.
#pragma once
#include <string>

#include "cfn/template.h"
#include "modules/common.h"

namespace bp {

struct BackupArgs {
  cfn::Json db_instance_arn;
  int retention_days = 0;
};

struct BackupOutputs {
  cfn::Json vault_arn;
};

BackupOutputs AddBackup(const ModuleContext& ctx, const BackupArgs& args, cfn::Template* t);

}  // namespace bp
