#include "dump/catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <utility>

#include "common/log.h"
#include "common/strings.h"
#include "mysql/quote.h"

namespace dm::dump {

namespace {

uint64_t ParseU64(const mysql::Value& v) {
  uint64_t out = 0;
  if (v) std::from_chars(v->data(), v->data() + v->size(), out);
  return out;
}

bool IsTransactionalEngine(std::string_view engine) {
  for (std::string_view e : {"InnoDB", "XtraDB", "RocksDB", "TokuDB"}) {
    if (EqualsIgnoreCase(engine, e)) return true;
  }
  return false;
}

std::string InList(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ',';
    out += mysql::QuoteString(n);
  }
  return out;
}

using Key = std::pair<std::string, std::string>;

struct IndexInfo {
  bool unique = false;
  std::vector<std::string> columns;
};

}  // namespace

bool IsIntegerType(std::string_view data_type) {
  for (std::string_view t : {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"}) {
    if (EqualsIgnoreCase(data_type, t)) return true;
  }
  return false;
}

Result<Catalog> LoadCatalog(mysql::Connection& conn, const filter::BlockAllowList& filter) {
  Catalog catalog;
  std::set<std::string> schemas;
  DM_ASSIGN_OR_RETURN(auto schema_rows, conn.QueryRows("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA"));
  for (const auto& row : schema_rows) {
    const std::string& s = row[0].value_or("");
    if (filter::BlockAllowList::IsSystemSchema(s)) continue;
    if (!filter.has_do_tables() && filter.Match(s, "")) schemas.insert(s);
  }

  DM_ASSIGN_OR_RETURN(auto table_rows,
                      conn.QueryRows("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS, "
                                     "AVG_ROW_LENGTH FROM information_schema.TABLES"));
  std::map<Key, size_t> index_of;
  for (const auto& row : table_rows) {
    TableInfo t;
    t.schema = row[0].value_or("");
    t.name = row[1].value_or("");
    if (filter::BlockAllowList::IsSystemSchema(t.schema) || !filter.Match(t.schema, t.name)) continue;
    const std::string type = row[2].value_or("");
    if (type == "BASE TABLE" || type == "SYSTEM VERSIONED") {
      t.kind = ObjectKind::kTable;
    } else if (type == "VIEW") {
      t.kind = ObjectKind::kView;
    } else if (type == "SEQUENCE") {
      t.kind = ObjectKind::kSequence;
    } else {
      continue;  // temporary and system views
    }
    t.engine = row[3].value_or("");
    t.transactional = t.kind != ObjectKind::kTable || IsTransactionalEngine(t.engine);
    t.estimated_rows = ParseU64(row[4]);
    t.avg_row_length = ParseU64(row[5]);
    schemas.insert(t.schema);
    catalog.tables.push_back(std::move(t));
  }
  std::sort(catalog.tables.begin(), catalog.tables.end(), [](const TableInfo& a, const TableInfo& b) {
    return std::tie(a.schema, a.name) < std::tie(b.schema, b.name);
  });
  for (size_t i = 0; i < catalog.tables.size(); ++i) {
    index_of[{catalog.tables[i].schema, catalog.tables[i].name}] = i;
  }
  catalog.schemas.assign(schemas.begin(), schemas.end());
  if (catalog.tables.empty()) return catalog;

  std::vector<std::string> with_tables;
  for (const auto& t : catalog.tables) {
    if (with_tables.empty() || with_tables.back() != t.schema) with_tables.push_back(t.schema);
  }
  const std::string in = InList(with_tables);

  // Columns, in table order. NOT NULL is remembered for the key choice.
  std::map<Key, std::set<std::string>> not_null;
  std::map<Key, std::map<std::string, std::string>> types;
  DM_ASSIGN_OR_RETURN(auto column_rows,
                      conn.QueryRows("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, "
                                     "CHARACTER_SET_NAME, IS_NULLABLE, EXTRA FROM information_schema.COLUMNS "
                                     "WHERE TABLE_SCHEMA IN (" + in + ") ORDER BY TABLE_SCHEMA, TABLE_NAME, "
                                     "ORDINAL_POSITION"));
  for (const auto& row : column_rows) {
    Key key{row[0].value_or(""), row[1].value_or("")};
    auto it = index_of.find(key);
    if (it == index_of.end()) continue;
    TableInfo& t = catalog.tables[it->second];
    std::string name = row[2].value_or("");
    std::string data_type = AsciiLower(row[3].value_or(""));
    std::string extra = AsciiLower(row[6].value_or(""));
    types[key][name] = data_type;
    if (row[5].value_or("") == "NO") not_null[key].insert(name);
    // Generated and system-versioning columns are computed by the server;
    // INSERT may not name them.
    bool computed = extra.find("generated") != std::string::npos || extra.find("row start") != std::string::npos ||
                    extra.find("row end") != std::string::npos;
    if (computed) continue;
    t.columns.push_back({name, data_type, EncodingFor(data_type, row[4].value_or(""))});
  }

  // Indexes: PRIMARY first, then unique keys by name.
  std::map<Key, std::map<std::string, IndexInfo>> indexes;
  DM_ASSIGN_OR_RETURN(auto index_rows,
                      conn.QueryRows("SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME "
                                     "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (" + in + ") "
                                     "ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"));
  for (const auto& row : index_rows) {
    Key key{row[0].value_or(""), row[1].value_or("")};
    if (!index_of.contains(key)) continue;
    IndexInfo& idx = indexes[key][row[2].value_or("")];
    idx.unique = row[3].value_or("1") == "0";
    idx.columns.push_back(row[4].value_or(""));
  }
  for (auto& [key, by_name] : indexes) {
    TableInfo& t = catalog.tables[index_of[key]];
    if (t.kind != ObjectKind::kTable) continue;
    auto usable = [&](const IndexInfo& idx) {
      if (!idx.unique || idx.columns.empty()) return false;
      for (const auto& c : idx.columns) {
        if (!not_null[key].contains(c)) return false;
      }
      return IsIntegerType(types[key][idx.columns[0]]);
    };
    const IndexInfo* chosen = nullptr;
    if (auto p = by_name.find("PRIMARY"); p != by_name.end() && usable(p->second)) chosen = &p->second;
    for (const auto& [name, idx] : by_name) {
      if (chosen == nullptr && usable(idx)) chosen = &idx;
    }
    if (chosen != nullptr) {
      t.chunk_column = chosen->columns[0];
    }
  }
  return catalog;
}

}  // namespace dm::dump
