// Live counters of a load, for DM's query-status `load` section:
//   {finishedBytes, totalBytes, progress: "25.44 %", metaBinlog, metaBinlogGTID, bps}
//
// Thread-safety: every method may be called from any thread; the loader's
// workers add bytes while the status API takes snapshots.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace dm::load {

struct LoadStatus {
  uint64_t finished_bytes = 0;
  uint64_t total_bytes = 0;
  std::string progress;          // "25.44 %", as DM formats it
  std::string meta_binlog;       // "(mysql-bin.000003, 1274)", "" before the dump is read
  std::string meta_binlog_gtid;
  uint64_t bps = 0;              // bytes per second since the previous snapshot
};

class Progress {
 public:
  Progress() = default;
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Called by the loader before loading: totals and what a restart had done.
  void Reset(uint64_t total_bytes, uint64_t finished_bytes);
  void SetMetaBinlog(std::string binlog, std::string gtid);
  // More bytes to load: a running dump handed over another file.
  void AddTotal(uint64_t bytes) { total_.fetch_add(bytes, std::memory_order_relaxed); }
  // Bytes of statements committed to the target.
  void AddFinished(uint64_t bytes) { finished_.fetch_add(bytes, std::memory_order_relaxed); }

  uint64_t finished_bytes() const { return finished_.load(std::memory_order_relaxed); }
  uint64_t total_bytes() const { return total_.load(std::memory_order_relaxed); }

  // The current status. bps is measured between consecutive calls (at least
  // one second apart; a call sooner repeats the last figure), as DM's
  // loader computes it per status poll.
  LoadStatus Snapshot();

 private:
  std::atomic<uint64_t> finished_{0};
  std::atomic<uint64_t> total_{0};

  std::mutex mu_;
  std::string meta_binlog_;       // guarded by mu_
  std::string meta_binlog_gtid_;  // guarded by mu_
  std::chrono::steady_clock::time_point last_time_{};  // guarded by mu_
  uint64_t last_bytes_ = 0;       // guarded by mu_
  uint64_t last_bps_ = 0;         // guarded by mu_
};

}  // namespace dm::load
