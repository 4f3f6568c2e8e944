// The consistency part of a dump (DESIGN.md §3): the lock connection, the
// binlog position read under the lock, and the dump connections whose
// consistent-snapshot transactions all see the data as of that position.
#pragma once

#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "common/status.h"
#include "dump/catalog.h"
#include "dump/dump.h"
#include "mysql/connection.h"

namespace dm::dump {

// Session options for every dump session: binary results (bytes exact),
// time_zone '+00:00', sql_mode '' (so SHOW CREATE uses backticks whatever
// the upstream's ANSI_QUOTES), long network timeouts for streamed reads.
mysql::ConnectionOptions DumpSessionOptions(const mysql::ConnectionOptions& source);

// SHOW MASTER STATUS plus the GTID set (@@GLOBAL.gtid_binlog_pos on MariaDB,
// Executed_Gtid_Set on MySQL). An upstream without binlog gives an empty file.
Result<BinlogPosition> ReadSnapshotPosition(mysql::Connection& conn);

// A consistent snapshot of the upstream across `threads` connections.
class Snapshot {
 public:
  // Opens the lock connection, takes the lock of `requested` (falling back
  // under kAuto with a warning), loads the catalog with `load_catalog` at
  // the point where the table set is fixed, reads the position, opens the
  // dump connections with START TRANSACTION WITH CONSISTENT SNAPSHOT and
  // checks each one's binlog_snapshot_file/position (MariaDB). Under flush a
  // difference is FailedPrecondition (DumpSnapshotMismatch). The lock is
  // still held on return; call ReleaseLock().
  static Result<Snapshot> Take(const DumpOptions& options,
                               const std::function<Result<Catalog>(mysql::Connection&)>& load_catalog,
                               std::stop_token stop);

  // A moved-from Snapshot holds no lock (so its destructor unlocks nothing).
  Snapshot(Snapshot&& other) noexcept;
  Snapshot& operator=(Snapshot&&) = delete;
  // Releases the lock if still held.
  ~Snapshot();

  // UNLOCK TABLES on the lock connection (idempotent).
  Status ReleaseLock();

  Consistency consistency() const { return consistency_; }
  const BinlogPosition& position() const { return position_; }
  const BinlogPosition& after_connect() const { return after_connect_; }
  const std::vector<BinlogPosition>& connection_snapshots() const { return snapshots_; }
  Catalog& catalog() { return catalog_; }
  // The dump connections, each inside its snapshot transaction. Callers
  // move them out to their threads.
  std::vector<mysql::Connection>& connections() { return connections_; }

 private:
  Snapshot() = default;
  Status Lock(const DumpOptions& options,
              const std::function<Result<Catalog>(mysql::Connection&)>& load_catalog);
  Status OpenConnections(const DumpOptions& options, std::stop_token stop);

  std::optional<mysql::Connection> lock_conn_;
  bool locked_ = false;
  Consistency consistency_ = Consistency::kNone;
  BinlogPosition position_;
  BinlogPosition after_connect_;
  std::vector<BinlogPosition> snapshots_;
  Catalog catalog_;
  std::vector<mysql::Connection> connections_;
};

}  // namespace dm::dump
