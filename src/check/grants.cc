#include "check/grants.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <map>

#include "common/strings.h"
#include "mysql/quote.h"

namespace dm::check {
namespace {

// Privileges that exist only at the global level (GRANT ... ON *.*).
constexpr std::array<std::string_view, 6> kGlobalOnly = {"RELOAD", "REPLICATION SLAVE", "REPLICATION CLIENT",
                                                         "SUPER", "PROCESS", "FILE"};

bool IsGlobalOnly(std::string_view privilege) {
  for (std::string_view p : kGlobalOnly) {
    if (p == privilege) return true;
  }
  return false;
}

// Calls visit(i, depth) for every byte of `s` from `from` on that is outside
// quotes (`...`, '...', "..."), with the parenthesis depth at it, until visit
// returns false. Returns false on an unterminated quote.
template <class Visit>
bool ScanUnquoted(std::string_view s, size_t from, Visit visit) {
  char quote = 0;
  int depth = 0;
  for (size_t i = from; i < s.size(); ++i) {
    char c = s[i];
    if (quote != 0) {
      if (c == '\\' && quote != '`') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '`' || c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (!visit(i, depth)) return true;
  }
  return quote == 0;
}

// Position of `keyword` (upper case, matched case-insensitively with a blank
// on each side) at or after `from`, outside quotes and parentheses; npos when
// absent.
size_t FindKeyword(std::string_view s, std::string_view keyword, size_t from) {
  size_t found = std::string_view::npos;
  ScanUnquoted(s, from, [&](size_t i, int depth) {
    if (depth == 0 && s[i] == ' ' && i + keyword.size() + 1 < s.size() &&
        EqualsIgnoreCase(s.substr(i + 1, keyword.size()), keyword) && s[i + 1 + keyword.size()] == ' ') {
      found = i;
      return false;
    }
    return true;
  });
  return found;
}

// Splits at `sep` outside quotes and parentheses; false on an unterminated
// quote.
bool SplitTopLevel(std::string_view s, char sep, std::vector<std::string_view>* parts) {
  size_t start = 0;
  bool closed = ScanUnquoted(s, 0, [&](size_t i, int depth) {
    if (depth == 0 && s[i] == sep) {
      parts->push_back(TrimSpace(s.substr(start, i - start)));
      start = i + 1;
    }
    return true;
  });
  parts->push_back(TrimSpace(s.substr(start)));
  return closed;
}

// A name as SHOW GRANTS prints it: `quoted` (doubled backticks inside),
// 'quoted', or bare.
std::string Unquote(std::string_view name) {
  if (name.size() >= 2 && (name.front() == '`' || name.front() == '\'') && name.back() == name.front()) {
    std::string out;
    const char q = name.front();
    for (size_t i = 1; i + 1 < name.size(); ++i) {
      out.push_back(name[i]);
      if (name[i] == q && i + 2 < name.size() && name[i + 1] == q) ++i;
    }
    return out;
  }
  return std::string(name);
}

// SQL LIKE: `%` any run, `_` one byte, `\` escapes the next byte.
bool LikeMatch(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star_p = p++;
      star_t = t;
      continue;
    }
    if (p < pattern.size()) {
      bool escaped = pattern[p] == '\\' && p + 1 < pattern.size();
      char want = escaped ? pattern[p + 1] : pattern[p];
      if ((!escaped && want == '_') || want == text[t]) {
        p += escaped ? 2 : 1;
        ++t;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

Status ParseOne(std::string_view line, std::vector<GrantEntry>* out) {
  std::string_view s = TrimSpace(line);
  if (s.size() < 6 || !EqualsIgnoreCase(s.substr(0, 6), "GRANT ")) return Status::OK();  // SET DEFAULT ROLE ...
  s = s.substr(5);  // keeps the leading blank FindKeyword needs
  const size_t to = FindKeyword(s, "TO", 0);
  if (to == std::string_view::npos) return Status::InvalidArgument(fmt::format("no TO in grant: {}", line));
  const size_t on = FindKeyword(s.substr(0, to), "ON", 0);
  if (on == std::string_view::npos) return Status::OK();  // GRANT `role` TO ...
  std::string_view object = TrimSpace(s.substr(on + 4, to - on - 4));
  for (std::string_view kind : {"PROCEDURE ", "FUNCTION ", "PACKAGE ", "PACKAGE BODY "}) {
    if (object.size() > kind.size() && EqualsIgnoreCase(object.substr(0, kind.size()), kind)) return Status::OK();
  }
  std::vector<std::string_view> parts;
  if (!SplitTopLevel(object, '.', &parts)) {
    return Status::InvalidArgument(fmt::format("unterminated quote in grant: {}", line));
  }
  GrantEntry entry;
  if (parts.size() == 2 && parts[0] == "*" && parts[1] == "*") {
    entry.level = GrantLevel::kGlobal;
  } else if (parts.size() == 2 && parts[1] == "*") {
    entry.level = GrantLevel::kDatabase;
    entry.db = Unquote(parts[0]);
  } else if (parts.size() == 2) {
    entry.level = GrantLevel::kTable;
    entry.db = Unquote(parts[0]);
    entry.table = Unquote(parts[1]);
  } else {
    return Status::OK();  // PROXY ON ''@'%' and other objects grant no table access
  }
  std::vector<std::string_view> privileges;
  if (!SplitTopLevel(s.substr(0, on), ',', &privileges)) {
    return Status::InvalidArgument(fmt::format("unterminated quote in grant: {}", line));
  }
  for (std::string_view p : privileges) {
    if (p.find('(') != std::string_view::npos) continue;  // some columns only
    std::string name = CanonicalPrivilege(p);
    if (name == "ALL" || name == "ALL PRIVILEGES") {
      entry.all = true;
    } else if (name != "PROXY" && name != "USAGE") {
      entry.privileges.insert(std::move(name));
    }
  }
  out->push_back(std::move(entry));
  return Status::OK();
}

}  // namespace

std::string CanonicalPrivilege(std::string_view name) {
  std::string out;
  for (const std::string& word : SplitString(name, ' ')) {
    if (!out.empty()) out += ' ';
    out += AsciiUpper(word);
  }
  if (out == "BINLOG MONITOR") return "REPLICATION CLIENT";
  if (out == "REPLICATION REPLICA") return "REPLICATION SLAVE";
  return out;
}

Result<std::vector<GrantEntry>> ParseGrants(const std::vector<std::string>& lines) {
  std::vector<GrantEntry> grants;
  for (const std::string& line : lines) DM_RETURN_IF_ERROR(ParseOne(line, &grants));
  return grants;
}

bool Grants(const std::vector<GrantEntry>& entries, std::string_view privilege, const filter::TableName& table) {
  const bool global_only = IsGlobalOnly(privilege);
  for (const GrantEntry& e : entries) {
    bool has = e.all ? privilege != "GRANT OPTION" : e.privileges.count(std::string(privilege)) > 0;
    if (!has && e.level == GrantLevel::kGlobal && privilege == "REPLICATION CLIENT") {
      has = e.privileges.count("SUPER") > 0;
    }
    if (!has) continue;
    switch (e.level) {
      case GrantLevel::kGlobal: return true;
      case GrantLevel::kDatabase:
        if (!global_only && !table.schema.empty() && LikeMatch(e.db, table.schema)) return true;
        break;
      case GrantLevel::kTable:
        if (!global_only && !table.table.empty() && e.db == table.schema && e.table == table.table) return true;
        break;
    }
  }
  return false;
}

std::string MissingPrivileges(const std::vector<GrantEntry>& entries, const std::vector<std::string>& privileges,
                              const std::vector<filter::TableName>& tables) {
  std::string message;
  for (const std::string& privilege : privileges) {
    if (IsGlobalOnly(privilege)) {
      if (!Grants(entries, privilege, {})) message += fmt::format("lack of {} privilege; ", privilege);
      continue;
    }
    // schema -> its tables lacking the privilege, schemas in first-seen order
    std::vector<std::pair<std::string, std::vector<std::string>>> lacking;
    for (const filter::TableName& t : tables) {
      if (Grants(entries, privilege, t)) continue;
      if (lacking.empty() || lacking.back().first != t.schema) lacking.emplace_back(t.schema, std::vector<std::string>{});
      lacking.back().second.push_back(t.table.empty() ? mysql::QuoteIdentifier(t.schema)
                                                      : mysql::QualifiedName(t.schema, t.table));
    }
    if (lacking.empty()) continue;
    std::vector<std::string> groups;
    for (const auto& group : lacking) groups.push_back(fmt::format("{}", fmt::join(group.second, ", ")));
    message += fmt::format("lack of {} privilege: {{{}}}; ", privilege, fmt::join(groups, "; "));
  }
  return message;
}

}  // namespace dm::check
