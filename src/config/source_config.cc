#include "config/source_config.h"

#include <fmt/format.h>

#include <algorithm>

#include "config/load_util.h"

namespace dm::config {
namespace {

// As DM's utils.VerifyFilename: "<base>.<digits>", e.g. "mysql-bin.000001".
bool IsBinlogFileName(std::string_view name) {
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return false;
  std::string_view suffix = name.substr(dot + 1);
  return std::all_of(suffix.begin(), suffix.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<SourceConfig> DecodeSourceConfig(std::string_view text, std::string_view display_name,
                                        const crypto::SecretKey& key, LoadReport& report) {
  return internal::DecodeConfigText<SourceConfig>(internal::Format::kYaml, text, display_name, &key, report);
}

Status Adjust(SourceConfig& cfg, LoadReport& /*report*/) {
  if (cfg.relay_dir.empty()) cfg.relay_dir = "relay-dir";  // DM's defaultRelayDir
  return Status::OK();
}

Status Validate(const SourceConfig& cfg, const ConfigOrigin& origin) {
  if (cfg.source_id.empty()) {
    return origin.Error(ErrorCode::kConfigMissingKey, "source-id", "source-id must not be empty");
  }
  if (cfg.source_id.size() > kMaxSourceIdLength) {
    return origin.Error(ErrorCode::kConfigInvalidValue, "source-id",
                        fmt::format("source-id '{}' is {} bytes long; at most {} are allowed", cfg.source_id,
                                    cfg.source_id.size(), kMaxSourceIdLength));
  }
  if (!cfg.relay_binlog_name.empty() && !IsBinlogFileName(cfg.relay_binlog_name)) {
    return origin.Error(
        ErrorCode::kConfigInvalidValue, "relay-binlog-name",
        fmt::format("relay-binlog-name '{}' is not a binlog file name like 'mysql-bin.000001'", cfg.relay_binlog_name));
  }
  if (cfg.checker.backoff_max < cfg.checker.backoff_min) {
    return origin.Error(
        ErrorCode::kConfigInvalidValue, "checker.backoff-max",
        fmt::format("backoff-max {} must not be less than backoff-min {}", FormatGoDuration(cfg.checker.backoff_max),
                    FormatGoDuration(cfg.checker.backoff_min)));
  }
  if (cfg.checker.backoff_factor < 1) {
    return origin.Error(ErrorCode::kConfigInvalidValue, "checker.backoff-factor", "backoff-factor must be at least 1");
  }
  return Status::OK();
}

Result<SourceConfig> LoadSourceConfigFromString(std::string_view text, std::string_view display_name,
                                                const crypto::SecretKey& key, LoadReport* report) {
  return internal::LoadConfig<SourceConfig>(
      [&](LoadReport& r) { return DecodeSourceConfig(text, display_name, key, r); }, report);
}

Result<SourceConfig> LoadSourceConfigFile(const std::string& path, const crypto::SecretKey& key, LoadReport* report) {
  DM_ASSIGN_OR_RETURN(std::string text, ReadConfigFile(path));
  return LoadSourceConfigFromString(text, path, key, report);
}

}  // namespace dm::config
