#include "sync/dml_worker.h"

#include <algorithm>

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
    work_ready_.notify_all();
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
  work_ready_.notify_all();
  return Status::OK();
}

Status DmlWorkerPool::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
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
      work_ready_.wait(lock, [&] { return stop.stop_requested() || (!w.queue.empty() && error_.ok()); });
      if (stop.stop_requested()) return;
      // Whatever is queued, up to `batch`: a lone change is not held back
      // waiting for company, and a busy queue fills whole batches.
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

Status DmlWorkerPool::ApplyOnce(uint32_t index, const std::vector<DmlJob>& batch, mysql::Connection& conn,
                                bool one_by_one) {
  // The whole transaction, BEGIN to COMMIT, goes out as few multi-statement
  // texts as max_statement_bytes allows: one round trip per batch instead of
  // one per row. `one_by_one` sends each statement alone, to name the row
  // change a failure belongs to.
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
  std::string merged;
  const DmlJob* merged_first = nullptr;
  auto flush_merged = [&]() -> Status {
    if (merged_first == nullptr) return Status::OK();
    const DmlJob* job = merged_first;
    merged_first = nullptr;
    return add(merged, job);
  };
  for (const DmlJob& job : batch) {
    if (!job.merge_prefix.empty() && job.statements.size() == 1) {
      const std::string& tuple = job.statements[0];
      bool extend = merged_first != nullptr && merged_first->merge_prefix == job.merge_prefix &&
                    merged.size() + tuple.size() + 1 <= options_.max_statement_bytes;
      if (extend) {
        merged.push_back(',');
        merged.append(tuple);
        continue;
      }
      DM_RETURN_IF_ERROR(flush_merged());
      merged.assign(job.merge_prefix).append(tuple);
      merged_first = &job;
      continue;
    }
    DM_RETURN_IF_ERROR(flush_merged());
    for (const std::string& sql : job.statements) DM_RETURN_IF_ERROR(add(sql, &job));
  }
  DM_RETURN_IF_ERROR(flush_merged());
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
