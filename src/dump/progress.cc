#include "dump/progress.h"

#include <fmt/format.h>

#include <algorithm>

namespace dm::dump {

Progress::Progress() : sample_time_(std::chrono::steady_clock::now()) {}

void Progress::SetTotals(int64_t tables, int64_t estimate_rows) {
  total_tables_.store(tables);
  estimate_rows_.store(estimate_rows);
}

void Progress::AddRowsAndBytes(int64_t rows, int64_t bytes) {
  finished_rows_.fetch_add(rows, std::memory_order_relaxed);
  finished_bytes_.fetch_add(bytes, std::memory_order_relaxed);
}

void Progress::TableCompleted() { completed_tables_.fetch_add(1); }

void Progress::MarkFinished() { finished_.store(true); }

ProgressSnapshot Progress::Snapshot() const {
  ProgressSnapshot s;
  s.total_tables = total_tables_.load();
  s.completed_tables = completed_tables_.load();
  s.finished_bytes = finished_bytes_.load();
  s.finished_rows = finished_rows_.load();
  s.estimate_total_rows = estimate_rows_.load();
  s.finished = finished_.load();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto now = std::chrono::steady_clock::now();
    double secs = std::chrono::duration<double>(now - sample_time_).count();
    if (secs >= 1.0) {
      last_bps_ = static_cast<int64_t>(static_cast<double>(s.finished_bytes - sample_bytes_) / secs);
      sample_time_ = now;
      sample_bytes_ = s.finished_bytes;
    }
    s.bps = last_bps_;
  }
  double pct = 0;
  if (s.finished) {
    pct = 100;
  } else if (s.estimate_total_rows > 0) {
    pct = std::min(99.99, 100.0 * static_cast<double>(s.finished_rows) /
                              static_cast<double>(s.estimate_total_rows));
  } else if (s.total_tables > 0) {
    pct = std::min(99.99, 100.0 * static_cast<double>(s.completed_tables) / static_cast<double>(s.total_tables));
  }
  s.progress = fmt::format("{:.2f} %", pct);
  return s;
}

}  // namespace dm::dump
