#include "mysql/dsn.h"

#include <fmt/format.h>

#include <charconv>

namespace dm::mysql {

Status ParseHostPort(std::string_view text, std::string* host, uint16_t* port) {
  std::string_view h = text;
  std::string_view p;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument(fmt::format("missing ']' in '{}'", text));
    h = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return Status::InvalidArgument(fmt::format("expected ':port' after ']' in '{}'", text));
      p = rest.substr(1);
    }
  } else if (size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    if (text.find(':') != colon) {
      return Status::InvalidArgument(fmt::format("IPv6 address '{}' must be written in brackets", text));
    }
    h = text.substr(0, colon);
    p = text.substr(colon + 1);
    if (p.empty()) return Status::InvalidArgument(fmt::format("empty port in '{}'", text));
  }
  if (h.empty()) return Status::InvalidArgument(fmt::format("empty host in '{}'", text));
  unsigned value = 3306;
  if (!p.empty()) {
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
    if (ec != std::errc() || end != p.data() + p.size() || value == 0 || value > 65535) {
      return Status::InvalidArgument(fmt::format("invalid port '{}' in '{}'", p, text));
    }
  }
  *host = std::string(h);
  *port = static_cast<uint16_t>(value);
  return Status::OK();
}

Result<ConnectionOptions> ParseDsn(std::string_view dsn, ConnectionOptions base) {
  std::string_view address = dsn;
  if (size_t at = dsn.rfind('@'); at != std::string_view::npos) {
    std::string_view credentials = dsn.substr(0, at);
    address = dsn.substr(at + 1);
    size_t colon = credentials.find(':');
    std::string_view user = credentials.substr(0, colon);
    // Messages name only the part after '@': the credentials may hold the password.
    if (user.empty()) return Status::InvalidArgument(fmt::format("empty user in DSN for '{}'", address));
    base.user = std::string(user);
    if (colon != std::string_view::npos) base.password = Secret(std::string(credentials.substr(colon + 1)));
  }
  DM_RETURN_IF_ERROR(ParseHostPort(address, &base.host, &base.port));
  return base;
}

}  // namespace dm::mysql
