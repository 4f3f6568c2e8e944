// Upstream server items: version, server_id, binlog settings, binlog_db,
// meta_position and connection counts.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>

#include "check/items.h"
#include "common/strings.h"
#include "mysql/quote.h"

namespace dm::check {
namespace {

CheckResult NewResult(std::string name, std::string desc, std::string extra) {
  CheckResult r;
  r.name = std::move(name);
  r.desc = std::move(desc);
  r.extra = std::move(extra);
  return r;
}

void Fail(CheckResult* r, std::string message, std::string instruction) {
  r->state = State::kFail;
  r->errors.push_back({State::kFail, std::move(message), "", "", ""});
  r->instruction = std::move(instruction);
}

void Warn(CheckResult* r, std::string message, std::string instruction) {
  if (r->state != State::kFail) r->state = State::kWarn;
  r->errors.push_back({State::kWarn, std::move(message), "", "", ""});
  r->instruction = std::move(instruction);
}

// A global variable's value ("" for NULL).
Result<std::string> GlobalVariable(mysql::Connection& conn, std::string_view name) {
  DM_ASSIGN_OR_RETURN(mysql::Value value, conn.QueryValue(fmt::format("SELECT @@GLOBAL.{}", name)));
  return value.value_or("");
}

// Checks that a global variable has `want` (case-insensitive), DM's message
// "NAME is VALUE, and should be WANT".
CheckResult CheckVariableIs(const SourceContext& s, std::string name, std::string desc, std::string_view variable,
                            std::string_view want, std::string instruction) {
  CheckResult r = NewResult(std::move(name), std::move(desc), s.extra);
  auto value = GlobalVariable(*s.conn, variable);
  if (!value.ok()) {
    MarkCheckError(&r, value.status());
  } else if (!EqualsIgnoreCase(*value, want)) {
    Fail(&r, fmt::format("{} is {}, and should be {}", variable, *value, want), std::move(instruction));
  }
  return r;
}

// One row of SHOW MASTER STATUS by column name; nullopt when the binlog is off.
Result<std::optional<std::map<std::string, std::string>>> MasterStatusRow(mysql::Connection& conn) {
  DM_ASSIGN_OR_RETURN(mysql::ResultSet rs, conn.Query("SHOW MASTER STATUS"));
  DM_ASSIGN_OR_RETURN(bool has_row, rs.Next());
  if (!has_row) return std::optional<std::map<std::string, std::string>>();
  std::map<std::string, std::string> row;
  for (size_t i = 0; i < rs.columns().size(); ++i) row[rs.columns()[i].name] = rs.Get(i).value_or("");
  return std::optional(std::move(row));
}

Result<uint64_t> MaxConnections(mysql::Connection& conn) {
  DM_ASSIGN_OR_RETURN(mysql::Value value, conn.QueryValue("SELECT @@GLOBAL.max_connections"));
  return mysql::ParseUnsigned(value, "max_connections");
}

CheckResult CheckConnections(std::string name, mysql::Connection& conn, std::string_view side, std::string_view unit,
                             uint64_t needed) {
  CheckResult r = NewResult(std::move(name), "check if user-specified amount of connection exceeds downstream's maximum", "");
  auto max = MaxConnections(conn);
  if (!max.ok()) {
    MarkCheckError(&r, max.status());
  } else if (needed > *max) {
    Fail(&r, fmt::format("{}'s max_connections: {} is less than the amount {} needs: {}", side, *max, unit, needed),
         "set larger max_connections or reduce the pool size of dm");
  }
  return r;
}

// MariaDB GTIDs "domain-server-seq" of a list.
struct MariaGtid {
  uint64_t domain = 0, server = 0, seq = 0;
};

std::optional<std::vector<MariaGtid>> ParseMariaGtids(std::string_view text) {
  std::vector<MariaGtid> out;
  for (const std::string& item : SplitString(text, ',')) {
    std::vector<std::string> parts = SplitString(TrimSpace(item), '-', false);
    if (parts.size() != 3) return std::nullopt;
    MariaGtid g;
    auto parse = [](const std::string& p, uint64_t* v) {
      if (p.empty() || !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
      *v = std::stoull(p);
      return true;
    };
    if (!parse(parts[0], &g.domain) || !parse(parts[1], &g.server) || !parse(parts[2], &g.seq)) return std::nullopt;
    out.push_back(g);
  }
  return out;
}

// An incremental start by GTID: every GTID of the set must have been
// written by the upstream (MariaDB: at or before the last GTID of its
// domain and server in gtid_binlog_state; MySQL: inside gtid_executed and
// not purged).
void CheckMetaGtid(const SourceContext& s, std::string_view gtid, CheckResult* r) {
  if (!s.conn->is_mariadb()) {
    auto ok = s.conn->QueryValue(fmt::format("SELECT GTID_SUBSET({0}, @@GLOBAL.gtid_executed) AND "
                                             "(@@GLOBAL.gtid_purged = '' OR GTID_SUBSET(@@GLOBAL.gtid_purged, {0}))",
                                             mysql::QuoteString(gtid)));
    if (!ok.ok()) return MarkCheckError(r, ok.status());
    if (ok->value_or("0") != "1") {
      Fail(r, fmt::format("binlog-gtid {} is not in the upstream's gtid_executed, or needs purged binlog", gtid),
           "set meta.binlog-gtid to a GTID set the upstream still has");
    }
    return;
  }
  auto wanted = ParseMariaGtids(gtid);
  if (!wanted) return Fail(r, fmt::format("binlog-gtid '{}' is not a MariaDB GTID list", gtid), "use domain-server-seq[,...]");
  auto state_text = GlobalVariable(*s.conn, "gtid_binlog_state");
  if (!state_text.ok()) return MarkCheckError(r, state_text.status());
  auto state = ParseMariaGtids(*state_text);
  if (!state) return MarkCheckError(r, Status::Corruption("unreadable gtid_binlog_state: " + *state_text));
  for (const MariaGtid& g : *wanted) {
    bool found = std::any_of(state->begin(), state->end(), [&](const MariaGtid& have) {
      return have.domain == g.domain && have.server == g.server && g.seq <= have.seq;
    });
    if (!found) {
      Fail(r, fmt::format("GTID {}-{}-{} is not in the upstream's binlog (gtid_binlog_state '{}')", g.domain, g.server,
                          g.seq, *state_text),
           "set meta.binlog-gtid to a GTID the upstream has written");
      return;
    }
  }
}

void CheckMetaFile(const SourceContext& s, const config::BinlogMeta& meta, CheckResult* r) {
  auto logs = s.conn->QueryRows("SHOW BINARY LOGS");
  if (!logs.ok()) return MarkCheckError(r, logs.status());
  std::vector<std::string> names;
  for (const mysql::Row& row : *logs) {
    const std::string name = row.at(0).value_or("");
    names.push_back(name);
    if (name != meta.binlog_name) continue;
    auto size = mysql::ParseUnsigned(row.at(1), "File_size");
    if (!size.ok()) return MarkCheckError(r, size.status());
    if (meta.binlog_pos > *size) {
      Fail(r, fmt::format("binlog-pos {} is beyond the end of {} ({} bytes)", meta.binlog_pos, name, *size),
           "set meta.binlog-pos to a position inside the file (SHOW BINLOG EVENTS lists them)");
    }
    return;
  }
  Fail(r,
       fmt::format("binlog file {} does not exist upstream (it has {})", meta.binlog_name,
                   names.empty() ? std::string("none") : fmt::format("{} to {}", names.front(), names.back())),
       "set meta.binlog-name to a binlog file the upstream still has (SHOW BINARY LOGS)");
}

// "10.11.6-MariaDB-log" -> {10, 11, 6}; missing parts are 0.
std::array<uint64_t, 3> VersionNumbers(std::string_view version) {
  std::array<uint64_t, 3> out{};
  size_t part = 0;
  for (char c : version) {
    if (c >= '0' && c <= '9') {
      out[part] = out[part] * 10 + static_cast<uint64_t>(c - '0');
    } else if (c == '.' && part < 2) {
      ++part;
    } else {
      break;
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> VersionWarning(std::string_view version) {
  const std::array<uint64_t, 3> v = VersionNumbers(version);
  auto text = [](const std::array<uint64_t, 3>& n) { return fmt::format("{}.{}.{}", n[0], n[1], n[2]); };
  if (version.find("MariaDB") != std::string_view::npos) {
    constexpr std::array<uint64_t, 3> kMin = {10, 1, 2};
    if (v < kMin) return fmt::format("version suggested at least {} but got {}", text(kMin), text(v));
    return std::string("Migrating from MariaDB is experimentally supported");
  }
  if (version.find("TiDB") != std::string_view::npos) return std::string("Not support migrate from TiDB");
  constexpr std::array<uint64_t, 3> kMin = {5, 6, 0};
  constexpr std::array<uint64_t, 3> kMax = {8, 0, 0};
  if (v < kMin) return fmt::format("version suggested at least {} but got {}", text(kMin), text(v));
  if (!(v < kMax)) return fmt::format("version suggested less than {} but got {}", text(kMax), text(v));
  return std::nullopt;
}

void MarkCheckError(CheckResult* result, const Status& error) {
  result->state = State::kFail;
  result->errors.push_back({State::kFail, error.message(), "", "", ""});
}

CheckResult CheckVersion(const SourceContext& s) {
  CheckResult r = NewResult("mysql_version", "check whether mysql version is satisfied", s.extra);
  if (std::optional<std::string> warning = VersionWarning(s.conn->server_version())) Warn(&r, *warning, "");
  return r;
}

CheckResult CheckServerId(const SourceContext& s) {
  CheckResult r = NewResult("mysql_server_id", "check whether mysql server_id has been greater than 0", s.extra);
  auto value = GlobalVariable(*s.conn, "server_id");
  if (!value.ok()) {
    MarkCheckError(&r, value.status());
  } else if (*value == "0" || value->empty()) {
    Fail(&r, "server_id is 0", "please set server_id greater than 0");
  }
  return r;
}

CheckResult CheckBinlogEnable(const SourceContext& s) {
  CheckResult r = NewResult("mysql_binlog_enable", "check whether mysql binlog is enabled", s.extra);
  auto value = GlobalVariable(*s.conn, "log_bin");
  if (!value.ok()) {
    MarkCheckError(&r, value.status());
  } else if (*value != "1" && !EqualsIgnoreCase(*value, "ON")) {
    Fail(&r, "log_bin is OFF, and should be ON",
         "ref document: https://dev.mysql.com/doc/refman/5.7/en/replication-howto-masterbaseconfig.html");
  }
  return r;
}

CheckResult CheckBinlogFormat(const SourceContext& s) {
  return CheckVariableIs(s, "mysql_binlog_format", "check whether mysql binlog_format is ROW", "binlog_format", "ROW",
                         "please execute 'set global binlog_format=ROW;'");
}

CheckResult CheckBinlogRowImage(const SourceContext& s) {
  return CheckVariableIs(s, "mysql_binlog_row_image", "check whether mysql binlog_row_image is FULL",
                         "binlog_row_image", "FULL", "please execute 'set global binlog_row_image = FULL;'");
}

CheckResult CheckBinlogDb(const SourceContext& s, bool case_sensitive) {
  CheckResult r = NewResult("binlog_do_db/binlog_ignore_db check",
                            "check whether migrated dbs are in binlog_do_db/binlog_ignore_db", s.extra);
  auto status = MasterStatusRow(*s.conn);
  if (!status.ok()) {
    MarkCheckError(&r, status.status());
    return r;
  }
  if (!*status) return r;  // binlog off: binlog_enable reports it
  auto fold = [case_sensitive](std::string v) { return case_sensitive ? v : AsciiLower(v); };
  const std::string do_db = fold((**status)["Binlog_Do_DB"]);
  const std::string ignore_db = fold((**status)["Binlog_Ignore_DB"]);
  std::set<std::string> schemas;
  for (const RoutedTable& t : s.tables) schemas.insert(fold(t.source.schema));
  // As the server: binlog-do-db, when set, decides alone; else
  // binlog-ignore-db drops what it names.
  if (!do_db.empty()) {
    std::vector<std::string> listed = SplitString(do_db, ',');
    std::vector<std::string> missing;
    for (const std::string& schema : schemas) {
      if (std::find(listed.begin(), listed.end(), schema) == listed.end()) missing.push_back(schema);
    }
    if (!missing.empty()) {
      Warn(&r, fmt::format("these dbs [{}] are not in binlog_do_db[{}]", fmt::join(missing, ","), do_db),
           "Ensure that the do_dbs contains the dbs you want to migrate");
    }
    return r;
  }
  std::vector<std::string> ignored;
  for (const std::string& db : SplitString(ignore_db, ',')) {
    if (schemas.count(db) > 0) ignored.push_back(db);
  }
  if (!ignored.empty()) {
    Warn(&r, fmt::format("these dbs [{}] are in binlog_ignore_db[{}]", fmt::join(ignored, ","), ignore_db),
         "Ensure that the ignore_dbs does not contain the dbs you want to migrate");
  }
  return r;
}

CheckResult CheckMetaPosition(const SourceContext& s) {
  CheckResult r = NewResult("meta position check", "check whether meta position is valid for db", s.extra);
  const config::BinlogMeta& meta = *s.instance->meta;
  if (s.source->enable_gtid && !meta.binlog_gtid.empty()) {
    CheckMetaGtid(s, meta.binlog_gtid, &r);
  } else if (!meta.binlog_name.empty()) {
    CheckMetaFile(s, meta, &r);
  }
  return r;
}

CheckResult CheckDumperConnections(const SourceContext& s) {
  // The dump connections plus the lock and metadata connections, as DM.
  const auto needed = static_cast<uint64_t>(std::max(s.instance->resolved.mydumper.threads, 1)) + 2;
  CheckResult r = CheckConnections("dumper_conn_amount_checker", *s.conn, "upstream", "dumper", needed);
  r.extra = s.extra;
  return r;
}

CheckResult CheckLoaderConnections(const TargetContext& t, const std::vector<SourceContext>& sources) {
  uint64_t needed = 0;
  // Each loader's pool plus its checkpoint connection, as DM.
  for (const SourceContext& s : sources) needed += static_cast<uint64_t>(std::max(s.instance->resolved.loader.pool_size, 1)) + 1;
  CheckResult r = CheckConnections("loader_conn_amount_checker", *t.conn, "downstream", "loader", needed);
  r.extra = t.extra;
  return r;
}

}  // namespace dm::check
