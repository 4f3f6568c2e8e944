#include "mysql/pool.h"

#include <fmt/format.h>

#include <cassert>

namespace dm::mysql {

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)), discard_(other.discard_) {
  other.pool_ = nullptr;
  other.conn_.reset();
}

PooledConnection& PooledConnection::operator=(PooledConnection&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = other.pool_;
    conn_ = std::move(other.conn_);
    discard_ = other.discard_;
    other.pool_ = nullptr;
    other.conn_.reset();
  }
  return *this;
}

PooledConnection::~PooledConnection() { Release(); }

void PooledConnection::Release() {
  if (pool_ != nullptr && conn_) pool_->Return(std::move(*conn_), discard_);
  pool_ = nullptr;
  conn_.reset();
}

ConnectionPool::ConnectionPool(ConnectionOptions options, size_t max_size, std::chrono::seconds validate_after_idle)
    : options_(std::move(options)), max_size_(max_size), validate_after_idle_(validate_after_idle) {
  assert(max_size_ > 0);
}

ConnectionPool::~ConnectionPool() {
  std::lock_guard<std::mutex> lock(mu_);
  assert(open_ == idle_.size() && "a PooledConnection outlived its pool");
}

Result<PooledConnection> ConnectionPool::Acquire(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (!idle_.empty()) {
      Idle idle = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();
      // The server may have closed a long-idle session (wait_timeout); a
      // ping finds out before the caller's statement does.
      if (std::chrono::steady_clock::now() - idle.since < validate_after_idle_ || idle.conn.Ping().ok()) {
        return PooledConnection(this, std::move(idle.conn));
      }
      lock.lock();
      --open_;  // the dead connection is dropped; try again
      continue;
    }
    if (open_ < max_size_) {
      ++open_;  // reserve the slot before connecting outside the lock
      lock.unlock();
      Result<Connection> conn = Connection::Connect(options_);
      if (!conn.ok()) {
        lock.lock();
        --open_;
        released_.notify_one();
        return std::move(conn).status();
      }
      return PooledConnection(this, std::move(conn).value());
    }
    if (released_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= max_size_) {
      return Status(StatusCode::kUnavailable,
                    fmt::format("no free connection to {} within {} ms (pool size {})", options_.Endpoint(),
                                timeout.count(), max_size_),
                    ErrorCode::kDBBadConn);
    }
  }
}

void ConnectionPool::Return(Connection conn, bool discard) {
  // A session returned mid-transaction would hand its locks and uncommitted
  // rows to the next user.
  if (!discard && !conn.broken() && conn.in_transaction() && !conn.Rollback().ok()) discard = true;
  if (discard || conn.broken()) {
    {
      Connection closing = std::move(conn);  // closed outside the lock below
      std::lock_guard<std::mutex> lock(mu_);
      --open_;
    }
    released_.notify_one();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(Idle{std::move(conn), std::chrono::steady_clock::now()});
  }
  released_.notify_one();
}

size_t ConnectionPool::open_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

size_t ConnectionPool::idle_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return idle_.size();
}

}  // namespace dm::mysql
