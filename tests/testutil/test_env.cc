#include "testutil/test_env.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace dm::testutil {

namespace {

// The environment variable wins, so a test binary can run against another
// build's servers; otherwise the paths of the build that compiled it.
std::string EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

std::optional<std::string> TestEnv(const std::string& key) {
  std::string file = EnvOr("DM_TEST_ENV_FILE", DM_TEST_ENV_FILE_DEFAULT);
  std::ifstream in(file);
  std::string line;
  std::string prefix = key + "=";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  }
  return std::nullopt;
}

std::optional<MariaDbEndpoint> SharedMariaDb(const std::string& name) {
  auto port = TestEnv("DM_TEST_" + name + "_PORT");
  auto user = TestEnv("DM_TEST_" + name + "_USER");
  auto password = TestEnv("DM_TEST_" + name + "_PASSWORD");
  if (!port || !user || !password) return std::nullopt;
  MariaDbEndpoint endpoint;
  endpoint.port = static_cast<uint16_t>(std::stoi(*port));
  endpoint.user = *user;
  endpoint.password = *password;
  return endpoint;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "dm-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::WriteFile(const std::string& name, const std::string& content) const {
  std::string full = path_ + "/" + name;
  std::filesystem::create_directories(std::filesystem::path(full).parent_path());
  std::ofstream(full, std::ios::binary) << content;
  return full;
}

std::string SourceDir() { return EnvOr("DM_SOURCE_DIR", DM_SOURCE_DIR_DEFAULT); }

std::string BinDir() { return EnvOr("DM_BIN_DIR", DM_BIN_DIR_DEFAULT); }

}  // namespace dm::testutil
