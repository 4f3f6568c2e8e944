// Config pieces shared by several files: TLS settings, database connection
// settings (source `from`, task `target-database`), binlog event filter rules
// (source `filters` list, task `filters` map) and logging enums.
//
// Every struct is a plain aggregate whose in-class defaults are DM's, with one
// field list (VisitFields) in DM's kebab-case keys; see field_list.h.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "common/secret.h"
#include "config/enum_names.h"
#include "config/field_list.h"

namespace dm::config {

// TLS files or inline material, as DM's security.Security.
struct SecurityConfig {
  static constexpr std::string_view kSchema = "security";
  std::string ssl_ca;
  std::string ssl_cert;
  std::string ssl_key;
  std::vector<std::string> cert_allowed_cn;
  // Inline PEM (as DM's []byte fields) and base64 variants, used when the
  // config travels through etcd or the OpenAPI instead of a file system.
  std::string ssl_ca_bytes;
  std::string ssl_cert_bytes;
  std::string ssl_key_bytes;
  std::string ssl_ca_base64;
  std::string ssl_cert_base64;
  std::string ssl_key_base64;
};

// The field list of SecurityConfig (DM's keys; see field_list.h).
template <class V>
void VisitFields(SecurityConfig& c, V& v) {
  v("ssl-ca", c.ssl_ca);
  v("ssl-cert", c.ssl_cert);
  v("ssl-key", c.ssl_key);
  v("cert-allowed-cn", c.cert_allowed_cn);
  v("ssl-ca-bytes", c.ssl_ca_bytes);
  v("ssl-cert-bytes", c.ssl_cert_bytes);
  v("ssl-key-bytes", c.ssl_key_bytes);
  v("ssl-ca-base64", c.ssl_ca_base64);
  v("ssl-cert-base64", c.ssl_cert_base64);
  v("ssl-key-base64", c.ssl_key_base64);
}

// A MySQL/MariaDB/TiDB endpoint. `max-allowed-packet` is accepted through the
// upgrade table only (deprecated: read from the server).
struct DBConfig {
  static constexpr std::string_view kSchema = "db";
  std::string host;
  uint16_t port = 0;
  std::string user;
  Secret password;  // decrypted at load time (DecryptOrPlaintext)
  // Session variables applied on connect; as DM, explicit values win over
  // auto-detected ones.
  std::map<std::string, std::string> session;
  std::optional<SecurityConfig> security;  // absent: no TLS
};

// The field list of DBConfig (DM's keys; see field_list.h).
template <class V>
void VisitFields(DBConfig& c, V& v) {
  v("host", c.host);
  v("port", c.port);
  v("user", c.user);
  v("password", c.password);
  v("session", c.session);
  v("security", c.security);
}

// Binlog event filter action. DM compares these case-sensitively.
enum class FilterAction : uint8_t { kDo, kIgnore, kError };

template <>
struct EnumTraits<FilterAction> {
  static constexpr std::array<EnumName<FilterAction>, 3> kNames = {{
      {"Do", FilterAction::kDo},
      {"Ignore", FilterAction::kIgnore},
      {"Error", FilterAction::kError},
  }};
  static constexpr bool kCaseInsensitive = false;
};

// One binlog event filter rule (dm-spec §2.4 `filters.<name>`). `events`
// are DM's event type names ("all dml", "truncate table", ...); the filter
// library interprets them and `sql-pattern` (Go regular expressions).
struct FilterRule {
  static constexpr std::string_view kSchema = "filter";
  std::string schema_pattern;
  std::string table_pattern;
  std::vector<std::string> events;
  std::vector<std::string> sql_pattern;
  FilterAction action = FilterAction::kIgnore;
};

// The field list of FilterRule (DM's keys; see field_list.h).
template <class V>
void VisitFields(FilterRule& c, V& v) {
  v("schema-pattern", c.schema_pattern);
  v("table-pattern", c.table_pattern);
  v("events", c.events);
  v("sql-pattern", c.sql_pattern);
  v("action", c.action, kRequiredKey);
}

// log-format for dm-master/dm-worker.
enum class LogFormat : uint8_t { kText, kJson };

template <>
struct EnumTraits<LogFormat> {
  static constexpr std::array<EnumName<LogFormat>, 2> kNames = {{
      {"text", LogFormat::kText},
      {"json", LogFormat::kJson},
  }};
  static constexpr bool kCaseInsensitive = true;
};

// log-level uses the logging facade's own enum.
template <>
struct EnumTraits<log::Level> {
  static constexpr std::array<EnumName<log::Level>, 6> kNames = {{
      {"debug", log::Level::kDebug},
      {"info", log::Level::kInfo},
      {"warn", log::Level::kWarn},
      {"warning", log::Level::kWarn, true},
      {"error", log::Level::kError},
      {"fatal", log::Level::kFatal},
  }};
  static constexpr bool kCaseInsensitive = true;
};

}  // namespace dm::config
