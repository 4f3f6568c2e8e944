// Test-only helpers that print a tracked table (table_schema.h) as one
// comparable string, for tests that compare the tracker's definitions with
// tables the server made itself.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>

#include "sync/table_schema.h"

namespace dm::sync::testing {

// The names of key `k`'s columns in key order, comma-separated.
inline std::string KeyColumns(const TrackedTable& t, const TrackedKey& k) {
  std::string out;
  for (size_t c : k.columns) out += (out.empty() ? "" : ",") + t.columns[c].name;
  return out;
}

// Every fact the decoder and DML builder use, one line a column or key.
inline std::string Describe(const TrackedTable& t) {
  std::string out;
  for (const TrackedColumn& c : t.columns) {
    out += fmt::format("{} {} [{}] null={} unsigned={} coll={} gen={} elems={}\n", c.name, c.data_type, c.column_type,
                       c.nullable, c.is_unsigned, c.collation_id, c.generated, fmt::join(c.elements, "|"));
  }
  for (const TrackedKey& k : t.keys) {
    out += fmt::format("key {} primary={} unique={} notnull={} ({})\n", k.name, k.primary, k.unique, k.all_not_null,
                       KeyColumns(t, k));
  }
  return out;
}

}  // namespace dm::sync::testing
