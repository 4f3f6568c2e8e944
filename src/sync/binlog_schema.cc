#include "sync/binlog_schema.h"

#include <fmt/format.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <memory>
#include <optional>

#include "common/log.h"
#include "common/strings.h"
#include "mysql/quote.h"
#include "sync/checkpoint.h"
#include "sync/schema_tracker.h"
#include "sync/tidb_table_info.h"

namespace dm::sync {
namespace {

std::string Describe(const BinlogSchemaScope& scope, const filter::TableName& table) {
  return fmt::format("{} (task {}, source {})", mysql::QualifiedName(table.schema, table.table), scope.task,
                     scope.source_id);
}

Status NoDefinition(const BinlogSchemaScope& scope, const SyncerCheckpoint& checkpoint,
                    const filter::TableName& table) {
  return Status::NotFound(fmt::format(
      "Table '{}.{}' doesn't exist in the schema tracker of task {}, source {}: {} holds no definition of it (when "
      "the subtask resumes, the syncer reads it from the target, else from the upstream)",
      table.schema, table.table, scope.task, scope.source_id, checkpoint.table()));
}

// The definition the checkpoint row of `table` holds, as the syncer would
// seed it (dm's form, or DM's TiDB TableInfo converted); nullopt without a
// row. FailedPrecondition when the row is neither.
Result<std::optional<TableInfo>> SavedDefinition(mysql::Connection& conn, const SyncerCheckpoint& checkpoint,
                                                 const BinlogSchemaScope& scope, const filter::TableName& table) {
  DM_ASSIGN_OR_RETURN(std::optional<TableCheckpoint> row, checkpoint.LoadTable(conn, table));
  if (!row) return std::optional<TableInfo>();
  if (std::optional<TableInfo> info = DecodeTableInfo(row->table_info)) return info;
  // DM's row (a task moved from DM): the definition the syncer would seed.
  auto json = nlohmann::json::parse(row->table_info, nullptr, /*allow_exceptions=*/false);
  if (!json.is_discarded() && IsTiDbTableInfo(json)) {
    auto converted = TiDbTableInfoToCreateTable(row->table_info);
    if (!converted.ok()) {
      return converted.status().WithContext(
          fmt::format("{}: DM's table_info in {}", Describe(scope, table), checkpoint.table()));
    }
    return std::optional<TableInfo>(TableInfo{std::move(*converted), ""});
  }
  return Status::FailedPrecondition(fmt::format(
      "{}: the table_info in {} is neither dm's {{\"create_table\": ...}} nor DM's TiDB TableInfo; replace it with "
      "binlog-schema update",
      Describe(scope, table), checkpoint.table()));
}

// The target table that `table` replicates into, named as the syncer names
// it (routes, then lower case unless case-sensitive).
Result<filter::TableName> TargetTable(const BinlogSchemaScope& scope, const filter::TableName& table) {
  DM_ASSIGN_OR_RETURN(filter::TableRouter router, filter::TableRouter::Create(scope.routes, scope.case_sensitive));
  DM_ASSIGN_OR_RETURN(filter::TableName target, router.Route(table.schema, table.table));
  if (!scope.case_sensitive) {
    target.schema = AsciiLower(target.schema);
    target.table = AsciiLower(target.table);
  }
  return target;
}

// Creates the definition that `seed` gives on scratch databases of the
// target, as the syncer's schema tracker seeds a table, and returns what
// the server made of it. The scratch databases are dropped again; their
// prefix is not the syncer tracker's, so a syncer is never disturbed.
Result<TableInfo> TryOnScratch(const BinlogSchemaScope& scope, const filter::TableName& table,
                               const std::function<Status(SchemaTracker&)>& seed) {
  SchemaTracker::Options options;
  options.server = scope.target;
  options.scratch_prefix =
      fmt::format("_dm_schema_op_{:08x}", Fnv1a64(scope.task + '\0' + scope.source_id) & 0xffffffffu);
  DM_ASSIGN_OR_RETURN(std::unique_ptr<SchemaTracker> tracker, SchemaTracker::Open(options));
  DM_RETURN_IF_ERROR(tracker->Reset());
  Status seeded = seed(*tracker);
  TableInfo info;
  if (seeded.ok()) {
    const TrackedTable* tracked = tracker->Find(table);
    if (tracked != nullptr) {
      info = {tracked->create_sql, tracker->SchemaCollation(table.schema)};
    } else {
      seeded = Status::Internal("the schema tracker does not track the table it was seeded with");
    }
  }
  if (Status dropped = tracker->Reset(); !dropped.ok()) {
    log::Warn("binlog-schema: the scratch databases were not dropped; the next operation drops them",
              {{"task", scope.task}, {"source", scope.source_id}, {"error", dropped}});
  }
  DM_RETURN_IF_ERROR(seeded);
  return info;
}

}  // namespace

Result<std::string> ListBinlogSchema(const BinlogSchemaScope& scope, const filter::TableName& table) {
  SyncerCheckpoint checkpoint(scope.meta_schema, scope.task, scope.source_id);
  DM_ASSIGN_OR_RETURN(mysql::Connection conn, mysql::Connection::Connect(scope.target));
  DM_RETURN_IF_ERROR(checkpoint.Prepare(conn));
  DM_ASSIGN_OR_RETURN(std::optional<TableInfo> info, SavedDefinition(conn, checkpoint, scope, table));
  if (!info) return NoDefinition(scope, checkpoint, table);
  return info->create_table;
}

Result<std::string> UpdateBinlogSchema(const BinlogSchemaScope& scope, const filter::TableName& table,
                                       SchemaOrigin origin, std::string_view text) {
  SyncerCheckpoint checkpoint(scope.meta_schema, scope.task, scope.source_id);
  const std::string context = "binlog-schema update of " + Describe(scope, table);
  DM_ASSIGN_OR_RETURN(mysql::Connection conn, mysql::Connection::Connect(scope.target));
  DM_RETURN_IF_ERROR(checkpoint.Prepare(conn));
  auto saved = SavedDefinition(conn, checkpoint, scope, table);
  // A row that cannot be read is what update exists to replace: the
  // schema's collation is then unknown, so the server's default applies.
  const std::string collation = saved.ok() && *saved ? (*saved)->schema_collation : std::string();
  std::function<Status(SchemaTracker&)> seed;
  std::optional<mysql::Connection> upstream;
  std::string definition;
  switch (origin) {
    case SchemaOrigin::kText:
      seed = [&](SchemaTracker& tracker) { return tracker.SeedTable(table, text, collation); };
      break;
    case SchemaOrigin::kSource: {
      auto connected = mysql::Connection::Connect(scope.upstream);
      if (!connected.ok()) return connected.status().WithContext(context + ": the upstream");
      upstream.emplace(std::move(*connected));
      seed = [&](SchemaTracker& tracker) { return tracker.SeedFromUpstream(*upstream, table); };
      break;
    }
    case SchemaOrigin::kTarget: {
      auto target = TargetTable(scope, table);
      if (!target.ok()) return target.status().WithContext(context);
      auto on_target = ReadTableDefinition(conn, target->schema, target->table, table);
      if (!on_target.ok()) {
        return on_target.status().WithContext(
            fmt::format("{}: the target table {}", context, mysql::QualifiedName(target->schema, target->table)));
      }
      definition = on_target->create_sql;
      seed = [&](SchemaTracker& tracker) { return tracker.SeedTable(table, definition, collation); };
      break;
    }
  }
  auto info = TryOnScratch(scope, table, seed);
  if (!info.ok()) return info.status().WithContext(context);
  DM_RETURN_IF_ERROR(checkpoint.SaveTableInfo(conn, table, EncodeTableInfo(*info)).WithContext(context));
  log::Info("binlog-schema update: the tracked definition is replaced; the syncer seeds it when the subtask resumes",
            {{"task", scope.task}, {"source", scope.source_id}, {"table", mysql::QualifiedName(table.schema, table.table)}});
  return info->create_table;
}

Status DeleteBinlogSchema(const BinlogSchemaScope& scope, const filter::TableName& table) {
  SyncerCheckpoint checkpoint(scope.meta_schema, scope.task, scope.source_id);
  DM_ASSIGN_OR_RETURN(mysql::Connection conn, mysql::Connection::Connect(scope.target));
  DM_RETURN_IF_ERROR(checkpoint.Prepare(conn));
  DM_ASSIGN_OR_RETURN(std::optional<TableCheckpoint> row, checkpoint.LoadTable(conn, table));
  if (!row) return NoDefinition(scope, checkpoint, table);
  DM_RETURN_IF_ERROR(checkpoint.RemoveTables(conn, {table}));
  log::Info("binlog-schema delete: the tracked definition is removed; the syncer reads the table afresh when the "
            "subtask resumes",
            {{"task", scope.task}, {"source", scope.source_id}, {"table", mysql::QualifiedName(table.schema, table.table)}});
  return Status::OK();
}

}  // namespace dm::sync
