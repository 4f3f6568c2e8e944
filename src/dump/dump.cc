// RunDump: snapshot, schema files, chunk planning, parallel chunk workers,
// views, metadata.
#include "dump/dump.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "common/log.h"
#include "dump/chunk_writer.h"
#include "dump/layout.h"
#include "dump/snapshot.h"
#include "mysql/quote.h"

namespace dm::dump {

namespace {

__extension__ using Int128 = __int128;

// Schema files hold what SHOW CREATE printed over a binary-result session:
// UTF-8 text (the server's system character set), so they are replayed
// with utf8mb4 to keep non-ASCII ENUM/SET members, comments and defaults.
constexpr std::string_view kSchemaHeader = "/*!40101 SET NAMES utf8mb4*/;\n/*!40014 SET FOREIGN_KEY_CHECKS=0*/;\n";

std::optional<Int128> ParseInt128(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = s[0] == '-';
  if (neg) s.remove_prefix(1);
  Int128 v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return neg ? -v : v;
}

std::string Int128ToString(Int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  std::string out;
  while (v != 0) {
    int digit = static_cast<int>(v % 10);
    out.push_back(static_cast<char>('0' + (neg ? -digit : digit)));
    v /= 10;
  }
  if (neg) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}

struct ChunkTask {
  size_t table = 0;
  std::string condition;  // "" for the whole table
};

// Shared state of the chunk workers.
struct WorkState {
  const DumpOptions* options = nullptr;
  const Catalog* catalog = nullptr;
  ChunkWriterOptions writer;
  std::vector<ChunkTask> tasks;
  std::atomic<size_t> next_task{0};
  std::unique_ptr<std::atomic<uint64_t>[]> next_file;         // per table
  std::unique_ptr<std::atomic<uint64_t>[]> chunks_remaining;  // per table
  Progress* progress = nullptr;
  std::stop_source stop;

  std::mutex mu;
  std::condition_variable changed;
  Status first_error;                    // guarded by mu
  std::vector<DumpFile> files;           // guarded by mu
  int64_t nontransactional_remaining = 0;  // guarded by mu
  int workers_running = 0;               // guarded by mu
};

std::string SelectSql(const TableInfo& t, const std::string& condition, const std::string& where) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < t.columns.size(); ++i) {
    if (i > 0) sql += ',';
    sql += SelectExpression(mysql::QuoteIdentifier(t.columns[i].name), t.columns[i].data_type);
  }
  sql += " FROM " + mysql::QualifiedName(t.schema, t.name);
  if (!condition.empty() && !where.empty()) {
    sql += " WHERE (" + condition + ") AND (" + where + ")";
  } else if (!condition.empty() || !where.empty()) {
    sql += " WHERE " + (condition.empty() ? where : condition);
  }
  return sql;
}

Status DumpChunk(WorkState& st, mysql::Connection& conn, const ChunkTask& task) {
  const TableInfo& table = st.catalog->tables[task.table];
  ChunkWriter writer(st.writer, table, &st.next_file[task.table]);
  auto report = [&]() {
    uint64_t rows = 0;
    uint64_t bytes = 0;
    writer.TakeProgress(&rows, &bytes);
    if (st.progress != nullptr) st.progress->AddRowsAndBytes(static_cast<int64_t>(rows), static_cast<int64_t>(bytes));
  };
  {
    // Streamed (mysql_use_result): memory does not grow with the chunk.
    DM_ASSIGN_OR_RETURN(mysql::ResultSet rs,
                        conn.Query(SelectSql(table, task.condition, st.options->where), mysql::QueryMode::kStreaming));
    uint64_t n = 0;
    while (true) {
      DM_ASSIGN_OR_RETURN(bool more, rs.Next());
      if (!more) break;
      DM_RETURN_IF_ERROR(writer.AddRow(rs));
      if (++n % 4096 == 0) {
        report();
        if (st.stop.stop_requested()) return Status::Cancelled("dump cancelled");
      }
    }
  }
  DM_RETURN_IF_ERROR(writer.Finish());
  report();
  if (st.options->on_data_file_written) {
    for (const DumpFile& file : writer.files()) st.options->on_data_file_written(file);
  }
  bool table_done = st.chunks_remaining[task.table].fetch_sub(1) == 1;
  std::lock_guard<std::mutex> lock(st.mu);
  st.files.insert(st.files.end(), writer.files().begin(), writer.files().end());
  if (table_done) {
    if (st.progress != nullptr) st.progress->TableCompleted();
    if (!table.transactional) {
      --st.nontransactional_remaining;
      st.changed.notify_all();
    }
  }
  return Status::OK();
}

void Worker(WorkState& st, mysql::Connection& conn) {
  while (!st.stop.stop_requested()) {
    size_t i = st.next_task.fetch_add(1);
    if (i >= st.tasks.size()) break;
    Status s = DumpChunk(st, conn, st.tasks[i]);
    if (!s.ok()) {
      const TableInfo& t = st.catalog->tables[st.tasks[i].table];
      std::lock_guard<std::mutex> lock(st.mu);
      if (st.first_error.ok()) st.first_error = s.WithContext(fmt::format("dump {}", mysql::QualifiedName(t.schema, t.name)));
      st.stop.request_stop();
      break;
    }
  }
  std::lock_guard<std::mutex> lock(st.mu);
  --st.workers_running;
  st.changed.notify_all();
}

// Splits a table on its integer key into ranges of about `rows_per_chunk`
// rows. The first and last ranges are open, so rows beyond the MIN/MAX read
// here are still covered.
Status PlanTable(mysql::Connection& conn, const DumpOptions& options, const TableInfo& t, size_t index,
                 std::vector<ChunkTask>* tasks) {
  uint64_t rows_per_chunk = options.rows;
  if (options.chunk_filesize > 0 && t.avg_row_length > 0) {
    uint64_t by_size = std::max<uint64_t>(1, options.chunk_filesize / t.avg_row_length);
    rows_per_chunk = rows_per_chunk == 0 ? by_size : std::min(rows_per_chunk, by_size);
  }
  if (t.chunk_column.empty() || rows_per_chunk == 0 || t.estimated_rows <= rows_per_chunk) {
    tasks->push_back({index, ""});
    return Status::OK();
  }
  const std::string key = mysql::QuoteIdentifier(t.chunk_column);
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows(fmt::format("SELECT MIN({0}), MAX({0}) FROM {1}", key,
                                                            mysql::QualifiedName(t.schema, t.name))));
  std::optional<Int128> lo = rows.empty() ? std::nullopt : ParseInt128(rows[0][0].value_or(""));
  std::optional<Int128> hi = rows.empty() ? std::nullopt : ParseInt128(rows[0][1].value_or(""));
  if (!lo || !hi) {
    tasks->push_back({index, ""});
    return Status::OK();
  }
  Int128 span = *hi - *lo + 1;
  Int128 n = std::min<Int128>(span, (t.estimated_rows + rows_per_chunk - 1) / rows_per_chunk);
  if (n <= 1) {
    tasks->push_back({index, ""});
    return Status::OK();
  }
  Int128 step = span / n;
  for (Int128 i = 0; i < n; ++i) {
    std::string cond;
    if (i > 0) cond = key + " >= " + Int128ToString(*lo + i * step);
    if (i + 1 < n) cond += (cond.empty() ? "" : " AND ") + key + " < " + Int128ToString(*lo + (i + 1) * step);
    tasks->push_back({index, std::move(cond)});
  }
  return Status::OK();
}

// Reorders tasks[first..] so that consecutive chunks belong to different
// tables (the first chunk of every table, then every second, ...): an
// overlapped load takes files in the order they finish, and loading two
// chunks of one table at once makes them wait for each other (the table's
// AUTO-INC lock, the same index pages).
void InterleaveTables(size_t first, std::vector<ChunkTask>* tasks) {
  std::vector<std::vector<ChunkTask>> per_table;
  std::map<size_t, size_t> slot;  // table index -> per_table index
  for (size_t i = first; i < tasks->size(); ++i) {
    auto [it, added] = slot.try_emplace((*tasks)[i].table, per_table.size());
    if (added) per_table.emplace_back();
    per_table[it->second].push_back(std::move((*tasks)[i]));
  }
  tasks->resize(first);
  for (size_t round = 0;; ++round) {
    size_t before = tasks->size();
    for (auto& chunks : per_table) {
      if (round < chunks.size()) tasks->push_back(std::move(chunks[round]));
    }
    if (tasks->size() == before) break;
  }
}

Result<std::string> ShowCreate(mysql::Connection& conn, std::string_view what, const std::string& name) {
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows(fmt::format("SHOW CREATE {} {}", what, name)));
  if (rows.empty() || rows[0].size() < 2 || !rows[0][1]) {
    return Status::NotFound(fmt::format("SHOW CREATE {} {} returned nothing", what, name));
  }
  return *rows[0][1];
}

Status WriteSchemaFiles(mysql::Connection& conn, const DumpOptions& options, const Catalog& catalog,
                        std::vector<DumpFile>* files) {
  for (const auto& db : catalog.schemas) {
    DM_ASSIGN_OR_RETURN(std::string sql, ShowCreate(conn, "DATABASE", mysql::QuoteIdentifier(db)));
    std::string name = SchemaCreateFileName(db);
    std::string content = std::string(kSchemaHeader) + sql + ";\n";
    DM_RETURN_IF_ERROR(WriteWholeFile(options.output_dir, name, content));
    files->push_back({name, FileKind::kSchemaCreate, db, "", 0, content.size()});
  }
  for (const auto& t : catalog.tables) {
    if (t.kind == ObjectKind::kView) continue;
    if (t.kind == ObjectKind::kSequence) {
      log::Info("dump: sequence dumped as its definition only; its current value is not kept",
                {{"table", mysql::QualifiedName(t.schema, t.name)}});
    }
    DM_ASSIGN_OR_RETURN(std::string sql, ShowCreate(conn, "TABLE", mysql::QualifiedName(t.schema, t.name)));
    std::string name = TableSchemaFileName(t.schema, t.name);
    std::string content = std::string(kSchemaHeader) + sql + ";\n";
    DM_RETURN_IF_ERROR(WriteWholeFile(options.output_dir, name, content));
    files->push_back({name, FileKind::kTableSchema, t.schema, t.name, 0, content.size()});
  }
  return Status::OK();
}

Status WriteViewFiles(mysql::Connection& conn, const DumpOptions& options, const Catalog& catalog,
                      std::vector<DumpFile>* files) {
  for (const auto& t : catalog.tables) {
    if (t.kind != ObjectKind::kView) continue;
    DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SHOW CREATE VIEW " + mysql::QualifiedName(t.schema, t.name)));
    if (rows.empty() || rows[0].size() < 4 || !rows[0][1]) {
      return Status::NotFound("SHOW CREATE VIEW " + mysql::QualifiedName(t.schema, t.name) + " returned nothing");
    }
    // As mysqldump/dumpling: the view is created with the client character
    // set it was defined with, which decides how its literals are read.
    std::string content = fmt::format(
        "/*!40101 SET NAMES utf8mb4*/;\nSET character_set_client = {};\nSET collation_connection = {};\n{};\n",
        rows[0][2].value_or("utf8mb4"), rows[0][3].value_or("utf8mb4_general_ci"), *rows[0][1]);
    std::string name = ViewSchemaFileName(t.schema, t.name);
    DM_RETURN_IF_ERROR(WriteWholeFile(options.output_dir, name, content));
    files->push_back({name, FileKind::kViewSchema, t.schema, t.name, 0, content.size()});
  }
  return Status::OK();
}

Status PrepareOutputDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Status(StatusCode::kInternal, fmt::format("cannot create dump directory {}: {}", dir, ec.message()),
                  ErrorCode::kDumpWriteFile);
  }
  if (!std::filesystem::is_empty(dir, ec) || ec) {
    return Status(StatusCode::kFailedPrecondition, fmt::format("dump directory {} is not empty", dir),
                  ErrorCode::kDumpDirNotEmpty);
  }
  return Status::OK();
}

// Runs the chunk workers; releases the lock once the non-transactional
// tables are done (at once when there are none).
Status RunWorkers(WorkState& st, Snapshot& snap) {
  auto& conns = snap.connections();
  {
    std::lock_guard<std::mutex> lock(st.mu);
    st.workers_running = static_cast<int>(conns.size());
  }
  std::vector<std::jthread> threads;
  for (auto& conn : conns) threads.emplace_back([&st, &conn] { Worker(st, conn); });
  Status release;
  {
    std::unique_lock<std::mutex> lock(st.mu);
    st.changed.wait(lock, [&] { return st.nontransactional_remaining <= 0 || st.workers_running == 0; });
  }
  release = snap.ReleaseLock();
  if (!release.ok()) st.stop.request_stop();
  threads.clear();  // joins
  std::lock_guard<std::mutex> lock(st.mu);
  if (!st.first_error.ok()) return st.first_error;
  return release;
}

}  // namespace

Result<DumpResult> RunDump(const DumpOptions& options, std::stop_token stop, Progress* progress) {
  if (options.threads <= 0) return Status::InvalidArgument("dump threads must be at least 1");
  if (options.output_dir.empty()) return Status::InvalidArgument("dump output directory is empty");
  const auto started = std::chrono::system_clock::now();
  DM_RETURN_IF_ERROR(PrepareOutputDir(options.output_dir));
  DM_ASSIGN_OR_RETURN(filter::BlockAllowList filter,
                      filter::BlockAllowList::Create(options.block_allow_list, options.case_sensitive));

  DM_ASSIGN_OR_RETURN(
      Snapshot snap,
      Snapshot::Take(options, [&](mysql::Connection& c) { return LoadCatalog(c, filter); }, stop));
  Catalog& catalog = snap.catalog();

  WorkState st;
  st.options = &options;
  st.catalog = &catalog;
  st.writer = {options.output_dir, options.statement_size == 0 ? 1000000 : options.statement_size,
               options.chunk_filesize};
  st.progress = progress;
  std::stop_callback forward(stop, [&st] { st.stop.request_stop(); });

  DumpResult result;
  result.consistency_used = snap.consistency();
  result.position = snap.position();
  result.after_connect = snap.after_connect();
  result.connection_snapshots = snap.connection_snapshots();

  mysql::Connection& first = snap.connections().front();
  DM_RETURN_IF_ERROR(WriteSchemaFiles(first, options, catalog, &result.files));
  if (options.on_schema_files_written) options.on_schema_files_written();

  // Non-transactional tables first: the lock is held until they are done.
  const size_t n = catalog.tables.size();
  st.next_file = std::make_unique<std::atomic<uint64_t>[]>(n);
  st.chunks_remaining = std::make_unique<std::atomic<uint64_t>[]>(n);
  int64_t estimate = 0;
  int64_t total_tables = 0;
  size_t nontransactional_tasks = 0;
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 1) nontransactional_tasks = st.tasks.size();
    for (size_t i = 0; i < n; ++i) {
      const TableInfo& t = catalog.tables[i];
      if (t.kind != ObjectKind::kTable || t.transactional != (pass == 1) || t.columns.empty()) continue;
      size_t before = st.tasks.size();
      DM_RETURN_IF_ERROR(PlanTable(first, options, t, i, &st.tasks));
      st.chunks_remaining[i] = st.tasks.size() - before;
      if (!t.transactional) ++st.nontransactional_remaining;
      estimate += static_cast<int64_t>(t.estimated_rows);
    }
  }
  InterleaveTables(nontransactional_tasks, &st.tasks);
  int64_t completed_without_data = 0;
  for (const auto& t : catalog.tables) {
    if (t.kind == ObjectKind::kView) continue;
    ++total_tables;
    if (t.kind != ObjectKind::kTable || t.columns.empty()) ++completed_without_data;
  }
  if (progress != nullptr) {
    progress->SetTotals(total_tables, estimate);
    for (int64_t i = 0; i < completed_without_data; ++i) progress->TableCompleted();
  }
  log::Info("dump: chunks planned", {{"tables", total_tables}, {"chunks", st.tasks.size()},
                                      {"threads", options.threads}, {"estimated_rows", estimate}});

  DM_RETURN_IF_ERROR(RunWorkers(st, snap));
  if (stop.stop_requested()) return Status::Cancelled("dump cancelled");
  std::sort(st.files.begin(), st.files.end(), [](const DumpFile& a, const DumpFile& b) { return a.name < b.name; });
  for (auto& f : st.files) {
    result.rows += f.rows;
    result.bytes += f.bytes;
    result.files.push_back(std::move(f));
  }
  DM_RETURN_IF_ERROR(WriteViewFiles(first, options, catalog, &result.files));
  for (auto& conn : snap.connections()) {
    Status s = conn.Rollback();  // ends the snapshot transactions; nothing was written
    if (!s.ok()) log::Warn("dump: rollback of a dump connection failed", {{"error", s}});
  }

  std::string metadata = FormatMetadata(started, result.position, result.after_connect,
                                        std::chrono::system_clock::now());
  DM_RETURN_IF_ERROR(WriteWholeFile(options.output_dir, std::string(kMetadataFileName), metadata));
  result.files.push_back({std::string(kMetadataFileName), FileKind::kMetadata, "", "", 0, metadata.size()});
  result.tables = static_cast<uint64_t>(total_tables);
  if (progress != nullptr) progress->MarkFinished();
  log::Info("dump: finished", {{"tables", result.tables}, {"rows", result.rows}, {"bytes", result.bytes},
                                {"files", result.files.size()}});
  return result;
}

}  // namespace dm::dump
