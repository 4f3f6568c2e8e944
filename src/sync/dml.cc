#include "sync/dml.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstring>

#include "binlog/append_text.h"
#include "binlog/decimal.h"
#include "binlog/mysql_json.h"
#include "mysql/quote.h"

namespace dm::sync {
namespace {

using binlog::ColumnInfo;
using binlog::ColumnType;
using binlog::Value;
using binlog::ValueKind;

constexpr uint32_t kBinaryCollation = 63;

// mysql_real_escape_string's escapes: the character after the backslash for
// each byte that needs one, 0 for bytes sent as they are. ' and \ must be
// escaped to stay inside the literal; \0, \n, \r and \x1a (Ctrl-Z, EOF on
// Windows) so the text survives tools that read statements line by line or
// as C strings; " so the text is also safe inside double quotes.
constexpr std::array<char, 256> MakeEscapeTable() {
  std::array<char, 256> t{};
  t[0] = '0';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t['\\'] = '\\';
  t['\''] = '\'';
  t['"'] = '"';
  t[0x1a] = 'Z';
  return t;
}
constexpr std::array<char, 256> kEscape = MakeEscapeTable();

// Appends `bytes` escaped (without quotes), copying runs of plain bytes at
// once.
void AppendEscaped(std::string_view bytes, std::string* out) {
  size_t run = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const char e = kEscape[static_cast<unsigned char>(bytes[i])];
    if (e == 0) continue;
    out->append(bytes.data() + run, i - run);
    out->push_back('\\');
    out->push_back(e);
    run = i + 1;
  }
  out->append(bytes.data() + run, bytes.size() - run);
}

void AppendHexLiteral(std::string_view bytes, size_t zero_padding, std::string* out) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  const size_t start = out->size();
  out->resize(start + 3 + 2 * (bytes.size() + zero_padding));
  char* p = out->data() + start;
  *p++ = 'X';
  *p++ = '\'';
  for (unsigned char c : bytes) {
    *p++ = kDigits[c >> 4];
    *p++ = kDigits[c & 0xf];
  }
  std::memset(p, '0', 2 * zero_padding);
  p += 2 * zero_padding;
  *p = '\'';
}

// Shortest round-trip text of `d` in exponent form (see AppendSqlLiteral).
Status AppendDouble(double d, std::string* out) {
  if (!std::isfinite(d)) return Status::InvalidArgument(fmt::format("non-finite value {} has no SQL literal", d));
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  out->append(buf, static_cast<size_t>(res.ptr - buf));
  return Status::OK();
}

bool IsFixedBinary(const Value& value, const ColumnInfo& column) {
  return value.kind == ValueKind::kString && column.meta.real_type == ColumnType::kString &&
         column.charset == kBinaryCollation;
}

// ---- hashing for causality keys ----

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;

inline uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v;
  h *= kMul;
  return h ^ (h >> 29);
}

// splitmix64's finalizer: spreads every input bit over the result, so the
// caller can take the hash modulo the worker count.
inline uint64_t Finish(uint64_t h) {
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

uint64_t MixBytes(uint64_t h, std::string_view bytes) {
  h = Mix(h, bytes.size());
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    h = Mix(h, w);
  }
  if (i < bytes.size()) {
    uint64_t w = 0;
    std::memcpy(&w, bytes.data() + i, bytes.size() - i);
    h = Mix(h, w);
  }
  return h;
}

// Non-binary strings as a PAD SPACE, case-insensitive collation compares
// them: trailing spaces dropped, ASCII letters lower-cased. Hashing fewer
// distinctions only merges more rows into one worker, never splits equal ones.
uint64_t MixFoldedString(uint64_t h, std::string_view bytes) {
  size_t n = bytes.size();
  while (n > 0 && bytes[n - 1] == ' ') --n;
  h = Mix(h, n);
  uint64_t w = 0;
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c + ('a' - 'A'));
    w |= uint64_t{c} << (8 * k);
    if (++k == 8) {
      h = Mix(h, w);
      w = 0;
      k = 0;
    }
  }
  if (k != 0) h = Mix(h, w);
  return h;
}

uint64_t MixValue(uint64_t h, const Value& v, const ColumnInfo& column) {
  h = Mix(h, static_cast<uint64_t>(v.kind));
  switch (v.kind) {
    case ValueKind::kAbsent:
    case ValueKind::kNull: return h;
    case ValueKind::kInt: return Mix(h, static_cast<uint64_t>(v.int_value));
    case ValueKind::kUInt:
    case ValueKind::kBit:
    case ValueKind::kYear:
    case ValueKind::kEnum:
    case ValueKind::kSet: return Mix(h, v.uint_value);
    case ValueKind::kTimestamp: return Mix(Mix(h, v.uint_value), v.temporal.micros);
    case ValueKind::kFloat:
      // -0.0 == 0.0 in a key.
      return Mix(h, v.float_value == 0 ? 0 : std::bit_cast<uint32_t>(v.float_value));
    case ValueKind::kDouble: return Mix(h, v.double_value == 0 ? 0 : std::bit_cast<uint64_t>(v.double_value));
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDateTime: {
      const binlog::Temporal& t = v.temporal;
      const uint64_t date = (uint64_t{t.year} << 16) | (uint64_t{t.month} << 8) | t.day;
      const uint64_t time = (uint64_t{t.hour} << 16) | (uint64_t{t.minute} << 8) | t.second;
      return Mix(Mix(Mix(h, date), time), (uint64_t{t.micros} << 1) | (t.negative ? 1 : 0));
    }
    case ValueKind::kString:
      if (column.charset == kBinaryCollation) return MixBytes(h, v.bytes);
      return MixFoldedString(h, v.bytes);
    case ValueKind::kDecimal:
    case ValueKind::kJson:
    case ValueKind::kGeometry:
    case ValueKind::kJsonDiff: return MixBytes(h, v.bytes);
  }
  return h;
}

// Whether equal SQL literals of a key column mean equal key values and
// different literals different ones: no collation, no prefix, no -0.0.
bool HasCanonicalLiteral(const ColumnInfo& column) {
  switch (column.meta.real_type) {
    case ColumnType::kTiny:
    case ColumnType::kShort:
    case ColumnType::kInt24:
    case ColumnType::kLong:
    case ColumnType::kLongLong:
    case ColumnType::kNewDecimal:
    case ColumnType::kDate:
    case ColumnType::kNewDate:
    case ColumnType::kTime:
    case ColumnType::kTime2:
    case ColumnType::kDateTime:
    case ColumnType::kDateTime2:
    case ColumnType::kTimestamp:
    case ColumnType::kTimestamp2:
    case ColumnType::kYear:
    case ColumnType::kBit: return true;
    default: return false;
  }
}

uint64_t Seed(std::string_view target, std::string_view key) {
  return MixBytes(MixBytes(0x6A09E667F3BCC908ull, target), key);
}

}  // namespace

Status AppendSqlLiteral(const Value& value, const ColumnInfo& column, std::string* out) {
  switch (value.kind) {
    case ValueKind::kAbsent:
    case ValueKind::kJsonDiff:
      return Status::InvalidArgument(fmt::format("column {}: a {} value has no SQL literal",
                                                 column.name.empty() ? "?" : column.name,
                                                 binlog::ValueKindName(value.kind)));
    case ValueKind::kNull: out->append("NULL"); return Status::OK();
    case ValueKind::kInt: binlog::AppendInt(value.int_value, out); return Status::OK();
    case ValueKind::kUInt:
    case ValueKind::kBit:
    case ValueKind::kEnum:
    case ValueKind::kSet: binlog::AppendUInt(value.uint_value, out); return Status::OK();
    case ValueKind::kYear:
      // Four digits: the number 0000 stores as year 0000 (AppendValueText
      // writes YEAR zero-padded).
      binlog::AppendValueText(value, column, out);
      return Status::OK();
    case ValueKind::kFloat: return AppendDouble(static_cast<double>(value.float_value), out);
    case ValueKind::kDouble: return AppendDouble(value.double_value, out);
    case ValueKind::kDecimal:
      binlog::AppendDecimalText(column.meta.precision, column.meta.scale,
                                std::span(reinterpret_cast<const uint8_t*>(value.bytes.data()), value.bytes.size()),
                                out);
      return Status::OK();
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDateTime:
    case ValueKind::kTimestamp:
      // The SELECT text in UTC is what the target session (time_zone
      // '+00:00') reads back as the same value; it never needs escaping.
      out->push_back('\'');
      binlog::AppendValueText(value, column, out);
      out->push_back('\'');
      return Status::OK();
    case ValueKind::kString:
      if (IsFixedBinary(value, column)) {
        AppendHexLiteral(value.bytes, binlog::BinaryZeroPadding(value, column), out);
        return Status::OK();
      }
      out->push_back('\'');
      AppendEscaped(value.bytes, out);
      out->push_back('\'');
      return Status::OK();
    case ValueKind::kJson: {
      thread_local std::string scratch;
      scratch.clear();
      DM_RETURN_IF_ERROR(binlog::AppendValueTextWithJson(value, column, &scratch));
      out->push_back('\'');
      AppendEscaped(scratch, out);
      out->push_back('\'');
      return Status::OK();
    }
    case ValueKind::kGeometry: AppendHexLiteral(value.bytes, 0, out); return Status::OK();
  }
  return Status::Internal(fmt::format("unknown value kind {}", static_cast<int>(value.kind)));
}

Result<TableDml> TableDml::Make(const TrackedTable& table, const binlog::TableMap& map, std::string target) {
  const std::string upstream = mysql::QualifiedName(table.name.schema, table.name.table);
  if (map.columns.size() != table.columns.size()) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("table {}: the tracked schema has {} columns but the binlog's TABLE_MAP has {}",
                              upstream, table.columns.size(), map.columns.size()),
                  ErrorCode::kBinlogSchemaMismatch);
  }
  TableDml d;
  d.target_ = std::move(target);
  d.columns_ = map.columns;
  d.names_.reserve(table.columns.size());
  std::string list;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    d.names_.push_back(mysql::QuoteIdentifier(table.columns[i].name));
    // The binlog's names (FULL metadata) may be missing; errors name columns
    // by the tracked schema.
    if (d.columns_[i].name.empty()) d.columns_[i].name = table.columns[i].name;
    if (table.columns[i].generated) continue;
    d.written_.push_back(i);
    d.set_.push_back({i, d.names_[i] + "="});
    if (!list.empty()) list.push_back(',');
    list += d.names_[i];
  }
  for (const TrackedKey& key : table.keys) {
    for (size_t c : key.columns) {
      if (c >= table.columns.size()) {
        return Status(StatusCode::kFailedPrecondition,
                      fmt::format("table {}: key {} names column {} of {}", upstream, key.name, c,
                                  table.columns.size()),
                      ErrorCode::kBinlogSchemaMismatch);
      }
    }
    if (key.unique || key.primary) d.unique_keys_.push_back({Seed(d.target_, key.name), key.columns});
  }
  auto merge = std::make_shared<MergeForm>();
  merge->target = d.target_;
  merge->insert_prefix = "INSERT INTO " + d.target_ + " (" + list + ") VALUES ";
  merge->replace_prefix = "REPLACE INTO " + d.target_ + " (" + list + ") VALUES ";
  if (const TrackedKey* handle = table.HandleKey()) {
    for (size_t c : handle->columns) d.where_.push_back({c, d.names_[c]});
    merge->keyed = d.unique_keys_.size() == 1 && !handle->columns.empty();
    merge->one_column_key = handle->columns.size() == 1;
    merge->canonical_key = true;
    for (size_t c : handle->columns) merge->canonical_key = merge->canonical_key && HasCanonicalLiteral(d.columns_[c]);
    merge->delete_prefix = "DELETE FROM " + d.target_ + " WHERE " +
                           (merge->one_column_key ? d.names_[handle->columns[0]] + " IN (" : std::string("("));
    for (const Assignment& s : d.set_) {
      if (std::find(handle->columns.begin(), handle->columns.end(), s.column) != handle->columns.end()) continue;
      merge->upsert_suffix += merge->upsert_suffix.empty() ? " ON DUPLICATE KEY UPDATE " : ",";
      merge->upsert_suffix += s.lhs + "VALUES(" + d.names_[s.column] + ")";
    }
    // Every written column is in the key: a conflict has nothing to change,
    // but the clause needs one assignment.
    if (merge->upsert_suffix.empty() && !d.set_.empty()) {
      merge->upsert_suffix = " ON DUPLICATE KEY UPDATE " + d.set_[0].lhs + "VALUES(" + d.names_[d.set_[0].column] + ")";
    }
    merge->keyed = merge->keyed && !merge->upsert_suffix.empty();
  } else {
    for (size_t c : d.written_) d.where_.push_back({c, d.names_[c]});
  }
  d.merge_ = std::move(merge);
  // A name no key can have (identifiers cannot contain NUL).
  d.all_columns_seed_ = Seed(d.target_, std::string_view("\0all", 4));
  d.table_key_ = Finish(Seed(d.target_, std::string_view("\0table", 6)));
  d.update_prefix_ = "UPDATE " + d.target_ + " SET ";
  d.delete_prefix_ = "DELETE FROM " + d.target_ + " WHERE ";
  d.row_estimate_ = 24 * table.columns.size() + 32;
  return d;
}

Status TableDml::CheckSize(std::span<const Value> row, const char* image) const {
  if (row.size() != columns_.size()) {
    return Status::InvalidArgument(fmt::format("{}: {} image has {} values for {} columns", target_, image,
                                               row.size(), columns_.size()));
  }
  return Status::OK();
}

Status TableDml::InsertTuple(std::span<const Value> after, std::string* out) const {
  DM_RETURN_IF_ERROR(CheckSize(after, "after"));
  out->push_back('(');
  bool first = true;
  for (size_t c : written_) {
    if (!first) out->push_back(',');
    first = false;
    DM_RETURN_IF_ERROR(AppendSqlLiteral(after[c], columns_[c], out));
  }
  out->push_back(')');
  return Status::OK();
}

Status TableDml::AppendInsert(std::span<const Value> after, bool safe_mode, std::string* out) const {
  const std::string& prefix = InsertPrefix(safe_mode);
  out->reserve(prefix.size() + row_estimate_);
  out->append(prefix);
  return InsertTuple(after, out);
}

Status TableDml::AppendWhere(std::span<const Value> before, std::string* out) const {
  bool first = true;
  for (const Assignment& w : where_) {
    if (!first) out->append(" AND ");
    first = false;
    out->append(w.lhs);
    const Value& v = before[w.column];
    if (v.is_null()) {
      out->append(" IS NULL");
    } else {
      out->push_back('=');
      DM_RETURN_IF_ERROR(AppendSqlLiteral(v, columns_[w.column], out));
    }
  }
  out->append(" LIMIT 1");
  return Status::OK();
}

Status TableDml::Insert(std::span<const Value> after, bool safe_mode, std::vector<std::string>* out) const {
  std::string sql;
  DM_RETURN_IF_ERROR(AppendInsert(after, safe_mode, &sql));
  out->push_back(std::move(sql));
  return Status::OK();
}

Status TableDml::Update(std::span<const Value> before, std::span<const Value> after, bool safe_mode,
                        std::vector<std::string>* out) const {
  DM_RETURN_IF_ERROR(CheckSize(before, "before"));
  DM_RETURN_IF_ERROR(CheckSize(after, "after"));
  if (safe_mode) {
    // As DM: DELETE the old row then REPLACE the new one, which is right
    // whether or not the change was applied before and whether the key
    // changed.
    std::string del;
    del.reserve(delete_prefix_.size() + row_estimate_);
    del.append(delete_prefix_);
    DM_RETURN_IF_ERROR(AppendWhere(before, &del));
    std::string rep;
    DM_RETURN_IF_ERROR(AppendInsert(after, /*safe_mode=*/true, &rep));
    out->push_back(std::move(del));
    out->push_back(std::move(rep));
    return Status::OK();
  }
  std::string sql;
  sql.reserve(update_prefix_.size() + 2 * row_estimate_);
  sql.append(update_prefix_);
  bool first = true;
  for (const Assignment& s : set_) {
    if (!first) sql.push_back(',');
    first = false;
    sql.append(s.lhs);
    DM_RETURN_IF_ERROR(AppendSqlLiteral(after[s.column], columns_[s.column], &sql));
  }
  sql.append(" WHERE ");
  DM_RETURN_IF_ERROR(AppendWhere(before, &sql));
  out->push_back(std::move(sql));
  return Status::OK();
}

Status TableDml::Delete(std::span<const Value> before, std::vector<std::string>* out) const {
  DM_RETURN_IF_ERROR(CheckSize(before, "before"));
  std::string sql;
  sql.reserve(delete_prefix_.size() + row_estimate_);
  sql.append(delete_prefix_);
  DM_RETURN_IF_ERROR(AppendWhere(before, &sql));
  out->push_back(std::move(sql));
  return Status::OK();
}

Status TableDml::MergeKey(std::span<const Value> row, std::string* out) const {
  assert(merge_->keyed);
  bool first = true;
  for (const Assignment& w : where_) {
    const Value& v = row[w.column];
    if (v.is_null() || v.is_absent()) {
      return Status::InvalidArgument(fmt::format("{}: key column {} has no value", target_, names_[w.column]));
    }
    if (!merge_->one_column_key) {
      if (!first) out->append(" AND ");
      out->append(w.lhs);
      out->push_back('=');
    }
    first = false;
    DM_RETURN_IF_ERROR(AppendSqlLiteral(v, columns_[w.column], out));
  }
  return Status::OK();
}

void TableDml::CausalityKeys(std::span<const Value> row, std::vector<uint64_t>* out) const {
  assert(row.size() == columns_.size());
  bool any = false;
  for (const UniqueKey& key : unique_keys_) {
    uint64_t h = key.seed;
    bool usable = true;
    for (size_t c : key.columns) {
      const Value& v = row[c];
      // NULLs never collide in a unique key; an absent value leaves the key
      // unknown.
      if (v.is_null() || v.is_absent()) {
        usable = false;
        break;
      }
      h = MixValue(h, v, columns_[c]);
    }
    if (!usable) continue;
    out->push_back(Finish(h));
    any = true;
  }
  if (any) return;
  // No unique key identifies this row (none exists, or all hold a NULL
  // here): changes to it are then matched on every column, so identical
  // rows share a hash and stay ordered.
  uint64_t h = all_columns_seed_;
  for (size_t c : written_) h = MixValue(h, row[c], columns_[c]);
  out->push_back(Finish(h));
}

}  // namespace dm::sync
