#include "binlog/query_event.h"

#include <fmt/format.h>

#include "binlog/compression.h"

namespace dm::binlog {
namespace {

// Status variable codes (MySQL 0-20, MariaDB from 128).
enum StatusVar : uint8_t {
  kFlags2 = 0,
  kSqlMode = 1,
  kCatalog = 2,  // pre-5.0.4: length, bytes, NUL
  kAutoIncrement = 3,
  kCharset = 4,
  kTimeZone = 5,
  kCatalogNz = 6,
  kLcTimeNames = 7,
  kCharsetDatabase = 8,
  kTableMapForUpdate = 9,
  kMasterDataWritten = 10,
  kInvoker = 11,
  kUpdatedDbNames = 12,
  kMicroseconds = 13,
  kExplicitDefaultsForTimestamp = 16,
  kDdlLoggedWithXid = 17,
  kDefaultCollationForUtf8mb4 = 18,
  kSqlRequirePrimaryKey = 19,
  kDefaultTableEncryption = 20,
  kMariaHrnow = 128,
  kMariaXid = 129,
  kMariaGtidFlags3 = 130,
};

// Q_UPDATED_DB_NAMES count meaning "more databases than listed".
constexpr uint8_t kOverMaxDbsInEventMts = 254;

void ParseStatusVars(EventReader& r, QueryEvent* out) {
  while (r.ok() && r.remaining() > 0) {
    const uint8_t code = r.ReadU8("status variable code");
    switch (code) {
      case kFlags2: out->flags2 = r.ReadU32("Q_FLAGS2"); break;
      case kSqlMode: out->sql_mode = r.ReadU64("Q_SQL_MODE"); break;
      case kCatalog: {
        const uint8_t n = r.ReadU8("Q_CATALOG length");
        out->catalog = r.ReadBytes(n, "Q_CATALOG");
        r.Skip(1, "Q_CATALOG terminator");
        break;
      }
      case kAutoIncrement:
        out->auto_increment_increment = r.ReadU16("Q_AUTO_INCREMENT increment");
        out->auto_increment_offset = r.ReadU16("Q_AUTO_INCREMENT offset");
        break;
      case kCharset: {
        QueryCharset cs;
        cs.client = r.ReadU16("Q_CHARSET client");
        cs.connection = r.ReadU16("Q_CHARSET connection");
        cs.server = r.ReadU16("Q_CHARSET server");
        out->charset = cs;
        break;
      }
      case kTimeZone: {
        const uint8_t n = r.ReadU8("Q_TIME_ZONE length");
        out->time_zone = r.ReadBytes(n, "Q_TIME_ZONE");
        break;
      }
      case kCatalogNz: {
        const uint8_t n = r.ReadU8("Q_CATALOG_NZ length");
        out->catalog = r.ReadBytes(n, "Q_CATALOG_NZ");
        break;
      }
      case kLcTimeNames: out->lc_time_names = r.ReadU16("Q_LC_TIME_NAMES"); break;
      case kCharsetDatabase: out->charset_database = r.ReadU16("Q_CHARSET_DATABASE"); break;
      case kTableMapForUpdate: r.Skip(8, "Q_TABLE_MAP_FOR_UPDATE"); break;
      case kMasterDataWritten: r.Skip(4, "Q_MASTER_DATA_WRITTEN"); break;
      case kInvoker: {
        r.Skip(r.ReadU8("Q_INVOKER user length"), "Q_INVOKER user");
        r.Skip(r.ReadU8("Q_INVOKER host length"), "Q_INVOKER host");
        break;
      }
      case kUpdatedDbNames: {
        const uint8_t count = r.ReadU8("Q_UPDATED_DB_NAMES count");
        if (count == kOverMaxDbsInEventMts) break;
        for (uint8_t i = 0; i < count && r.ok(); ++i) {
          // NUL-terminated names.
          while (r.ok() && r.ReadU8("Q_UPDATED_DB_NAMES name") != 0) {
          }
        }
        break;
      }
      case kMicroseconds: out->microseconds = r.ReadU24("Q_MICROSECONDS"); break;
      case kExplicitDefaultsForTimestamp: r.Skip(1, "Q_EXPLICIT_DEFAULTS_FOR_TIMESTAMP"); break;
      case kDdlLoggedWithXid: out->xid = r.ReadU64("Q_DDL_LOGGED_WITH_XID"); break;
      case kDefaultCollationForUtf8mb4:
        out->default_collation_for_utf8mb4 = r.ReadU16("Q_DEFAULT_COLLATION_FOR_UTF8MB4");
        break;
      case kSqlRequirePrimaryKey: r.Skip(1, "Q_SQL_REQUIRE_PRIMARY_KEY"); break;
      case kDefaultTableEncryption: r.Skip(1, "Q_DEFAULT_TABLE_ENCRYPTION"); break;
      case kMariaHrnow: out->microseconds = r.ReadU24("Q_HRNOW"); break;
      case kMariaXid: out->xid = r.ReadU64("Q_XID"); break;
      case kMariaGtidFlags3: r.Skip(1, "Q_GTID_FLAGS3"); break;
      default:
        // Unknown code: its length is unknown, so stop here, as servers do.
        out->status_vars_complete = false;
        r.Skip(r.remaining());
        return;
    }
  }
}

}  // namespace

Result<QueryEvent> DecodeQuery(const RawEvent& event, const FormatDescription& format, std::string* scratch) {
  EventReader r = BodyReader(event, format);
  const size_t body_start = r.position();
  constexpr uint8_t kMinPostHeader = 13;
  const uint8_t post_header = format.PostHeaderLength(EventType::kQuery, kMinPostHeader);
  if (post_header < kMinPostHeader) {
    r.Fail(fmt::format("QUERY post-header length {} is below {}", post_header, kMinPostHeader));
    return r.status();
  }
  QueryEvent out;
  out.thread_id = r.ReadU32("thread_id");
  out.exec_time = r.ReadU32("exec_time");
  const uint8_t schema_length = r.ReadU8("schema_length");
  out.error_code = r.ReadU16("error_code");
  const uint16_t status_vars_length = r.ReadU16("status_vars_length");
  r.Skip(body_start + post_header - r.position(), "post-header");
  if (!r.ok()) return r.status();
  if (status_vars_length > r.remaining()) {
    r.Fail(fmt::format("status_vars_length {} exceeds the {} bytes left", status_vars_length, r.remaining()));
    return r.status();
  }
  {
    const size_t vars_end = r.position() + status_vars_length;
    EventReader vars(event.bytes, event.position);
    vars.SetLimit(vars_end);
    vars.Skip(r.position());
    ParseStatusVars(vars, &out);
    if (!vars.ok()) return vars.status();
    r.Skip(status_vars_length);
  }
  out.schema = r.ReadBytes(schema_length, "schema");
  r.Skip(1, "schema terminator");
  if (!r.ok()) return r.status();
  std::string_view rest = r.ReadRest();
  if (event.header.type == EventType::kMariaQueryCompressed) {
    DM_RETURN_IF_ERROR(InflateMariaDbPayload(
        std::span(reinterpret_cast<const uint8_t*>(rest.data()), rest.size()), event.position, scratch));
    out.query = *scratch;
  } else {
    out.query = rest;
  }
  return out;
}

}  // namespace dm::binlog
