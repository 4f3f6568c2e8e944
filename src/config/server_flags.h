// Command-line flags shared by dm-master and dm-worker. As DM, every flag
// overrides the same-named key of the process's TOML file.
#pragma once

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <optional>
#include <string>

#include "common/log.h"
#include "common/status.h"
#include "config/common_config.h"
#include "config/config_origin.h"

namespace dm::config {

struct ServerFlags {
  std::string config_file;
  bool version = false;
  bool print_sample_config = false;
  std::optional<std::string> log_level;
  std::optional<std::string> log_file;
  std::optional<std::string> log_format;
  std::optional<std::string> ssl_ca;
  std::optional<std::string> ssl_cert;
  std::optional<std::string> ssl_key;
};

// Registers -config, -V, -print-sample-config, -L/-log-level, -log-file,
// -log-format and the ssl-* flags on `app`, storing into `flags`.
void AddServerFlags(CLI::App& app, ServerFlags& flags);

// Applies the log and TLS flags that were given on top of a config's values.
// Errors name the flag ("--log-level: invalid value 'x' (debug, info, ...)").
Status ApplyServerFlags(const ServerFlags& flags, log::Level& level, std::string& file, LogFormat& format,
                        SecurityConfig& security);

// The process's config before its own flags: decoded by `decode(text, file,
// report)` from `flags.config_file` when one is given (otherwise
// report.origin names the command line), then the log and TLS flags applied
// on top. The caller applies its own flags, then Adjust and Validate.
template <typename Config, typename Decode>
Result<Config> DecodeServerConfig(const ServerFlags& flags, Decode decode, LoadReport& report) {
  Config cfg;
  if (!flags.config_file.empty()) {
    DM_ASSIGN_OR_RETURN(std::string text, ReadConfigFile(flags.config_file));
    DM_ASSIGN_OR_RETURN(cfg, decode(text, flags.config_file, report));
  } else {
    report.origin.file = "command line";
  }
  DM_RETURN_IF_ERROR(ApplyServerFlags(flags, cfg.log_level, cfg.log_file, cfg.log_format, cfg.security));
  return cfg;
}

// Handles -V and --print-sample-config: prints the version block or
// `sample_config` to `out` and returns 0, or returns nullopt when neither was
// given and the process should go on.
std::optional<int> HandleInfoFlags(const ServerFlags& flags, std::string_view sample_config, std::ostream& out);

// Sets up the logging facade from a config's log settings.
Status InitLogging(log::Level level, const std::string& file, LogFormat format);

}  // namespace dm::config
