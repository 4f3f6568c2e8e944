#include "load/checkpoint.h"

#include "mysql/quote.h"

namespace dm::load {
namespace {

// Creates the meta schema and `table` (qualified) with `columns` when missing.
Status CreateMetaTable(mysql::Connection& conn, const std::string& meta_schema, const std::string& table,
                       std::string_view columns) {
  DM_RETURN_IF_ERROR(conn.Execute("CREATE DATABASE IF NOT EXISTS " + mysql::QuoteIdentifier(meta_schema)));
  return conn.Execute("CREATE TABLE IF NOT EXISTS " + table + " (\n" + std::string(columns) + ")");
}

}  // namespace

LoaderCheckpoint::LoaderCheckpoint(std::string meta_schema, std::string task, std::string source_id)
    : meta_schema_(std::move(meta_schema)),
      source_id_(std::move(source_id)),
      table_(mysql::QualifiedName(meta_schema_, task + "_loader_checkpoint")) {}

Status LoaderCheckpoint::Prepare(mysql::Connection& conn) const {
  // DM's DDL (dm/loader/checkpoint.go), `offset` quoted since it is a keyword
  // in newer servers.
  return CreateMetaTable(conn, meta_schema_, table_,
                      "  id char(32) NOT NULL,\n"
                      "  filename varchar(255) NOT NULL,\n"
                      "  cp_schema varchar(128) NOT NULL,\n"
                      "  cp_table varchar(128) NOT NULL,\n"
                      "  `offset` bigint NOT NULL,\n"
                      "  end_pos bigint NOT NULL,\n"
                      "  create_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
                      "  update_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n"
                      "  UNIQUE KEY uk_id_f (id, filename)\n");
}

Result<std::map<std::string, CheckpointRow>> LoaderCheckpoint::LoadAll(mysql::Connection& conn) const {
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SELECT filename, cp_schema, cp_table, `offset`, end_pos FROM " +
                                                table_ + " WHERE id = " + mysql::QuoteString(source_id_, conn.escaping())));
  std::map<std::string, CheckpointRow> out;
  for (auto& row : rows) {
    CheckpointRow cp;
    cp.filename = row[0].value_or("");
    cp.cp_schema = row[1].value_or("");
    cp.cp_table = row[2].value_or("");
    DM_ASSIGN_OR_RETURN(cp.offset, mysql::ParseUnsigned(row[3], table_ + " offset"));
    DM_ASSIGN_OR_RETURN(cp.end_pos, mysql::ParseUnsigned(row[4], table_ + " end_pos"));
    out[cp.filename] = std::move(cp);
  }
  return out;
}

Status LoaderCheckpoint::InsertMissing(mysql::Connection& conn, const std::vector<CheckpointRow>& rows) const {
  constexpr size_t kBatch = 500;
  for (size_t i = 0; i < rows.size(); i += kBatch) {
    std::string sql = "INSERT IGNORE INTO " + table_ + " (id, filename, cp_schema, cp_table, `offset`, end_pos) VALUES ";
    for (size_t j = i; j < std::min(rows.size(), i + kBatch); ++j) {
      const CheckpointRow& r = rows[j];
      if (j > i) sql += ",";
      sql += "(" + mysql::QuoteString(source_id_, conn.escaping()) + "," + mysql::QuoteString(r.filename, conn.escaping()) + "," +
             mysql::QuoteString(r.cp_schema, conn.escaping()) + "," + mysql::QuoteString(r.cp_table, conn.escaping()) + "," +
             std::to_string(r.offset) + "," + std::to_string(r.end_pos) + ")";
    }
    DM_RETURN_IF_ERROR(conn.Execute(sql));
  }
  return Status::OK();
}

Result<uint64_t> LoaderCheckpoint::LockOffset(mysql::Connection& conn, const std::string& filename) const {
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SELECT `offset` FROM " + table_ + " WHERE id = " +
                                                mysql::QuoteString(source_id_, conn.escaping()) +
                                                " AND filename = " + mysql::QuoteString(filename, conn.escaping()) + " FOR UPDATE"));
  if (rows.empty()) return Status::NotFound(table_ + " has no row for " + filename);
  return mysql::ParseUnsigned(rows[0][0], table_ + " offset");
}

Status LoaderCheckpoint::SetOffset(mysql::Connection& conn, const std::string& filename, uint64_t offset) const {
  DM_RETURN_IF_ERROR(conn.Execute("UPDATE " + table_ + " SET `offset` = " + std::to_string(offset) +
                                  " WHERE id = " + mysql::QuoteString(source_id_, conn.escaping()) +
                                  " AND filename = " + mysql::QuoteString(filename, conn.escaping())));
  // affected_rows is 0 also when the offset did not change; only a missing
  // row is an error, and that is rare, so check it only then.
  if (conn.affected_rows() == 0) {
    DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SELECT 1 FROM " + table_ + " WHERE id = " +
                                                  mysql::QuoteString(source_id_, conn.escaping()) + " AND filename = " +
                                                  mysql::QuoteString(filename, conn.escaping())));
    if (rows.empty()) {
      return Status::FailedPrecondition(table_ + ": the row of " + filename + " was removed while loading")
          .WithErrorCode(ErrorCode::kLoadCheckPointNotMatch);
    }
  }
  return Status::OK();
}

Status LoaderCheckpoint::Remove(mysql::Connection& conn) const {
  return conn.Execute("DELETE FROM " + table_ + " WHERE id = " + mysql::QuoteString(source_id_, conn.escaping()));
}

EarlyLoadRecord::EarlyLoadRecord(std::string meta_schema, std::string task, std::string source_id)
    : meta_schema_(std::move(meta_schema)),
      source_id_(std::move(source_id)),
      table_(mysql::QualifiedName(meta_schema_, task + "_early_load")) {}

Status EarlyLoadRecord::Prepare(mysql::Connection& conn) const {
  return CreateMetaTable(conn, meta_schema_, table_,
                      "  id char(32) NOT NULL,\n"
                      "  cp_schema varchar(128) NOT NULL,\n"
                      "  cp_table varchar(128) NOT NULL,\n"
                      "  create_time timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
                      "  PRIMARY KEY (id, cp_schema, cp_table)\n");
}

Result<EarlyLoadRecord::State> EarlyLoadRecord::Load(mysql::Connection& conn) const {
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SELECT cp_schema, cp_table FROM " + table_ + " WHERE id = " +
                                                mysql::QuoteString(source_id_, conn.escaping())));
  State state;
  for (auto& row : rows) {
    std::string schema = row[0].value_or("");
    std::string table = row[1].value_or("");
    if (schema.empty() && table.empty()) {
      state.started = true;
    } else {
      state.tables.emplace_back(std::move(schema), std::move(table));
    }
  }
  return state;
}

Status EarlyLoadRecord::MarkStarted(mysql::Connection& conn) const { return AddTable(conn, "", ""); }

Status EarlyLoadRecord::AddTable(mysql::Connection& conn, const std::string& schema, const std::string& table) const {
  return conn.Execute("INSERT IGNORE INTO " + table_ + " (id, cp_schema, cp_table) VALUES (" +
                      mysql::QuoteString(source_id_, conn.escaping()) + "," +
                      mysql::QuoteString(schema, conn.escaping()) + "," + mysql::QuoteString(table, conn.escaping()) +
                      ")");
}

Status EarlyLoadRecord::Clear(mysql::Connection& conn) const {
  return conn.Execute("DELETE FROM " + table_ + " WHERE id = " + mysql::QuoteString(source_id_, conn.escaping()));
}

}  // namespace dm::load
