#include "dump/snapshot.h"

#include <fmt/format.h>

#include <charconv>
#include <utility>

#include "common/log.h"
#include "common/strings.h"
#include "mysql/master_status.h"
#include "mysql/quote.h"

namespace dm::dump {

namespace {

uint64_t ParseU64(std::string_view s) {
  uint64_t out = 0;
  std::from_chars(s.data(), s.data() + s.size(), out);
  return out;
}

Status LockError(const Status& cause, std::string_view what) {
  return Status(StatusCode::kFailedPrecondition, fmt::format("{}: {}", what, cause.message()),
                ErrorCode::kDumpLockFailed);
}

// Errors that mean "not allowed", where auto consistency falls back.
bool IsPrivilegeError(int errnum) {
  return errnum == 1227 /* ER_SPECIFIC_ACCESS_DENIED_ERROR */ || errnum == 1044 /* ER_DBACCESS_DENIED */ ||
         errnum == 1045 || errnum == 1142 /* ER_TABLEACCESS_DENIED */;
}

std::string Describe(const BinlogPosition& p) { return fmt::format("({}, {}) gtid '{}'", p.file, p.pos, p.gtid_set); }

}  // namespace

mysql::ConnectionOptions DumpSessionOptions(const mysql::ConnectionOptions& source) {
  mysql::ConnectionOptions o = source;
  o.charset = "binary";
  o.database.clear();
  o.session_variables["time_zone"] = "+00:00";
  o.session_variables["sql_mode"] = "''";
  // A streamed read pauses while the writer flushes; never let the server
  // give up on us in between.
  o.session_variables["net_write_timeout"] = "3600";
  o.session_variables["net_read_timeout"] = "3600";
  return o;
}

Result<BinlogPosition> ReadSnapshotPosition(mysql::Connection& conn) {
  DM_ASSIGN_OR_RETURN(mysql::MasterStatus status, mysql::ReadMasterStatus(conn));
  return BinlogPosition{std::move(status.file), status.position, std::move(status.gtid_set)};
}

Snapshot::Snapshot(Snapshot&& other) noexcept
    : lock_conn_(std::move(other.lock_conn_)),
      locked_(std::exchange(other.locked_, false)),
      consistency_(other.consistency_),
      position_(std::move(other.position_)),
      after_connect_(std::move(other.after_connect_)),
      snapshots_(std::move(other.snapshots_)),
      catalog_(std::move(other.catalog_)),
      connections_(std::move(other.connections_)) {}

Snapshot::~Snapshot() {
  if (locked_ && lock_conn_ && !lock_conn_->broken()) {
    Status s = lock_conn_->Execute("UNLOCK TABLES");
    if (!s.ok()) log::Warn("dump: cannot release the read lock", {{"error", s}});
  }
}

Status Snapshot::ReleaseLock() {
  if (!locked_) return Status::OK();
  locked_ = false;
  DM_RETURN_IF_ERROR(lock_conn_->Execute("UNLOCK TABLES"));
  log::Info("dump: read lock released", {{"consistency", ConsistencyName(consistency_)}});
  return Status::OK();
}

Status Snapshot::Lock(const DumpOptions& options,
                      const std::function<Result<Catalog>(mysql::Connection&)>& load_catalog) {
  Consistency mode = options.consistency;
  if (mode == Consistency::kAuto || mode == Consistency::kFlush) {
    Status s = lock_conn_->Execute("FLUSH TABLES WITH READ LOCK");
    if (s.ok()) {
      locked_ = true;
      consistency_ = Consistency::kFlush;
      // The table set cannot change under FTWRL.
      DM_ASSIGN_OR_RETURN(catalog_, load_catalog(*lock_conn_));
      return Status::OK();
    }
    if (mode == Consistency::kFlush || !IsPrivilegeError(lock_conn_->last_error_number())) {
      return LockError(s, "FLUSH TABLES WITH READ LOCK failed");
    }
    log::Warn("dump: FLUSH TABLES WITH READ LOCK is not allowed (RELOAD missing); falling back to LOCK TABLES",
              {{"error", s}});
    mode = Consistency::kLock;
  }
  // lock and none list the tables first: LOCK TABLES needs the list.
  DM_ASSIGN_OR_RETURN(catalog_, load_catalog(*lock_conn_));
  if (mode == Consistency::kLock) {
    std::string sql;
    for (const auto& t : catalog_.tables) {
      if (t.kind == ObjectKind::kView) continue;  // a view's lock would lock its base tables by name
      sql += sql.empty() ? "LOCK TABLES " : ", ";
      sql += mysql::QualifiedName(t.schema, t.name) + " READ";
    }
    Status s = sql.empty() ? Status::OK() : lock_conn_->Execute(sql);
    if (s.ok()) {
      locked_ = !sql.empty();
      consistency_ = Consistency::kLock;
      return Status::OK();
    }
    if (options.consistency != Consistency::kAuto || !IsPrivilegeError(lock_conn_->last_error_number())) {
      return LockError(s, "LOCK TABLES ... READ failed");
    }
    log::Warn("dump: LOCK TABLES is not allowed either; dumping without a lock, sync must start in safe mode",
              {{"error", s}});
  } else {
    log::Warn("dump: consistency none: the dump is not a snapshot; sync starts in safe mode up to the "
              "after-connect position");
  }
  consistency_ = Consistency::kNone;
  return Status::OK();
}

Status Snapshot::OpenConnections(const DumpOptions& options, std::stop_token stop) {
  const mysql::ConnectionOptions session = DumpSessionOptions(options.source);
  for (int i = 0; i < options.threads; ++i) {
    if (stop.stop_requested()) return Status::Cancelled("dump cancelled");
    DM_ASSIGN_OR_RETURN(mysql::Connection conn, mysql::Connection::Connect(session));
    DM_RETURN_IF_ERROR(conn.Execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
    DM_RETURN_IF_ERROR(conn.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT"));
    BinlogPosition snap;
    if (conn.is_mariadb()) {
      // MariaDB reports the binlog position its consistent snapshot sees.
      DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SHOW STATUS LIKE 'binlog_snapshot_%'"));
      for (const auto& row : rows) {
        std::string name = row[0].value_or("");
        if (EqualsIgnoreCase(name, "binlog_snapshot_file")) snap.file = row[1].value_or("");
        if (EqualsIgnoreCase(name, "binlog_snapshot_position")) snap.pos = ParseU64(row[1].value_or(""));
      }
      snap.gtid_set = position_.gtid_set;
      bool same = snap.file == position_.file && snap.pos == position_.pos;
      if (!same && consistency_ == Consistency::kFlush) {
        return Status(StatusCode::kFailedPrecondition,
                      fmt::format("dump connection {} snapshot is at {}, the locked position is {}", i,
                                  Describe(snap), Describe(position_)),
                      ErrorCode::kDumpSnapshotMismatch);
      }
      if (!same) {
        // Under LOCK TABLES other (not dumped) tables may still be written;
        // under none the snapshots simply differ.
        log::Info("dump: connection snapshot differs from the recorded position",
                  {{"connection", i}, {"snapshot", Describe(snap)}, {"recorded", Describe(position_)},
                   {"consistency", ConsistencyName(consistency_)}});
      }
    } else {
      snap = position_;  // MySQL has no per-snapshot status; FTWRL makes them equal
    }
    snapshots_.push_back(std::move(snap));
    connections_.push_back(std::move(conn));
  }
  return Status::OK();
}

Result<Snapshot> Snapshot::Take(const DumpOptions& options,
                                const std::function<Result<Catalog>(mysql::Connection&)>& load_catalog,
                                std::stop_token stop) {
  Snapshot s;
  DM_ASSIGN_OR_RETURN(mysql::Connection lock_conn,
                      mysql::Connection::Connect(DumpSessionOptions(options.source)));
  s.lock_conn_ = std::move(lock_conn);
  DM_RETURN_IF_ERROR(s.Lock(options, load_catalog));
  DM_ASSIGN_OR_RETURN(s.position_, ReadSnapshotPosition(*s.lock_conn_));
  if (s.position_.file.empty()) {
    log::Warn("dump: the upstream has no binary log (SHOW MASTER STATUS is empty); metadata has no position");
  }
  DM_RETURN_IF_ERROR(s.OpenConnections(options, stop));
  // DM's exit point for safe mode: with a lock nothing moved; without one
  // this is where every snapshot is known to be behind.
  DM_ASSIGN_OR_RETURN(s.after_connect_, ReadSnapshotPosition(*s.lock_conn_));
  log::Info("dump: snapshot taken",
            {{"consistency", ConsistencyName(s.consistency_)}, {"position", Describe(s.position_)},
             {"connections", s.connections_.size()}});
  return s;
}

}  // namespace dm::dump
