// The dump unit's engine: a consistent, parallel, chunked dump of an upstream
// MySQL/MariaDB into a dumpling/mydumper-compatible directory
// (docs/formats/dump_layout.md; DESIGN.md §3).
//
//   DumpOptions opts;  opts.source = ...;  opts.output_dir = "/data/dump.task";
//   Progress progress;                      // polled by query-status
//   DM_ASSIGN_OR_RETURN(DumpResult r, RunDump(opts, stop_token, &progress));
//   // r.position is where sync starts (also in <output_dir>/metadata)
//
// Consistency: a dedicated lock connection takes FLUSH TABLES WITH READ LOCK
// (or LOCK TABLES ... READ on the dumped tables), every dump connection opens
// START TRANSACTION WITH CONSISTENT SNAPSHOT under it, the binlog position
// and GTID set are read under it, each connection's binlog_snapshot_* is
// checked against them (MariaDB), and the lock is released as soon as the
// snapshots exist (after the non-transactional tables when there are some).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/task_rules.h"
#include "dump/progress.h"
#include "mysql/connection.h"

namespace dm::dump {

// `consistency` of mydumpers.extra-args (dumpling's --consistency).
enum class Consistency : uint8_t {
  kAuto,   // flush; without RELOAD, lock; without LOCK TABLES, none (warnings)
  kFlush,  // FLUSH TABLES WITH READ LOCK
  kLock,   // LOCK TABLES ... READ on the dumped tables
  kNone,   // no lock: sync must start in safe mode (up to the after-connect position)
};
std::string_view ConsistencyName(Consistency c);
Result<Consistency> ParseConsistency(std::string_view name);

struct DumpFile;

struct DumpOptions {
  // Upstream endpoint. The dump overrides charset (binary), time_zone
  // (+00:00) and sql_mode ('') for its sessions; other session variables
  // are kept.
  mysql::ConnectionOptions source;
  std::string output_dir;  // created if missing; must be empty
  int threads = 4;         // dump connections (mydumpers.threads)
  uint64_t rows = config::MydumperConfig::kDefaultRows;  // rows per chunk (-r); 0 = no row chunking
  uint64_t chunk_filesize = 64 << 20;  // file size cap in bytes (chunk-filesize MB, -F); 0 = unlimited
  uint64_t statement_size = 1000000;  // bytes per INSERT statement (-s)
  Consistency consistency = Consistency::kAuto;
  std::string where;                 // extra row filter for every table (SQL)
  config::BlockAllowList block_allow_list;
  bool case_sensitive = false;  // task case-sensitive (block-allow-list matching)
  // Observers for a load that runs while the dump does (the subtask's
  // overlapped full mode). Called from dump threads, so they must be
  // thread-safe and quick; either may be empty.
  // Once every -schema-create and -schema file is written (before any data file).
  std::function<void()> on_schema_files_written;
  // For every data file once it is closed, with its final size.
  std::function<void(const DumpFile&)> on_data_file_written;
};

// Adjusts options from a task's mydumper config: threads, rows,
// chunk-filesize (MB as text), statement-size, where, and the
// `--consistency`, `-r`, `-F`, `-s`/`--statement-size`, `-t`/`--threads`,
// `--where` extra-args. InvalidArgument for a malformed value or an extra
// argument dm does not understand.
Status ApplyMydumperConfig(const config::MydumperConfig& cfg, DumpOptions* options);

// A binlog coordinate as read with SHOW MASTER STATUS.
struct BinlogPosition {
  std::string file;  // "" when the upstream has no binlog
  uint64_t pos = 0;
  std::string gtid_set;  // @@gtid_binlog_pos (MariaDB) / Executed_Gtid_Set (MySQL)
  bool operator==(const BinlogPosition&) const = default;
};

enum class FileKind : uint8_t { kSchemaCreate, kTableSchema, kViewSchema, kData, kMetadata };

struct DumpFile {
  std::string name;  // relative to output_dir
  FileKind kind = FileKind::kData;
  std::string schema;  // upstream names ("" for metadata)
  std::string table;
  uint64_t rows = 0;  // data files
  uint64_t bytes = 0;
};

struct DumpResult {
  BinlogPosition position;        // the snapshot: where sync starts
  BinlogPosition after_connect;   // read once every dump connection existed
  Consistency consistency_used = Consistency::kNone;  // after any fallback
  // Binlog snapshot of every dump connection (MariaDB's binlog_snapshot_*);
  // all equal `position` under flush.
  std::vector<BinlogPosition> connection_snapshots;
  std::vector<DumpFile> files;  // every file written, metadata last
  uint64_t tables = 0;
  uint64_t rows = 0;
  uint64_t bytes = 0;
};

// Runs one dump. Blocks until done; `stop` cancels (kCancelled, the
// directory is left partial and without `metadata`). `progress` may be null;
// when set it is updated while the dump runs and must outlive the call.
// Errors: connection and SQL errors as classified by dm_mysql, IO errors as
// kInternal with DumpWriteFile, consistency failures as kFailedPrecondition.
Result<DumpResult> RunDump(const DumpOptions& options, std::stop_token stop, Progress* progress);

}  // namespace dm::dump
