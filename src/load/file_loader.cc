#include "load/file_loader.h"

#include <algorithm>
#include <optional>
#include <thread>

#include "common/log.h"
#include "common/strings.h"
#include "load/statement.h"
#include "load/statement_splitter.h"

namespace dm::load {
namespace {

InsertVerb VerbFor(config::OnDuplicateLogical mode) {
  switch (mode) {
    case config::OnDuplicateLogical::kReplace: return InsertVerb::kReplace;
    case config::OnDuplicateLogical::kIgnore: return InsertVerb::kIgnore;
    case config::OnDuplicateLogical::kError: return InsertVerb::kInsert;
  }
  return InsertVerb::kReplace;
}

std::string At(const DumpFile& file, uint64_t offset) {
  return file.path + ": statement at byte offset " + std::to_string(offset);
}

// One attempt over a file on a fresh connection. `retryable_failure` tells
// the caller whether trying again may help.
class FileAttempt {
 public:
  FileAttempt(const LoadOptions& options, const LoaderCheckpoint& checkpoint, const DataFileJob& job,
              std::stop_token stop, Progress* progress)
      : options_(options), checkpoint_(checkpoint), job_(job), stop_(std::move(stop)), progress_(progress) {}

  Status Run() {
    DM_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Connect(TargetSessionOptions(options_)));
    conn_.emplace(std::move(conn));
    Status s = Apply();
    if (!s.ok() && conn_->in_transaction() && !conn_->broken()) {
      // Keep what was applied before a statement that can never succeed, so
      // the checkpoint names it; retryable failures restart from the commit.
      if (!s.IsRetryable() && s.code() != StatusCode::kCancelled && last_good_end_ > committed_) {
        Status saved = checkpoint_.SetOffset(*conn_, job_.file->name, last_good_end_);
        if (saved.ok()) saved = conn_->Commit();
        if (saved.ok()) {
          progress_->AddFinished(last_good_end_ - committed_);
          bytes_loaded_ += last_good_end_ - committed_;
          committed_ = last_good_end_;
        }
      }
      if (conn_->in_transaction()) (void)conn_->Rollback();
    }
    return s;
  }

  uint64_t bytes_loaded() const { return bytes_loaded_; }
  bool finished() const { return finished_; }

 private:
  // Opens a transaction and locks the file's checkpoint row; the committed
  // offset must be where this attempt believes it is.
  Status BeginAt(uint64_t expected) {
    DM_RETURN_IF_ERROR(conn_->Begin());
    DM_ASSIGN_OR_RETURN(uint64_t locked, checkpoint_.LockOffset(*conn_, job_.file->name));
    if (locked != expected) {
      return Status::Aborted(job_.file->path + ": checkpoint moved from " + std::to_string(expected) + " to " +
                             std::to_string(locked) + " (another loader on the same task and source?)");
    }
    return Status::OK();
  }

  Status CommitAt(uint64_t offset) {
    DM_RETURN_IF_ERROR(FlushBatch());
    DM_RETURN_IF_ERROR(checkpoint_.SetOffset(*conn_, job_.file->name, offset));
    DM_RETURN_IF_ERROR(conn_->Commit());
    progress_->AddFinished(offset - committed_);
    bytes_loaded_ += offset - committed_;
    committed_ = offset;
    statements_ = 0;
    txn_bytes_ = 0;
    return Status::OK();
  }

  // Sends the pending LOAD DATA rows; the statements they came from are
  // then applied.
  Status FlushBatch() {
    if (!batch_ || batch_->empty()) return Status::OK();
    std::string statement = batch_->Statement(verb_, job_.target);
    if (job_.extra_columns != nullptr) statement += job_.extra_columns->assignments;
    Status s = conn_->LoadDataLocal(statement, batch_->data());
    if (!s.ok()) {
      return std::move(s).WithContext(job_.file->path + ": LOAD DATA of the " + std::to_string(batch_->rows()) +
                                      " rows of the statements at byte offsets " + std::to_string(batch_begin_) +
                                      " to " + std::to_string(batch_end_));
    }
    last_good_end_ = batch_end_;
    batch_->Clear();
    return Status::OK();
  }

  // Adds the INSERT at [begin, end) to the LOAD DATA batch when it converts;
  // false when it must run as an INSERT.
  Result<bool> Batched(std::string_view stmt, const StatementHead& head, uint64_t begin, uint64_t end) {
    if (!batch_ || !names_binary_) return false;
    bool starts_batch = batch_->empty();
    if (!batch_->Append(stmt, head)) {
      // Another column list starts a new batch; anything else is an INSERT.
      if (starts_batch) return false;
      DM_RETURN_IF_ERROR(FlushBatch());
      if (!batch_->Append(stmt, head)) return false;
      starts_batch = true;
    }
    if (starts_batch) batch_begin_ = begin;
    batch_end_ = end;
    if (batch_->data().size() >= options_.load_data_batch_bytes) DM_RETURN_IF_ERROR(FlushBatch());
    return true;
  }

  Status Apply() {
    const DumpFile& file = *job_.file;
    // The first transaction reads the authoritative offset under the row
    // lock: a previous process's commit may have landed after we looked.
    DM_RETURN_IF_ERROR(conn_->Begin());
    DM_ASSIGN_OR_RETURN(committed_, checkpoint_.LockOffset(*conn_, file.name));
    last_good_end_ = committed_;
    if (committed_ >= file.size) {
      finished_ = true;
      return conn_->Commit();
    }
    const uint64_t resume = committed_;
    DM_ASSIGN_OR_RETURN(auto source, OpenByteSource(file.path));
    StatementSplitter::Options split_options;
    split_options.backslash_escapes = options_.backslash_escapes;
    StatementSplitter splitter(std::move(source), split_options);
    const InsertVerb verb = VerbFor(options_.on_duplicate);
    verb_ = verb;
    names_binary_ = EqualsIgnoreCase(options_.target.charset, "binary");
    if (job_.load_data_columns != nullptr && verb != InsertVerb::kInsert) {
      batch_.emplace(job_.load_data_columns, options_.backslash_escapes);
    }
    bool in_txn = true;
    while (true) {
      if (stop_.stop_requested()) return Status::Cancelled("load stopped");
      DM_ASSIGN_OR_RETURN(bool more, splitter.Next());
      if (!more) break;
      std::string_view stmt = splitter.statement();
      uint64_t begin = splitter.begin_offset();
      uint64_t end = splitter.end_offset();
      if (begin < resume && end > resume) {
        return Status::FailedPrecondition(file.path + ": checkpoint offset " + std::to_string(resume) +
                                          " is inside the statement at byte offset " + std::to_string(begin))
            .WithErrorCode(ErrorCode::kLoadCheckPointNotMatch);
      }
      auto head_or = ParseStatementHead(stmt);
      if (!head_or.ok()) {
        return Status::InvalidArgument(At(file, begin) + ": " + head_or.status().message())
            .WithErrorCode(ErrorCode::kLoadUnitInvalidInsertSQL);
      }
      const StatementHead& head = *head_or;
      if (head.kind == StatementKind::kSet) {
        // Session state (SET NAMES binary, TIME_ZONE, ...) is replayed also
        // for the part before the checkpoint: this is a new session.
        if (IsUnsafeSessionSet(stmt)) {
          log::Warn("dump file asks for an unsafe session setting; not applied",
                    {{"file", file.path}, {"offset", begin}});
          continue;
        }
        // Batched rows were read under the session state before this SET.
        DM_RETURN_IF_ERROR(FlushBatch());
        // LOAD DATA reads its rows as binary bytes, which is what the
        // literals mean only under SET NAMES binary.
        if (auto charset = SetNamesCharset(stmt)) names_binary_ = *charset == "binary";
        Status s = conn_->Execute(stmt);
        if (!s.ok()) return std::move(s).WithContext(At(file, begin));
        continue;
      }
      if (end <= resume || head.kind == StatementKind::kEmpty) continue;
      if (head.kind != StatementKind::kInsert && head.kind != StatementKind::kReplace) {
        return Status::InvalidArgument(At(file, begin) + ": data files may hold only SET and INSERT statements")
            .WithErrorCode(ErrorCode::kLoadUnitInvalidInsertSQL);
      }
      if (!in_txn) {
        DM_RETURN_IF_ERROR(BeginAt(committed_));
        in_txn = true;
      }
      // An INSERT IGNORE in the dump stays one under on-duplicate=error.
      DM_ASSIGN_OR_RETURN(bool batched, Batched(stmt, head, begin, end));
      if (!batched) {
        DM_RETURN_IF_ERROR(FlushBatch());
        InsertVerb this_verb = verb;
        if (verb == InsertVerb::kInsert && head.ignore) this_verb = InsertVerb::kIgnore;
        if (verb == InsertVerb::kInsert && head.kind == StatementKind::kReplace) this_verb = InsertVerb::kReplace;
        Status s;
        if (job_.extra_columns != nullptr && !job_.extra_columns->empty()) {
          auto rewritten = RewriteInsertWithExtraColumns(stmt, head, this_verb, job_.target, *job_.default_columns,
                                                         *job_.extra_columns, options_.backslash_escapes);
          if (!rewritten.ok()) {
            return Status::InvalidArgument(At(file, begin) + ": " + rewritten.status().message())
                .WithErrorCode(ErrorCode::kLoadUnitInvalidInsertSQL);
          }
          s = conn_->Execute(*rewritten);
        } else {
          s = conn_->Execute(RewriteInsert(stmt, head, this_verb, job_.target));
        }
        if (!s.ok()) return std::move(s).WithContext(At(file, begin));
        last_good_end_ = end;
      }
      ++statements_;
      txn_bytes_ += stmt.size();
      if (statements_ >= options_.txn_max_statements || txn_bytes_ >= options_.txn_max_bytes) {
        DM_RETURN_IF_ERROR(CommitAt(end));
        in_txn = false;
      }
    }
    if (splitter.consumed() != file.size) {
      return Status::FailedPrecondition(file.path + ": file is " + std::to_string(splitter.consumed()) +
                                        " bytes now, " + std::to_string(file.size) + " when the load started")
          .WithErrorCode(ErrorCode::kLoadCheckPointNotMatch);
    }
    // Trailing whitespace and comments: the file is done at its size.
    if (!in_txn) DM_RETURN_IF_ERROR(BeginAt(committed_));
    DM_RETURN_IF_ERROR(FlushBatch());
    last_good_end_ = file.size;
    DM_RETURN_IF_ERROR(CommitAt(file.size));
    finished_ = true;
    return Status::OK();
  }

  const LoadOptions& options_;
  const LoaderCheckpoint& checkpoint_;
  const DataFileJob& job_;
  std::stop_token stop_;
  Progress* progress_;
  std::optional<mysql::Connection> conn_;
  InsertVerb verb_ = InsertVerb::kReplace;
  std::optional<LoadDataBatch> batch_;  // set when the table may use LOAD DATA
  bool names_binary_ = false;           // the session's SET NAMES is binary
  uint64_t batch_begin_ = 0;            // byte offsets of the batched statements
  uint64_t batch_end_ = 0;
  uint64_t committed_ = 0;      // offset committed on the target
  uint64_t last_good_end_ = 0;  // end of the last statement applied in the open transaction
  size_t statements_ = 0;       // statements in the open transaction
  size_t txn_bytes_ = 0;
  uint64_t bytes_loaded_ = 0;
  bool finished_ = false;
};

}  // namespace

mysql::ConnectionOptions TargetSessionOptions(const LoadOptions& options) {
  mysql::ConnectionOptions target = options.target;
  target.session_variables.try_emplace("foreign_key_checks", "0");
  // dm's and dumpling's dumps read TIMESTAMPs in UTC without saying so in
  // the data files (docs/formats/dump_layout.md); mydumper's files set it too.
  target.session_variables.try_emplace("time_zone", "'+00:00'");
  target.session_variables.try_emplace("sql_mode", "'NO_AUTO_VALUE_ON_ZERO'");
  return target;
}

Status LoadDataFile(const LoadOptions& options, const LoaderCheckpoint& checkpoint, const DataFileJob& job,
                    std::stop_token stop, Progress* progress) {
  auto backoff = options.retry_backoff;
  for (int attempt = 0;; ++attempt) {
    FileAttempt run(options, checkpoint, job, stop, progress);
    Status s = run.Run();
    if (s.ok() || !s.IsRetryable() || attempt >= options.max_retries || stop.stop_requested()) return s;
    log::Warn("retrying dump file from its checkpoint",
              {{"file", job.file->path}, {"attempt", attempt + 1}, {"error", s}});
    // Sleep in small steps so a stop request is honoured promptly.
    auto until = std::chrono::steady_clock::now() + backoff;
    while (std::chrono::steady_clock::now() < until && !stop.stop_requested()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::seconds(10));
  }
}

}  // namespace dm::load
