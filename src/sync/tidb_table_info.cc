#include "sync/tidb_table_info.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "binlog/column_type.h"
#include "common/strings.h"
#include "mysql/quote.h"

namespace dm::sync {
namespace {

using nlohmann::json;

// TiDB's model.SchemaState: only public elements are read and written by
// every statement; the others are halfway through a DDL.
constexpr int64_t kStatePublic = 5;

// Column flag bits (TiDB parser/mysql/type.go, MySQL's own values).
constexpr uint64_t kNotNullFlag = 1U << 0;
constexpr uint64_t kPriKeyFlag = 1U << 1;
constexpr uint64_t kUnsignedFlag = 1U << 5;
constexpr uint64_t kZerofillFlag = 1U << 6;
constexpr uint64_t kBinaryFlag = 1U << 7;

constexpr int64_t kMaxFsp = 6;

Status Invalid(std::string_view path, std::string_view why) {
  return Status(StatusCode::kInvalidArgument, fmt::format("TiDB TableInfo: {}: {}", path, why),
                ErrorCode::kSchemaTrackerInvalidJSON);
}

// The member `key` of object `obj`; nullptr when absent or null (Go's
// encoding/json writes nil slices and pointers as null).
const json* Member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

// "path.key", or "key" at the top level (path "").
std::string FieldPath(const std::string& path, const char* key) { return path.empty() ? key : path + "." + key; }

Result<int64_t> IntMember(const json& obj, const char* key, const std::string& path, int64_t absent) {
  const json* v = Member(obj, key);
  if (v == nullptr) return absent;
  if (!v->is_number_integer()) return Invalid(FieldPath(path, key), "not an integer");
  return v->get<int64_t>();
}

Result<bool> BoolMember(const json& obj, const char* key, const std::string& path) {
  const json* v = Member(obj, key);
  if (v == nullptr) return false;
  if (!v->is_boolean()) return Invalid(FieldPath(path, key), "not a boolean");
  return v->get<bool>();
}

Result<std::string> StringMember(const json& obj, const char* key, const std::string& path) {
  const json* v = Member(obj, key);
  if (v == nullptr) return std::string();
  if (!v->is_string()) return Invalid(FieldPath(path, key), "not a string");
  return v->get<std::string>();
}

// A model.CIStr: {"O": original, "L": lower case}, or a plain string, which
// TiDB also reads.
Result<std::string> NameMember(const json& obj, const char* key, const std::string& path) {
  const json* v = Member(obj, key);
  const std::string where = FieldPath(path, key);
  if (v == nullptr) return Invalid(where, "missing");
  if (v->is_string()) return v->get<std::string>();
  const json* original = v->is_object() ? Member(*v, "O") : nullptr;
  if (original == nullptr || !original->is_string()) return Invalid(where, "not a name ({\"O\": ...} or a string)");
  if (original->get_ref<const std::string&>().empty()) return Invalid(where, "empty");
  return original->get<std::string>();
}

// Charset and collation names go into the statement unquoted.
Status CheckCharsetName(const std::string& name, const std::string& path) {
  const bool plain = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
  return plain ? Status::OK() : Invalid(path, "not a charset or collation name: " + mysql::QuoteString(name));
}

// The collation the definition names: "" (the charset's default) for MySQL
// 8.0's UCA 9.0.0 collations (utf8mb4_0900_ai_ci, MySQL 8.0's default, and
// the rest of the `_0900_` family), which MariaDB before 11.4 does not know,
// so the tracker's scratch table would be refused; row values decode by
// charset alone.
std::string TrackedCollation(const std::string& collate) {
  return collate.find("_0900_") == std::string::npos ? collate : std::string();
}

// FieldType.Tp is MySQL's enum_field_types (TiDB parser/mysql/type.go).
using binlog::ColumnType;

struct Column {
  std::string path;  // "cols[3]", for messages
  std::string name;
  int64_t offset = 0;
  bool visible = false;  // public and not hidden: a column of the table
  ColumnType type = ColumnType::kNull;
  uint64_t flag = 0;
  int64_t flen = -1;     // types.UnspecifiedLength when not given
  int64_t decimal = -1;  // scale of DECIMAL/FLOAT/DOUBLE, fsp of temporal types
  std::string charset;
  std::string collate;
  std::vector<std::string> elems;
  std::string generated_expr;
  bool generated_stored = false;
};

Result<Column> ReadColumn(const json& col, const std::string& path) {
  if (!col.is_object()) return Invalid(path, "not an object");
  Column c;
  c.path = path;
  DM_ASSIGN_OR_RETURN(c.name, NameMember(col, "name", path));
  DM_ASSIGN_OR_RETURN(c.offset, IntMember(col, "offset", path, -1));
  DM_ASSIGN_OR_RETURN(int64_t state, IntMember(col, "state", path, -1));
  DM_ASSIGN_OR_RETURN(bool hidden, BoolMember(col, "hidden", path));
  c.visible = state == kStatePublic && !hidden;
  DM_ASSIGN_OR_RETURN(c.generated_expr, StringMember(col, "generated_expr_string", path));
  DM_ASSIGN_OR_RETURN(c.generated_stored, BoolMember(col, "generated_stored", path));

  const std::string type_path = path + ".type";
  const json* type = Member(col, "type");
  if (type == nullptr || !type->is_object()) return Invalid(type_path, "missing or not an object");
  DM_ASSIGN_OR_RETURN(int64_t tp, IntMember(*type, "Tp", type_path, -1));
  if (tp < 0 || tp > 0xff) return Invalid(type_path + ".Tp", "missing or not a type code (0 to 255)");
  c.type = static_cast<ColumnType>(tp);
  DM_ASSIGN_OR_RETURN(int64_t flag, IntMember(*type, "Flag", type_path, 0));
  c.flag = static_cast<uint64_t>(flag);
  DM_ASSIGN_OR_RETURN(c.flen, IntMember(*type, "Flen", type_path, -1));
  DM_ASSIGN_OR_RETURN(c.decimal, IntMember(*type, "Decimal", type_path, -1));
  DM_ASSIGN_OR_RETURN(c.charset, StringMember(*type, "Charset", type_path));
  DM_RETURN_IF_ERROR(CheckCharsetName(c.charset, type_path + ".Charset"));
  DM_ASSIGN_OR_RETURN(c.collate, StringMember(*type, "Collate", type_path));
  DM_RETURN_IF_ERROR(CheckCharsetName(c.collate, type_path + ".Collate"));
  c.collate = TrackedCollation(c.collate);
  if (const json* elems = Member(*type, "Elems")) {
    if (!elems->is_array()) return Invalid(type_path + ".Elems", "not an array");
    for (const json& e : *elems) {
      if (!e.is_string()) return Invalid(type_path + ".Elems", "a member is not a string");
      c.elems.push_back(e.get<std::string>());
    }
  }
  return c;
}

bool IsBinaryCharset(const Column& c) {
  return c.charset == "binary" || (c.charset.empty() && (c.flag & kBinaryFlag) != 0);
}

// " CHARACTER SET x COLLATE y" for a text column, "" for a binary one.
std::string CharsetClause(const Column& c) {
  if (IsBinaryCharset(c)) return "";
  std::string s;
  if (!c.charset.empty()) s += " CHARACTER SET " + c.charset;
  if (!c.collate.empty()) s += " COLLATE " + c.collate;
  return s;
}

std::string NumericAttributes(const Column& c) {
  std::string s;
  if ((c.flag & kUnsignedFlag) != 0) s += " UNSIGNED";
  if ((c.flag & kZerofillFlag) != 0) s += " ZEROFILL";
  return s;
}

// "(flen)" when a length is given.
std::string Length(int64_t flen) { return flen >= 0 ? fmt::format("({})", flen) : std::string(); }

Result<std::string> TemporalType(std::string_view name, const Column& c) {
  if (c.decimal > kMaxFsp) {
    return Invalid(c.path + ".type.Decimal", fmt::format("fractional seconds precision {} is over 6", c.decimal));
  }
  return c.decimal > 0 ? fmt::format("{}({})", name, c.decimal) : std::string(name);
}

Result<std::string> MembersType(std::string_view name, const Column& c) {
  if (c.elems.empty()) return Invalid(c.path + ".type.Elems", fmt::format("{} without members", name));
  std::string s(name);
  s += '(';
  for (size_t i = 0; i < c.elems.size(); ++i) {
    if (i > 0) s += ',';
    s += mysql::QuoteString(c.elems[i]);
  }
  return s + ')' + CharsetClause(c);
}

std::string BlobType(std::string_view size, const Column& c) {
  return fmt::format("{}{}", size, IsBinaryCharset(c) ? "BLOB" : "TEXT") + CharsetClause(c);
}

// The column type as MySQL/MariaDB spell it, from Tp, Flen, Decimal, Flag,
// Charset, Collate and Elems (the meanings of TiDB's FieldType).
Result<std::string> TypeDefinition(const Column& c) {
  switch (c.type) {
    case ColumnType::kTiny: return "TINYINT" + Length(c.flen) + NumericAttributes(c);
    case ColumnType::kShort: return "SMALLINT" + Length(c.flen) + NumericAttributes(c);
    case ColumnType::kInt24: return "MEDIUMINT" + Length(c.flen) + NumericAttributes(c);
    case ColumnType::kLong: return "INT" + Length(c.flen) + NumericAttributes(c);
    case ColumnType::kLongLong: return "BIGINT" + Length(c.flen) + NumericAttributes(c);
    case ColumnType::kFloat:
    case ColumnType::kDouble: {
      // TiDB leaves Decimal unspecified (-1) for a plain FLOAT/DOUBLE; only
      // FLOAT(M,D) has both.
      std::string s = c.type == ColumnType::kFloat ? "FLOAT" : "DOUBLE";
      if (c.flen > 0 && c.decimal > 0) s += fmt::format("({},{})", c.flen, c.decimal);
      return s + NumericAttributes(c);
    }
    case ColumnType::kNewDecimal:
      return fmt::format("DECIMAL({},{})", c.flen > 0 ? c.flen : 10, std::max<int64_t>(c.decimal, 0)) +
             NumericAttributes(c);
    // TiDB flags BIT and YEAR UNSIGNED (and YEAR ZEROFILL), which neither
    // type takes.
    case ColumnType::kBit: return fmt::format("BIT({})", c.flen > 0 ? c.flen : 1);
    case ColumnType::kYear: return std::string("YEAR");
    case ColumnType::kDate:
    case ColumnType::kNewDate: return std::string("DATE");
    case ColumnType::kTime: return TemporalType("TIME", c);
    case ColumnType::kDateTime: return TemporalType("DATETIME", c);
    case ColumnType::kTimestamp: return TemporalType("TIMESTAMP", c);
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
      if (c.flen < 0) return Invalid(c.path + ".type.Flen", "VARCHAR without a length");
      return (IsBinaryCharset(c) ? "VARBINARY" : "VARCHAR") + Length(c.flen) + CharsetClause(c);
    case ColumnType::kString: return (IsBinaryCharset(c) ? "BINARY" : "CHAR") + Length(c.flen) + CharsetClause(c);
    case ColumnType::kTinyBlob: return BlobType("TINY", c);
    case ColumnType::kBlob: return BlobType("", c);
    case ColumnType::kMediumBlob: return BlobType("MEDIUM", c);
    case ColumnType::kLongBlob: return BlobType("LONG", c);
    case ColumnType::kEnum: return MembersType("ENUM", c);
    case ColumnType::kSet: return MembersType("SET", c);
    case ColumnType::kJson: return std::string("JSON");
    case ColumnType::kGeometry: return std::string("GEOMETRY");
    default: break;
  }
  return Invalid(c.path + ".type.Tp", fmt::format("unknown MySQL type code {}", static_cast<int>(c.type)));
}

Result<std::string> ColumnDefinition(const Column& c) {
  DM_ASSIGN_OR_RETURN(std::string type, TypeDefinition(c));
  std::string s = mysql::QuoteIdentifier(c.name) + " " + type;
  if (!c.generated_expr.empty()) {
    // Nullability of a generated column follows its expression; MariaDB
    // refuses NOT NULL there.
    return s + " AS (" + c.generated_expr + ")" + (c.generated_stored ? " STORED" : " VIRTUAL");
  }
  if ((c.flag & kNotNullFlag) != 0) {
    s += " NOT NULL";
  } else if (c.type == ColumnType::kTimestamp) {
    // Without explicit_defaults_for_timestamp a bare TIMESTAMP is NOT NULL.
    s += " NULL";
  }
  return s;
}

struct Key {
  bool primary = false;
  std::string clause;  // "PRIMARY KEY (...)", "UNIQUE KEY `k` (...)", "KEY `k` (...)"
};

// One public key; nullopt when it covers a column that is not a visible
// column (an expression index, or a column halfway through a DDL) or when it
// is not public.
Result<std::optional<Key>> KeyDefinition(const json& index, const std::string& path,
                                         const std::vector<Column>& columns) {
  if (!index.is_object()) return Invalid(path, "not an object");
  DM_ASSIGN_OR_RETURN(int64_t state, IntMember(index, "state", path, -1));
  if (state != kStatePublic) return std::optional<Key>();
  DM_ASSIGN_OR_RETURN(std::string name, NameMember(index, "idx_name", path));
  DM_ASSIGN_OR_RETURN(bool primary, BoolMember(index, "is_primary", path));
  DM_ASSIGN_OR_RETURN(bool unique, BoolMember(index, "is_unique", path));
  const json* parts = Member(index, "idx_cols");
  if (parts == nullptr || !parts->is_array() || parts->empty()) {
    return Invalid(path + ".idx_cols", "missing, empty or not an array");
  }
  std::string list;
  for (size_t i = 0; i < parts->size(); ++i) {
    const std::string part_path = fmt::format("{}.idx_cols[{}]", path, i);
    const json& part = (*parts)[i];
    if (!part.is_object()) return Invalid(part_path, "not an object");
    DM_ASSIGN_OR_RETURN(std::string column, NameMember(part, "name", part_path));
    DM_ASSIGN_OR_RETURN(int64_t length, IntMember(part, "length", part_path, -1));
    auto it =
        std::find_if(columns.begin(), columns.end(), [&](const Column& c) { return EqualsIgnoreCase(c.name, column); });
    if (it == columns.end()) return Invalid(part_path + ".name", "no column " + mysql::QuoteIdentifier(column));
    if (!it->visible) return std::optional<Key>();
    if (i > 0) list += ',';
    list += mysql::QuoteIdentifier(it->name) + (length > 0 ? fmt::format("({})", length) : "");
  }
  if (primary) return std::optional<Key>({true, "PRIMARY KEY (" + list + ")"});
  return std::optional<Key>(
      {false, (unique ? "UNIQUE KEY " : "KEY ") + mysql::QuoteIdentifier(name) + " (" + list + ")"});
}

}  // namespace

bool IsTiDbTableInfo(const json& info) { return info.is_object() && info.contains("cols"); }

Result<std::string> TiDbTableInfoToCreateTable(std::string_view json_text) {
  const json info = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (info.is_discarded()) return Invalid("table_info", "not JSON");
  if (!info.is_object()) return Invalid("table_info", "not a JSON object");
  DM_ASSIGN_OR_RETURN(std::string table, NameMember(info, "name", ""));
  DM_ASSIGN_OR_RETURN(std::string charset, StringMember(info, "charset", ""));
  DM_RETURN_IF_ERROR(CheckCharsetName(charset, "charset"));
  DM_ASSIGN_OR_RETURN(std::string collate, StringMember(info, "collate", ""));
  DM_RETURN_IF_ERROR(CheckCharsetName(collate, "collate"));
  collate = TrackedCollation(collate);
  DM_ASSIGN_OR_RETURN(bool pk_is_handle, BoolMember(info, "pk_is_handle", ""));

  const json* cols = Member(info, "cols");
  if (cols == nullptr || !cols->is_array()) return Invalid("cols", "missing or not an array");
  std::vector<Column> columns;
  for (size_t i = 0; i < cols->size(); ++i) {
    DM_ASSIGN_OR_RETURN(Column c, ReadColumn((*cols)[i], fmt::format("cols[{}]", i)));
    columns.push_back(std::move(c));
  }
  std::vector<const Column*> visible;
  for (const Column& c : columns) {
    if (c.visible) visible.push_back(&c);
  }
  if (visible.empty()) return Invalid("cols", "no public column");
  // A row's values are in offset order (TiDB's TableInfo.Cols()).
  std::stable_sort(visible.begin(), visible.end(),
                   [](const Column* a, const Column* b) { return a->offset < b->offset; });
  for (size_t i = 0; i < visible.size(); ++i) {
    if (visible[i]->offset != static_cast<int64_t>(i)) {
      return Invalid(visible[i]->path + ".offset",
                     fmt::format("{} where the public columns need offset {}", visible[i]->offset, i));
    }
  }

  std::vector<std::string> lines;
  for (const Column* c : visible) {
    DM_ASSIGN_OR_RETURN(std::string line, ColumnDefinition(*c));
    lines.push_back(std::move(line));
  }
  bool has_primary = false;
  if (pk_is_handle) {
    // The integer handle column is the primary key; TiDB keeps no index
    // entry for it.
    auto pk =
        std::find_if(visible.begin(), visible.end(), [](const Column* c) { return (c->flag & kPriKeyFlag) != 0; });
    if (pk == visible.end()) return Invalid("pk_is_handle", "set, but no public column has the primary key flag (2)");
    lines.push_back("PRIMARY KEY (" + mysql::QuoteIdentifier((*pk)->name) + ")");
    has_primary = true;
  }
  if (const json* indices = Member(info, "index_info")) {
    if (!indices->is_array()) return Invalid("index_info", "not an array");
    std::vector<std::string> keys;
    for (size_t i = 0; i < indices->size(); ++i) {
      DM_ASSIGN_OR_RETURN(std::optional<Key> key,
                          KeyDefinition((*indices)[i], fmt::format("index_info[{}]", i), columns));
      if (!key || (key->primary && has_primary)) continue;
      // The primary key first, as SHOW CREATE TABLE lists it.
      (key->primary ? lines : keys).push_back(std::move(key->clause));
      has_primary = has_primary || key->primary;
    }
    for (std::string& key : keys) lines.push_back(std::move(key));
  }

  std::string sql = "CREATE TABLE " + mysql::QuoteIdentifier(table) + " (\n";
  for (size_t i = 0; i < lines.size(); ++i) sql += "  " + lines[i] + (i + 1 < lines.size() ? ",\n" : "\n");
  sql += ")";
  if (!charset.empty()) sql += " DEFAULT CHARSET=" + charset;
  if (!collate.empty()) sql += " COLLATE=" + collate;
  return sql;
}

}  // namespace dm::sync
