#include "binlog/client/socket_binlog_source.h"

#include <mysql.h>
#include <sys/socket.h>

#include <algorithm>
#include <random>
#include <set>

#include <fmt/format.h>

#include "binlog/client/dump_protocol.h"
#include "binlog/control_events.h"
#include "binlog/gtid_events.h"
#include "binlog/query_event.h"
#include "common/log.h"
#include "mysql/error.h"

namespace dm::binlog {
namespace {

using client::PacketKind;

// libmariadb's packet_error ((unsigned int)-1), spelled without its C cast.
constexpr unsigned long kPacketError = 0xffffffffUL;
constexpr int kErMasterFatalReadingBinlog = 1236;

// A free replica server id, as DM: the upstream's own id and its current
// replicas' ids are avoided. SHOW SLAVE HOSTS needs a privilege replicas may
// lack (REPLICATION MASTER ADMIN); without it only the own id is avoided.
Result<uint32_t> PickServerId(mysql::Connection& conn) {
  std::set<uint32_t> taken;
  DM_ASSIGN_OR_RETURN(mysql::Value own, conn.QueryValue("SELECT @@server_id"));
  if (own) taken.insert(static_cast<uint32_t>(std::strtoul(own->c_str(), nullptr, 10)));
  auto replicas = conn.QueryRows("SHOW SLAVE HOSTS");
  if (replicas.ok()) {
    for (const auto& row : *replicas) {
      if (!row.empty() && row[0]) taken.insert(static_cast<uint32_t>(std::strtoul(row[0]->c_str(), nullptr, 10)));
    }
  } else if (replicas.status().IsRetryable()) {
    return replicas.status();
  } else {
    log::Warn("cannot list the upstream's replicas; choosing a server id without them",
              {{"upstream", conn.endpoint()}, {"error", replicas.status()}});
  }
  std::random_device random;
  return client::ChooseServerId(taken, random());
}

}  // namespace

Result<std::unique_ptr<SocketBinlogSource>> SocketBinlogSource::Open(SocketBinlogSourceOptions options) {
  StartGtids start;
  if (options.use_gtid) {
    // MySQL's sets name sources by UUID followed by ':'; MariaDB's states
    // never hold one. Which flavor the upstream is shows only once connected.
    if (options.start_gtid.find(':') != std::string::npos) {
      DM_ASSIGN_OR_RETURN(start.mysql, MySqlGtidSet::Parse(options.start_gtid));
      start.flavor = ServerFlavor::kMySql;
    } else {
      DM_ASSIGN_OR_RETURN(start.mariadb, MariaDbGtidState::Parse(options.start_gtid));
      if (!start.mariadb.empty()) start.flavor = ServerFlavor::kMariaDb;
    }
  } else if (options.start.offset > UINT32_MAX) {
    return Status::InvalidArgument(fmt::format(
        "binlog position {} is past 4 GiB, which COM_BINLOG_DUMP cannot address; start from a GTID instead",
        options.start.ToString()));
  }
  auto source = std::make_unique<SocketBinlogSource>(Token{}, std::move(options), std::move(start));
  DM_RETURN_IF_ERROR(source->Connect());
  return source;
}

SocketBinlogSource::SocketBinlogSource(Token, SocketBinlogSourceOptions options, StartGtids start)
    : options_(std::move(options)),
      server_id_(options_.server_id),
      start_gtid_flavor_(start.flavor),
      gtid_state_(std::move(start.mariadb)),
      mysql_gtid_set_(std::move(start.mysql)) {
  gtid_state_known_ = options_.use_gtid;
  if (!options_.use_gtid) {
    file_ = options_.start.file;
    position_ = options_.start.offset;
  }
}

SocketBinlogSource::~SocketBinlogSource() { Disconnect(); }

uint64_t SocketBinlogSource::connection_id() const {
  std::lock_guard lock(mu_);
  return conn_ ? conn_->thread_id() : 0;
}

void SocketBinlogSource::Interrupt() {
  std::lock_guard lock(mu_);
  interrupted_ = true;
  // Unblocks a read in progress: the socket stays open (no fd reuse race)
  // but every read on it fails at once.
  if (conn_) ::shutdown(mysql_get_socket(conn_->native_handle()), SHUT_RDWR);
  cv_.notify_all();
}

void SocketBinlogSource::Disconnect() {
  std::lock_guard lock(mu_);
  conn_.reset();
}

std::string SocketBinlogSource::gtid_state() const {
  return flavor_ == ServerFlavor::kMySql ? mysql_gtid_set_.ToString() : gtid_state_.ToString();
}

std::string SocketBinlogSource::StartDescription() const {
  if (gtid_dump_) {
    return fmt::format("{} '{}'", flavor_ == ServerFlavor::kMySql ? "GTID set" : "GTID position", gtid_state());
  }
  return fmt::format("binlog position {}", Position{file_, position_}.ToString());
}

Status SocketBinlogSource::Connect() {
  mysql::ConnectionOptions copt = options_.connection;
  if (options_.heartbeat_period.count() > 0) {
    // A silent upstream sends a heartbeat every period; three missed ones
    // mean the connection is dead even if TCP has not noticed.
    const auto need = std::max<std::chrono::seconds>(
        std::chrono::seconds(5),
        std::chrono::ceil<std::chrono::seconds>(options_.heartbeat_period * 3));
    copt.read_timeout = std::max(copt.read_timeout, need);
  }
  DM_ASSIGN_OR_RETURN(mysql::Connection conn, mysql::Connection::Connect(copt));
  DM_ASSIGN_OR_RETURN(mysql::Value version_comment, conn.QueryValue("SELECT @@version_comment"));
  flavor_ = client::DetectServerFlavor(conn.server_version(), version_comment.value_or(""));

  // Past 4 GiB only GTID mode can name the resume point.
  gtid_dump_ = options_.use_gtid || position_ > UINT32_MAX;
  if (gtid_dump_ && !gtid_state_known_) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("cannot resume at {} past 4 GiB: COM_BINLOG_DUMP cannot address it and the GTID "
                              "state there is unknown",
                              Position{file_, position_}.ToString()),
                  ErrorCode::kBinlogDumpFailed);
  }
  if (gtid_dump_ && start_gtid_flavor_ && *start_gtid_flavor_ != flavor_) {
    return Status::InvalidArgument(fmt::format("{} is {} {}, but the start GTID '{}' is in {}'s form", conn.endpoint(),
                                               flavor_ == ServerFlavor::kMySql ? "MySQL" : "MariaDB",
                                               conn.server_version(), options_.start_gtid,
                                               *start_gtid_flavor_ == ServerFlavor::kMySql ? "MySQL" : "MariaDB"));
  }
  if (server_id_ == 0) {
    DM_ASSIGN_OR_RETURN(server_id_, PickServerId(conn));
  }

  // The upstream checks that a replica understands its checksums, and sends
  // events exactly as in its files once the replica says it does.
  DM_RETURN_IF_ERROR(conn.Execute("SET @master_binlog_checksum = @@global.binlog_checksum"));
  DM_ASSIGN_OR_RETURN(mysql::Value checksum, conn.QueryValue("SELECT @master_binlog_checksum"));
  if (options_.heartbeat_period.count() > 0) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(options_.heartbeat_period).count();
    DM_RETURN_IF_ERROR(conn.Execute(fmt::format("SET @master_heartbeat_period = {}", ns)));
  }
  // On a reconnect in GTID mode the states hold what was delivered up to the
  // last complete transaction, so the server resumes right after it.
  client::DumpStart start;
  start.flavor = flavor_;
  start.gtid = gtid_dump_;
  start.position = Position{file_, position_};
  if (gtid_dump_) {
    start.mariadb_gtids = gtid_state_;
    start.mysql_gtids = mysql_gtid_set_;
  }
  start.server_id = server_id_;
  start.non_blocking = options_.non_blocking;
  start.annotate_rows = options_.annotate_rows;
  DM_ASSIGN_OR_RETURN(client::DumpRequest request, client::BuildDumpRequest(start));
  for (const std::string& statement : request.statements) DM_RETURN_IF_ERROR(conn.Execute(statement));

  MYSQL* m = conn.native_handle();
  // libmariadb's enum_server_command has no COM_BINLOG_DUMP_GTID (a MySQL
  // command); the byte is sent as it is. skip_check=1: the dump has no reply
  // of its own; events follow.
  if (m->methods->db_command(m, static_cast<enum_server_command>(request.command),
                             reinterpret_cast<const char*>(request.body.data()), request.body.size(), 1,
                             nullptr) != 0) {
    return mysql::MysqlError(static_cast<int>(mysql_errno(m)), mysql_sqlstate(m), mysql_error(m), conn.endpoint(),
                             ErrorCode::kBinlogDumpFailed)
        .WithContext(fmt::format("send binlog dump from {}", StartDescription()));
  }

  stream_file_ = request.stream_start.file;
  stream_position_ = request.stream_start.offset;
  format_ = FormatDescription{};
  negotiated_checksum_ = checksum && *checksum == "CRC32" ? ChecksumAlgorithm::kCrc32 : ChecksumAlgorithm::kOff;
  format_.checksum = negotiated_checksum_;
  format_.flavor = flavor_;
  dump_start_ = StartDescription();

  std::lock_guard lock(mu_);
  if (interrupted_) return Status::Cancelled("binlog dump interrupted");
  conn_.emplace(std::move(conn));
  return Status::OK();
}

Status SocketBinlogSource::Reconnect(const Status& cause) {
  Status last = cause;
  auto delay = options_.backoff_initial;
  for (int n = 0; n < 1 << 20; ++n) {
    if (failed_attempts_ >= options_.max_reconnect_attempts) {
      return Status(StatusCode::kUnavailable,
                    fmt::format("binlog dump from {} at {}: gave up after {} reconnection attempts; last error: {}",
                                options_.connection.Endpoint(), Position{file_, position_}.ToString(),
                                failed_attempts_, last.message()),
                    ErrorCode::kBinlogDumpFailed);
    }
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, delay, [this] { return interrupted_.load(); })) {
        return Status::Cancelled("binlog dump interrupted");
      }
    }
    ++failed_attempts_;
    log::Warn("reconnecting binlog dump", {{"upstream", options_.connection.Endpoint()},
                                            {"position", Position{file_, position_}.ToString()},
                                            {"gtid", gtid_state()},
                                            {"attempt", failed_attempts_},
                                            {"error", last}});
    Status s = Connect();
    if (s.ok()) {
      ++reconnects_;
      return s;
    }
    if (!s.IsRetryable()) return s;
    last = std::move(s);
    delay = std::min(delay * 2, options_.backoff_max);
  }
  return last;
}

Status SocketBinlogSource::ReadPacket(bool* eof, std::span<const uint8_t>* event) {
  MYSQL* m = conn_->native_handle();
  const unsigned long length = mysql_net_read_packet(m);
  if (length == kPacketError) {
    const int number = static_cast<int>(mysql_errno(m));
    Status s = mysql::MysqlError(number, mysql_sqlstate(m), mysql_error(m), conn_->endpoint(),
                                 ErrorCode::kBinlogDumpFailed);
    if (number == kErMasterFatalReadingBinlog) {
      // Purged, never existing or bogus coordinates: retrying cannot help.
      return Status(StatusCode::kFailedPrecondition,
                    fmt::format("{} is not available on the upstream: {}", dump_start_, s.message()),
                    ErrorCode::kBinlogPositionUnavailable);
    }
    return s.WithContext(fmt::format("binlog dump at {}", Position{file_, position_}.ToString()));
  }
  DM_ASSIGN_OR_RETURN(client::DumpPacket packet, client::ParseDumpPacket(std::span(m->net.read_pos, length)));
  *eof = packet.kind == PacketKind::kEof;
  *event = packet.event;
  return Status::OK();
}

Status SocketBinlogSource::Fail(Status status) {
  error_ = std::move(status);
  return error_;
}

Result<bool> SocketBinlogSource::Next(RawEvent* event) {
  if (!error_.ok()) return error_;
  if (ended_) return false;
  Status cause;
  while (true) {
    if (interrupted_) return Fail(Status::Cancelled("binlog dump interrupted"));
    if (!conn_) {
      if (Status s = Reconnect(cause); !s.ok()) return Fail(std::move(s));
    }
    bool eof = false;
    std::span<const uint8_t> bytes;
    if (Status s = ReadPacket(&eof, &bytes); !s.ok()) {
      if (interrupted_) return Fail(Status::Cancelled("binlog dump interrupted"));
      if (s.code() != StatusCode::kUnavailable || options_.max_reconnect_attempts <= 0) return Fail(std::move(s));
      // Lost: the next dump resumes after the last delivered event.
      Disconnect();
      resuming_ = true;
      cause = std::move(s);
      continue;
    }
    if (eof) {
      ended_ = true;
      return false;
    }
    auto header = DecodeEventHeader(bytes, stream_position_);
    if (!header.ok()) return Fail(header.status().WithContext(fmt::format("binlog dump from {}", dump_start_)));
    if (header->event_size != bytes.size() || header->event_size > options_.max_event_size) {
      return Fail(Status(StatusCode::kCorruption,
                         fmt::format("binlog dump at {}: {} packet of {} bytes holds an event claiming {} bytes "
                                     "(limit {})",
                                     Position{stream_file_, stream_position_}.ToString(),
                                     EventTypeName(header->type), bytes.size(), header->event_size,
                                     options_.max_event_size),
                         ErrorCode::kBinlogEventCorrupt));
    }
    event->header = *header;
    event->bytes = bytes;
    auto deliver = Track(event);
    if (!deliver.ok()) return Fail(deliver.status());
    if (!*deliver) continue;
    failed_attempts_ = 0;
    return true;
  }
}

Result<bool> SocketBinlogSource::Track(RawEvent* event) {
  const EventHeader& h = event->header;
  const bool unpositioned = client::IsUnpositionedEvent(h);
  const std::string_view event_file = stream_file_;
  uint64_t end = stream_position_;
  if (!unpositioned) {
    end = client::ExtendLogPosition(stream_position_, h.next_position, h.event_size);
    stream_position_ = end;
  }
  event->position = unpositioned ? end : end - h.event_size;

  // Only a few events need decoding here: those that move the stream or
  // frame event groups.
  const bool deliver = !resuming_ || (!unpositioned && ComparePositions(Position{std::string(event_file), end},
                                                                        Position{file_, position_}) > 0);
  if (deliver) resuming_ = false;
  switch (h.type) {
    case EventType::kFormatDescription: {
      DM_ASSIGN_OR_RETURN(format_, DecodeFormatDescription(*event));
      break;
    }
    case EventType::kRotate: {
      DM_ASSIGN_OR_RETURN(RotateEvent rotate, DecodeRotate(*event, format_));
      stream_file_ = std::string(rotate.next_file);
      stream_position_ = rotate.position;
      break;
    }
    default:
      break;
  }
  if (!deliver) return false;

  if (!unpositioned || h.type == EventType::kRotate) {
    file_ = stream_file_;
    position_ = stream_position_;
  }
  auto close_group = [this] {
    if (open_group_) gtid_state_.Update(*open_group_);
    open_group_.reset();
    if (mysql_group_gtid_) mysql_gtid_set_.Add(mysql_group_gtid_->first, mysql_group_gtid_->second);
    mysql_group_gtid_.reset();
    mysql_group_open_ = false;
  };
  switch (h.type) {
    case EventType::kMariaGtidList:
      // The binlog state at a file's start, when the stream passes one.
      if (!unpositioned && !gtid_state_known_) {
        DM_ASSIGN_OR_RETURN(MariaDbGtidListEvent list, DecodeMariaDbGtidList(*event, format_));
        gtid_state_.UpdateFromList(list);
        gtid_state_known_ = true;
      }
      break;
    case EventType::kMariaGtid: {
      DM_ASSIGN_OR_RETURN(MariaDbGtidEvent gtid, DecodeMariaDbGtid(*event, format_));
      open_group_ = gtid.gtid;
      open_group_standalone_ = gtid.standalone();
      break;
    }
    case EventType::kPreviousGtids:
      // MySQL: the executed set before the file, when the stream passes a
      // file's start (as GTID_LIST for MariaDB).
      if (!unpositioned && !gtid_state_known_) {
        DM_ASSIGN_OR_RETURN(PreviousGtidsEvent previous, DecodePreviousGtids(*event, format_));
        mysql_gtid_set_ = MySqlGtidSet::FromPreviousGtids(previous);
        gtid_state_known_ = true;
      }
      break;
    case EventType::kGtid:
    case EventType::kAnonymousGtid: {
      DM_ASSIGN_OR_RETURN(MySqlGtidEvent gtid, DecodeMySqlGtid(*event, format_));
      mysql_group_open_ = true;
      mysql_group_began_ = false;
      mysql_group_gtid_.reset();
      if (!gtid.anonymous) mysql_group_gtid_.emplace(gtid.sid, gtid.gno);
      break;
    }
    case EventType::kXid:
    case EventType::kXaPrepare:
      close_group();
      break;
    case EventType::kQuery:
    case EventType::kMariaQueryCompressed:
      if (mysql_group_open_) {
        // MySQL: a transaction is BEGIN ... COMMIT/XID; a DDL is its
        // statement alone.
        DM_ASSIGN_OR_RETURN(QueryEvent query, DecodeQuery(*event, format_, &query_scratch_));
        if (!mysql_group_began_ && client::IsBeginQuery(query.query)) {
          mysql_group_began_ = true;
        } else if (!mysql_group_began_ || client::IsGroupEndQuery(query.query)) {
          close_group();
        }
      } else if (open_group_) {
        if (open_group_standalone_) {
          close_group();
        } else {
          DM_ASSIGN_OR_RETURN(QueryEvent query, DecodeQuery(*event, format_, &query_scratch_));
          if (client::IsGroupEndQuery(query.query)) close_group();
        }
      }
      break;
    default:
      break;
  }
  return true;
}

}  // namespace dm::binlog
