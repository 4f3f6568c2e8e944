// The loader checkpoint: `{meta-schema}.{task}_loader_checkpoint` on the
// target, DM's table and columns (docs/formats/checkpoint_tables.md):
//
//   id        source-id (char(32))          filename  dump file base name
//   cp_schema source database of the file   cp_table  source table ("" for databases)
//   offset    byte offset of the next unapplied statement
//   end_pos   the file's size; offset == end_pos means the file is done
//
// Every row change for a data file is committed in the same target
// transaction as the rows it covers (the loader builds that transaction and
// uses UpdateSql/LockSql here), so the checkpoint is exact across kill -9.
//
// Thread-safety: a LoaderCheckpoint holds only names and is immutable; its
// methods may be called concurrently with different connections.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "mysql/connection.h"

namespace dm::load {

struct CheckpointRow {
  std::string filename;
  std::string cp_schema;
  std::string cp_table;
  uint64_t offset = 0;
  uint64_t end_pos = 0;

  bool done() const { return offset >= end_pos; }
};

class LoaderCheckpoint {
 public:
  // REQUIRES: source_id is at most 32 bytes (DM's column width).
  LoaderCheckpoint(std::string meta_schema, std::string task, std::string source_id);

  // "`dm_meta`.`task_loader_checkpoint`".
  const std::string& table() const { return table_; }
  const std::string& source_id() const { return source_id_; }

  // Creates the meta schema and the table when missing (DM's exact DDL).
  Status Prepare(mysql::Connection& conn) const;

  // All rows of this source, by filename.
  Result<std::map<std::string, CheckpointRow>> LoadAll(mysql::Connection& conn) const;

  // Inserts rows with offset 0 for files not yet recorded (INSERT IGNORE, in
  // batches, autocommit).
  Status InsertMissing(mysql::Connection& conn, const std::vector<CheckpointRow>& rows) const;

  // "SELECT offset FROM ... WHERE id=.. AND filename=.. FOR UPDATE": run as
  // the first statement of a load transaction, it waits for any transaction
  // still holding the row (a previous run's COMMIT in flight) and returns the
  // committed offset. NotFound when the row is missing.
  Result<uint64_t> LockOffset(mysql::Connection& conn, const std::string& filename) const;

  // Sets the offset of `filename` (in the caller's transaction, if any).
  // FailedPrecondition when the row is gone (meta removed while loading).
  Status SetOffset(mysql::Connection& conn, const std::string& filename, uint64_t offset) const;

  // Deletes every row of this source (start-task --remove-meta).
  Status Remove(mysql::Connection& conn) const;

 private:
  std::string meta_schema_;
  std::string source_id_;
  std::string table_;
};

// `{meta-schema}.{task}_early_load` on the target (dm's own table, DM ignores
// it; docs/formats/checkpoint_tables.md): which of a source's target tables
// hold rows loaded before its dump finished (overlapped full mode,
// docs/design/overlapped_full.md). A row with empty cp_schema and cp_table
// marks that the source's load started on an unfinished dump; the other rows
// name target tables the load created itself and may fill early. When the
// process dies before the dump's `metadata` exists, that snapshot is lost:
// the named tables are dropped and the checkpoint rows removed, and dump and
// load start again.
//
// Thread-safety: immutable; methods may run concurrently on different
// connections.
class EarlyLoadRecord {
 public:
  // REQUIRES: source_id is at most 32 bytes.
  EarlyLoadRecord(std::string meta_schema, std::string task, std::string source_id);

  const std::string& table() const { return table_; }

  // Creates the meta schema and the table when missing.
  Status Prepare(mysql::Connection& conn) const;

  struct State {
    bool started = false;  // the marker row exists
    std::vector<std::pair<std::string, std::string>> tables;  // target (schema, table)
  };
  Result<State> Load(mysql::Connection& conn) const;

  // Writes the marker row (autocommit).
  Status MarkStarted(mysql::Connection& conn) const;
  // Records a target table created by this load (autocommit); must be
  // committed before any row goes into it.
  Status AddTable(mysql::Connection& conn, const std::string& schema, const std::string& table) const;
  // Deletes every row of this source: the dump finished, or its lost rows
  // were discarded.
  Status Clear(mysql::Connection& conn) const;

 private:
  std::string meta_schema_;
  std::string source_id_;
  std::string table_;
};

}  // namespace dm::load
