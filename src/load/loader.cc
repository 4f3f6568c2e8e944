#include "load/loader.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/log.h"
#include "common/strings.h"
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
};

struct PlannedView {
  const DumpView* dump = nullptr;
  TableName target;
};

class Loader {
 public:
  Loader(const LoadOptions& options, std::stop_token stop, Progress* progress)
      : options_(options),
        external_stop_(std::move(stop)),
        progress_(progress),
        checkpoint_(options.meta_schema, options.task, options.source_id) {}

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
  Status SyncCheckpointRows(mysql::Connection& conn);
  Status CreateDatabases();
  Status CreateTable(const PlannedTable& table);
  Status LoadData();
  // Fills load_data_columns_ for the tables with pending data files when
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
  DumpDir dump_;
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
    tables_.push_back({&t, std::move(target)});
  }
  for (const DumpView& v : dump_.views) {
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
  DM_ASSIGN_OR_RETURN(auto source, OpenByteSource(file.path));
  StatementSplitter::Options split_options;
  split_options.backslash_escapes = options_.backslash_escapes;
  StatementSplitter splitter(std::move(source), split_options);
  bool found = false;
  while (true) {
    DM_ASSIGN_OR_RETURN(bool more, splitter.Next());
    if (!more) break;
    std::string_view stmt = splitter.statement();
    auto head = ParseStatementHead(stmt);
    if (!head.ok()) return std::move(head).status().WithContext(At(file.path, splitter.begin_offset()));
    if (head->kind == StatementKind::kEmpty) continue;
    if (head->kind == StatementKind::kSet) {
      if (IsUnsafeSessionSet(stmt)) continue;
      Status s = conn.Execute(stmt);
      if (!s.ok()) return std::move(s).WithContext(At(file.path, splitter.begin_offset()));
      continue;
    }
    bool wanted =
        head->kind == want || (want == StatementKind::kCreateTable && head->kind == StatementKind::kCreateSequence);
    if (!wanted || found) {
      return Status::InvalidArgument(At(file.path, splitter.begin_offset()) +
                                     ": expected only SET statements and one CREATE statement")
          .WithErrorCode(ErrorCode::kLoadUnitNotCreateTable);
    }
    found = true;
    Status s = apply(stmt, *head);
    if (!s.ok()) return std::move(s).WithContext(At(file.path, splitter.begin_offset()));
  }
  if (!found) {
    return Status::InvalidArgument(file.path + ": no CREATE statement found")
        .WithErrorCode(ErrorCode::kLoadUnitNotCreateTable);
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

Status Loader::CreateTable(const PlannedTable& table) {
  const DumpFile& file = table.dump->schema_file;
  DM_ASSIGN_OR_RETURN(auto conn, Connect());
  std::string target = mysql::QualifiedName(table.target.schema, table.target.table);
  DM_RETURN_IF_ERROR(RunSchemaFile(
      conn, file, StatementKind::kCreateTable, [&](std::string_view stmt, const StatementHead& head) -> Status {
        Status s = conn.Execute(RewriteCreate(stmt, head, target));
        if (s.ok()) {
          ++result_.tables_created;
          return s;
        }
        if (mysql::MysqlErrorNumber(s) != kErTableExists) return s;
        if (head.kind == StatementKind::kCreateSequence) return Status::OK();  // no rows to misplace
        // A restart after CREATE but before the checkpoint, another shard routed
        // to the same table, or a table the user made: accept it when its columns
        // are the dump's, since the INSERTs address columns by position.
        DM_ASSIGN_OR_RETURN(auto want, ParseCreateTableColumns(stmt));
        DM_ASSIGN_OR_RETURN(
            auto rows, conn.QueryRows("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                                      mysql::QuoteString(table.target.schema, conn.escaping()) +
                                      " AND TABLE_NAME = " + mysql::QuoteString(table.target.table, conn.escaping()) +
                                      " ORDER BY ORDINAL_POSITION"));
        std::vector<std::string> have;
        for (auto& r : rows) have.push_back(r[0].value_or(""));
        bool same = have.size() == want.size();
        for (size_t i = 0; same && i < have.size(); ++i) same = EqualsIgnoreCase(have[i], want[i]);
        if (!same) {
          auto join = [](const std::vector<std::string>& v) {
            std::string out;
            for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
            return out;
          };
          return Status::FailedPrecondition(target + " exists with columns (" + join(have) + ") but the dump has (" +
                                            join(want) + ")")
              .WithErrorCode(ErrorCode::kLoadUnitTableMismatch);
        }
        log::Info("target table exists with the dump's columns; loading into it", {{"table", target}});
        return Status::OK();
      }));
  return checkpoint_.SetOffset(conn, file.name, file.size);
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
    bool pending = std::any_of(t.dump->data_files.begin(), t.dump->data_files.end(),
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

Status Loader::LoadData() {
  DM_RETURN_IF_ERROR(PrepareLoadData());
  // The work queue: round r holds the r-th largest pending file of every
  // table, largest first, so the connections work on different tables (less
  // contention on one table's index pages) and big files start early (short
  // tail at the end).
  std::vector<std::vector<DataFileJob>> per_table;
  for (const PlannedTable& t : tables_) {
    std::string target = mysql::QualifiedName(t.target.schema, t.target.table);
    std::vector<DataFileJob> files;
    for (const DumpFile& f : t.dump->data_files) {
      auto columns = load_data_columns_.find(target);
      const LoadDataColumns* load_data = columns == load_data_columns_.end() ? nullptr : &columns->second;
      if (!Done(f.name)) files.push_back({&f, target, load_data});
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
  if (jobs.empty()) return Status::OK();
  // First error stops the other workers after their current statement.
  std::stop_source internal;
  std::stop_callback forward(external_stop_, [&internal] { internal.request_stop(); });
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> finished_files{0};
  std::mutex mu;
  Status first_error;
  auto worker = [&] {
    while (!internal.stop_requested()) {
      size_t i = next.fetch_add(1);
      if (i >= jobs.size()) return;
      Status s = LoadDataFile(options_, checkpoint_, jobs[i], internal.get_token(), progress_);
      if (s.ok()) {
        finished_files.fetch_add(1);
        continue;
      }
      std::lock_guard<std::mutex> lock(mu);
      if (first_error.ok() && s.code() != StatusCode::kCancelled) first_error = std::move(s);
      internal.request_stop();
      return;
    }
  };
  size_t n = std::min(jobs.size(), static_cast<size_t>(std::max(1, options_.pool_size)));
  {
    std::vector<std::jthread> threads;
    threads.reserve(n);
    for (size_t i = 0; i < n; ++i) threads.emplace_back(worker);
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
  if (options_.keep_metadata_on_clean) {
    for (auto it = fs::directory_iterator(dump_.path, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      if (it->path().filename() != "metadata") fs::remove_all(it->path(), ec);
      if (ec) break;
    }
  } else {
    fs::remove_all(dump_.path, ec);
  }
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
  result_.metadata = dump_.metadata;
  if (dump_.metadata && dump_.metadata->master) {
    progress_->SetMetaBinlog(dump_.metadata->master->ToString(), dump_.metadata->master->gtid);
  }
  DM_RETURN_IF_ERROR(Plan());
  DM_RETURN_IF_ERROR(SyncCheckpointRows(control));

  uint64_t total = 0;
  uint64_t finished = 0;
  bool all_done = true;
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
