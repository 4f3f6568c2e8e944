// A bounded, thread-safe pool of Connections to one endpoint.
//
//   ConnectionPool pool(options, 4);
//   DM_ASSIGN_OR_RETURN(auto conn, pool.Acquire(std::chrono::seconds(10)));
//   DM_RETURN_IF_ERROR(conn->Execute("..."));
//   // the lease returns the connection when it goes out of scope
//
// Connections are opened lazily, up to max_size. A connection that saw a
// connection-level error (Connection::broken()) is closed on release instead
// of being reused, and one returned inside an open transaction is rolled back
// first, so the next user always gets a clean, live session. Connections idle
// for longer than `validate_after_idle` are pinged before being handed out.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

#include "common/status.h"
#include "mysql/connection.h"

namespace dm::mysql {

class ConnectionPool;

// Exclusive use of one pooled connection until destroyed. Move-only.
// REQUIRES: destroyed before its pool.
class PooledConnection {
 public:
  PooledConnection(PooledConnection&& other) noexcept;
  PooledConnection& operator=(PooledConnection&& other) noexcept;
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;
  ~PooledConnection();

  Connection& operator*() { return *conn_; }
  Connection* operator->() { return &*conn_; }

  // Closes the connection on release instead of returning it, e.g. after
  // changing session state that the next user must not inherit.
  void Discard() { discard_ = true; }

 private:
  friend class ConnectionPool;
  PooledConnection(ConnectionPool* pool, Connection conn) : pool_(pool), conn_(std::move(conn)) {}
  void Release();

  ConnectionPool* pool_ = nullptr;
  std::optional<Connection> conn_;
  bool discard_ = false;
};

class ConnectionPool {
 public:
  // REQUIRES: max_size > 0.
  ConnectionPool(ConnectionOptions options, size_t max_size,
                 std::chrono::seconds validate_after_idle = std::chrono::seconds(30));
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  // REQUIRES: no PooledConnection of this pool is alive.
  ~ConnectionPool();

  // Returns an idle connection, or opens one when fewer than max_size are
  // open, or waits up to `timeout` for one to be released. kUnavailable on
  // timeout; the connect error when opening fails. Thread-safe.
  Result<PooledConnection> Acquire(std::chrono::milliseconds timeout);

  const ConnectionOptions& options() const { return options_; }
  size_t max_size() const { return max_size_; }
  // Connections open now (idle plus leased). Thread-safe.
  size_t open_count() const;
  size_t idle_count() const;

 private:
  friend class PooledConnection;
  struct Idle {
    Connection conn;
    std::chrono::steady_clock::time_point since;
  };
  void Return(Connection conn, bool discard);

  const ConnectionOptions options_;
  const size_t max_size_;
  const std::chrono::seconds validate_after_idle_;

  mutable std::mutex mu_;
  std::condition_variable released_;
  std::vector<Idle> idle_;  // guarded by mu_; back() is the most recently used
  size_t open_ = 0;         // guarded by mu_; idle + leased + being opened
};

}  // namespace dm::mysql
