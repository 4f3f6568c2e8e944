// The syncer's DML workers: `worker-count` target connections, each applying
// the row changes assigned to it in binlog order, `batch` row changes per
// target transaction, each transaction ending with the worker's progress row
// (checkpoint.h) so rows and progress commit together.
//
// Assignment (causality): a row change goes to the worker chosen by its
// causality keys (the hashes of its primary/unique key values, old and new
// image; dml.h). Changes that share a key value therefore share a worker and
// keep their binlog order. A change whose keys point at different workers is
// a conflict: the caller drains every worker, pushes it, and drains again. The
// choice depends only on the keys and the worker count, so a restarted
// syncer assigns replayed changes exactly as before (exactly-once skip).
//
// Thread-safety: Push, Drain and the accessors are called by one thread (the
// syncer's); the workers run on their own threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "mysql/connection.h"
#include "sync/checkpoint.h"
#include "sync/dml.h"

namespace dm::sync {

// The worker for a row change with causality `keys` among `worker_count`
// workers; *conflict is set when the keys point at different workers (the
// first key's worker is returned).
uint32_t WorkerForKeys(std::span<const uint64_t> keys, uint32_t worker_count, bool* conflict);

// What a row change in merge form (DmlJob::form set) does.
enum class RowChange : uint8_t {
  kInsert,  // `row` is the new image; REPLACE when `safe`
  kUpdate,  // the row with `key` becomes `row`; the update keeps the key
  kDelete,  // the row with `key` goes
};

// One row change, ready to apply: either plain `statements`, or (with
// `multiple-rows` or `compact`) in merge form, which the worker turns into
// statements together with its neighbours:
//   multiple-rows  consecutive changes of one kind and table become one
//                  statement: INSERT ... VALUES (..),(..); UPDATEs one
//                  INSERT ... ON DUPLICATE KEY UPDATE of the new images;
//                  DELETEs one DELETE ... WHERE key IN (..).
//   compact        the changes of one key within a batch fold into their net
//                  effect (INSERT then UPDATE: one INSERT of the last image;
//                  UPDATE then DELETE: DELETE; DELETE then INSERT: an upsert
//                  of the new image; INSERT then DELETE: nothing), for tables
//                  whose MergeForm has canonical_key; the folded changes of a
//                  run touch each key once, so they group by kind whatever
//                  their order.
// An UPDATE or DELETE in merge form, and any change in a folded run, has
// form->keyed set (its key is the table's only unique key) and is not in safe
// mode. A lone UPDATE in merge form goes out as a one-row upsert, as DM's.
struct DmlJob {
  RowPoint point;  // which row change this is (progress and exactly-once skip)
  std::vector<std::string> statements;  // plain: applied in order
  std::shared_ptr<const MergeForm> form;  // merge form when set
  RowChange change = RowChange::kInsert;
  bool safe = false;
  // TableDml::MergeKey: of the old image for kUpdate and kDelete, of the new
  // one for a kInsert that compact may fold (empty otherwise).
  std::string key;
  std::string row;  // kInsert, kUpdate: TableDml::InsertTuple of the new image
};

struct DmlWorkerOptions {
  mysql::ConnectionOptions target;  // session settings included; multi_statements is turned on
  const SyncerCheckpoint* checkpoint = nullptr;  // REQUIRES: outlives the pool
  uint32_t worker_count = 16;
  size_t batch = 100;        // row changes per target transaction, at most
  size_t queue_size = 1024;  // row changes queued per worker before Push blocks
  bool multiple_rows = false;  // merge consecutive changes (DmlJob)
  bool compact = false;        // fold the changes of one key within a batch (DmlJob)
  // Merged statements stop growing here, and statements are sent together up
  // to this size (the target's max_allowed_packet must be larger).
  size_t max_statement_bytes = size_t{4} << 20;
  int max_retries = 8;       // per batch, for retryable errors, on a new connection
  std::chrono::milliseconds retry_backoff{200};
};

class DmlWorkerPool {
 public:
  explicit DmlWorkerPool(DmlWorkerOptions options);
  ~DmlWorkerPool();  // stops the workers; queued changes are dropped
  DmlWorkerPool(const DmlWorkerPool&) = delete;
  DmlWorkerPool& operator=(const DmlWorkerPool&) = delete;

  // Queues `job` for `worker` (< worker_count), blocking while that queue is
  // full. The worker starts on its queue only once it holds a whole batch
  // (or at Kick/Drain), so the rows of one upstream transaction go out in
  // full batches instead of one commit each. Returns the pool's error once a
  // worker has failed.
  Status Push(uint32_t worker, DmlJob job);

  // Lets every worker apply what it has queued, even less than a batch. The
  // syncer calls it at the end of each upstream transaction.
  void Kick();

  // Waits until every queued change is committed; the first worker error
  // otherwise (the pool stays failed).
  Status Drain();

  uint32_t worker_count() const { return options_.worker_count; }
  // Row changes committed so far.
  uint64_t applied() const { return applied_.load(std::memory_order_relaxed); }

 private:
  void KickLocked();  // Kick() with mu_ held

  struct Worker {
    std::deque<DmlJob> queue;  // guarded by mu_
    bool busy = false;         // a batch is being applied; guarded by mu_
    // The queue got a job, or stop: one per worker, so a push wakes only
    // the worker it is for.
    std::condition_variable work_ready;
    std::jthread thread;
  };

  void Run(uint32_t index, std::stop_token stop);
  // Applies `batch` in one transaction ending with the progress row; retries
  // retryable failures on a new connection, first checking whether the
  // commit of the failed attempt landed after all.
  Status ApplyBatch(uint32_t index, const std::vector<DmlJob>& batch, std::unique_ptr<mysql::Connection>* conn,
                    const std::stop_token& stop);
  Status ApplyOnce(uint32_t index, const std::vector<DmlJob>& batch, mysql::Connection& conn, bool one_by_one);

  DmlWorkerOptions options_;
  std::mutex mu_;
  std::condition_variable progress_;    // a queue shrank, a batch finished, or an error
  std::vector<std::unique_ptr<Worker>> workers_;
  Status error_;  // guarded by mu_
  std::atomic<uint64_t> applied_{0};
};

}  // namespace dm::sync
