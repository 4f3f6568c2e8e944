#include "binlog/event_printer.h"

#include <fmt/format.h>

#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "binlog/append_text.h"
#include "binlog/control_events.h"
#include "binlog/gtid_events.h"
#include "binlog/json_diff.h"
#include "binlog/mysql_json.h"
#include "binlog/query_event.h"
#include "binlog/rows_event.h"
#include "binlog/transaction_payload.h"

namespace dm::binlog {
namespace {

constexpr uint32_t kBinaryCollation = 63;
constexpr char kHexDigits[] = "0123456789abcdef";

void AppendHexTo(std::string_view bytes, size_t zero_padding, char* p) {
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

// "0x" and two hex digits per byte of `bytes`, then per padding zero byte.
void AppendHex(std::string_view bytes, size_t zero_padding, std::string* out) {
  const size_t start = out->size();
  out->resize(start + 2 + 2 * (bytes.size() + zero_padding));
  AppendHexTo(bytes, zero_padding, out->data() + start);
}
void AppendHex(std::string_view bytes, size_t zero_padding, TextBuffer* out) {
  const size_t n = 2 + 2 * (bytes.size() + zero_padding);
  AppendHexTo(bytes, zero_padding, out->reserve_tail(n));
  out->advance(n);
}

// Bytes AppendQuoted must escape: control bytes, DEL, the quote, backslash.
constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t[0x7f] = t['\''] = t['\\'] = true;
  return t;
}();

// The first byte in [p, end) that AppendQuoted must escape, or end. Most
// text has none, so SSE2 (part of every x86-64) tests 16 bytes per step.
const char* FindEscape(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('\'');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i del = _mm_set1_epi8(0x7f);
  const __m128i last_control = _mm_set1_epi8(0x1f);
  while (end - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Unsigned x <= 0x1f exactly when min(x, 0x1f) == x.
    const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                                      _mm_or_si128(_mm_cmpeq_epi8(x, del),
                                                   _mm_cmpeq_epi8(_mm_min_epu8(x, last_control), x)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
    if (mask != 0) return p + std::countr_zero(mask);
    p += 16;
  }
#endif
  while (p < end && !kNeedsEscape[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

// Single-quoted, with the quote, backslash and control bytes escaped so each
// row stays on one line. Bytes >= 0x80 pass through (UTF-8 text). Plain runs
// are copied whole: this is the hot loop of printing rows.
template <class Out>
void AppendQuoted(std::string_view bytes, Out* out) {
  out->push_back('\'');
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  while (p < end) {
    const char* run = p;
    p = FindEscape(p, end);
    out->append(run, static_cast<size_t>(p - run));
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p++);
    char escaped[4] = {'\\', 0, 0, 0};
    size_t length = 2;
    switch (c) {
      case '\'': escaped[1] = '\''; break;
      case '\\': escaped[1] = '\\'; break;
      case '\n': escaped[1] = 'n'; break;
      case '\t': escaped[1] = 't'; break;
      case '\r': escaped[1] = 'r'; break;
      case 0: escaped[1] = '0'; break;
      default:
        escaped[1] = 'x';
        escaped[2] = kHexDigits[c >> 4];
        escaped[3] = kHexDigits[c & 15];
        length = 4;
    }
    out->append(escaped, length);
  }
  out->push_back('\'');
}

void AppendQuery(std::string_view query, TextBuffer* out) { AppendQuoted(query, out); }

// Structural UTF-8 check (lead and continuation bytes), enough to tell text
// from binary bytes when a column's charset is unknown.
bool IsUtf8(std::string_view bytes) {
  size_t i = 0;
  const size_t n = bytes.size();
  while (i < n) {
    // ASCII runs, the common case, 16 or 8 bytes at a time.
#if defined(__SSE2__)
    while (n - i >= 16 &&
           _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes.data() + i))) == 0) {
      i += 16;
    }
#endif
    uint64_t word;
    while (n - i >= 8 && (std::memcpy(&word, bytes.data() + i, 8), (word & 0x8080808080808080) == 0)) i += 8;
    if (i == n) break;
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

// Appends `uuid` as UuidToString does (8-4-4-4-12 lowercase hex digits).
void AppendUuid(const Uuid& uuid, TextBuffer* out) {
  char text[36];
  char* p = text;
  for (size_t i = 0; i < uuid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
    *p++ = kHexDigits[uuid[i] >> 4];
    *p++ = kHexDigits[uuid[i] & 15];
  }
  out->append(text, sizeof text);
}

// Appends "db.table" (names as logged, unquoted).
void AppendTableName(const TableMap& map, TextBuffer* out) {
  out->append(map.schema);
  out->push_back('.');
  out->append(map.table);
}

char RowKindLetter(RowsKind kind) {
  switch (kind) {
    case RowsKind::kWrite: return 'W';
    case RowsKind::kUpdate: return 'U';
    case RowsKind::kDelete: return 'D';
  }
  return '?';
}

// AppendValueText for the types PrintValue does not format itself.
void AppendText(const Value& value, const ColumnInfo& column, std::string* out, std::string*) {
  AppendValueText(value, column, out);
}
void AppendText(const Value& value, const ColumnInfo& column, TextBuffer* out, std::string* text) {
  text->clear();
  AppendValueText(value, column, text);
  out->append(*text);
}

// AppendPrintedValue into std::string or TextBuffer; `text` is scratch for
// AppendValueText and the JSON decoders, which write std::string only.
template <class Out>
Status PrintValue(const Value& value, const TableMap& map, size_t index, Out* out, std::string* text) {
  const ColumnInfo& column = map.columns[index];
  switch (value.kind) {
    case ValueKind::kString:
      // Without a known charset, bytes that are not UTF-8 text are binary.
      if (column.charset == kBinaryCollation || (column.charset == 0 && !IsUtf8(value.bytes))) {
        AppendHex(value.bytes, BinaryZeroPadding(value, column), out);
      } else {
        AppendQuoted(value.bytes, out);
      }
      return Status::OK();
    case ValueKind::kJson:
      // MySQL binary JSON as the text MySQL prints for it, quoted like a
      // string (mysqlbinlog -v does the same).
      text->clear();
      DM_RETURN_IF_ERROR(AppendMySqlJsonText(
          std::span(reinterpret_cast<const uint8_t*>(value.bytes.data()), value.bytes.size()), text));
      AppendQuoted(*text, out);
      return Status::OK();
    case ValueKind::kJsonDiff:
      // As mysqlbinlog -v: JSON_REPLACE(`col`, '$.path', value), unquoted.
      text->clear();
      DM_RETURN_IF_ERROR(AppendJsonDiffText(
          std::span(reinterpret_cast<const uint8_t*>(value.bytes.data()), value.bytes.size()),
          JsonDiffColumnReference(map, index), text));
      out->append(*text);
      return Status::OK();
    case ValueKind::kGeometry:
      AppendHex(value.bytes, 0, out);
      return Status::OK();
    case ValueKind::kInt:
      AppendInt(value.int_value, out);
      return Status::OK();
    case ValueKind::kUInt:
    case ValueKind::kBit:
      AppendUInt(value.uint_value, out);
      return Status::OK();
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDateTime:
    case ValueKind::kTimestamp:
    case ValueKind::kEnum:
    case ValueKind::kSet:
      // Quoted like strings: their text may hold spaces and commas.
      out->push_back('\'');
      AppendText(value, column, out, text);
      out->push_back('\'');
      return Status::OK();
    default:
      AppendText(value, column, out, text);
      return Status::OK();
  }
}

}  // namespace

Status AppendPrintedValue(const Value& value, const TableMap& map, size_t index, std::string* out) {
  std::string text;
  return PrintValue(value, map, index, out, &text);
}

EventPrinter::EventPrinter(EventPrinterOptions options, SchemaLookup schemas)
    : options_(options), schemas_(std::move(schemas)) {
  format_.checksum = options_.initial_checksum;
}

Status EventPrinter::Print(const RawEvent& event, std::string* out) {
  line_.clear();
  Status s = Print(event, &line_);
  out->append(line_.data(), line_.size());
  return s;
}

Status EventPrinter::Print(const RawEvent& event, TextBuffer* out) {
  ++events_;
  const EventHeader& h = event.header;
  AppendUInt(event.position, out);
  out->push_back(' ');
  out->append(EventTypeName(h.type));
  out->append(" size=");
  AppendUInt(h.event_size, out);
  if ((h.flags & kFlagArtificial) != 0) out->append(" artificial");
  line_closed_ = false;
  Status s = PrintBody(event, out);
  if (!line_closed_) out->push_back('\n');
  return s;
}

Status EventPrinter::PrintBody(const RawEvent& event, TextBuffer* out) {
  auto it = std::back_inserter(*out);
  const EventType type = event.header.type;
  if (type == EventType::kFormatDescription) {
    DM_ASSIGN_OR_RETURN(format_, DecodeFormatDescription(event));
    have_format_ = true;
    fmt::format_to(it, " server={} checksum={}", format_.server_version, ChecksumAlgorithmName(format_.checksum));
  }
  if (options_.verify_checksums) DM_RETURN_IF_ERROR(VerifyChecksum(event, format_));
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
      out->append(" xid=");
      AppendUInt(x.xid, out);
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
      out->append(" gtid=");
      AppendUInt(g.gtid.domain_id, out);
      out->push_back('-');
      AppendUInt(g.gtid.server_id, out);
      out->push_back('-');
      AppendUInt(g.gtid.seq_no, out);
      if (g.standalone()) out->append(" standalone");
      if (g.commit_id) {
        out->append(" commit_id=");
        AppendUInt(*g.commit_id, out);
      }
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
      out->append(" gtid=");
      if (g.anonymous) {
        out->append("ANONYMOUS");
      } else {
        AppendUuid(g.sid, out);
        out->push_back(':');
        AppendInt(g.gno, out);
      }
      if (g.last_committed) {
        out->append(" last_committed=");
        AppendInt(*g.last_committed, out);
        out->append(" sequence_number=");
        AppendInt(g.sequence_number.value_or(0), out);
      }
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
      out->append(" table_id=");
      AppendUInt(map->table_id, out);
      out->push_back(' ');
      AppendTableName(*map, out);
      out->append(" columns=");
      AppendUInt(map->columns.size(), out);
      break;
    }
    case EventType::kTransactionPayload: {
      // Its inner events follow as events of their own (TransactionPayloadSource).
      DM_ASSIGN_OR_RETURN(TransactionPayload p, DecodeTransactionPayload(event, format_));
      const std::string_view name = PayloadCompressionName(p.compression_type);
      out->append(" compression=");
      if (name.empty()) {
        AppendUInt(p.compression_type, out);
      } else {
        out->append(name);
      }
      fmt::format_to(it, " payload_size={} uncompressed_size={}", p.payload_size, p.uncompressed_size);
      break;
    }
    default:
      if (GetRowsEventTraits(type)) {
        DM_ASSIGN_OR_RETURN(RowsEvent rows, DecodeRowsEvent(event, format_, &scratch_));
        const TableMap* map = tables_.Find(rows.table_id);
        out->append(" table_id=");
        AppendUInt(rows.table_id, out);
        if (map != nullptr) {
          out->push_back(' ');
          AppendTableName(*map, out);
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

Status EventPrinter::PrintRows(uint64_t position, const RowsEvent& rows, TextBuffer* out) {
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
    if (kind != RowsKind::kWrite) DM_RETURN_IF_ERROR(AppendRow(before_, *map, position, out));
    if (kind == RowsKind::kUpdate) out->append(" => ");
    if (kind != RowsKind::kDelete) DM_RETURN_IF_ERROR(AppendRow(after_, *map, position, out));
    out->push_back('\n');
  }
  return reader.status();
}

Status EventPrinter::AppendRow(const std::vector<Value>& values, const TableMap& map, uint64_t position,
                               TextBuffer* out) {
  out->push_back('(');
  for (size_t i = 0; i < map.columns.size(); ++i) {
    if (i > 0) out->append(", ");
    if (Status s = PrintValue(values[i], map, i, out, &value_text_); !s.ok()) [[unlikely]] {
      return s.WithContext(fmt::format("rows event at {}, `{}`.`{}` column {}", position, map.schema, map.table,
                                       JsonDiffColumnReference(map, i)));
    }
  }
  out->push_back(')');
  return Status::OK();
}

}  // namespace dm::binlog
