#include "binlog/event_printer.h"

#include <fmt/format.h>

#include <array>

#include "binlog/control_events.h"
#include "binlog/gtid_events.h"
#include "binlog/query_event.h"
#include "binlog/rows_event.h"

namespace dm::binlog {
namespace {

constexpr uint32_t kBinaryCollation = 63;
constexpr char kHexDigits[] = "0123456789abcdef";

void AppendHex(std::string_view bytes, size_t zero_padding, std::string* out) {
  const size_t start = out->size();
  out->resize(start + 2 + 2 * (bytes.size() + zero_padding));
  char* p = out->data() + start;
  *p++ = '0';
  *p++ = 'x';
  for (unsigned char c : bytes) {
    *p++ = kHexDigits[c >> 4];
    *p++ = kHexDigits[c & 15];
  }
  for (size_t i = 0; i < zero_padding; ++i) {
    *p++ = '0';
    *p++ = '0';
  }
}

// Bytes AppendQuoted must escape: control bytes, DEL, the quote, backslash.
constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t[0x7f] = t['\''] = t['\\'] = true;
  return t;
}();

// Single-quoted, with the quote, backslash and control bytes escaped so each
// row stays on one line. Bytes >= 0x80 pass through (UTF-8 text). Plain runs
// are copied whole: this is the hot loop of printing rows.
void AppendQuoted(std::string_view bytes, std::string* out) {
  out->push_back('\'');
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  while (p < end) {
    const char* run = p;
    while (p < end && !kNeedsEscape[static_cast<unsigned char>(*p)]) ++p;
    out->append(run, static_cast<size_t>(p - run));
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p++);
    switch (c) {
      case '\'': out->append("\\'"); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\t': out->append("\\t"); break;
      case '\r': out->append("\\r"); break;
      case 0: out->append("\\0"); break;
      default: {
        const char hex[4] = {'\\', 'x', kHexDigits[c >> 4], kHexDigits[c & 15]};
        out->append(hex, 4);
      }
    }
  }
  out->push_back('\'');
}

void AppendQuery(std::string_view query, std::string* out) { AppendQuoted(query, out); }

// Structural UTF-8 check (lead and continuation bytes), enough to tell text
// from binary bytes when a column's charset is unknown.
bool IsUtf8(std::string_view bytes) {
  size_t i = 0;
  const size_t n = bytes.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t extra = 0;
    if ((c & 0xe0) == 0xc0 && c >= 0xc2) {
      extra = 1;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
    } else if ((c & 0xf8) == 0xf0 && c <= 0xf4) {
      extra = 3;
    } else {
      return false;
    }
    if (n - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(bytes[i + k]) & 0xc0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

char RowKindLetter(RowsKind kind) {
  switch (kind) {
    case RowsKind::kWrite: return 'W';
    case RowsKind::kUpdate: return 'U';
    case RowsKind::kDelete: return 'D';
  }
  return '?';
}

}  // namespace

void AppendPrintedValue(const Value& value, const ColumnInfo& column, std::string* out) {
  switch (value.kind) {
    case ValueKind::kString:
      // Without a known charset, bytes that are not UTF-8 text are binary.
      if (column.charset == kBinaryCollation || (column.charset == 0 && !IsUtf8(value.bytes))) {
        AppendHex(value.bytes, BinaryZeroPadding(value, column), out);
      } else {
        AppendQuoted(value.bytes, out);
      }
      return;
    case ValueKind::kJson:
    case ValueKind::kGeometry:
      AppendHex(value.bytes, 0, out);
      return;
    case ValueKind::kInt: {
      const fmt::format_int text(value.int_value);
      out->append(text.data(), text.size());
      return;
    }
    case ValueKind::kUInt:
    case ValueKind::kBit: {
      const fmt::format_int text(value.uint_value);
      out->append(text.data(), text.size());
      return;
    }
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDateTime:
    case ValueKind::kTimestamp:
    case ValueKind::kEnum:
    case ValueKind::kSet:
      // Quoted like strings: their text may hold spaces and commas.
      out->push_back('\'');
      AppendValueText(value, column, out);
      out->push_back('\'');
      return;
    default:
      AppendValueText(value, column, out);
  }
}

EventPrinter::EventPrinter(EventPrinterOptions options, SchemaLookup schemas)
    : options_(options), schemas_(std::move(schemas)) {
  format_.checksum = options_.initial_checksum;
}

Status EventPrinter::Print(const RawEvent& event, std::string* out) {
  ++events_;
  const EventHeader& h = event.header;
  fmt::format_to(std::back_inserter(*out), "{} {} size={}", event.position, EventTypeName(h.type), h.event_size);
  if ((h.flags & kFlagArtificial) != 0) out->append(" artificial");
  line_closed_ = false;
  Status s = PrintBody(event, out);
  if (!line_closed_) out->push_back('\n');
  return s;
}

Status EventPrinter::PrintBody(const RawEvent& event, std::string* out) {
  auto it = std::back_inserter(*out);
  const EventType type = event.header.type;
  if (type == EventType::kFormatDescription) {
    DM_ASSIGN_OR_RETURN(format_, DecodeFormatDescription(event));
    have_format_ = true;
    fmt::format_to(it, " server={} checksum={}", format_.server_version, ChecksumAlgorithmName(format_.checksum));
  }
  if (options_.verify_checksums && format_.checksum == ChecksumAlgorithm::kCrc32) {
    DM_RETURN_IF_ERROR(VerifyEventChecksum(event.bytes, event.position));
  }
  switch (type) {
    case EventType::kFormatDescription:
      break;
    case EventType::kRotate: {
      DM_ASSIGN_OR_RETURN(RotateEvent r, DecodeRotate(event, format_));
      fmt::format_to(it, " next={}:{}", r.next_file, r.position);
      break;
    }
    case EventType::kQuery:
    case EventType::kMariaQueryCompressed: {
      DM_ASSIGN_OR_RETURN(QueryEvent q, DecodeQuery(event, format_, &scratch_));
      out->append(" db=");
      out->append(q.schema);
      out->append(" query=");
      AppendQuery(q.query, out);
      break;
    }
    case EventType::kXid: {
      DM_ASSIGN_OR_RETURN(XidEvent x, DecodeXid(event, format_));
      fmt::format_to(it, " xid={}", x.xid);
      break;
    }
    case EventType::kHeartbeat: {
      DM_ASSIGN_OR_RETURN(HeartbeatEvent hb, DecodeHeartbeat(event, format_));
      fmt::format_to(it, " at={}:{}", hb.log_file, hb.position);
      break;
    }
    case EventType::kIntvar: {
      DM_ASSIGN_OR_RETURN(IntvarEvent v, DecodeIntvar(event, format_));
      fmt::format_to(it, " {}={}", v.type == IntvarType::kInsertId ? "INSERT_ID" : "LAST_INSERT_ID", v.value);
      break;
    }
    case EventType::kRand: {
      DM_ASSIGN_OR_RETURN(RandEvent r, DecodeRand(event, format_));
      fmt::format_to(it, " seed1={} seed2={}", r.seed1, r.seed2);
      break;
    }
    case EventType::kUserVar: {
      DM_ASSIGN_OR_RETURN(UserVarEvent u, DecodeUserVar(event, format_));
      out->append(" @");
      out->append(u.name);
      out->push_back('=');
      if (u.is_null || u.type != UserVarType::kString) {
        out->append(u.ValueText());
      } else {
        AppendQuoted(u.value, out);
      }
      break;
    }
    case EventType::kMariaBinlogCheckpoint: {
      DM_ASSIGN_OR_RETURN(BinlogCheckpointEvent c, DecodeBinlogCheckpoint(event, format_));
      fmt::format_to(it, " file={}", c.file);
      break;
    }
    case EventType::kMariaAnnotateRows:
    case EventType::kRowsQuery: {
      DM_ASSIGN_OR_RETURN(RowsQueryEvent q, DecodeRowsQuery(event, format_));
      out->append(" query=");
      AppendQuery(q.query, out);
      break;
    }
    case EventType::kMariaGtid: {
      DM_ASSIGN_OR_RETURN(MariaDbGtidEvent g, DecodeMariaDbGtid(event, format_));
      fmt::format_to(it, " gtid={}", g.gtid.ToString());
      if (g.standalone()) out->append(" standalone");
      if (g.commit_id) fmt::format_to(it, " commit_id={}", *g.commit_id);
      break;
    }
    case EventType::kMariaGtidList: {
      DM_ASSIGN_OR_RETURN(MariaDbGtidListEvent l, DecodeMariaDbGtidList(event, format_));
      out->append(" gtids=");
      for (size_t i = 0; i < l.gtids.size(); ++i) {
        if (i > 0) out->push_back(',');
        out->append(l.gtids[i].ToString());
      }
      break;
    }
    case EventType::kGtid:
    case EventType::kAnonymousGtid: {
      DM_ASSIGN_OR_RETURN(MySqlGtidEvent g, DecodeMySqlGtid(event, format_));
      fmt::format_to(it, " gtid={}", g.GtidText());
      if (g.last_committed) fmt::format_to(it, " last_committed={} sequence_number={}", *g.last_committed,
                                           g.sequence_number.value_or(0));
      break;
    }
    case EventType::kPreviousGtids: {
      DM_ASSIGN_OR_RETURN(PreviousGtidsEvent p, DecodePreviousGtids(event, format_));
      fmt::format_to(it, " gtids={}", p.ToString());
      break;
    }
    case EventType::kTableMap: {
      bool fresh = false;
      DM_ASSIGN_OR_RETURN(TableMap * map, tables_.Update(event, format_, &fresh));
      if (fresh && schemas_) {
        if (const TableSchema* schema = schemas_(map->schema, map->table)) {
          DM_RETURN_IF_ERROR(ApplySchema(*schema, map).WithContext(
              fmt::format("TABLE_MAP at {} for {}.{}", event.position, map->schema, map->table)));
        }
      }
      fmt::format_to(it, " table_id={} {}.{} columns={}", map->table_id, map->schema, map->table,
                     map->columns.size());
      break;
    }
    default:
      if (GetRowsEventTraits(type)) {
        DM_ASSIGN_OR_RETURN(RowsEvent rows, DecodeRowsEvent(event, format_, &scratch_));
        const TableMap* map = tables_.Find(rows.table_id);
        if (map != nullptr) {
          fmt::format_to(it, " table_id={} {}.{}", rows.table_id, map->schema, map->table);
        } else {
          fmt::format_to(it, " table_id={}", rows.table_id);
        }
        if (rows.statement_end()) out->append(" stmt_end");
        if (options_.rows) {
          out->push_back('\n');
          line_closed_ = true;
          DM_RETURN_IF_ERROR(PrintRows(event.position, rows, out));
        }
      }
      break;
  }
  return Status::OK();
}

Status EventPrinter::PrintRows(uint64_t position, const RowsEvent& rows, std::string* out) {
  const TableMap* map = tables_.Find(rows.table_id);
  if (map == nullptr) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("rows event at {} refers to table id {} without a TABLE_MAP before it", position,
                              rows.table_id),
                  ErrorCode::kBinlogTableMapMissing);
  }
  const size_t n = map->columns.size();
  if (before_.size() < n) before_.resize(n);
  if (after_.size() < n) after_.resize(n);
  const std::span<Value> before(before_.data(), n), after(after_.data(), n);
  RowsReader reader(rows, *map);
  const RowsKind kind = rows.traits.kind;
  while (reader.HasNext()) {
    DM_RETURN_IF_ERROR(reader.Next(before, after));
    ++row_changes_;
    out->append("  ");
    out->push_back(RowKindLetter(kind));
    out->push_back(' ');
    if (kind != RowsKind::kWrite) AppendRow(before_, *map, out);
    if (kind == RowsKind::kUpdate) out->append(" => ");
    if (kind != RowsKind::kDelete) AppendRow(after_, *map, out);
    out->push_back('\n');
  }
  return reader.status();
}

void EventPrinter::AppendRow(const std::vector<Value>& values, const TableMap& map, std::string* out) {
  out->push_back('(');
  for (size_t i = 0; i < map.columns.size(); ++i) {
    if (i > 0) out->append(", ");
    AppendPrintedValue(values[i], map.columns[i], out);
  }
  out->push_back(')');
}

}  // namespace dm::binlog
