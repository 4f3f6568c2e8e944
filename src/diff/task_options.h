// dm-diff's DM-task mode: the comparison a DM task promises, built from its
// task.yaml and the source.yaml of every source it names.
#pragma once

#include <vector>

#include "common/status.h"
#include "config/common_config.h"
#include "config/source_config.h"
#include "config/task_config.h"
#include "diff/diff.h"
#include "mysql/connection.h"

namespace dm::diff {

// Connection options for a DM endpoint (a source's `from`, the task's
// `target-database`): host, port (3306 when 0), user, password (already
// decrypted by the config loader), `session` variables, and TLS files
// (ssl-ca/cert/key, cert-allowed-cn). InvalidArgument when the security
// section carries inline certificates (ssl-*-bytes/base64), which dm-diff
// does not read.
Result<mysql::ConnectionOptions> ConnectionFromConfig(const config::DBConfig& db);

// One SourceOptions per task mysql-instance, in task order: the upstream is
// the `from` of the source config with the instance's source-id, its tables
// are picked by the instance's block-allow-list and named by its
// route-rules, both built with the task's case-sensitive (as DM); the
// target is the task's target-database. `tables`, `schemas`, `compare` and
// `threads` are left at their defaults (every routed table).
// InvalidArgument naming the source-id when an instance has no source
// config, a source config belongs to no instance, or a rule does not build.
Result<DiffOptions> OptionsFromTask(const config::TaskConfig& task, const std::vector<config::SourceConfig>& sources);

}  // namespace dm::diff
