#include "sync/start_time.h"

#include <fmt/format.h>

#include <chrono>
#include <vector>

#include "binlog/client/socket_binlog_source.h"
#include "binlog/event_type.h"
#include "binlog/format_description.h"
#include "binlog/query_event.h"
#include "common/strings.h"
#include "mysql/quote.h"

namespace dm::sync {
namespace {

// Reads `n` digits at *p of `text` into *out.
bool Digits(std::string_view text, size_t* p, size_t n, int* out) {
  if (*p + n > text.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[*p + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *p += n;
  *out = v;
  return true;
}

bool Char(std::string_view text, size_t* p, char c) {
  if (*p >= text.size() || text[*p] != c) return false;
  ++*p;
  return true;
}

Status BadStartTime(std::string_view text) {
  return Status::InvalidArgument(fmt::format(
      "--start-time {:?}: expected \"2006-01-02 15:04:05\", \"2006-01-02T15:04:05\" or RFC 3339 with an offset "
      "(\"2006-01-02T15:04:05+08:00\", \"2006-01-02T15:04:05Z\")",
      std::string(text)));
}

}  // namespace

Result<int64_t> StartTimeSeconds(std::string_view text, std::string_view time_zone,
                                 const mysql::ConnectionOptions& target) {
  const std::string_view input = text;
  text = TrimSpace(text);
  size_t p = 0;
  int year, month, day, hour, minute, second;
  if (!Digits(text, &p, 4, &year) || !Char(text, &p, '-') || !Digits(text, &p, 2, &month) || !Char(text, &p, '-') ||
      !Digits(text, &p, 2, &day) || !(Char(text, &p, ' ') || Char(text, &p, 'T')) || !Digits(text, &p, 2, &hour) ||
      !Char(text, &p, ':') || !Digits(text, &p, 2, &minute) || !Char(text, &p, ':') || !Digits(text, &p, 2, &second)) {
    return BadStartTime(input);
  }
  bool fraction = false;
  if (Char(text, &p, '.')) {
    const size_t digits_from = p;
    while (p < text.size() && text[p] >= '0' && text[p] <= '9') {
      fraction = fraction || text[p] != '0';
      ++p;
    }
    if (p == digits_from) return BadStartTime(input);
  }
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return BadStartTime(input);
  const int round_up = fraction ? 1 : 0;
  if (p < text.size()) {
    // RFC 3339: Z or an offset.
    int offset_seconds = 0;
    if (!Char(text, &p, 'Z')) {
      const char sign = text[p];
      if (sign != '+' && sign != '-') return BadStartTime(input);
      ++p;
      int oh, om;
      if (!Digits(text, &p, 2, &oh) || !Char(text, &p, ':') || !Digits(text, &p, 2, &om) || oh > 23 || om > 59) {
        return BadStartTime(input);
      }
      offset_seconds = (sign == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    }
    if (p != text.size()) return BadStartTime(input);
    const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
    return days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds + round_up;
  }
  // Local time: the server converts it in the task's time zone (or its own),
  // daylight saving included, as DM reads it in the task's location.
  mysql::ConnectionOptions options = target;
  if (!time_zone.empty()) options.session_variables["time_zone"] = mysql::QuoteString(time_zone);
  auto conn = mysql::Connection::Connect(options);
  if (!conn.ok()) {
    if (time_zone.empty()) return conn.status();
    return std::move(conn).status().WithContext(
        fmt::format("reading --start-time {:?} in the task's timezone {:?} (the target must know the zone)",
                    std::string(input), std::string(time_zone)));
  }
  const std::string local = fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", year, month, day, hour, minute, second);
  // UNIX_TIMESTAMP of a time before 1970 (or one the zone skips) is NULL or 0.
  DM_ASSIGN_OR_RETURN(mysql::Value seconds,
                      conn->QueryValue("SELECT CAST(UNIX_TIMESTAMP(" + mysql::QuoteString(local) + ") AS UNSIGNED)"));
  auto value = mysql::ParseUnsigned(seconds, "UNIX_TIMESTAMP of --start-time");
  if (!value.ok() || *value == 0) {
    return Status::InvalidArgument(fmt::format("--start-time {:?}: the target cannot convert {} to a Unix time",
                                               std::string(input), local));
  }
  return static_cast<int64_t>(*value) + round_up;
}

namespace {

// Reads the upstream's binlog from `from` without waiting at its end.
Result<std::unique_ptr<binlog::SocketBinlogSource>> OpenAt(const mysql::ConnectionOptions& upstream,
                                                           uint32_t server_id, const std::string& file) {
  binlog::SocketBinlogSourceOptions options;
  options.connection = upstream;
  options.server_id = server_id;
  options.start = {file, binlog::kFirstEventOffset};
  options.non_blocking = true;
  options.annotate_rows = false;
  options.max_reconnect_attempts = 0;
  return binlog::SocketBinlogSource::Open(std::move(options));
}

// The timestamp of `file`'s FORMAT_DESCRIPTION (when the server opened it).
Result<int64_t> FileStartTime(const mysql::ConnectionOptions& upstream, uint32_t server_id, const std::string& file) {
  DM_ASSIGN_OR_RETURN(auto source, OpenAt(upstream, server_id, file));
  binlog::RawEvent event;
  for (;;) {
    DM_ASSIGN_OR_RETURN(bool more, source->Next(&event));
    if (!more) return Status::NotFound("binlog file " + file + " has no FORMAT_DESCRIPTION event");
    if (event.header.type == binlog::EventType::kFormatDescription) return int64_t{event.header.timestamp};
  }
}

}  // namespace

Result<binlog::Location> LocateStartTime(const mysql::ConnectionOptions& upstream, uint32_t server_id,
                                         int64_t unix_seconds) {
  DM_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Connect(upstream));
  DM_ASSIGN_OR_RETURN(std::vector<mysql::Row> logs, conn.QueryRows("SHOW BINARY LOGS"));
  std::vector<std::string> files;
  for (const mysql::Row& row : logs) {
    if (!row.empty() && row[0]) files.push_back(*row[0]);
  }
  if (files.empty()) return Status::FailedPrecondition("--start-time: the upstream has no binary log files");
  // The last file that started at or before the time (files start in order).
  size_t lo = 0, hi = files.size();  // files[lo] is the answer once hi == lo + 1
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    DM_ASSIGN_OR_RETURN(int64_t started, FileStartTime(upstream, server_id, files[mid]));
    if (started <= unix_seconds) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  DM_ASSIGN_OR_RETURN(auto source, OpenAt(upstream, server_id, files[lo]));
  binlog::FormatDescription format;
  binlog::RawEvent event;
  std::string scratch;
  // Between groups: the next event that belongs to a transaction or
  // statement starts a group. MariaDB and MySQL 5.7+ open every group with a
  // GTID (or ANONYMOUS_GTID) event; older servers with BEGIN or the statement.
  bool in_group = false;
  bool in_transaction = false;  // after BEGIN
  for (;;) {
    DM_ASSIGN_OR_RETURN(bool more, source->Next(&event));
    if (!more) break;
    using binlog::EventType;
    const EventType type = event.header.type;
    if (type == EventType::kFormatDescription) {
      DM_ASSIGN_OR_RETURN(format, binlog::DecodeFormatDescription(event));
      continue;
    }
    // Events of the file, not of a group.
    if (type == EventType::kRotate || type == EventType::kHeartbeat || type == EventType::kPreviousGtids ||
        type == EventType::kMariaGtidList || type == EventType::kMariaBinlogCheckpoint || type == EventType::kStop) {
      continue;
    }
    if (!in_group) {
      if (event.header.timestamp >= unix_seconds) {
        return binlog::Location{{source->file_name(), event.position}, ""};
      }
      in_group = true;
    }
    if (type == EventType::kXid) {
      in_group = in_transaction = false;
    } else if (type == EventType::kQuery || type == EventType::kMariaQueryCompressed) {
      DM_ASSIGN_OR_RETURN(binlog::QueryEvent query, binlog::DecodeQuery(event, format, &scratch));
      const std::string_view sql = TrimSpace(query.query);
      if (EqualsIgnoreCase(sql, "BEGIN")) {
        in_transaction = true;
      } else if (!in_transaction || EqualsIgnoreCase(sql, "COMMIT")) {
        // COMMIT ends a transaction; a statement outside one (DDL) is a
        // group of its own.
        in_group = in_transaction = false;
      }
    }
  }
  return binlog::Location{{source->file_name(), source->position()}, ""};
}

}  // namespace dm::sync
