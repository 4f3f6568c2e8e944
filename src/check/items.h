// The precheck's items (internal to dm_check): what RunPrecheck gathers once
// per source, and one function per item that turns it into results.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "check/report.h"
#include "config/source_config.h"
#include "config/task_config.h"
#include "filter/table_router.h"
#include "mysql/connection.h"

namespace dm::check {

// The shape of one upstream table, as far as the items compare it.
struct TableShape {
  std::vector<std::pair<std::string, std::string>> columns;  // lower-cased name, COLUMN_TYPE, in order
  std::set<std::string> keys;       // "PRIMARY(a,b)", "UNIQUE(c)": primary and unique keys
  bool auto_increment = false;
  std::vector<std::string> foreign_keys;  // constraint names
  std::set<std::string> charsets;   // of the table and its columns
};

// One migrated upstream table and where the routes send it.
struct RoutedTable {
  filter::TableName source;
  filter::TableName target;
  TableShape shape;
};

// What RunPrecheck knows about one mysql-instances entry.
struct SourceContext {
  const config::MySQLInstance* instance = nullptr;
  const config::SourceConfig* source = nullptr;
  mysql::Connection* conn = nullptr;  // owned by RunPrecheck
  std::string extra;                  // DM's "address of db instance - host:port"
  std::vector<RoutedTable> tables;    // migrated tables (block-allow list applied), sorted
  std::vector<std::string> route_errors;  // tables two rules route differently
};

struct TargetContext {
  mysql::Connection* conn = nullptr;
  std::string extra;
  std::set<std::string> charsets;  // the target's CHARACTER_SETS, lower case
  bool fresh = true;               // no loader/syncer checkpoint table of the task yet
};

// DM's version item for a server version string: nullopt when supported,
// else the warning (MariaDB is experimental in DM; MySQL 5.6 <= v < 8.0).
std::optional<std::string> VersionWarning(std::string_view version);

// Upstream server items of one source.
CheckResult CheckVersion(const SourceContext& s);
CheckResult CheckServerId(const SourceContext& s);
CheckResult CheckBinlogEnable(const SourceContext& s);
CheckResult CheckBinlogFormat(const SourceContext& s);
CheckResult CheckBinlogRowImage(const SourceContext& s);
CheckResult CheckBinlogDb(const SourceContext& s, bool case_sensitive);
CheckResult CheckMetaPosition(const SourceContext& s);
// The dumper's connections (mydumper threads + 2) against the source's
// max_connections; the loaders' (pool-size + 1 per instance) against the
// target's.
CheckResult CheckDumperConnections(const SourceContext& s);
CheckResult CheckLoaderConnections(const TargetContext& t, const std::vector<SourceContext>& sources);

// Privilege items (SHOW GRANTS of the configured users).
CheckResult CheckDumpPrivilege(const SourceContext& s);
CheckResult CheckReplicationPrivilege(const SourceContext& s);
CheckResult CheckTargetPrivilege(const TargetContext& t, const config::TaskConfig& task,
                                 const std::vector<SourceContext>& sources);

// The table_schema errors of one table: no primary/unique key and foreign
// keys warn, a character set the target lacks fails.
std::vector<CheckError> TableSchemaErrors(const filter::TableName& table, const TableShape& shape,
                                          const std::set<std::string>& target_charsets);
// The first difference between two tables merged into one target (column
// count, a column's name or type, the primary/unique keys), in DM's words;
// the ids name them in self/other.
std::optional<CheckError> CompareShardShapes(const std::string& self_id, const TableShape& self,
                                             const std::string& other_id, const TableShape& other);

// Table items over all sources.
CheckResult CheckTableSchema(const TargetContext& t, const std::vector<SourceContext>& sources);
// One result per target table that several upstream tables merge into.
std::vector<CheckResult> CheckShardTables(const std::vector<SourceContext>& sources, bool check_auto_increment);
CheckResult CheckRoutes(const std::vector<SourceContext>& sources);

// Reads the migrated tables of `s` (block-allow list and routes of its
// instance) with their shapes into s->tables and s->route_errors.
Status LoadTables(const config::TaskConfig& task, SourceContext* s);

// Marks `result` failed by an error that stopped the check itself (a query
// failed), as DM's markCheckError.
void MarkCheckError(CheckResult* result, const Status& error);

}  // namespace dm::check
