#include "diff/table_meta.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "common/strings.h"
#include "mysql/quote.h"

namespace dm::diff {

namespace {

bool IsIntegerLike(std::string_view t) {
  return EqualsAnyIgnoreCase(
      t, {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year", "decimal", "numeric"});
}

bool IsTemporal(std::string_view t) { return EqualsAnyIgnoreCase(t, {"date", "datetime", "timestamp", "time"}); }

// Charset and collation names come from the server's catalogue; they are
// spliced into SQL, so anything but [a-z0-9_] is refused.
bool IsPlainName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::string Text(const mysql::Value& v) { return v ? *v : std::string(); }

}  // namespace

bool IsKeyableType(std::string_view t) {
  return IsIntegerLike(t) || IsTemporal(t) || EqualsAnyIgnoreCase(t, {"char", "varchar", "binary", "varbinary"});
}

namespace {

// Fills the expressions that read the value given by the SQL `col`.
void DeriveExpressionsOf(ColumnMeta* c, const std::string& col) {
  const std::string& t = c->data_type;
  if (IsIntegerLike(t) || IsTemporal(t) || t == "double" || t == "real") {
    c->kind = ValueKind::kText;
    c->select_expr = col;
  } else if (t == "float") {
    // FLOAT -> DOUBLE is exact and DOUBLE prints round-trip, so every bit shows.
    c->kind = ValueKind::kText;
    c->select_expr = fmt::format("CAST({} AS DOUBLE)", col);
  } else if (t == "bit") {
    c->kind = ValueKind::kText;
    c->select_expr = fmt::format("CAST({} AS UNSIGNED)", col);
  } else {
    c->kind = ValueKind::kBytes;
    c->select_expr = col;
  }
  // Checksums see the same bytes: text as it is, everything else as raw
  // bytes (CAST AS BINARY: no charset conversion, no collation mixing).
  c->checksum_expr = c->kind == ValueKind::kText ? c->select_expr : fmt::format("CAST({} AS BINARY)", col);
}

}  // namespace

void DeriveExpressions(ColumnMeta* c) { DeriveExpressionsOf(c, mysql::QuoteIdentifier(c->name)); }

ColumnMeta ConstantColumn(const ColumnMeta& column, std::string_view value) {
  ColumnMeta c = column;
  c.constant = true;
  DeriveExpressionsOf(&c, KeyLiteral(column, value));
  return c;
}

std::string KeyLiteral(const ColumnMeta& c, std::string_view value) {
  const std::string& t = c.data_type;
  if (IsIntegerLike(t)) {
    bool numeric = !value.empty() && std::all_of(value.begin(), value.end(), [](char ch) {
      return (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
    });
    return numeric ? std::string(value) : mysql::QuoteString(value);
  }
  if (IsTemporal(t)) return mysql::QuoteString(value);
  if (!c.charset.empty() && c.charset != "binary" && IsPlainName(c.charset) && IsPlainName(c.collation)) {
    // Introducer + explicit COLLATE: compared exactly as the column compares.
    return fmt::format("_{} {} COLLATE {}", c.charset, mysql::HexLiteral(value), c.collation);
  }
  return mysql::HexLiteral(value);
}

Result<std::optional<TableMeta>> LoadTableMeta(mysql::Connection& conn, const TableName& name) {
  const mysql::StringEscaping esc = conn.escaping();
  const std::string where = fmt::format("TABLE_SCHEMA = {} AND TABLE_NAME = {}", mysql::QuoteString(name.schema, esc),
                                        mysql::QuoteString(name.table, esc));
  DM_ASSIGN_OR_RETURN(auto exists,
                      conn.QueryRows(fmt::format("SELECT TABLE_TYPE FROM information_schema.TABLES WHERE {}", where)));
  if (exists.empty()) return std::optional<TableMeta>();

  TableMeta meta;
  meta.name = name;
  DM_ASSIGN_OR_RETURN(auto cols,
                      conn.QueryRows(fmt::format("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME, "
                                                 "COLLATION_NAME, IS_NULLABLE FROM information_schema.COLUMNS WHERE {} "
                                                 "ORDER BY ORDINAL_POSITION",
                                                 where)));
  for (const auto& r : cols) {
    ColumnMeta c;
    c.name = Text(r[0]);
    c.data_type = AsciiLower(Text(r[1]));
    c.column_type = AsciiLower(Text(r[2]));
    c.charset = Text(r[3]);
    c.collation = Text(r[4]);
    c.nullable = Text(r[5]) == "YES";
    DeriveExpressions(&c);
    meta.columns.push_back(std::move(c));
  }
  if (meta.columns.empty()) {
    return Status::Internal(fmt::format("table {} has no columns in information_schema", name.Quoted()));
  }

  DM_ASSIGN_OR_RETURN(auto stats, conn.QueryRows(fmt::format(
                                      "SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART "
                                      "FROM information_schema.STATISTICS WHERE {} ORDER BY INDEX_NAME, SEQ_IN_INDEX",
                                      where)));
  struct Index {
    bool usable = true;
    std::vector<size_t> columns;
  };
  std::map<std::string, Index> unique;
  for (const auto& r : stats) {
    if (Text(r[1]) != "0") continue;
    Index& idx = unique[Text(r[0])];
    auto it = std::find_if(meta.columns.begin(), meta.columns.end(),
                           [&](const ColumnMeta& c) { return c.name == Text(r[2]); });
    // A prefix (SUB_PART), a nullable column, or a type without an exact
    // literal cannot bound chunks; such a key is skipped.
    if (it == meta.columns.end() || r[3].has_value() || it->nullable || !IsKeyableType(it->data_type)) {
      idx.usable = false;
      continue;
    }
    idx.columns.push_back(static_cast<size_t>(it - meta.columns.begin()));
  }
  const Index* best = nullptr;
  std::string best_name;
  if (auto pk = unique.find("PRIMARY"); pk != unique.end() && pk->second.usable) {
    best = &pk->second;
    best_name = pk->first;
  } else {
    for (const auto& [index_name, idx] : unique) {
      if (!idx.usable || idx.columns.empty()) continue;
      if (best == nullptr || idx.columns.size() < best->columns.size()) {
        best = &idx;
        best_name = index_name;
      }
    }
  }
  if (best != nullptr) {
    meta.key = best->columns;
    meta.key_name = best_name;
  }
  return std::optional<TableMeta>(std::move(meta));
}

Result<std::vector<TableName>> ListTables(mysql::Connection& conn) {
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES "
                                                "WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN "
                                                "('mysql', 'information_schema', 'performance_schema', 'sys')"));
  std::vector<TableName> names;
  names.reserve(rows.size());
  for (const auto& r : rows) names.push_back(TableName{Text(r[0]), Text(r[1])});
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

std::string Describe(const ColumnMeta& c) {
  std::string s = fmt::format("{} {}", mysql::QuoteIdentifier(c.name), c.column_type);
  if (!c.collation.empty()) s += fmt::format(" COLLATE {}", c.collation);
  return s;
}

}  // namespace

std::vector<std::string> CompareStructure(const TableMeta& source, const TableMeta& target,
                                          std::string_view source_label) {
  std::vector<std::string> out;
  const size_t n = std::max(source.columns.size(), target.columns.size());
  for (size_t i = 0; i < n; ++i) {
    const ColumnMeta* s = i < source.columns.size() ? &source.columns[i] : nullptr;
    const ColumnMeta* t = i < target.columns.size() ? &target.columns[i] : nullptr;
    if (s != nullptr && t != nullptr && s->name == t->name && s->column_type == t->column_type &&
        s->charset == t->charset && s->collation == t->collation) {
      continue;
    }
    out.push_back(fmt::format("column #{}: {} has {}, target has {}", i + 1, source_label,
                              s != nullptr ? Describe(*s) : "no column", t != nullptr ? Describe(*t) : "no column"));
  }
  return out;
}

}  // namespace dm::diff
