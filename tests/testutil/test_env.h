// Access to the shared test environment written by tests/env/mariadb-env.sh:
// a KEY=VALUE file named by $DM_TEST_ENV_FILE (ports, users, socket paths).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace dm::testutil {

// Returns the value of KEY in the environment file, or nullopt when the file
// or key is missing (the test was run without its fixture).
std::optional<std::string> TestEnv(const std::string& key);

// Endpoint of one of the shared MariaDB instances ("UPSTREAM", "DOWNSTREAM").
struct MariaDbEndpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string user;
  std::string password;
};
std::optional<MariaDbEndpoint> SharedMariaDb(const std::string& name);

// A path under a fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::string WriteFile(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

// Directory of the source tree ($DM_SOURCE_DIR) and of the built binaries.
std::string SourceDir();
std::string BinDir();

}  // namespace dm::testutil
