// SocketBinlogSource: the binlog of a live upstream, read as a replica over
// the replication protocol and delivered through the same BinlogSource
// interface as files, so one decoder serves both (ClickHouse's MySQLBinlog
// design).
//
// libmariadb connects (TLS, authentication: dm_mysql's ConnectionOptions) and
// sends COM_BINLOG_DUMP; packets are then read with mysql_net_read_packet()
// straight into a RawEvent, never parsed by libmariadb's replication API
// (which allocates per event and rejects event types it does not know).
// Before the dump the session announces, as a replica does:
// @master_binlog_checksum (the upstream's algorithm, so events arrive with
// their CRC32 as in its files), @master_heartbeat_period, and on MariaDB
// @mariadb_slave_capability=4 (GTID events). The flavor comes from the
// upstream's version and @@version_comment (client::DetectServerFlavor).
// GTID mode: MariaDB gets @slave_connect_state and COM_BINLOG_DUMP, MySQL
// COM_BINLOG_DUMP_GTID with the executed GTID set (client::BuildDumpRequest).
//
// Resuming. When the connection drops (connection errors, read timeouts,
// KILL on the server) the source reconnects with bounded exponential backoff
// and continues after the last event it delivered: in position mode from that
// (file, offset); in GTID mode from the GTID state after the last complete
// event group, skipping the events of the partial group that it delivered
// already (recognised by their positions). A consumer therefore sees every
// event exactly once, with the preamble of the new dump (fake ROTATE,
// re-sent FORMAT_DESCRIPTION) suppressed. A position or GTID the upstream no
// longer has (error 1236) is not retried: FailedPrecondition
// (BinlogPositionUnavailable) naming it.
//
// Positions are 64-bit: log_pos (32-bit) is extended from the stream's own
// position, so files past 4 GiB are followed; a reconnect past 4 GiB uses
// GTID mode, since COM_BINLOG_DUMP's offset field has 4 bytes.
//
// Event groups: MariaDB's start with a GTID event and end with XID, COMMIT
// or, when flagged standalone, their one statement; MySQL's start with a GTID
// (or ANONYMOUS_GTID) event and end with XID or COMMIT after a BEGIN, else
// with their one statement (DDL). MariaDB is tested against a live server;
// MySQL only by unit tests of the request and its pieces (no MySQL server
// runs in dm's tests).
//
// Thread-safety: Next() and the accessors are called by one thread;
// Interrupt() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "binlog/format_description.h"
#include "binlog/gtid_state.h"
#include "binlog/location.h"
#include "binlog/mysql_gtid_set.h"
#include "binlog/source/binlog_source.h"
#include "mysql/connection.h"

namespace dm::binlog {

struct SocketBinlogSourceOptions {
  mysql::ConnectionOptions connection;
  // Server id of this replica; 0 picks a free one (ChooseServerId, as DM).
  // Two replicas with the same id evict each other on the upstream.
  uint32_t server_id = 0;
  // Position mode: the first event to stream. An empty file starts at the
  // upstream's first binlog file.
  Position start{"", kFirstEventOffset};
  // GTID mode: stream every event group after `start_gtid`, a MariaDB GTID
  // position ("0-1-100,1-2-7") or a MySQL GTID set ("uuid:1-100,uuid2:1-7");
  // "" = from the start of the oldest binlog. The form must match the
  // upstream's flavor. `start` is then ignored.
  bool use_gtid = false;
  std::string start_gtid;
  // Heartbeats the upstream sends when idle; 0 disables them. A read that
  // sees nothing for 3 periods (at least 5 s) counts as a lost connection.
  std::chrono::milliseconds heartbeat_period{std::chrono::seconds(30)};
  // Ask the server to end the stream (Next() returns false) at the end of its
  // binlog instead of waiting for new events, like mariadb-binlog without
  // --stop-never.
  bool non_blocking = false;
  // Ask MariaDB for ANNOTATE_ROWS events (the statement behind rows events).
  bool annotate_rows = true;
  // Reconnection: at most this many consecutive failed attempts (0: never
  // reconnect), waiting backoff_initial, then twice as long each time, up to
  // backoff_max. A delivered event resets the count.
  int max_reconnect_attempts = 10;
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{std::chrono::seconds(5)};
  // Largest event accepted.
  uint64_t max_event_size = kMaxEventSize;
};

class SocketBinlogSource final : public BinlogSource {
  struct Token {
    explicit Token() = default;
  };
  // The parsed start GTID (GTID mode); `flavor` is the form it was written
  // in, unknown for "".
  struct StartGtids {
    std::optional<ServerFlavor> flavor;
    MariaDbGtidState mariadb;
    MySqlGtidSet mysql;
  };

 public:
  // Connects and sends the dump request. Fails on option errors
  // (InvalidArgument: a bad GTID text, a position past 4 GiB, a start GTID of
  // the other flavor) and on connection errors (classified as by dm_mysql; not
  // retried here, the caller decides). Errors about the requested position
  // arrive with the first Next().
  static Result<std::unique_ptr<SocketBinlogSource>> Open(SocketBinlogSourceOptions options);

  SocketBinlogSource(Token, SocketBinlogSourceOptions options, StartGtids start);
  ~SocketBinlogSource() override;
  SocketBinlogSource(const SocketBinlogSource&) = delete;
  SocketBinlogSource& operator=(const SocketBinlogSource&) = delete;

  // See BinlogSource. Blocks until an event arrives. Returns false only in
  // non-blocking mode at the end of the upstream's binlog. Heartbeats are
  // delivered as events (they carry no position); consumers skip them.
  // Errors: FailedPrecondition (BinlogPositionUnavailable) for error 1236;
  // Unavailable when reconnecting gave up; Cancelled after Interrupt();
  // Corruption for malformed framing. Errors are sticky.
  Result<bool> Next(RawEvent* event) override;

  // The file and offset after the last delivered event (the start before
  // any): where a restarted replica would continue.
  const std::string& file_name() const override { return file_; }
  uint64_t position() const override { return position_; }
  // The GTID state after the last complete event group delivered: the start
  // state updated by every group that has ended since; MariaDB's position
  // form or MySQL's set form by the upstream's flavor. "" when unknown.
  std::string gtid_state() const;
  // The upstream's flavor (known once connected).
  ServerFlavor flavor() const { return flavor_; }

  uint32_t server_id() const { return server_id_; }
  // The checksum algorithm negotiated for the stream; events before the
  // first FORMAT_DESCRIPTION (the fake ROTATE) carry it.
  ChecksumAlgorithm checksum() const { return negotiated_checksum_; }
  // CONNECTION_ID() of the current replication session; 0 while disconnected.
  uint64_t connection_id() const;
  // How many times the source reconnected.
  int reconnects() const { return reconnects_; }

  // Makes a blocked or later Next() return Cancelled (shuts the socket down).
  // Thread-safe.
  void Interrupt();

 private:
  // Connects, announces the replica and sends the dump request from the
  // resume point (start options on the first call).
  Status Connect();
  // Reconnect loop with backoff; OK once a new dump has been requested.
  Status Reconnect(const Status& cause);
  void Disconnect();
  // Reads one packet into *packet (event bytes or EOF).
  Status ReadPacket(bool* eof, std::span<const uint8_t>* event);
  // Updates the stream's position, format and GTID bookkeeping for a received
  // event and decides whether to deliver it.
  Result<bool> Track(RawEvent* event);
  Status Fail(Status status);
  std::string StartDescription() const;

  const SocketBinlogSourceOptions options_;
  uint32_t server_id_ = 0;
  const std::optional<ServerFlavor> start_gtid_flavor_;
  ServerFlavor flavor_ = ServerFlavor::kMariaDb;  // of the upstream, set by Connect()

  // The connection; replaced only under mu_ so Interrupt() can reach its socket.
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<mysql::Connection> conn_;
  std::atomic<bool> interrupted_{false};

  // Where the dump stream stands (server coordinates of the next event).
  std::string stream_file_;
  uint64_t stream_position_ = 0;
  ChecksumAlgorithm negotiated_checksum_ = ChecksumAlgorithm::kOff;
  FormatDescription format_;  // in force on the stream (checksum length for ROTATE bodies)
  // Delivered: what the consumer has seen.
  std::string file_;
  uint64_t position_ = 0;
  MariaDbGtidState gtid_state_;     // MariaDB: after the last complete group delivered
  MySqlGtidSet mysql_gtid_set_;     // MySQL: the same, as the executed set
  bool gtid_state_known_ = false;   // GTID mode, or a GTID_LIST / PREVIOUS_GTIDS seen at a file start
  std::optional<MariaDbGtid> open_group_;  // GTID of the group being delivered
  bool open_group_standalone_ = false;
  // MySQL: a transaction is being delivered; its GTID (none for ANONYMOUS);
  // whether its BEGIN has passed (without one it is a single DDL statement).
  bool mysql_group_open_ = false;
  std::optional<std::pair<Uuid, int64_t>> mysql_group_gtid_;
  bool mysql_group_began_ = false;
  std::string query_scratch_;
  // After a reconnect, until the first event past the delivered position.
  bool resuming_ = false;
  bool gtid_dump_ = false;  // the current dump was requested in GTID mode
  std::string dump_start_;  // what the current dump asked for, for errors
  int reconnects_ = 0;
  int failed_attempts_ = 0;  // consecutive, reset by a delivered event
  bool ended_ = false;
  Status error_;  // sticky
};

}  // namespace dm::binlog
