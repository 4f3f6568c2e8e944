#include "testutil/test_env.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace dm::testutil {

std::optional<std::string> TestEnv(const std::string& key) {
  const char* file = std::getenv("DM_TEST_ENV_FILE");
  if (file == nullptr) return std::nullopt;
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

std::string SourceDir() {
  const char* dir = std::getenv("DM_SOURCE_DIR");
  return dir ? dir : ".";
}

std::string BinDir() {
  const char* dir = std::getenv("DM_BIN_DIR");
  return dir ? dir : "./bin";
}

}  // namespace dm::testutil
