// dm-diff: compares upstream MySQL/MariaDB tables with the target, byte-exact
// and route-aware (DM's sync-diff-inspector). See diff/diff.h.
//
//   dm-diff --source dm:pw@10.0.0.1:3306 [--source ...] --target dm:pw@10.0.0.9:4000
//           (--tables db.t1,db.t2 | --schema db) [--route 'shard_*.t_*=merged.t']
//           [--chunk-size 5000] [--threads 4] [--max-diffs 10]
//   dm-diff --task task.yaml --source source1.yaml [--source source2.yaml ...]
//           [--secret-key-path key] [--tables ... | --schema ...] [--chunk-size ...]
//
// The second form checks what a DM task promises: upstreams from the source
// files' `from`, the target from the task's target-database, tables picked
// by each instance's block-allow-list and named by its route-rules.
//
// Exit status: 0 all selected tables are equal; 1 a difference was found;
// 2 usage error, or a server or table could not be read (and no difference
// was found).

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/flags.h"
#include "common/version.h"
#include "common/encrypt.h"
#include "config/source_config.h"
#include "config/task_config.h"
#include "diff/diff.h"
#include "diff/task_options.h"
#include "mysql/dsn.h"

namespace {

constexpr int kExitEqual = 0;
constexpr int kExitDifferent = 1;
constexpr int kExitError = 2;

struct Flags {
  std::string task;
  std::string secret_key_path;
  std::vector<std::string> sources;
  std::string source_user = "root";
  std::string source_password;
  std::string target;
  std::string target_user = "root";
  std::string target_password;
  std::vector<std::string> tables;
  std::vector<std::string> schemas;
  std::vector<std::string> routes;
  size_t chunk_size = 5000;
  size_t threads = 4;
  size_t max_diffs = 10;
  std::string ssl_ca;
  std::string ssl_cert;
  std::string ssl_key;
  bool version = false;
};

void AddFlags(CLI::App& app, Flags& f) {
  app.add_option("--task", f.task,
                 "DM task.yaml: compare what the task migrates (its target-database, each instance's "
                 "block-allow-list and route-rules; extract columns must hold the extracted values); then each "
                 "--source is a DM source.yaml");
  app.add_option("--secret-key-path", f.secret_key_path,
                 "with --task: key file that decrypts the passwords (DM's secret-key-path); default DM's built-in key");
  app.add_option("--source,--upstream", f.sources,
                 "upstream server as [user[:password]@]host[:port] (with --task: a source.yaml); repeat for several "
                 "upstreams");
  app.add_option("--source-user", f.source_user, "user for sources whose DSN names none")->capture_default_str();
  app.add_option("--source-password", f.source_password, "password for sources whose DSN has none")
      ->envname("DM_DIFF_SOURCE_PASSWORD");
  app.add_option("--target,--downstream", f.target, "target server as [user[:password]@]host[:port]");
  app.add_option("--target-user", f.target_user, "user for the target when its DSN names none")->capture_default_str();
  app.add_option("--target-password", f.target_password, "password for the target when its DSN has none")
      ->envname("DM_DIFF_TARGET_PASSWORD");
  app.add_option("--tables", f.tables,
                 "target tables to compare, schema.table, '*' and '?' allowed (with --task: optional, default every "
                 "routed table)")
      ->delimiter(',');
  app.add_option("--schema", f.schemas, "compare every table of this target schema (repeatable)")->delimiter(',');
  app.add_option("--route", f.routes,
                 "map upstream tables to a target table: 'src_db.src_tbl=dst_db.dst_tbl', a DM route rule (DM "
                 "wildcards: '*' only last, '?', '[a-z]'; a '*' target part keeps the source name); a route naming "
                 "tables wins over a 'db.*' one; a table matching two of one kind is an error; repeatable");
  app.add_option("--chunk-size", f.chunk_size, "rows per chunk")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--threads", f.threads, "tables compared in parallel")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-diffs", f.max_diffs, "differences reported per table before it stops")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--ssl-ca", f.ssl_ca, "CA file: use TLS and verify the servers' certificates");
  app.add_option("--ssl-cert", f.ssl_cert, "client certificate file (TLS)");
  app.add_option("--ssl-key", f.ssl_key, "client key file (TLS)");
  app.add_flag("-V,--version", f.version, "print version information and exit");
}

dm::Result<dm::mysql::ConnectionOptions> Endpoint(const std::string& dsn, const std::string& user,
                                                  const std::string& password, const Flags& f) {
  dm::mysql::ConnectionOptions base;
  base.user = user;
  base.password = dm::Secret(password);
  base.tls.ssl_ca = f.ssl_ca;
  base.tls.ssl_cert = f.ssl_cert;
  base.tls.ssl_key = f.ssl_key;
  return dm::mysql::ParseDsn(dsn, std::move(base));
}

// The --task form: everything but the selection comes from the DM configs.
dm::Result<dm::diff::DiffOptions> TaskOptions(const Flags& f) {
  if (f.sources.empty()) return dm::Status::InvalidArgument("--task needs a --source source.yaml for each instance");
  if (!f.target.empty() || !f.routes.empty()) {
    return dm::Status::InvalidArgument("with --task, the target and the routes come from the task; drop --target/--route");
  }
  DM_ASSIGN_OR_RETURN(dm::crypto::SecretKey key, dm::crypto::ResolveSecretKey(f.secret_key_path));
  DM_ASSIGN_OR_RETURN(dm::config::TaskConfig task, dm::config::LoadTaskConfigFile(f.task, key));
  std::vector<dm::config::SourceConfig> sources;
  for (const auto& path : f.sources) {
    DM_ASSIGN_OR_RETURN(dm::config::SourceConfig source, dm::config::LoadSourceConfigFile(path, key));
    sources.push_back(std::move(source));
  }
  return dm::diff::OptionsFromTask(task, sources);
}

// The DSN form.
dm::Result<dm::diff::DiffOptions> FlagOptions(const Flags& f) {
  dm::diff::DiffOptions o;
  if (f.sources.empty()) return dm::Status::InvalidArgument("--source is required");
  if (f.target.empty()) return dm::Status::InvalidArgument("--target is required");
  if (f.tables.empty() && f.schemas.empty()) return dm::Status::InvalidArgument("give --tables or --schema");
  std::vector<dm::config::RouteRule> routes;
  for (const auto& r : f.routes) {
    DM_ASSIGN_OR_RETURN(auto route, dm::diff::ParseRouteFlag(r));
    routes.push_back(std::move(route));
  }
  // Case-sensitive, as table names are on Linux servers.
  auto router = dm::filter::TableRouter::Create(routes, /*case_sensitive=*/true);
  if (!router.ok()) return std::move(router).status().WithContext("--route");
  for (const auto& s : f.sources) {
    dm::diff::SourceOptions source;
    DM_ASSIGN_OR_RETURN(source.conn, Endpoint(s, f.source_user, f.source_password, f));
    source.router = *router;
    o.sources.push_back(std::move(source));
  }
  DM_ASSIGN_OR_RETURN(o.target, Endpoint(f.target, f.target_user, f.target_password, f));
  return o;
}

dm::Result<dm::diff::DiffOptions> BuildOptions(const Flags& f) {
  DM_ASSIGN_OR_RETURN(dm::diff::DiffOptions o, f.task.empty() ? FlagOptions(f) : TaskOptions(f));
  for (const auto& t : f.tables) {
    DM_ASSIGN_OR_RETURN(auto pattern, dm::diff::ParseTablePattern(t));
    o.tables.push_back(std::move(pattern));
  }
  o.schemas = f.schemas;
  o.compare.chunk_size = f.chunk_size;
  o.compare.max_differences = f.max_diffs;
  o.threads = f.threads;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dm-diff: compare upstream tables with the target, byte for byte"};
  Flags flags;
  AddFlags(app, flags);
  std::vector<std::string> args = dm::NormalizeGoStyleFlags(argc, argv);
  std::vector<const char*> cargs;
  for (const auto& a : args) cargs.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(cargs.size()), cargs.data());
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitEqual : kExitError;
  }
  if (flags.version) {
    std::fputs(dm::VersionBlock().c_str(), stdout);
    if (dm::VersionBlock().back() != '\n') std::fputc('\n', stdout);
    return kExitEqual;
  }
  auto options = BuildOptions(flags);
  if (!options.ok()) {
    fmt::print(stderr, "dm-diff: {}\n{}", options.status().message(), app.help());
    return kExitError;
  }
  auto summary = dm::diff::RunDiff(*options);
  if (!summary.ok()) {
    fmt::print(stderr, "dm-diff: {}\n", summary.status().ToString());
    return kExitError;
  }
  for (const auto& table : summary->tables) std::fputs(dm::diff::FormatTableReport(table).c_str(), stdout);
  std::fputs(dm::diff::FormatSummary(*summary).c_str(), stdout);
  std::fflush(stdout);
  if (summary->different > 0) return kExitDifferent;
  if (summary->failed > 0) return kExitError;
  return kExitEqual;
}
