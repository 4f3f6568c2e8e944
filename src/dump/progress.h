// Live counters of a running dump, the fields of DM's query-status dump
// section (totalTables, completedTables, finishedBytes, finishedRows,
// estimateTotalRows, bps, progress).
//
// Thread-safety: every method may be called from any thread; the dump's
// workers add while status handlers read.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace dm::dump {

struct ProgressSnapshot {
  int64_t total_tables = 0;
  int64_t completed_tables = 0;
  int64_t finished_bytes = 0;
  int64_t finished_rows = 0;
  int64_t estimate_total_rows = 0;  // information_schema TABLE_ROWS, a guess
  int64_t bps = 0;                  // bytes/s over the last few seconds
  // "NN.NN %" as DM prints it: finished rows against the estimate
  // (completed tables when there is no estimate), capped below 100 % until
  // the dump has finished.
  std::string progress;
  bool finished = false;
};

class Progress {
 public:
  Progress();

  void SetTotals(int64_t tables, int64_t estimate_rows);
  void AddRowsAndBytes(int64_t rows, int64_t bytes);
  void TableCompleted();
  void MarkFinished();

  ProgressSnapshot Snapshot() const;

 private:
  std::atomic<int64_t> total_tables_{0};
  std::atomic<int64_t> completed_tables_{0};
  std::atomic<int64_t> finished_bytes_{0};
  std::atomic<int64_t> finished_rows_{0};
  std::atomic<int64_t> estimate_rows_{0};
  std::atomic<bool> finished_{false};

  // Rate sampling: bps is computed from the change since the last sample
  // that is at least one second old.
  mutable std::mutex mu_;
  mutable std::chrono::steady_clock::time_point sample_time_;  // guarded by mu_
  mutable int64_t sample_bytes_ = 0;                           // guarded by mu_
  mutable int64_t last_bps_ = 0;                               // guarded by mu_
};

}  // namespace dm::dump
