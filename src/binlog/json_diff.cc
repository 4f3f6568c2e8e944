#include "binlog/json_diff.h"

#include <fmt/format.h>

#include "binlog/mysql_json.h"

namespace dm::binlog {
namespace {

// Type bytes of binary JSON values that AppendJsonDiffText prints apart
// (MySQL sql-common/json_binary.h; the rest are in mysql_json.cc).
constexpr uint8_t kJsonLargeArray = 0x03;  // 0x00-0x03: objects and arrays
constexpr uint8_t kJsonString = 0x0c;
constexpr uint8_t kJsonOpaque = 0x0f;

// Single-quoted as dm-binlog quotes text, so a row stays on one line:
// ', \ and control bytes escaped, bytes >= 0x80 (UTF-8) unchanged.
void AppendSqlQuoted(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('\'');
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\'': out->append("\\'"); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\t': out->append("\\t"); break;
      case '\r': out->append("\\r"); break;
      case 0: out->append("\\0"); break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out->append("\\x");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('\'');
}

// The bytes of a binary JSON string value (type byte, then a variable-length
// size: 7 bits per byte, low bits first, high bit = more, at most 5 bytes).
// Its structure was checked by AppendMySqlJsonText before.
std::string_view JsonStringBytes(std::span<const uint8_t> value) {
  uint64_t length = 0;
  size_t i = 1;
  for (int shift = 0; i < value.size() && shift < 35; shift += 7) {
    const uint8_t b = value[i++];
    length |= uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) break;
  }
  if (length > value.size() - i) return {};
  return {reinterpret_cast<const char*>(value.data() + i), static_cast<size_t>(length)};
}

// Appends one diff value as mysqlbinlog prints it (see AppendJsonDiffText).
Status AppendDiffValue(std::span<const uint8_t> value, std::string* out) {
  if (value.empty()) {
    return Status(StatusCode::kCorruption, "JSON diff value of 0 bytes", ErrorCode::kBinlogEventCorrupt);
  }
  const uint8_t type = value[0];
  std::string text;
  DM_RETURN_IF_ERROR(AppendMySqlJsonText(value, &text));
  if (type <= kJsonLargeArray) {
    out->append("CAST(");
    AppendSqlQuoted(text, out);
    out->append(" AS JSON)");
  } else if (type == kJsonString) {
    AppendSqlQuoted(JsonStringBytes(value), out);
  } else if (type == kJsonOpaque && text.size() >= 2 && text.front() == '"') {
    // Temporal values and other opaque data print as JSON strings whose text
    // needs no JSON escapes (digits, '-', ':', '.', ' ', base64).
    AppendSqlQuoted(std::string_view(text).substr(1, text.size() - 2), out);
  } else {
    out->append(text);  // null, true, false, numbers, DECIMAL
  }
  return Status::OK();
}

}  // namespace

std::string_view JsonDiffFunctionName(JsonDiffOperation operation, std::string_view path) {
  switch (operation) {
    case JsonDiffOperation::kReplace: return "JSON_REPLACE";
    case JsonDiffOperation::kInsert: return !path.empty() && path.back() == ']' ? "JSON_ARRAY_INSERT" : "JSON_INSERT";
    case JsonDiffOperation::kRemove: return "JSON_REMOVE";
  }
  return "JSON_UNKNOWN";
}

bool JsonDiffReader::Next(JsonDiff* out) {
  if (!HasNext()) return false;
  const uint8_t operation = reader_.ReadU8("JSON diff operation");
  if (reader_.ok() && operation > static_cast<uint8_t>(JsonDiffOperation::kRemove)) {
    reader_.Fail(fmt::format("JSON diff operation {} is not REPLACE (0), INSERT (1) or REMOVE (2)", operation));
  }
  out->operation = static_cast<JsonDiffOperation>(operation);
  const uint64_t path_length = reader_.ReadPackedInt("JSON diff path length");
  out->path = reader_.ReadBytes(static_cast<size_t>(path_length), "JSON diff path");
  out->value = {};
  if (out->operation != JsonDiffOperation::kRemove) {
    const uint64_t value_length = reader_.ReadPackedInt("JSON diff value length");
    out->value = reader_.ReadSpan(static_cast<size_t>(value_length), "JSON diff value");
  }
  return reader_.ok();
}

void DecodeJsonDiffValue(const ColumnInfo& column, EventReader& r, Value* out) {
  const uint64_t position = r.binlog_position();
  const uint64_t length = r.ReadUInt(column.meta.pack_length, "partial JSON length");
  const std::string_view bytes = r.ReadBytes(static_cast<size_t>(length), "partial JSON diffs");
  if (!r.ok()) return;
  const std::span<const uint8_t> diffs(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  JsonDiffReader diff_reader(diffs, position + column.meta.pack_length);
  JsonDiff diff;
  while (diff_reader.Next(&diff)) {
  }
  if (!diff_reader.status().ok()) {
    r.Fail(fmt::format("partial JSON value of column {}: {}", column.name.empty() ? "(unnamed)" : column.name,
                       diff_reader.status().message()));
    return;
  }
  out->bytes = bytes;
  out->kind = ValueKind::kJsonDiff;
}

Status AppendJsonDiffText(std::span<const uint8_t> diffs, std::string_view column, std::string* out) {
  // The functions open outermost-first, i.e. from the last group of equal
  // functions to the first: each new group's "NAME(" goes in front of those
  // already written.
  const size_t start = out->size();
  JsonDiffReader names(diffs);
  JsonDiff diff;
  std::string_view previous;
  size_t count = 0;
  while (names.Next(&diff)) {
    const std::string_view name = JsonDiffFunctionName(diff.operation, diff.path);
    if (name != previous) {
      out->insert(start, "(");
      out->insert(start, name);
    }
    previous = name;
    ++count;
  }
  DM_RETURN_IF_ERROR(names.status());
  out->append(column);
  if (count == 0) return Status::OK();  // a no-op update: the column itself
  out->append(", ");
  JsonDiffReader values(diffs);
  previous = {};
  bool first = true;
  while (values.Next(&diff)) {
    const std::string_view name = JsonDiffFunctionName(diff.operation, diff.path);
    if (!first) {
      if (name != previous) out->push_back(')');
      out->append(", ");
    }
    AppendSqlQuoted(diff.path, out);
    if (diff.operation != JsonDiffOperation::kRemove) {
      out->append(", ");
      DM_RETURN_IF_ERROR(AppendDiffValue(diff.value, out).WithContext(fmt::format("JSON diff at path {}", diff.path)));
    }
    previous = name;
    first = false;
  }
  DM_RETURN_IF_ERROR(values.status());
  out->push_back(')');
  return Status::OK();
}

std::string JsonDiffColumnReference(const TableMap& map, size_t index) {
  if (index < map.columns.size() && !map.columns[index].name.empty()) {
    std::string quoted = "`";
    for (const char c : map.columns[index].name) {
      if (c == '`') quoted.push_back('`');
      quoted.push_back(c);
    }
    quoted.push_back('`');
    return quoted;
  }
  return fmt::format("@{}", index + 1);
}

}  // namespace dm::binlog
