// Database module: RDS for PostgreSQL 17 in the private subnets, reachable only from
// the app's security group (the App Runner VPC connector's), with a custom parameter
// group, storage autoscaling, encrypted gp3 storage and a master password that
// CloudFormation generates into a Secrets Manager secret, never rotated under running
// app instances (no password in config, template, output or log; docs/database.md).
//
// Every protection is an explicit switch (multi_az, deletion_protection, ...); the
// profile table decides which environment gets which. The final snapshot is taken by
// CloudFormation (DeletionPolicy/UpdateReplacePolicy Snapshot): docs/database.md says
// how it is named and found.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "cfn/template.h"
#include "config/stack_config.h"
#include "modules/common.h"
#include "modules/compute.h"

namespace bp {

// What the database is wired to; its sizing and protections are the DatabaseConfig
// (database.* in stack.yaml, defaults from the profile table).
struct DatabaseInputs {
  cfn::Json vpc_id;
  std::vector<cfn::Json> private_subnet_ids;  // at least two AZs (RDS requires it)
  cfn::Json client_security_group_id;         // the only source admitted on the port (the app's)
};

struct DatabaseOutputs {
  std::string instance_id;  // logical ID of the DB instance
  cfn::Json endpoint_address;
  cfn::Json endpoint_port;
  cfn::Json security_group_id;
  cfn::Json master_secret_arn;  // the credentials secret's ARN, never its value
  // The log groups RDS creates for the exported logs, as Fn::Sub templates of their
  // names ("/aws/rds/instance/${Db}/postgresql"): they expire only when told to.
  std::vector<std::string> log_groups;
  // What the app gets: plain variables (DB_HOST, DB_PORT, DB_NAME), runtime secrets
  // (DB_USERNAME, DB_PASSWORD as "<secretArn>:<key>::") and the role statement that
  // lets it read exactly that secret.
  RuntimeInputs runtime;
};

inline constexpr int kPostgresPort = 5432;

DatabaseOutputs AddDatabase(const ModuleContext& ctx, const DatabaseConfig& config, const DatabaseInputs& in,
                            cfn::Template* t);

// The PostgreSQL parameters the module sets, with whether each is static (applied
// only after a reboot). Used by the module and by docs/database.md's table.
struct DbParameter {
  std::string name;
  std::string value;
  bool is_static;
};
std::vector<DbParameter> DatabaseParameters(const DatabaseConfig& config);

// True for a parameter of that table that applies only after a reboot; the
// preview says so when one changes.
bool IsStaticDbParameter(const std::string& name);

}  // namespace bp
