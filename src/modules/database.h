// Database module: RDS for PostgreSQL 17 in the private subnets, reachable only from
// the app's security group (the App Runner VPC connector's), with a custom parameter
// group, storage autoscaling, encrypted gp3 storage and the master password managed
// by RDS in Secrets Manager (no password in config, template, output or log).
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
#include "modules/common.h"

namespace bp {

struct DatabaseArgs {
  cfn::Json vpc_id;
  std::vector<cfn::Json> private_subnet_ids;  // at least two AZs (RDS requires it)
  cfn::Json client_security_group_id;         // the only source admitted on the port

  std::string engine_version = "17";          // "17" or "17.x"
  std::string instance_class = "db.t4g.micro";
  int allocated_storage_gb = 20;              // gp3, 20 to 65,536 GiB
  int max_allocated_storage_gb = 50;          // storage autoscaling ceiling (> allocated)
  std::string db_name = "app";
  std::string username = "dbadmin";

  bool multi_az = false;                      // @default true in prod
  bool deletion_protection = false;           // @default true in prod
  int backup_retention_days = 1;              // 0 to 35; 0 turns automated backups off
  std::string backup_window = "02:00-02:30";  // UTC
  std::string maintenance_window = "sun:03:00-sun:03:30";
  bool performance_insights = false;          // 7 days (free tier)
  int monitoring_interval_seconds = 0;        // 0 = off; else 1, 5, 10, 15, 30 or 60

  int max_connections = 100;                  // static parameter: applies after a reboot
  std::string log_statement = "none";         // none | ddl | mod | all
  int log_min_duration_ms = 1000;             // -1 turns it off
};

struct DatabaseOutputs {
  std::string instance_id;  // logical ID of the DB instance
  cfn::Json endpoint_address;
  cfn::Json endpoint_port;
  cfn::Json security_group_id;
  cfn::Json master_secret_arn;  // the RDS-managed secret's ARN, never its value
  // What the app gets: plain variables (DB_HOST, DB_PORT, DB_NAME), runtime secrets
  // (DB_USERNAME, DB_PASSWORD as "<secretArn>:<key>::") and the instance-role
  // statement that lets it read exactly that secret.
  std::vector<std::pair<std::string, cfn::Json>> app_env;
  std::vector<std::pair<std::string, cfn::Json>> app_secrets;
  std::vector<cfn::Json> app_policy_statements;
};

inline constexpr int kPostgresPort = 5432;

DatabaseOutputs AddDatabase(const ModuleContext& ctx, const DatabaseArgs& args, cfn::Template* t);

// The PostgreSQL parameters the module sets, with whether each is static (applied
// only after a reboot). Used by the module and by docs/database.md's table.
struct DbParameter {
  std::string name;
  std::string value;
  bool is_static;
};
std::vector<DbParameter> DatabaseParameters(const DatabaseArgs& args);

// True for a parameter of that table that applies only after a reboot; the
// preview says so when one changes.
bool IsStaticDbParameter(const std::string& name);

}  // namespace bp
