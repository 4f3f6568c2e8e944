// Helpers shared by the integration tests of every layer that talks to the
// shared MariaDB instances (test-only; not part of dm_mysql).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "mysql/connection.h"
#include "testutil/test_env.h"

namespace dm::mysql::testing {

// Options for a shared instance ("UPSTREAM" or "DOWNSTREAM"). Fails the
// calling test (via ADD_FAILURE) when the fixture did not provide it: an
// integration test that cannot reach its server must fail, not skip.
inline ConnectionOptions SharedOptions(const std::string& name) {
  ConnectionOptions options;
  auto endpoint = dm::testutil::SharedMariaDb(name);
  if (!endpoint) {
    ADD_FAILURE() << name << " endpoint missing: run through ctest (fixture 'mariadb')";
    options.port = 1;
    return options;
  }
  options.host = endpoint->host;
  options.port = endpoint->port;
  options.user = endpoint->user;
  options.password = Secret(endpoint->password);
  return options;
}

inline ConnectionOptions UpstreamOptions() { return SharedOptions("UPSTREAM"); }

// A database name unique to this process and call, so parallel tests on the
// shared instance never collide.
inline std::string UniqueDbName(const std::string& tag) {
  static std::atomic<int> counter{0};
  return "dmt_" + tag + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
}

}  // namespace dm::mysql::testing
