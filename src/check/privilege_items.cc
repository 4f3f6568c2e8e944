// Privilege items: the SHOW GRANTS of the configured users against what the
// task's units need.
#include <fmt/format.h>

#include <set>

#include "check/grants.h"
#include "check/items.h"
#include "dump/dump.h"
#include "mysql/quote.h"

namespace dm::check {
namespace {

Result<std::vector<std::string>> GrantLines(mysql::Connection& conn, const std::string& sql) {
  DM_ASSIGN_OR_RETURN(auto rows, conn.QueryRows(sql));
  std::vector<std::string> lines;
  for (const auto& row : rows) lines.push_back(row.at(0).value_or(""));
  return lines;
}

// The grants a new session of the connected user has: its own plus those
// of its active (default) roles. MariaDB's SHOW GRANTS lists the active role
// and the roles it holds, transitively; MySQL 8 needs USING for them. Roles
// granted but not active give nothing, as on the server.
Result<std::vector<GrantEntry>> EffectiveGrants(mysql::Connection& conn) {
  std::string sql = "SHOW GRANTS";
  if (!conn.is_mariadb()) {
    // CURRENT_ROLE() exists from MySQL 8.0; older servers have no roles.
    auto role = conn.QueryValue("SELECT CURRENT_ROLE()");
    if (role.ok() && *role && **role != "NONE") sql = "SHOW GRANTS FOR CURRENT_USER() USING " + **role;
  }
  DM_ASSIGN_OR_RETURN(auto lines, GrantLines(conn, sql));
  return ParseGrants(lines);
}

CheckResult PrivilegeResult(std::string name, std::string desc, std::string extra, mysql::Connection& conn,
                            const std::vector<std::string>& privileges, const std::vector<filter::TableName>& tables) {
  CheckResult r;
  r.name = std::move(name);
  r.desc = std::move(desc);
  r.extra = std::move(extra);
  auto entries = EffectiveGrants(conn);
  if (!entries.ok()) {
    MarkCheckError(&r, entries.status());
    return r;
  }
  std::string missing = MissingPrivileges(*entries, privileges, tables);
  if (!missing.empty()) {
    r.state = State::kFail;
    r.errors.push_back({State::kFail, std::move(missing), "", "", ""});
    r.instruction = "Grant the required privileges to the account.";
  }
  return r;
}

}  // namespace

CheckResult CheckDumpPrivilege(const SourceContext& s) {
  std::vector<filter::TableName> tables;
  for (const RoutedTable& t : s.tables) tables.push_back(t.source);
  std::vector<std::string> privileges = {"SELECT"};
  // As DM: consistency auto and flush take FLUSH TABLES WITH READ LOCK
  // (RELOAD); lock takes LOCK TABLES ... READ on the dumped tables.
  dump::DumpOptions options;
  Status parsed = dump::ApplyMydumperConfig(s.instance->resolved.mydumper, &options);
  if (parsed.ok() && (options.consistency == dump::Consistency::kAuto || options.consistency == dump::Consistency::kFlush)) {
    privileges.push_back("RELOAD");
  } else if (parsed.ok() && options.consistency == dump::Consistency::kLock) {
    privileges.push_back("LOCK TABLES");
  }
  CheckResult r = PrivilegeResult("source db dump privilege checker", "check dump privileges of source DB", s.extra,
                                  *s.conn, privileges, tables);
  if (!parsed.ok()) MarkCheckError(&r, parsed);
  return r;
}

CheckResult CheckReplicationPrivilege(const SourceContext& s) {
  return PrivilegeResult("source db replication privilege checker", "check replication privileges of source DB",
                         s.extra, *s.conn, {"REPLICATION SLAVE", "REPLICATION CLIENT"}, {});
}

CheckResult CheckTargetPrivilege(const TargetContext& t, const config::TaskConfig& task,
                                 const std::vector<SourceContext>& sources) {
  // Needed on every schema the task writes: the routed targets and the meta
  // schema (DM asks for them globally; a grant on these schemas is enough).
  std::set<std::string> schemas = {task.meta_schema};
  for (const SourceContext& s : sources) {
    for (const RoutedTable& rt : s.tables) schemas.insert(rt.target.schema);
  }
  std::vector<filter::TableName> targets;
  for (const std::string& schema : schemas) targets.push_back({schema, ""});
  return PrivilegeResult("target db privilege checker", "check privileges of target DB", t.extra, *t.conn,
                         {"CREATE", "SELECT", "INSERT", "UPDATE", "DELETE", "ALTER", "DROP", "INDEX"}, targets);
}

}  // namespace dm::check
