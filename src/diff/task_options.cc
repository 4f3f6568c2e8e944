#include "diff/task_options.h"

#include <fmt/format.h>

#include <algorithm>

namespace dm::diff {

Result<mysql::ConnectionOptions> ConnectionFromConfig(const config::DBConfig& db) {
  mysql::ConnectionOptions o;
  if (!db.host.empty()) o.host = db.host;
  o.port = db.port == 0 ? 3306 : db.port;
  o.user = db.user;
  o.password = db.password;
  for (const auto& [name, value] : db.session) o.session_variables[name] = value;
  if (db.security) {
    const config::SecurityConfig& sec = *db.security;
    for (const std::string* inline_pem : {&sec.ssl_ca_bytes, &sec.ssl_cert_bytes, &sec.ssl_key_bytes,
                                          &sec.ssl_ca_base64, &sec.ssl_cert_base64, &sec.ssl_key_base64}) {
      if (!inline_pem->empty()) {
        return Status::InvalidArgument(
            fmt::format("{}: inline certificates (ssl-*-bytes, ssl-*-base64) are not supported; use ssl-ca, ssl-cert "
                        "and ssl-key files",
                        o.Endpoint()));
      }
    }
    o.tls.ssl_ca = sec.ssl_ca;
    o.tls.ssl_cert = sec.ssl_cert;
    o.tls.ssl_key = sec.ssl_key;
    o.tls.cert_allowed_cn = sec.cert_allowed_cn;
  }
  return o;
}

Result<DiffOptions> OptionsFromTask(const config::TaskConfig& task, const std::vector<config::SourceConfig>& sources) {
  DiffOptions o;
  DM_ASSIGN_OR_RETURN(o.target, ConnectionFromConfig(task.target_database));
  for (const config::SourceConfig& source : sources) {
    bool used = std::any_of(task.mysql_instances.begin(), task.mysql_instances.end(),
                            [&](const config::MySQLInstance& i) { return i.source_id == source.source_id; });
    if (!used) {
      return Status::InvalidArgument(
          fmt::format("source '{}' is not one of task {}'s mysql-instances", source.source_id, task.name));
    }
  }
  for (const config::MySQLInstance& instance : task.mysql_instances) {
    auto error = [&](const Status& s) {
      return Status::InvalidArgument(fmt::format("mysql-instance '{}': {}", instance.source_id, s.message()));
    };
    auto source = std::find_if(sources.begin(), sources.end(),
                               [&](const config::SourceConfig& s) { return s.source_id == instance.source_id; });
    if (source == sources.end()) return error(Status::InvalidArgument("no source config given for it (--source)"));
    SourceOptions so;
    so.source_id = instance.source_id;
    auto conn = ConnectionFromConfig(source->from);
    if (!conn.ok()) return error(conn.status());
    so.conn = std::move(conn).value();
    if (!instance.block_allow_list.empty()) {
      auto rules = task.block_allow_list.find(instance.block_allow_list);
      if (rules == task.block_allow_list.end()) {
        return error(Status::InvalidArgument(fmt::format("block-allow-list '{}' is not defined",
                                                         instance.block_allow_list)));
      }
      auto bal = filter::BlockAllowList::Create(rules->second, task.case_sensitive);
      if (!bal.ok()) return error(bal.status());
      so.block_allow_list = std::move(bal).value();
    }
    std::vector<config::RouteRule> routes;
    for (const std::string& name : instance.route_rules) {
      auto rule = task.routes.find(name);
      if (rule == task.routes.end()) {
        return error(Status::InvalidArgument(fmt::format("route rule '{}' is not defined", name)));
      }
      routes.push_back(rule->second);
    }
    auto router = filter::TableRouter::Create(routes, task.case_sensitive);
    if (!router.ok()) return error(router.status());
    so.router = std::move(router).value();
    o.sources.push_back(std::move(so));
  }
  return o;
}

}  // namespace dm::diff
