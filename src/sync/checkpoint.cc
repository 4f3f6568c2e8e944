#include "sync/checkpoint.h"

#include <fmt/format.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "mysql/quote.h"

namespace dm::sync {
namespace {

// DM stores positions in INT UNSIGNED columns.
Status CheckFits(const binlog::Position& position, std::string_view what) {
  if (position.offset <= std::numeric_limits<uint32_t>::max()) return Status::OK();
  return Status::InvalidArgument(std::string(what) + " " + position.ToString() +
                                 " does not fit DM's INT UNSIGNED binlog_pos column");
}

std::string Text(const mysql::Value& v) { return v.value_or(""); }

// The progress table's row that holds the DDL marker instead of a worker.
constexpr uint32_t kDdlMarkerWorker = 4294967295u;

}  // namespace

std::string EncodeTableInfo(const TableInfo& info) {
  nlohmann::json json{{"create_table", info.create_table}};
  if (!info.schema_collation.empty()) json["schema_collation"] = info.schema_collation;
  return json.dump();
}

std::optional<TableInfo> DecodeTableInfo(std::string_view table_info) {
  auto json = nlohmann::json::parse(table_info, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  auto text = [&json](const char* key) {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  TableInfo info{text("create_table"), text("schema_collation")};
  if (info.create_table.empty()) return std::nullopt;
  return info;
}

std::strong_ordering CompareRowPoints(const RowPoint& a, const RowPoint& b) {
  if (auto c = binlog::ComparePositions(a.position, b.position); c != 0) return c;
  return a.row <=> b.row;
}

SyncerCheckpoint::SyncerCheckpoint(std::string meta_schema, std::string task, std::string source_id)
    : meta_schema_(std::move(meta_schema)),
      source_id_(std::move(source_id)),
      table_name_(task + "_syncer_checkpoint"),
      table_(mysql::QualifiedName(meta_schema_, table_name_)),
      progress_table_(mysql::QualifiedName(meta_schema_, task + "_syncer_worker_progress")) {}

std::string SyncerCheckpoint::Quote(mysql::Connection& conn, std::string_view s) const {
  return mysql::QuoteString(s, conn.escaping());
}

Status SyncerCheckpoint::Prepare(mysql::Connection& conn) const {
  DM_RETURN_IF_ERROR(conn.Execute("CREATE DATABASE IF NOT EXISTS " + mysql::QuoteIdentifier(meta_schema_)));
  // DM's DDL (dm/syncer/checkpoint.go).
  DM_RETURN_IF_ERROR(
      conn.Execute("CREATE TABLE IF NOT EXISTS " + table_ +
                   " (\n"
                   "  id VARCHAR(32) NOT NULL,\n"
                   "  cp_schema VARCHAR(128) NOT NULL,\n"
                   "  cp_table VARCHAR(128) NOT NULL,\n"
                   "  binlog_name VARCHAR(128),\n"
                   "  binlog_pos INT UNSIGNED,\n"
                   "  binlog_gtid TEXT,\n"
                   "  exit_safe_binlog_name VARCHAR(128) DEFAULT '',\n"
                   "  exit_safe_binlog_pos INT UNSIGNED DEFAULT 0,\n"
                   "  exit_safe_binlog_gtid TEXT,\n"
                   "  table_info JSON NOT NULL,\n"
                   "  is_global BOOLEAN,\n"
                   "  create_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
                   "  update_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
                   "  UNIQUE KEY uk_id_schema_table (id, cp_schema, cp_table)\n"
                   ")"));
  // A table made by DM v1.0 lacks the columns v2 added; add them as DM's
  // upgrade does, so a task moved from v1.0 keeps its position.
  DM_ASSIGN_OR_RETURN(auto rows,
                      conn.QueryRows("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                                     Quote(conn, meta_schema_) + " AND TABLE_NAME = " + Quote(conn, table_name_)));
  std::set<std::string> have;
  for (const auto& r : rows) have.insert(Text(r[0]));
  static constexpr std::pair<std::string_view, std::string_view> kV2Columns[] = {
      {"binlog_gtid", "binlog_gtid TEXT"},
      {"exit_safe_binlog_name", "exit_safe_binlog_name VARCHAR(128) DEFAULT ''"},
      {"exit_safe_binlog_pos", "exit_safe_binlog_pos INT UNSIGNED DEFAULT 0"},
      {"exit_safe_binlog_gtid", "exit_safe_binlog_gtid TEXT"},
      {"table_info", "table_info JSON NOT NULL"},
  };
  std::string add;
  for (const auto& [name, definition] : kV2Columns) {
    if (have.count(std::string(name)) == 0)
      add += (add.empty() ? " ADD COLUMN " : ", ADD COLUMN ") + std::string(definition);
  }
  if (!add.empty()) DM_RETURN_IF_ERROR(conn.Execute("ALTER TABLE " + table_ + add));
  return conn.Execute("CREATE TABLE IF NOT EXISTS " + progress_table_ +
                      " (\n"
                      "  id VARCHAR(32) NOT NULL,\n"
                      "  worker INT UNSIGNED NOT NULL,\n"
                      "  worker_count INT UNSIGNED NOT NULL,\n"
                      "  binlog_name VARCHAR(128) NOT NULL,\n"
                      "  binlog_pos BIGINT UNSIGNED NOT NULL,\n"
                      "  row_index INT UNSIGNED NOT NULL,\n"
                      "  ddl_target_before LONGTEXT,\n"
                      "  update_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
                      "  PRIMARY KEY (id, worker)\n"
                      ")");
}

Result<std::optional<GlobalCheckpoint>> SyncerCheckpoint::LoadGlobal(mysql::Connection& conn) const {
  DM_ASSIGN_OR_RETURN(auto rows,
                      conn.QueryRows("SELECT binlog_name, binlog_pos, binlog_gtid, exit_safe_binlog_name, "
                                     "exit_safe_binlog_pos, exit_safe_binlog_gtid FROM " +
                                     table_ + " WHERE id = " + Quote(conn, source_id_) + " AND is_global = 1"));
  if (rows.empty()) return std::optional<GlobalCheckpoint>();
  const mysql::Row& r = rows[0];
  GlobalCheckpoint global;
  global.location.position.file = Text(r[0]);
  DM_ASSIGN_OR_RETURN(global.location.position.offset, mysql::ParseUnsigned(r[1], table_ + " binlog_pos"));
  global.location.gtid_set = Text(r[2]);
  if (!Text(r[3]).empty()) {
    binlog::Location exit_safe;
    exit_safe.position.file = Text(r[3]);
    DM_ASSIGN_OR_RETURN(exit_safe.position.offset, mysql::ParseUnsigned(r[4], table_ + " exit_safe_binlog_pos"));
    exit_safe.gtid_set = Text(r[5]);
    global.exit_safe = std::move(exit_safe);
  }
  return std::optional<GlobalCheckpoint>(std::move(global));
}

Result<std::vector<TableCheckpoint>> SyncerCheckpoint::QueryTables(mysql::Connection& conn,
                                                                   const std::string& where) const {
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SELECT cp_schema, cp_table, binlog_name, binlog_pos, binlog_gtid, "
                                                "table_info FROM " +
                                                table_ + " WHERE id = " + Quote(conn, source_id_) +
                                                " AND is_global = 0 AND " + where + " ORDER BY cp_schema, cp_table"));
  std::vector<TableCheckpoint> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    TableCheckpoint t;
    t.table = {Text(r[0]), Text(r[1])};
    t.location.position.file = Text(r[2]);
    DM_ASSIGN_OR_RETURN(t.location.position.offset, mysql::ParseUnsigned(r[3], table_ + " binlog_pos"));
    t.location.gtid_set = Text(r[4]);
    t.table_info = r[5].value_or("{}");
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<TableCheckpoint>> SyncerCheckpoint::LoadTables(mysql::Connection& conn) const {
  return QueryTables(conn, "TRUE");
}

Result<std::optional<TableCheckpoint>> SyncerCheckpoint::LoadTable(mysql::Connection& conn,
                                                                   const filter::TableName& table) const {
  DM_ASSIGN_OR_RETURN(std::vector<TableCheckpoint> rows,
                      QueryTables(conn, "cp_schema = " + Quote(conn, table.schema) +
                                            " AND cp_table = " + Quote(conn, table.table)));
  if (rows.empty()) return std::optional<TableCheckpoint>();
  return std::optional<TableCheckpoint>(std::move(rows.front()));
}

Status SyncerCheckpoint::SaveTableInfo(mysql::Connection& conn, const filter::TableName& table,
                                       const std::string& table_info) const {
  DM_ASSIGN_OR_RETURN(std::optional<GlobalCheckpoint> global, LoadGlobal(conn));
  if (!global) {
    return Status::FailedPrecondition(fmt::format("{} has no global row for source {}: its sync unit has not started",
                                                  table_, source_id_));
  }
  const binlog::Location& at = global->location;
  return conn.Execute("INSERT INTO " + table_ +
                      " (id, cp_schema, cp_table, binlog_name, binlog_pos, binlog_gtid, table_info, is_global) "
                      "VALUES (" +
                      Quote(conn, source_id_) + "," + Quote(conn, table.schema) + "," + Quote(conn, table.table) + "," +
                      Quote(conn, at.position.file) + "," + std::to_string(at.position.offset) + "," +
                      Quote(conn, at.gtid_set) + "," + Quote(conn, table_info) +
                      ",0) ON DUPLICATE KEY UPDATE table_info = VALUES(table_info)");
}

Result<std::vector<WorkerProgress>> SyncerCheckpoint::LoadWorkerProgress(mysql::Connection& conn) const {
  DM_ASSIGN_OR_RETURN(auto rows,
                      conn.QueryRows("SELECT worker, worker_count, binlog_name, binlog_pos, row_index FROM " +
                                     progress_table_ + " WHERE id = " + Quote(conn, source_id_) + " AND worker <> " +
                                     std::to_string(kDdlMarkerWorker) + " ORDER BY worker"));
  std::vector<WorkerProgress> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    WorkerProgress p;
    DM_ASSIGN_OR_RETURN(uint64_t worker, mysql::ParseUnsigned(r[0], progress_table_ + " worker"));
    DM_ASSIGN_OR_RETURN(uint64_t count, mysql::ParseUnsigned(r[1], progress_table_ + " worker_count"));
    p.worker = static_cast<uint32_t>(worker);
    p.worker_count = static_cast<uint32_t>(count);
    p.applied.position.file = Text(r[2]);
    DM_ASSIGN_OR_RETURN(p.applied.position.offset, mysql::ParseUnsigned(r[3], progress_table_ + " binlog_pos"));
    DM_ASSIGN_OR_RETURN(uint64_t row, mysql::ParseUnsigned(r[4], progress_table_ + " row_index"));
    p.applied.row = static_cast<uint32_t>(row);
    if (p.worker >= p.worker_count) {
      return Status::Corruption(progress_table_ + ": worker " + std::to_string(p.worker) + " of " +
                                std::to_string(p.worker_count));
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::string> SyncerCheckpoint::UpsertSql(mysql::Connection& conn, const GlobalCheckpoint& global,
                                                const std::vector<TableCheckpoint>& tables) const {
  DM_RETURN_IF_ERROR(CheckFits(global.location.position, "global checkpoint"));
  if (global.exit_safe) DM_RETURN_IF_ERROR(CheckFits(global.exit_safe->position, "safe-mode exit point"));
  for (const TableCheckpoint& t : tables) {
    DM_RETURN_IF_ERROR(
        CheckFits(t.location.position, "checkpoint of `" + t.table.schema + "`.`" + t.table.table + "`"));
  }
  const std::string id = Quote(conn, source_id_);
  auto row = [&](std::string_view schema, std::string_view table, const binlog::Location& at,
                 const binlog::Location* exit_safe, std::string_view table_info, bool is_global) {
    return "(" + id + "," + Quote(conn, schema) + "," + Quote(conn, table) + "," + Quote(conn, at.position.file) + "," +
           std::to_string(at.position.offset) + "," + Quote(conn, at.gtid_set) + "," +
           Quote(conn, exit_safe ? exit_safe->position.file : "") + "," +
           std::to_string(exit_safe ? exit_safe->position.offset : 0) + "," +
           Quote(conn, exit_safe ? exit_safe->gtid_set : "") + "," + Quote(conn, table_info) + "," +
           (is_global ? "1" : "0") + ")";
  };
  std::string sql = "INSERT INTO " + table_ +
                    " (id, cp_schema, cp_table, binlog_name, binlog_pos, binlog_gtid, exit_safe_binlog_name, "
                    "exit_safe_binlog_pos, exit_safe_binlog_gtid, table_info, is_global) VALUES " +
                    row("", "", global.location, global.exit_safe ? &*global.exit_safe : nullptr, "{}", true);
  for (const TableCheckpoint& t : tables) {
    sql += "," + row(t.table.schema, t.table.table, t.location, nullptr, t.table_info, false);
  }
  sql +=
      " ON DUPLICATE KEY UPDATE binlog_name = VALUES(binlog_name), binlog_pos = VALUES(binlog_pos), "
      "binlog_gtid = VALUES(binlog_gtid), exit_safe_binlog_name = VALUES(exit_safe_binlog_name), "
      "exit_safe_binlog_pos = VALUES(exit_safe_binlog_pos), exit_safe_binlog_gtid = VALUES(exit_safe_binlog_gtid), "
      "table_info = VALUES(table_info)";
  return sql;
}

Status SyncerCheckpoint::InTransaction(mysql::Connection& conn, const std::vector<std::string>& statements) {
  DM_RETURN_IF_ERROR(conn.Begin());
  Status s;
  for (const std::string& sql : statements) {
    s = conn.Execute(sql);
    if (!s.ok()) break;
  }
  if (s.ok()) s = conn.Commit();
  if (!s.ok() && !conn.broken()) (void)conn.Rollback();
  return s;
}

Status SyncerCheckpoint::Flush(mysql::Connection& conn, const GlobalCheckpoint& global,
                               const std::vector<TableCheckpoint>& tables, bool clear_worker_progress,
                               bool keep_ddl_marker) const {
  DM_ASSIGN_OR_RETURN(std::string upsert, UpsertSql(conn, global, tables));
  std::vector<std::string> statements = {std::move(upsert)};
  if (clear_worker_progress) {
    statements.push_back("DELETE FROM " + progress_table_ + " WHERE id = " + Quote(conn, source_id_) +
                         (keep_ddl_marker ? " AND worker <> " + std::to_string(kDdlMarkerWorker) : std::string()));
  }
  return InTransaction(conn, statements);
}

Status SyncerCheckpoint::ClearExitPoint(mysql::Connection& conn) const {
  return conn.Execute("UPDATE " + table_ +
                      " SET exit_safe_binlog_name = '', exit_safe_binlog_pos = 0, exit_safe_binlog_gtid = '' "
                      "WHERE id = " + Quote(conn, source_id_) + " AND is_global = 1");
}

std::string SyncerCheckpoint::WorkerProgressSql(const WorkerProgress& progress, mysql::StringEscaping escaping) const {
  return "INSERT INTO " + progress_table_ + " (id, worker, worker_count, binlog_name, binlog_pos, row_index) VALUES (" +
         mysql::QuoteString(source_id_, escaping) + "," + std::to_string(progress.worker) + "," +
         std::to_string(progress.worker_count) + "," + mysql::QuoteString(progress.applied.position.file, escaping) +
         "," + std::to_string(progress.applied.position.offset) + "," + std::to_string(progress.applied.row) +
         ") ON DUPLICATE KEY UPDATE worker_count = VALUES(worker_count), binlog_name = VALUES(binlog_name), "
         "binlog_pos = VALUES(binlog_pos), row_index = VALUES(row_index)";
}

Status SyncerCheckpoint::SaveDdlMarker(mysql::Connection& conn, const DdlMarker& marker) const {
  return conn.Execute("REPLACE INTO " + progress_table_ +
                      " (id, worker, worker_count, binlog_name, binlog_pos, row_index, ddl_target_before) VALUES (" +
                      Quote(conn, source_id_) + "," + std::to_string(kDdlMarkerWorker) + ",0," +
                      Quote(conn, marker.position.file) + "," + std::to_string(marker.position.offset) + "," +
                      std::to_string(marker.part) + "," +
                      Quote(conn, marker.target_before) + ")");
}

Result<std::optional<DdlMarker>> SyncerCheckpoint::LoadDdlMarker(mysql::Connection& conn) const {
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SELECT binlog_name, binlog_pos, ddl_target_before, row_index FROM " +
                                                progress_table_ + " WHERE id = " + Quote(conn, source_id_) +
                                                " AND worker = " + std::to_string(kDdlMarkerWorker)));
  if (rows.empty()) return std::optional<DdlMarker>();
  DdlMarker marker;
  marker.position.file = Text(rows[0][0]);
  DM_ASSIGN_OR_RETURN(marker.position.offset, mysql::ParseUnsigned(rows[0][1], progress_table_ + " binlog_pos"));
  marker.target_before = Text(rows[0][2]);
  DM_ASSIGN_OR_RETURN(uint64_t part, mysql::ParseUnsigned(rows[0][3], progress_table_ + " row_index"));
  marker.part = static_cast<uint32_t>(part);
  return std::optional<DdlMarker>(std::move(marker));
}

Status SyncerCheckpoint::RemoveTables(mysql::Connection& conn, const std::vector<filter::TableName>& tables) const {
  if (tables.empty()) return Status::OK();
  std::string which;
  for (const filter::TableName& t : tables) {
    which += (which.empty() ? "(" : ",(") + Quote(conn, t.schema) + "," + Quote(conn, t.table) + ")";
  }
  return conn.Execute("DELETE FROM " + table_ + " WHERE id = " + Quote(conn, source_id_) +
                      " AND is_global = 0 AND (cp_schema, cp_table) IN (" + which + ")");
}

Status SyncerCheckpoint::Remove(mysql::Connection& conn) const {
  const std::string id = Quote(conn, source_id_);
  return InTransaction(conn, {"DELETE FROM " + table_ + " WHERE id = " + id,
                              "DELETE FROM " + progress_table_ + " WHERE id = " + id});
}

Status SyncerCheckpoint::Restart(mysql::Connection& conn, const GlobalCheckpoint& global) const {
  DM_ASSIGN_OR_RETURN(std::string upsert, UpsertSql(conn, global, {}));
  const std::string id = Quote(conn, source_id_);
  return InTransaction(conn, {"DELETE FROM " + table_ + " WHERE id = " + id,
                              "DELETE FROM " + progress_table_ + " WHERE id = " + id, std::move(upsert)});
}

}  // namespace dm::sync
