#include "sync/dml_worker.h"

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <utility>

#include "common/log.h"
#include "common/sync_point.h"

namespace dm::sync {

uint32_t WorkerForKeys(std::span<const uint64_t> keys, uint32_t worker_count, bool* conflict) {
  *conflict = false;
  if (keys.empty() || worker_count <= 1) return 0;
  const auto first = static_cast<uint32_t>(keys[0] % worker_count);
  for (uint64_t k : keys.subspan(1)) {
    if (static_cast<uint32_t>(k % worker_count) != first) *conflict = true;
  }
  return first;
}

DmlWorkerPool::DmlWorkerPool(DmlWorkerOptions options) : options_(std::move(options)) {
  options_.target.multi_statements = true;  // statements are dm's own, values escaped
  options_.worker_count = std::max<uint32_t>(1, options_.worker_count);
  options_.batch = std::max<size_t>(1, options_.batch);
  options_.queue_size = std::max<size_t>(1, options_.queue_size);
  workers_.reserve(options_.worker_count);
  for (uint32_t i = 0; i < options_.worker_count; ++i) workers_.push_back(std::make_unique<Worker>());
  for (uint32_t i = 0; i < options_.worker_count; ++i) {
    workers_[i]->thread = std::jthread([this, i](std::stop_token stop) { Run(i, stop); });
  }
}

DmlWorkerPool::~DmlWorkerPool() {
  for (auto& w : workers_) w->thread.request_stop();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& w : workers_) w->work_ready.notify_all();
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
}

Status DmlWorkerPool::Push(uint32_t worker, DmlJob job) {
  std::unique_lock<std::mutex> lock(mu_);
  Worker& w = *workers_.at(worker);
  progress_.wait(lock, [&] { return !error_.ok() || w.queue.size() < options_.queue_size; });
  if (!error_.ok()) return error_;
  w.queue.push_back(std::move(job));
  // A full batch, or a queue about to block Push: the worker must start.
  if (w.queue.size() >= std::min(options_.batch, options_.queue_size)) w.work_ready.notify_one();
  return Status::OK();
}

void DmlWorkerPool::KickLocked() {
  for (auto& w : workers_) {
    if (!w->queue.empty()) w->work_ready.notify_one();
  }
}

void DmlWorkerPool::Kick() {
  std::lock_guard<std::mutex> lock(mu_);
  KickLocked();
}

Status DmlWorkerPool::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  KickLocked();
  progress_.wait(lock, [&] {
    if (!error_.ok()) return true;
    return std::all_of(workers_.begin(), workers_.end(),
                       [](const auto& w) { return w->queue.empty() && !w->busy; });
  });
  return error_;
}

void DmlWorkerPool::Run(uint32_t index, std::stop_token stop) {
  Worker& w = *workers_[index];
  std::unique_ptr<mysql::Connection> conn;
  std::vector<DmlJob> batch;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      w.work_ready.wait(lock, [&] { return stop.stop_requested() || (!w.queue.empty() && error_.ok()); });
      if (stop.stop_requested()) return;
      // Whatever is queued, up to `batch`: woken at a transaction's end, a
      // lone change is not held back waiting for company.
      const size_t n = std::min(options_.batch, w.queue.size());
      batch.clear();
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(w.queue.front()));
        w.queue.pop_front();
      }
      w.busy = true;
      progress_.notify_all();
    }
    Status s = ApplyBatch(index, batch, &conn, stop);
    {
      std::lock_guard<std::mutex> lock(mu_);
      w.busy = false;
      if (!s.ok() && error_.ok()) error_ = std::move(s);
      progress_.notify_all();
    }
  }
}

namespace {

// How a group of merge-form changes goes out.
enum class GroupKind : uint8_t { kInsert, kReplace, kUpsert, kDelete };

GroupKind KindOf(const DmlJob& job) {
  switch (job.change) {
    case RowChange::kInsert: return job.safe ? GroupKind::kReplace : GroupKind::kInsert;
    case RowChange::kUpdate: return GroupKind::kUpsert;
    case RowChange::kDelete: return GroupKind::kDelete;
  }
  return GroupKind::kInsert;
}

// Changes of one table and GroupKind that go out together: rows (inserts,
// upserts) or keys (deletes).
struct Group {
  const MergeForm* form = nullptr;
  GroupKind kind = GroupKind::kInsert;
  std::vector<const std::string*> items;
  const DmlJob* first = nullptr;  // names the group in errors
};

// The statements of `group`, each at most `max_bytes` long unless a single
// item is longer, passed to `emit` in order.
Status RenderGroup(const Group& group, size_t max_bytes, const std::function<Status(std::string&&)>& emit) {
  const MergeForm& f = *group.form;
  std::string_view prefix, separator = ",", suffix;
  switch (group.kind) {
    case GroupKind::kInsert: prefix = f.insert_prefix; break;
    case GroupKind::kReplace: prefix = f.replace_prefix; break;
    case GroupKind::kUpsert:
      prefix = f.insert_prefix;
      suffix = f.upsert_suffix;
      break;
    case GroupKind::kDelete:
      prefix = f.delete_prefix;
      separator = f.one_column_key ? std::string_view(",") : std::string_view(") OR (");
      suffix = ")";
      break;
  }
  std::string sql;
  for (const std::string* item : group.items) {
    if (!sql.empty() && sql.size() + separator.size() + item->size() + suffix.size() > max_bytes) {
      sql.append(suffix);
      DM_RETURN_IF_ERROR(emit(std::move(sql)));
      sql.clear();
    }
    if (sql.empty()) {
      sql.reserve(std::min(max_bytes, prefix.size() + suffix.size() + item->size() * group.items.size() + 16));
      sql.append(prefix);
    } else {
      sql.append(separator);
    }
    sql.append(*item);
  }
  if (sql.empty()) return Status::OK();
  sql.append(suffix);
  return emit(std::move(sql));
}

// compact: the net effect of a run of changes, one entry per (table, key).
class Compactor {
 public:
  // Folds `job` (form->canonical_key, not safe) into the run; false when it
  // cannot follow what the run holds for its key (an INSERT of a key the run
  // leaves present, an UPDATE or DELETE of one it leaves absent: the target
  // must see them in order to fail or skip as they would alone), or when its
  // table has another MergeForm in the run (a new TABLE_MAP of the same
  // target table): the caller flushes the run and folds it into a new one.
  bool Fold(const DmlJob& job) {
    const MergeForm* form = job.form.get();
    for (const MergeForm* f : forms_) {
      if (f != form && f->target == form->target) return false;
    }
    if (std::find(forms_.begin(), forms_.end(), form) == forms_.end()) forms_.push_back(form);
    auto [it, fresh] = index_.try_emplace(std::make_pair(form, std::string_view(job.key)), nets_.size());
    if (fresh) {
      State state = job.change == RowChange::kInsert   ? State::kInserted
                    : job.change == RowChange::kUpdate ? State::kUpserted
                                                       : State::kDeleted;
      nets_.push_back({form, &job.key, &job.row, state});
      return true;
    }
    Net& net = nets_[it->second];
    switch (job.change) {
      case RowChange::kInsert:
        if (net.state == State::kDeleted) {
          net.state = State::kUpserted;  // present before, present after with this image
        } else if (net.state == State::kGone) {
          net.state = State::kInserted;
        } else {
          return false;
        }
        break;
      case RowChange::kUpdate:
        if (net.state != State::kInserted && net.state != State::kUpserted) return false;
        break;
      case RowChange::kDelete:
        if (net.state == State::kInserted) {
          net.state = State::kGone;
        } else if (net.state == State::kUpserted) {
          net.state = State::kDeleted;
        } else {
          return false;
        }
        break;
    }
    net.row = &job.row;
    return true;
  }

  bool empty() const { return nets_.empty(); }

  // The run's statements, per table: its deletes, upserts, then inserts
  // (each key once, so any order gives the same rows). Clears the run.
  Status Flush(bool multiple_rows, size_t max_bytes, const std::function<Status(std::string&&)>& emit) {
    for (const MergeForm* form : forms_) {
      for (auto [state, kind] : {std::pair{State::kDeleted, GroupKind::kDelete},
                                 std::pair{State::kUpserted, GroupKind::kUpsert},
                                 std::pair{State::kInserted, GroupKind::kInsert}}) {
        Group group{form, kind, {}, nullptr};
        for (const Net& net : nets_) {
          if (net.form != form || net.state != state) continue;
          group.items.push_back(kind == GroupKind::kDelete ? net.key : net.row);
          if (!multiple_rows) {
            DM_RETURN_IF_ERROR(RenderGroup(group, max_bytes, emit));
            group.items.clear();
          }
        }
        DM_RETURN_IF_ERROR(RenderGroup(group, max_bytes, emit));
      }
    }
    nets_.clear();
    index_.clear();
    forms_.clear();
    return Status::OK();
  }

 private:
  enum class State : uint8_t {
    kInserted,  // absent before the run, `row` after
    kUpserted,  // present before, `row` after
    kDeleted,   // present before, absent after
    kGone,      // absent before and after
  };
  struct Net {
    const MergeForm* form;
    const std::string* key;
    const std::string* row;  // the last image
    State state;
  };
  struct KeyHash {
    size_t operator()(const std::pair<const MergeForm*, std::string_view>& k) const {
      return std::hash<std::string_view>()(k.second) ^ std::hash<const void*>()(k.first);
    }
  };
  std::vector<const MergeForm*> forms_;  // in order of first appearance
  std::vector<Net> nets_;
  std::unordered_map<std::pair<const MergeForm*, std::string_view>, size_t, KeyHash> index_;
};

}  // namespace

Status DmlWorkerPool::ApplyOnce(uint32_t index, const std::vector<DmlJob>& batch, mysql::Connection& conn,
                                bool one_by_one) {
  // The whole transaction, BEGIN to COMMIT, goes out as few multi-statement
  // texts as max_statement_bytes allows: one round trip per batch instead of
  // one per row. `one_by_one` sends each row change alone, unmerged, to name
  // the row change a failure belongs to.
  std::string text;
  auto send = [&]() -> Status {
    if (text.empty()) return Status::OK();
    Status s = conn.Execute(text);
    text.clear();
    return s;
  };
  auto add = [&](std::string_view sql, const DmlJob* job) -> Status {
    if (!text.empty() && (one_by_one || text.size() + sql.size() + 1 > options_.max_statement_bytes)) {
      DM_RETURN_IF_ERROR(send());
    }
    if (!text.empty()) text.push_back(';');
    text.append(sql);
    if (!one_by_one) return Status::OK();
    Status s = send();
    if (!s.ok() && job != nullptr) {
      return std::move(s).WithContext("row change " + std::to_string(job->point.row) + " of the rows event at " +
                                      job->point.position.ToString());
    }
    return s;
  };
  DM_RETURN_IF_ERROR(add("START TRANSACTION", nullptr));
  const bool multiple_rows = options_.multiple_rows && !one_by_one;
  const bool compact = options_.compact && !one_by_one;
  Group run;  // multiple-rows: consecutive merge-form changes of one table and kind
  auto emit_run = [&](std::string&& sql) { return add(sql, run.first); };
  auto flush_run = [&]() -> Status {
    if (run.items.empty()) return Status::OK();
    Status s = RenderGroup(run, options_.max_statement_bytes, emit_run);
    run.items.clear();
    return s;
  };
  Compactor folded;
  auto emit_folded = [&](std::string&& sql) { return add(sql, nullptr); };
  auto flush_folded = [&]() -> Status {
    if (folded.empty()) return Status::OK();
    return folded.Flush(options_.multiple_rows, options_.max_statement_bytes, emit_folded);
  };
  for (const DmlJob& job : batch) {
    if (job.form == nullptr) {
      DM_RETURN_IF_ERROR(flush_folded());
      DM_RETURN_IF_ERROR(flush_run());
      for (const std::string& sql : job.statements) DM_RETURN_IF_ERROR(add(sql, &job));
      continue;
    }
    if (compact && job.form->canonical_key && job.form->keyed && !job.safe) {
      DM_RETURN_IF_ERROR(flush_run());
      if (folded.Fold(job)) continue;
      DM_RETURN_IF_ERROR(flush_folded());
      (void)folded.Fold(job);  // an empty run takes any change
      continue;
    }
    DM_RETURN_IF_ERROR(flush_folded());
    const GroupKind kind = KindOf(job);
    const std::string& item = job.change == RowChange::kDelete ? job.key : job.row;
    if (multiple_rows && !run.items.empty() && run.form == job.form.get() && run.kind == kind) {
      run.items.push_back(&item);
      continue;
    }
    DM_RETURN_IF_ERROR(flush_run());
    run.form = job.form.get();
    run.kind = kind;
    run.first = &job;
    run.items.push_back(&item);
    if (!multiple_rows) DM_RETURN_IF_ERROR(flush_run());
  }
  DM_RETURN_IF_ERROR(flush_folded());
  DM_RETURN_IF_ERROR(flush_run());
  DM_RETURN_IF_ERROR(add(options_.checkpoint->WorkerProgressSql({index, options_.worker_count, batch.back().point},
                                                                conn.escaping()),
                         nullptr));
  DM_RETURN_IF_ERROR(add("COMMIT", nullptr));
  DM_RETURN_IF_ERROR(send());
  DM_SYNC_POINT("dml-worker.after-commit");
  return Status::OK();
}

Status DmlWorkerPool::ApplyBatch(uint32_t index, const std::vector<DmlJob>& batch,
                                 std::unique_ptr<mysql::Connection>* conn, const std::stop_token& stop) {
  auto backoff = options_.retry_backoff;
  for (int attempt = 0;; ++attempt) {
    Status s;
    if (*conn == nullptr) {
      auto opened = mysql::Connection::Connect(options_.target);
      if (opened.ok()) {
        *conn = std::make_unique<mysql::Connection>(std::move(*opened));
        if (attempt > 0) {
          // The commit of the failed attempt may have landed before the
          // connection died: the worker's progress row says.
          auto progress = options_.checkpoint->LoadWorkerProgress(**conn);
          if (!progress.ok()) {
            s = progress.status();
          } else {
            for (const WorkerProgress& p : *progress) {
              if (p.worker == index && p.worker_count == options_.worker_count &&
                  CompareRowPoints(p.applied, batch.back().point) >= 0) {
                applied_.fetch_add(batch.size(), std::memory_order_relaxed);
                return Status::OK();
              }
            }
          }
        }
      } else {
        s = opened.status();
      }
    }
    if (s.ok()) {
      s = ApplyOnce(index, batch, **conn, /*one_by_one=*/false);
      if (!s.ok() && !s.IsRetryable() && !(*conn)->broken()) {
        // Find the row change that fails, statement by statement; should it
        // not fail again, the batch is applied and that is fine too.
        (void)(*conn)->Rollback();
        s = ApplyOnce(index, batch, **conn, /*one_by_one=*/true);
      }
      if (s.ok()) {
        applied_.fetch_add(batch.size(), std::memory_order_relaxed);
        return s;
      }
      if ((*conn)->broken()) {
        conn->reset();
      } else if ((*conn)->in_transaction()) {
        (void)(*conn)->Rollback();
      }
    }
    if (!s.IsRetryable() || attempt >= options_.max_retries) return s;
    log::Warn("retrying a DML batch", {{"worker", index}, {"attempt", attempt + 1}, {"error", s}});
    conn->reset();
    // Sleep in small steps so that stopping the pool is not held up.
    const auto until = std::chrono::steady_clock::now() + backoff;
    while (std::chrono::steady_clock::now() < until) {
      if (stop.stop_requested()) return Status::Cancelled("DML worker stopped while retrying: " + s.message());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::seconds(10));
  }
}

}  // namespace dm::sync
