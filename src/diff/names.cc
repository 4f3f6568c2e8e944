#include "diff/names.h"

#include <fmt/format.h>

#include "mysql/quote.h"

namespace dm::diff {

std::string TableName::Quoted() const { return mysql::QualifiedName(schema, table); }

bool WildcardMatch(std::string_view pattern, std::string_view text) {
  // Iterative glob matching with one backtrack point (the last '*'), linear
  // in practice and free of recursion on long names.
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;
  size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool TablePattern::Matches(const TableName& name) const {
  return WildcardMatch(schema, name.schema) && WildcardMatch(table, name.table);
}

namespace {

// Reads one name part starting at *pos: either `quoted` or a run of
// characters up to one of `stops`.
Result<std::string> ReadPart(std::string_view spec, size_t* pos, std::string_view stops) {
  std::string out;
  size_t i = *pos;
  if (i < spec.size() && spec[i] == '`') {
    for (++i;; ++i) {
      if (i >= spec.size()) return Status::InvalidArgument(fmt::format("unclosed '`' in '{}'", spec));
      if (spec[i] == '`') {
        if (i + 1 < spec.size() && spec[i + 1] == '`') {
          out.push_back('`');
          ++i;
          continue;
        }
        ++i;
        break;
      }
      out.push_back(spec[i]);
    }
  } else {
    while (i < spec.size() && stops.find(spec[i]) == std::string_view::npos) out.push_back(spec[i++]);
  }
  if (out.empty()) return Status::InvalidArgument(fmt::format("empty name in '{}'", spec));
  *pos = i;
  return out;
}

Result<TablePattern> ParseQualified(std::string_view spec, size_t* pos, std::string_view end_stops) {
  TablePattern p;
  DM_ASSIGN_OR_RETURN(p.schema, ReadPart(spec, pos, "."));
  if (*pos >= spec.size() || spec[*pos] != '.') {
    return Status::InvalidArgument(fmt::format("expected 'schema.table' in '{}'", spec));
  }
  ++*pos;
  DM_ASSIGN_OR_RETURN(p.table, ReadPart(spec, pos, end_stops));
  return p;
}

}  // namespace

Result<TablePattern> ParseTablePattern(std::string_view spec) {
  size_t pos = 0;
  DM_ASSIGN_OR_RETURN(TablePattern p, ParseQualified(spec, &pos, ".="));
  if (pos != spec.size()) return Status::InvalidArgument(fmt::format("unexpected text after table in '{}'", spec));
  return p;
}

Result<config::RouteRule> ParseRouteFlag(std::string_view spec) {
  size_t pos = 0;
  DM_ASSIGN_OR_RETURN(TablePattern from, ParseQualified(spec, &pos, ".="));
  if (pos >= spec.size() || spec[pos] != '=') {
    return Status::InvalidArgument(fmt::format("route '{}' must look like 'src_db.src_tbl=dst_db.dst_tbl'", spec));
  }
  ++pos;
  DM_ASSIGN_OR_RETURN(TablePattern to, ParseQualified(spec, &pos, ".="));
  if (pos != spec.size()) return Status::InvalidArgument(fmt::format("unexpected text at the end of route '{}'", spec));
  for (const std::string* part : {&to.schema, &to.table}) {
    if (*part != "*" && part->find_first_of("*?[") != std::string::npos) {
      return Status::InvalidArgument(
          fmt::format("route '{}': a target part is a name or '*' (keep the source name), not a pattern", spec));
    }
  }
  config::RouteRule rule;
  rule.schema_pattern = from.schema;
  if (from.table != "*") rule.table_pattern = from.table;
  if (to.schema == "*") {
    if (from.schema.find_first_of("*?[") != std::string::npos) {
      return Status::InvalidArgument(fmt::format(
          "route '{}': a '*' target schema needs a source schema without wildcards (DM routes name the target schema)",
          spec));
    }
    rule.target_schema = from.schema;
  } else {
    rule.target_schema = std::move(to.schema);
  }
  if (to.table != "*") rule.target_table = std::move(to.table);
  return rule;
}

}  // namespace dm::diff
