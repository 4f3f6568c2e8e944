#include "load/loader.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/log.h"
#include "common/strings.h"
#include "common/sync_point.h"
#include "load/checkpoint.h"
#include "load/dump_dir.h"
#include "load/file_loader.h"
#include "load/statement.h"
#include "load/statement_splitter.h"
#include "mysql/error.h"
#include "mysql/quote.h"

namespace dm::load {
namespace {

constexpr int kErTableExists = 1050;

std::string At(const std::string& path, uint64_t offset) {
  return path + ": statement at byte offset " + std::to_string(offset);
}

// A table or view of the dump with its target name and checkpoint rows.
struct PlannedTable {
  const DumpTable* dump = nullptr;
  TableName target;
  ExtraColumnsSql extra;        // columns only the target has (extract-*)
  std::string default_columns;  // with `extra`: the dump's columns, "`a`,`b`"
};

struct PlannedView {
  const DumpView* dump = nullptr;
  TableName target;
};

// The data files waiting for a worker connection. Thread-safe.
class JobQueue {
 public:
  void Push(DataFileJob job) {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
    changed_.notify_one();
  }
  // The worker that popped a job of `target` is done with it.
  void Finished(const std::string& target) {
    std::lock_guard lock(mu_);
    if (--loading_[target] == 0) loading_.erase(target);
  }
  // No more jobs will come: Pop returns nothing once the queue is empty.
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    changed_.notify_all();
  }
  // The next job, the first one whose table no other worker is loading if
  // there is such a job (two loads into one table wait for each other:
  // AUTO-INC lock, index pages); blocks while the queue is empty and open.
  // Nothing once closed and empty, or when `stop` fires. Call Finished()
  // after the job.
  std::optional<DataFileJob> Pop(std::stop_token stop) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, stop, [this] { return !jobs_.empty() || closed_; });
    if (jobs_.empty() || stop.stop_requested()) return std::nullopt;
    auto it = std::find_if(jobs_.begin(), jobs_.end(),
                           [this](const DataFileJob& j) { return loading_.count(j.target) == 0; });
    if (it == jobs_.end()) it = jobs_.begin();
    DataFileJob job = std::move(*it);
    jobs_.erase(it);
    ++loading_[job.target];
    return job;
  }

 private:
  std::mutex mu_;
  std::condition_variable_any changed_;
  std::deque<DataFileJob> jobs_;          // guarded by mu_
  std::map<std::string, int> loading_;    // workers per target; guarded by mu_
  bool closed_ = false;                   // guarded by mu_
};

class Loader {
 public:
  Loader(const LoadOptions& options, std::stop_token stop, Progress* progress)
      : options_(options),
        external_stop_(std::move(stop)),
        progress_(progress),
        checkpoint_(options.meta_schema, options.task, options.source_id),
        early_(options.meta_schema, options.task, options.source_id) {}

  Result<LoadResult> Run();

 private:
  Result<TableName> Route(const TableName& source) const {
    TableName target = source;
    if (options_.route) {
      DM_ASSIGN_OR_RETURN(target, options_.route(source));
    }
    if (!options_.case_sensitive) {
      target.schema = AsciiLower(target.schema);
      target.table = AsciiLower(target.table);
    }
    return target;
  }
  Result<mysql::Connection> Connect() const { return mysql::Connection::Connect(TargetSessionOptions(options_)); }
  bool Done(const std::string& filename) const {
    auto it = rows_.find(filename);
    return it != rows_.end() && it->second.done();
  }

  Status Plan();
  Status PlanViews(const DumpDir& dump);
  Status SyncCheckpointRows(mysql::Connection& conn);
  Status CreateDatabases();
  Status CreateTable(const PlannedTable& table);
  // Runs the CREATE TABLE `stmt` of a schema file for `table`, or accepts
  // the existing target.
  Status ApplyCreateTable(mysql::Connection& conn, const PlannedTable& table, std::string_view stmt,
                          const StatementHead& head);
  // Checks that the existing target of `table` has the columns of the dump's
  // CREATE TABLE `stmt` in order, plus its extra columns anywhere.
  Status CheckTargetColumns(mysql::Connection& conn, const PlannedTable& table, std::string_view stmt);
  // For tables with extra columns: checks their targets (also on a restart)
  // and sets default_columns.
  Status PrepareExtraColumns();
  Status LoadData();
  // The pending data files of the classified directory, ordered for the
  // worker connections.
  std::vector<DataFileJob> OrderedJobs() const;
  DataFileJob JobFor(const DumpFile& file, const PlannedTable& table) const;
  // Overlapped mode: queues the files the running dump hands over (those of
  // early tables at once, the others once the dump has finished), then reads
  // the finished directory. Closes `queue` when it returns OK.
  Status TakeFedFiles(JobQueue& queue, std::stop_token stop);
  // Overlapped mode, once the dump has finished: its metadata and views, and
  // a check that every data file was handed over.
  Status ReadFinishedDump(mysql::Connection& conn);  // Fills load_data_columns_ for the tables with pending data files when
  // LOAD DATA may be used at all (see LoadOptions::load_data).
  Status PrepareLoadData();
  Status CreateView(const PlannedView& view);
  Status CleanDumpDir();
  // Runs the SET statements and the single statement `want` of a schema
  // file on `conn`; returns the (rewritten by `rewrite`) statement's result.
  Status RunSchemaFile(mysql::Connection& conn, const DumpFile& file, StatementKind want,
                       const std::function<Status(std::string_view, const StatementHead&)>& apply);

  const LoadOptions& options_;
  std::stop_token external_stop_;
  Progress* progress_;
  LoaderCheckpoint checkpoint_;
  EarlyLoadRecord early_;
  DumpDir dump_;
  DumpDir finished_dump_;              // overlapped mode: the directory once the dump finished
  std::deque<DumpFile> fed_files_;     // overlapped mode: data files handed over (stable addresses)
  std::set<std::string> early_targets_;  // overlapped mode: quoted targets that take rows before the dump's end
  std::vector<PlannedTable> tables_;
  std::vector<PlannedView> views_;
  std::map<std::string, CheckpointRow> rows_;                 // by filename
  std::map<std::string, LoadDataColumns> load_data_columns_;  // by quoted target table
  LoadResult result_;
};

Status Loader::Plan() {
  for (const DumpTable& t : dump_.tables) {
    TableName source{t.schema, t.table};
    if (options_.filter && !options_.filter(source)) continue;
    DM_ASSIGN_OR_RETURN(TableName target, Route(source));
    ExtraColumnsSql extra;
    if (options_.extra_columns) {
      const auto escaping =
          options_.backslash_escapes ? mysql::StringEscaping::kBackslash : mysql::StringEscaping::kNoBackslashEscapes;
      for (const ExtraColumn& c : options_.extra_columns(source)) {
        std::string column = mysql::QuoteIdentifier(c.column);
        std::string value = mysql::QuoteString(c.value, escaping);
        extra.names += "," + column;
        extra.values += "," + value;
        extra.assignments += (extra.assignments.empty() ? " SET " : ",") + column + "=" + value;
      }
    }
    tables_.push_back({&t, std::move(target), std::move(extra), ""});
  }
  return PlanViews(dump_);
}

Status Loader::PlanViews(const DumpDir& dump) {
  views_.clear();
  for (const DumpView& v : dump.views) {
    TableName source{v.schema, v.view};
    if (options_.filter && !options_.filter(source)) continue;
    DM_ASSIGN_OR_RETURN(TableName target, Route(source));
    views_.push_back({&v, std::move(target)});
  }
  return Status::OK();
}

// Checks the recorded rows against the files and adds rows for new files.
Status Loader::SyncCheckpointRows(mysql::Connection& conn) {
  std::vector<CheckpointRow> missing;
  auto want = [&](const DumpFile& file, const std::string& schema, const std::string& table) -> Status {
    auto it = rows_.find(file.name);
    if (it == rows_.end()) {
      missing.push_back({file.name, schema, table, 0, file.size});
      return Status::OK();
    }
    if (it->second.end_pos != file.size) {
      return Status::FailedPrecondition(checkpoint_.table() + " records " + file.name + " with end_pos " +
                                        std::to_string(it->second.end_pos) + " but the file has " +
                                        std::to_string(file.size) + " bytes")
          .WithErrorCode(ErrorCode::kLoadCheckPointNotMatch);
    }
    return Status::OK();
  };
  for (const PlannedTable& t : tables_) {
    DM_RETURN_IF_ERROR(want(t.dump->schema_file, t.dump->schema, t.dump->table));
    for (const DumpFile& f : t.dump->data_files) DM_RETURN_IF_ERROR(want(f, t.dump->schema, t.dump->table));
  }
  for (const PlannedView& v : views_) DM_RETURN_IF_ERROR(want(v.dump->file, v.dump->schema, v.dump->view));
  if (missing.empty()) return Status::OK();
  DM_RETURN_IF_ERROR(checkpoint_.InsertMissing(conn, missing));
  DM_ASSIGN_OR_RETURN(rows_, checkpoint_.LoadAll(conn));
  return Status::OK();
}

Status Loader::RunSchemaFile(mysql::Connection& conn, const DumpFile& file, StatementKind want,
                             const std::function<Status(std::string_view, const StatementHead&)>& apply) {
  DM_ASSIGN_OR_RETURN(SchemaFile schema, ReadSchemaFile(file.path, want, options_.backslash_escapes));
  for (size_t i = 0; i < schema.statements.size(); ++i) {
    const SchemaFileStatement& stmt = schema.statements[i];
    Status s = i == schema.create_index ? apply(stmt.text, stmt.head) : conn.Execute(stmt.text);
    if (!s.ok()) return std::move(s).WithContext(At(file.path, stmt.offset));
  }
  return Status::OK();
}

Status Loader::CreateDatabases() {
  // Every target database that still has work, created from the source's
  // CREATE DATABASE file when it maps to it (keeps the character set).
  std::set<std::string> needed;
  for (const PlannedTable& t : tables_) {
    bool pending = !Done(t.dump->schema_file.name);
    for (const DumpFile& f : t.dump->data_files) pending = pending || !Done(f.name);
    if (pending) needed.insert(t.target.schema);
  }
  for (const PlannedView& v : views_) {
    if (!Done(v.dump->file.name)) needed.insert(v.target.schema);
  }
  for (const DumpDatabase& db : dump_.databases) {
    if (!db.create_file) continue;
    DM_ASSIGN_OR_RETURN(TableName target, Route({db.schema, ""}));
    if (needed.erase(target.schema) == 0) continue;
    DM_ASSIGN_OR_RETURN(auto conn, Connect());
    DM_RETURN_IF_ERROR(RunSchemaFile(
        conn, *db.create_file, StatementKind::kCreateDatabase, [&](std::string_view stmt, const StatementHead& head) {
          return conn.Execute(RewriteCreate(stmt, head, mysql::QuoteIdentifier(target.schema)));
        }));
  }
  if (needed.empty()) return Status::OK();
  DM_ASSIGN_OR_RETURN(auto conn, Connect());
  for (const std::string& db : needed) {
    DM_RETURN_IF_ERROR(conn.Execute("CREATE DATABASE IF NOT EXISTS " + mysql::QuoteIdentifier(db)));
  }
  return Status::OK();
}

Result<std::vector<std::string>> TargetColumns(mysql::Connection& conn, const TableName& table) {
  DM_ASSIGN_OR_RETURN(auto rows,
                      conn.QueryRows("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                                     mysql::QuoteString(table.schema, conn.escaping()) + " AND TABLE_NAME = " +
                                     mysql::QuoteString(table.table, conn.escaping()) + " ORDER BY ORDINAL_POSITION"));
  std::vector<std::string> columns;
  for (auto& r : rows) columns.push_back(r[0].value_or(""));
  return columns;
}

// The target's columns without `extra` (its extract columns); NotFound
// naming the first extra column the target lacks.
Result<std::vector<std::string>> WithoutExtraColumns(std::vector<std::string> have,
                                                     const std::vector<ExtraColumn>& extra) {
  for (const ExtraColumn& c : extra) {
    auto it = std::find_if(have.begin(), have.end(), [&](const std::string& h) { return EqualsIgnoreCase(h, c.column); });
    if (it == have.end()) return Status::NotFound(c.column);
    have.erase(it);
  }
  return have;
}

Status MissingExtraColumn(const TableName& target, std::string_view column) {
  return Status::FailedPrecondition(mysql::QualifiedName(target.schema, target.table) + " has no column " +
                                    mysql::QuoteIdentifier(column) + ", which a route's extract rule fills")
      .WithErrorCode(ErrorCode::kLoadUnitTableMismatch);
}

Status Loader::CheckTargetColumns(mysql::Connection& conn, const PlannedTable& table, std::string_view stmt) {
  const std::string target = mysql::QualifiedName(table.target.schema, table.target.table);
  DM_ASSIGN_OR_RETURN(auto want, ParseCreateTableColumns(stmt));
  DM_ASSIGN_OR_RETURN(auto have, TargetColumns(conn, table.target));
  std::vector<ExtraColumn> extra;
  if (options_.extra_columns) extra = options_.extra_columns({table.dump->schema, table.dump->table});
  if (have.empty() && !extra.empty()) {
    return Status::FailedPrecondition(target + " does not exist: a route extracts into its column " +
                                      mysql::QuoteIdentifier(extra[0].column) +
                                      ", so create the table with the dump's columns and the extract columns first")
        .WithErrorCode(ErrorCode::kLoadUnitTableMismatch);
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
    return out;
  };
  auto rest = WithoutExtraColumns(have, extra);
  if (!rest.ok()) return MissingExtraColumn(table.target, rest.status().message());
  bool same = rest->size() == want.size();
  for (size_t i = 0; same && i < want.size(); ++i) same = EqualsIgnoreCase((*rest)[i], want[i]);
  if (!same) {
    return Status::FailedPrecondition(target + " exists with columns (" + join(have) + ") but the dump has (" +
                                      join(want) + ")" +
                                      (extra.empty() ? std::string() : " besides the extract columns"))
        .WithErrorCode(ErrorCode::kLoadUnitTableMismatch);
  }
  return Status::OK();
}

Status Loader::CreateTable(const PlannedTable& table) {
  const DumpFile& file = table.dump->schema_file;
  DM_ASSIGN_OR_RETURN(auto conn, Connect());
  DM_RETURN_IF_ERROR(RunSchemaFile(conn, file, StatementKind::kCreateTable,
                                   [&](std::string_view stmt, const StatementHead& head) {
                                     return ApplyCreateTable(conn, table, stmt, head);
                                   }));
  return checkpoint_.SetOffset(conn, file.name, file.size);
}

Status Loader::ApplyCreateTable(mysql::Connection& conn, const PlannedTable& table, std::string_view stmt,
                                const StatementHead& head) {
  // A table with extract columns is the user's (as DM): never created here.
  if (!table.extra.empty()) return CheckTargetColumns(conn, table, stmt);
  const std::string target = mysql::QualifiedName(table.target.schema, table.target.table);
  Status s = conn.Execute(RewriteCreate(stmt, head, target));
  if (s.ok()) {
    ++result_.tables_created;
    // Recorded before any row goes in, so a lost snapshot's rows can be
    // dropped with the table (EarlyLoadRecord).
    if (options_.feed != nullptr && !(options_.shared_target && options_.shared_target(table.target))) {
      DM_RETURN_IF_ERROR(early_.AddTable(conn, table.target.schema, table.target.table));
      early_targets_.insert(target);
    }
    return s;
  }
  if (mysql::MysqlErrorNumber(s) != kErTableExists) return s;
  if (head.kind == StatementKind::kCreateSequence) return Status::OK();  // no rows to misplace
  // A restart after CREATE but before the checkpoint, another shard routed
  // to the same table, or a table the user made: accept it when its columns
  // are the dump's, since the INSERTs address columns by position.
  DM_RETURN_IF_ERROR(CheckTargetColumns(conn, table, stmt));
  log::Info("target table exists with the dump's columns; loading into it", {{"table", target}});
  return Status::OK();
}

Status Loader::PrepareExtraColumns() {
  std::optional<mysql::Connection> conn;
  for (PlannedTable& t : tables_) {
    if (t.extra.empty()) continue;
    if (!conn) {
      DM_ASSIGN_OR_RETURN(auto c, Connect());
      conn.emplace(std::move(c));
    }
    DM_ASSIGN_OR_RETURN(auto have, TargetColumns(*conn, t.target));
    auto rest = WithoutExtraColumns(std::move(have), options_.extra_columns({t.dump->schema, t.dump->table}));
    if (!rest.ok()) return MissingExtraColumn(t.target, rest.status().message());
    t.default_columns.clear();
    for (const std::string& c : *rest) t.default_columns += (t.default_columns.empty() ? "" : ",") + mysql::QuoteIdentifier(c);
  }
  return Status::OK();
}

Status Loader::PrepareLoadData() {
  if (!options_.load_data || options_.on_duplicate == config::OnDuplicateLogical::kError) return Status::OK();
  mysql::ConnectionOptions session = TargetSessionOptions(options_);
  std::string sql_mode = AsciiLower(session.session_variables["sql_mode"]);
  if (sql_mode.find("strict") != std::string::npos || sql_mode.find("traditional") != std::string::npos) {
    log::Info("strict sql_mode on the target session: rows are loaded by INSERT only");
    return Status::OK();
  }
  std::set<std::string> schemas;
  for (const PlannedTable& t : tables_) {
    bool pending = options_.feed != nullptr ||
                   std::any_of(t.dump->data_files.begin(), t.dump->data_files.end(),
                               [this](const DumpFile& f) { return !Done(f.name); });
    if (pending) schemas.insert(t.target.schema);
  }
  if (schemas.empty()) return Status::OK();
  DM_ASSIGN_OR_RETURN(auto conn, Connect());
  DM_ASSIGN_OR_RETURN(mysql::Value local_infile, conn.QueryValue("SELECT @@GLOBAL.local_infile"));
  if (local_infile.value_or("0") == "0") {
    log::Warn("the target has local_infile off: rows are loaded by INSERT only (slower)");
    return Status::OK();
  }
  for (const std::string& schema : schemas) {
    DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, EXTRA FROM "
                                                  "information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                                                  mysql::QuoteString(schema, conn.escaping()) +
                                                  " ORDER BY TABLE_NAME, ORDINAL_POSITION"));
    for (const auto& r : rows) {
      LoadDataColumns& columns = load_data_columns_[mysql::QualifiedName(schema, r[0].value_or(""))];
      bool generated = AsciiLower(r[3].value_or("")).find("generated") != std::string::npos;
      columns.names.push_back(r[1].value_or(""));
      columns.classes.push_back(generated ? LoadDataColumn::kUnsupported : LoadDataColumnFor(r[2].value_or("")));
    }
  }
  return Status::OK();
}

DataFileJob Loader::JobFor(const DumpFile& file, const PlannedTable& table) const {
  std::string target = mysql::QualifiedName(table.target.schema, table.target.table);
  auto columns = load_data_columns_.find(target);
  const LoadDataColumns* load_data = columns == load_data_columns_.end() ? nullptr : &columns->second;
  return {&file, std::move(target), load_data, &table.extra, &table.default_columns};
}

std::vector<DataFileJob> Loader::OrderedJobs() const {
  // Round r holds the r-th largest pending file of every table, largest
  // first, so the connections work on different tables (less contention on
  // one table's index pages) and big files start early (short tail at the
  // end).
  std::vector<std::vector<DataFileJob>> per_table;
  for (const PlannedTable& t : tables_) {
    std::vector<DataFileJob> files;
    for (const DumpFile& f : t.dump->data_files) {
      if (!Done(f.name)) files.push_back(JobFor(f, t));
    }
    std::stable_sort(files.begin(), files.end(),
                     [](const DataFileJob& a, const DataFileJob& b) { return a.file->size > b.file->size; });
    if (!files.empty()) per_table.push_back(std::move(files));
  }
  std::vector<DataFileJob> jobs;
  for (size_t round = 0;; ++round) {
    size_t first = jobs.size();
    for (auto& files : per_table) {
      if (round < files.size()) jobs.push_back(std::move(files[round]));
    }
    if (jobs.size() == first) break;
    std::stable_sort(jobs.begin() + static_cast<std::ptrdiff_t>(first), jobs.end(),
                     [](const DataFileJob& a, const DataFileJob& b) { return a.file->size > b.file->size; });
  }
  return jobs;
}

Status Loader::TakeFedFiles(JobQueue& queue, std::stop_token stop) {
  DM_ASSIGN_OR_RETURN(auto conn, Connect());
  std::map<std::pair<std::string, std::string>, const PlannedTable*> by_source;
  for (const PlannedTable& t : tables_) by_source[{t.dump->schema, t.dump->table}] = &t;
  std::vector<DataFileJob> held;
  while (std::optional<DumpFeed::File> fed = options_.feed->Next(stop)) {
    auto it = by_source.find({fed->schema, fed->table});
    if (it == by_source.end()) continue;  // not selected (filter)
    const PlannedTable& table = *it->second;
    fed_files_.push_back({fed->name, (std::filesystem::path(dump_.path) / fed->name).string(), fed->size});
    const DumpFile& file = fed_files_.back();
    DM_RETURN_IF_ERROR(
        checkpoint_.InsertMissing(conn, {{file.name, table.dump->schema, table.dump->table, 0, file.size}}));
    progress_->AddTotal(file.size);
    DataFileJob job = JobFor(file, table);
    if (early_targets_.count(job.target) > 0) {
      queue.Push(std::move(job));
    } else {
      held.push_back(std::move(job));
    }
  }
  if (stop.stop_requested()) return Status::Cancelled("load stopped");
  DM_RETURN_IF_ERROR(options_.feed->finish_status());
  // `metadata` exists now: the snapshot is kept whatever happens, so the
  // rows loaded so far stay and a restart resumes from the checkpoint.
  DM_RETURN_IF_ERROR(early_.Clear(conn));
  for (DataFileJob& job : held) queue.Push(std::move(job));
  queue.Close();
  return ReadFinishedDump(conn);
}

Status Loader::ReadFinishedDump(mysql::Connection& conn) {
  DM_ASSIGN_OR_RETURN(finished_dump_, ClassifyDumpDir(options_.dump_dir));
  std::set<std::string> fed;
  for (const DumpFile& f : fed_files_) fed.insert(f.name);
  for (const PlannedTable& t : tables_) {
    for (const DumpTable& finished : finished_dump_.tables) {
      if (finished.schema != t.dump->schema || finished.table != t.dump->table) continue;
      for (const DumpFile& f : finished.data_files) {
        if (fed.count(f.name) == 0) {
          return Status::Internal(f.path + ": the dump wrote this data file but never handed it to the load");
        }
      }
    }
  }
  result_.metadata = finished_dump_.metadata;
  if (finished_dump_.metadata && finished_dump_.metadata->master) {
    progress_->SetMetaBinlog(finished_dump_.metadata->master->ToString(), finished_dump_.metadata->master->gtid);
  }
  DM_RETURN_IF_ERROR(PlanViews(finished_dump_));
  return SyncCheckpointRows(conn);
}

Status Loader::LoadData() {
  DM_RETURN_IF_ERROR(PrepareLoadData());
  JobQueue queue;
  size_t known_jobs = 0;
  for (DataFileJob& job : OrderedJobs()) {
    queue.Push(std::move(job));
    ++known_jobs;
  }
  if (options_.feed == nullptr) {
    if (known_jobs == 0) return Status::OK();
    queue.Close();
  }
  // First error stops the other workers after their current statement.
  std::stop_source internal;
  std::stop_callback forward(external_stop_, [&internal] { internal.request_stop(); });
  std::atomic<uint64_t> finished_files{0};
  std::mutex mu;
  Status first_error;
  auto fail = [&](Status s) {
    std::lock_guard<std::mutex> lock(mu);
    if (first_error.ok() && s.code() != StatusCode::kCancelled) first_error = std::move(s);
    internal.request_stop();
  };
  auto worker = [&] {
    while (std::optional<DataFileJob> job = queue.Pop(internal.get_token())) {
      Status s = LoadDataFile(options_, checkpoint_, *job, internal.get_token(), progress_);
      queue.Finished(job->target);
      if (!s.ok()) {
        fail(std::move(s));
        return;
      }
      finished_files.fetch_add(1);
      // Only early tables' files load before the dump has finished.
      if (options_.feed != nullptr && !options_.feed->finished()) DM_SYNC_POINT("load.early-file-done");
    }
  };
  size_t n = static_cast<size_t>(std::max(1, options_.pool_size));
  if (options_.feed == nullptr) n = std::min(n, known_jobs);
  {
    std::vector<std::jthread> threads;
    threads.reserve(n);
    for (size_t i = 0; i < n; ++i) threads.emplace_back(worker);
    if (options_.feed != nullptr) {
      Status s = TakeFedFiles(queue, internal.get_token());
      if (!s.ok()) {
        fail(std::move(s));
        queue.Close();
      }
    }
  }
  result_.files_loaded = finished_files.load();
  if (!first_error.ok()) return first_error;
  if (external_stop_.stop_requested()) return Status::Cancelled("load stopped");
  return Status::OK();
}

Status Loader::CreateView(const PlannedView& view) {
  const DumpFile& file = view.dump->file;
  DM_ASSIGN_OR_RETURN(auto conn, Connect());
  // View files hold DROP TABLE/VIEW IF EXISTS, SETs and the CREATE VIEW with
  // unqualified names: run them as written in the target database.
  DM_RETURN_IF_ERROR(conn.Execute("USE " + mysql::QuoteIdentifier(view.target.schema)));
  DM_ASSIGN_OR_RETURN(auto source, OpenByteSource(file.path));
  StatementSplitter splitter(std::move(source));
  while (true) {
    DM_ASSIGN_OR_RETURN(bool more, splitter.Next());
    if (!more) break;
    std::string_view stmt = splitter.statement();
    auto head = ParseStatementHead(stmt);
    if (!head.ok()) return std::move(head).status().WithContext(At(file.path, splitter.begin_offset()));
    if (head->kind == StatementKind::kEmpty || (head->kind == StatementKind::kSet && IsUnsafeSessionSet(stmt))) {
      continue;
    }
    Status s = conn.Execute(stmt);
    if (!s.ok()) return std::move(s).WithContext(At(file.path, splitter.begin_offset()));
  }
  ++result_.views_created;
  return checkpoint_.SetOffset(conn, file.name, file.size);
}

Status Loader::CleanDumpDir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::remove_all(dump_.path, ec);
  if (ec) {
    // The load itself succeeded; leftover files only cost disk space.
    log::Warn("cannot remove dump files", {{"dir", dump_.path}, {"error", ec.message()}});
  } else {
    log::Info("removed dump files (clean-dump-file)", {{"dir", dump_.path}});
  }
  return Status::OK();
}

Result<LoadResult> Loader::Run() {
  DM_ASSIGN_OR_RETURN(auto control, Connect());
  DM_RETURN_IF_ERROR(checkpoint_.Prepare(control));
  DM_ASSIGN_OR_RETURN(rows_, checkpoint_.LoadAll(control));
  if (options_.feed != nullptr) {
    if (!rows_.empty()) {
      return Status::FailedPrecondition(checkpoint_.table() +
                                        " has rows for this source: a load that resumes cannot overlap a dump");
    }
    // The marker goes first: from here on, a restart before the dump's end
    // discards what this load did.
    DM_RETURN_IF_ERROR(early_.Prepare(control));
    DM_RETURN_IF_ERROR(early_.MarkStarted(control));
    DM_RETURN_IF_ERROR(options_.feed->WaitSchemaReady(external_stop_));
  }
  auto dump = ClassifyDumpDir(options_.dump_dir);
  if (!dump.ok()) {
    bool all_done = !rows_.empty();
    for (const auto& [name, row] : rows_) all_done = all_done && row.done();
    if (dump.status().code() == StatusCode::kNotFound && all_done) {
      // Finished earlier and the dump was cleaned: nothing left to do.
      result_.already_complete = true;
      return result_;
    }
    return std::move(dump).status();
  }
  dump_ = std::move(dump).value();
  if (options_.feed != nullptr) {
    // Data files may still be being written: they come through the feed
    // once closed, and views only after all data.
    for (DumpTable& t : dump_.tables) t.data_files.clear();
    dump_.views.clear();
  }
  result_.metadata = dump_.metadata;
  if (dump_.metadata && dump_.metadata->master) {
    progress_->SetMetaBinlog(dump_.metadata->master->ToString(), dump_.metadata->master->gtid);
  }
  DM_RETURN_IF_ERROR(Plan());
  DM_RETURN_IF_ERROR(SyncCheckpointRows(control));

  uint64_t total = 0;
  uint64_t finished = 0;
  bool all_done = options_.feed == nullptr;  // a running dump still has files to hand over
  for (const PlannedTable& t : tables_) {
    all_done = all_done && Done(t.dump->schema_file.name);
    for (const DumpFile& f : t.dump->data_files) {
      total += f.size;
      finished += std::min(rows_[f.name].offset, f.size);
      all_done = all_done && Done(f.name);
    }
  }
  for (const PlannedView& v : views_) all_done = all_done && Done(v.dump->file.name);
  progress_->Reset(total, finished);
  if (all_done) {
    result_.already_complete = true;
    log::Info("load already complete", {{"task", options_.task}, {"source", options_.source_id}});
  } else {
    log::Info("loading dump", {{"task", options_.task},
                               {"source", options_.source_id},
                               {"dir", dump_.path},
                               {"tables", tables_.size()},
                               {"total_bytes", total},
                               {"finished_bytes", finished}});
    DM_RETURN_IF_ERROR(CreateDatabases());
    for (const PlannedTable& t : tables_) {
      if (external_stop_.stop_requested()) return Status::Cancelled("load stopped");
      if (!Done(t.dump->schema_file.name)) DM_RETURN_IF_ERROR(CreateTable(t));
    }
    DM_RETURN_IF_ERROR(PrepareExtraColumns());
    DM_RETURN_IF_ERROR(LoadData());
    for (const PlannedView& v : views_) {
      if (!Done(v.dump->file.name)) DM_RETURN_IF_ERROR(CreateView(v));
    }
    result_.bytes_loaded = progress_->finished_bytes() - finished;
  }
  if (options_.clean_dump_file) DM_RETURN_IF_ERROR(CleanDumpDir());
  return result_;
}

}  // namespace

Result<LoadResult> RunLoad(const LoadOptions& options, std::stop_token stop, Progress* progress) {
  if (options.task.empty()) return Status::InvalidArgument("load: task name is empty");
  if (options.source_id.empty() || options.source_id.size() > 32) {
    return Status::InvalidArgument("load: source-id must be 1 to 32 bytes, got '" + options.source_id + "'");
  }
  if (options.dump_dir.empty()) return Status::InvalidArgument("load: dump directory is empty");
  Progress local;
  Loader loader(options, std::move(stop), progress != nullptr ? progress : &local);
  auto result = loader.Run();
  if (!result.ok()) {
    return std::move(result).status().WithContext("load task " + options.task + " source " + options.source_id);
  }
  return result;
}

}  // namespace dm::load
