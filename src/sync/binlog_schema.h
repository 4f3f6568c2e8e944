// DM's `binlog-schema list|update|delete` (v6; `operate-schema get|set|remove`
// before): read, replace or forget the definition the syncer tracks for one
// upstream table of one subtask, so that a subtask paused by a rows event
// that does not match the tracked schema (BinlogSchemaMismatch) resumes.
//
// dm keeps no syncer in memory while a subtask is paused: every start seeds
// the schema tracker from the checkpoint's per-table rows first
// (checkpoint.h TableInfo), so these operations work on that row and resume
// picks the result up. As DM, the caller must make sure the subtask is
// paused (the worker checks its stage); nothing here runs against a live
// syncer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/task_config.h"
#include "filter/table_router.h"
#include "mysql/connection.h"

namespace dm::sync {

// The subtask whose tracked definitions are operated on, and the servers
// they are read from.
struct BinlogSchemaScope {
  std::string task;
  std::string source_id;
  std::string meta_schema;
  mysql::ConnectionOptions upstream;
  mysql::ConnectionOptions target;
  std::vector<config::RouteRule> routes;  // the instance's, for --from-target
  bool case_sensitive = false;
};

// Where `update` takes the new definition from.
enum class SchemaOrigin {
  kText,    // a CREATE TABLE statement (dmctl's schema-file)
  kSource,  // SHOW CREATE TABLE on the upstream (--from-source)
  kTarget,  // the routed table's definition on the target (--from-target)
};

// The CREATE TABLE tracked for upstream `table`, as the checkpoint row holds
// it. NotFound ("Table 'db.tbl' doesn't exist", DM's words) when the
// checkpoint has no definition of it: at resume the syncer reads it from the
// target, else the upstream. A row in DM's TiDB TableInfo form (a task
// moved from DM) shows as the CREATE TABLE the syncer would seed from it.
Result<std::string> ListBinlogSchema(const BinlogSchemaScope& scope, const filter::TableName& table);

// Replaces the tracked definition of upstream `table` with the one `origin`
// gives (`text` for kText, else ignored) and returns the CREATE TABLE
// stored. The definition is first created on scratch databases of the
// target the way the schema tracker seeds it (SchemaTracker::SeedTable), so
// a statement the tracker would refuse is refused here, naming the task,
// source and table, and the checkpoint is left untouched; what the server
// made of it (SHOW CREATE TABLE) is what is stored. The schema's collation
// comes from the upstream with kSource, else it is the row's current one.
Result<std::string> UpdateBinlogSchema(const BinlogSchemaScope& scope, const filter::TableName& table,
                                       SchemaOrigin origin, std::string_view text);

// Forgets the tracked definition of upstream `table` (its checkpoint row):
// at resume the syncer reads the table from the target, else the upstream.
// NotFound (as ListBinlogSchema) when there is none.
Status DeleteBinlogSchema(const BinlogSchemaScope& scope, const filter::TableName& table);

}  // namespace dm::sync
