#include "load/progress.h"

#include <fmt/format.h>

namespace dm::load {

void Progress::Reset(uint64_t total_bytes, uint64_t finished_bytes) {
  total_.store(total_bytes, std::memory_order_relaxed);
  finished_.store(finished_bytes, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(mu_);
  last_time_ = std::chrono::steady_clock::now();
  last_bytes_ = finished_bytes;
  last_bps_ = 0;
}

void Progress::SetMetaBinlog(std::string binlog, std::string gtid) {
  std::lock_guard<std::mutex> lock(mu_);
  meta_binlog_ = std::move(binlog);
  meta_binlog_gtid_ = std::move(gtid);
}

LoadStatus Progress::Snapshot() {
  LoadStatus s;
  s.finished_bytes = finished_bytes();
  s.total_bytes = total_bytes();
  // DM prints 100 % for an empty dump rather than dividing by zero.
  double pct = s.total_bytes == 0 ? 100.0
                                  : 100.0 * static_cast<double>(s.finished_bytes) /
                                        static_cast<double>(s.total_bytes);
  s.progress = fmt::format("{:.2f} %", pct);
  std::lock_guard<std::mutex> lock(mu_);
  s.meta_binlog = meta_binlog_;
  s.meta_binlog_gtid = meta_binlog_gtid_;
  auto now = std::chrono::steady_clock::now();
  auto elapsed = std::chrono::duration<double>(now - last_time_).count();
  if (elapsed >= 1.0) {
    uint64_t delta = s.finished_bytes >= last_bytes_ ? s.finished_bytes - last_bytes_ : 0;
    last_bps_ = static_cast<uint64_t>(static_cast<double>(delta) / elapsed);
    last_bytes_ = s.finished_bytes;
    last_time_ = now;
  }
  s.bps = last_bps_;
  return s;
}

}  // namespace dm::load
