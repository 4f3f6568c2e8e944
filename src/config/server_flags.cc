#include "config/server_flags.h"

#include <fmt/format.h>

#include <ostream>

#include "common/version.h"

namespace dm::config {

void AddServerFlags(CLI::App& app, ServerFlags& flags) {
  app.add_option("--config", flags.config_file, "path to the TOML config file");
  app.add_flag("-V,--version", flags.version, "print version information and exit");
  app.add_flag("--print-sample-config", flags.print_sample_config, "print a sample config file and exit");
  app.add_option("-L,--log-level", flags.log_level, "log level: debug, info, warn, error, fatal");
  app.add_option("--log-file", flags.log_file, "log file path (default: standard error)");
  app.add_option("--log-format", flags.log_format, "log format: text or json");
  app.add_option("--ssl-ca", flags.ssl_ca, "CA certificate for TLS connections");
  app.add_option("--ssl-cert", flags.ssl_cert, "certificate for TLS connections");
  app.add_option("--ssl-key", flags.ssl_key, "private key for TLS connections");
}

Status ApplyServerFlags(const ServerFlags& flags, log::Level& level, std::string& file, LogFormat& format,
                        SecurityConfig& security) {
  if (flags.log_level) {
    auto parsed = ParseEnum<log::Level>(*flags.log_level);
    if (!parsed) {
      return Status::InvalidArgument(
          fmt::format("--log-level: invalid value '{}' ({})", *flags.log_level, EnumValidValues<log::Level>()));
    }
    level = *parsed;
  }
  if (flags.log_format) {
    auto parsed = ParseEnum<LogFormat>(*flags.log_format);
    if (!parsed) {
      return Status::InvalidArgument(
          fmt::format("--log-format: invalid value '{}' ({})", *flags.log_format, EnumValidValues<LogFormat>()));
    }
    format = *parsed;
  }
  if (flags.log_file) file = *flags.log_file;
  if (flags.ssl_ca) security.ssl_ca = *flags.ssl_ca;
  if (flags.ssl_cert) security.ssl_cert = *flags.ssl_cert;
  if (flags.ssl_key) security.ssl_key = *flags.ssl_key;
  return Status::OK();
}

std::optional<int> HandleInfoFlags(const ServerFlags& flags, std::string_view sample_config, std::ostream& out) {
  if (flags.version) {
    out << VersionBlock();
    return 0;
  }
  if (flags.print_sample_config) {
    out << sample_config;
    return 0;
  }
  return std::nullopt;
}

Status InitLogging(log::Level level, const std::string& file, LogFormat format) {
  return log::Init(log::Options{level, file, format == LogFormat::kJson ? "json" : "text"});
}

}  // namespace dm::config
