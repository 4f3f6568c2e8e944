#include "diff/report.h"

#include <fmt/format.h>

#include "mysql/quote.h"

namespace dm::diff {

std::string_view DiffKindName(DiffKind kind) {
  switch (kind) {
    case DiffKind::kMissingTable: return "missing-table";
    case DiffKind::kExtraTable: return "extra-table";
    case DiffKind::kStructure: return "structure";
    case DiffKind::kMissingRow: return "missing-row";
    case DiffKind::kExtraRow: return "extra-row";
    case DiffKind::kColumnsDiffer: return "columns-differ";
  }
  return "unknown";
}

namespace {

// True for well-formed UTF-8 without control characters, i.e. text a
// terminal shows as it is.
bool IsPrintableUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 || b == 0x7f) return false;
    size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

std::string FormatValue(const ColumnMeta& column, const mysql::Value& value, size_t max_bytes) {
  if (!value) return "NULL";
  std::string_view v = *value;
  std::string suffix;
  if (v.size() > max_bytes) {
    suffix = fmt::format("...({} bytes)", v.size());
    v = v.substr(0, max_bytes);
  }
  if (column.kind == ValueKind::kText) return std::string(v) + suffix;
  // Binary columns always show hex: a one-byte change must be visible even
  // when it happens to be printable.
  bool text = column.charset != "binary" && !column.charset.empty() && IsPrintableUtf8(v);
  return (text ? mysql::QuoteString(v) : mysql::HexLiteral(v)) + suffix;
}

std::string FormatKey(const TableMeta& meta, const std::vector<size_t>& columns, const mysql::Row& row) {
  std::string out = "(";
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnMeta& c = meta.columns[columns[i]];
    if (i > 0) out += ", ";
    out += mysql::QuoteIdentifier(c.name) + "=" + FormatValue(c, row[columns[i]]);
  }
  return out + ")";
}

std::string FormatTableReport(const TableReport& r) {
  std::string out;
  const std::string name = r.target.Quoted();
  std::string sources;
  for (const auto& s : r.sources) sources += (sources.empty() ? "" : ", ") + s;
  if (!r.error.ok()) {
    out += fmt::format("[ERROR] {}: {}\n", name, r.error.ToString());
  }
  if (r.equal()) {
    out += fmt::format("[OK] {}: {} rows equal ({}, {} chunks; sources: {})\n", name, r.rows_compared,
                       r.keyless ? "no key, compared as multiset" : "key " + mysql::QuoteIdentifier(r.key_name),
                       r.chunks, sources);
    return out;
  }
  for (const Difference& d : r.differences) {
    if (d.key.empty()) {
      out += fmt::format("[DIFF] {}: {}: {}\n", name, DiffKindName(d.kind), d.detail);
    } else {
      out += fmt::format("[DIFF] {}: {} at {}: {}\n", name, DiffKindName(d.kind), d.key, d.detail);
    }
  }
  if (r.truncated) out += fmt::format("[DIFF] {}: more differences not shown\n", name);
  return out;
}

}  // namespace dm::diff
