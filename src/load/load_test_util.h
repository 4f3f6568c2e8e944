// Helpers shared by dm_load's integration tests (not part of dm_load).
#pragma once

#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "load/loader.h"
#include "mysql/connection.h"
#include "mysql/integration_test_util.h"
#include "testutil/test_env.h"

extern char** environ;

namespace dm::load::testing {

using mysql::testing::SharedOptions;
using mysql::testing::UniqueDbName;

// Runs each statement on a fresh session of `options`; fails the test on error.
inline void Exec(const mysql::ConnectionOptions& options, const std::vector<std::string>& statements) {
  auto conn = mysql::Connection::Connect(options);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  for (const std::string& sql : statements) {
    Status s = conn->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.ToString() << "\nin: " << sql.substr(0, 300);
  }
}

inline std::vector<mysql::Row> Query(const mysql::ConnectionOptions& options, const std::string& sql) {
  auto conn = mysql::Connection::Connect(options);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return {};
  auto rows = conn->QueryRows(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString() << "\nin: " << sql;
  return rows.ok() ? *rows : std::vector<mysql::Row>{};
}

inline std::string Dsn(const mysql::ConnectionOptions& o) {
  return o.user + ":" + o.password.reveal() + "@" + o.host + ":" + std::to_string(o.port);
}

// Exit status of a shell command (-1 when it did not exit normally).
inline int Shell(const std::string& command) {
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// dm-diff over every table of `db`: 0 equal, 1 different.
inline int DmDiff(const std::string& db) {
  mysql::ConnectionOptions up = SharedOptions("UPSTREAM");
  mysql::ConnectionOptions down = SharedOptions("DOWNSTREAM");
  return Shell(testutil::BinDir() + "/dm-diff --source " + Dsn(up) + " --target " + Dsn(down) + " --tables '" + db +
               ".*' >&2");
}

// Dumps `db` from the upstream with mydumper into `dir`.
inline int Mydumper(const std::string& db, const std::string& dir, const std::string& extra = "") {
  mysql::ConnectionOptions up = SharedOptions("UPSTREAM");
  return Shell("mydumper --host " + up.host + " --port " + std::to_string(up.port) + " --user " + up.user +
               " --password=" + up.password.reveal() + " --database " + db + " --outputdir " + dir +
               " --rows 1000 --threads 2 " + extra + " >&2");
}

// Load options for the shared target with a unique task and meta schema.
inline LoadOptions TargetLoadOptions(const std::string& dir, const std::string& meta_schema) {
  LoadOptions options;
  options.target = SharedOptions("DOWNSTREAM");
  options.task = "loadtest";
  options.source_id = "mysql-replica-01";
  options.meta_schema = meta_schema;
  options.dump_dir = dir;
  options.pool_size = 4;
  options.retry_backoff = std::chrono::milliseconds(50);
  return options;
}

// Starts `argv` as a child process; returns its pid (or -1).
inline pid_t Spawn(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
  return pid;
}

}  // namespace dm::load::testing
