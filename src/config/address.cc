#include "config/address.h"

#include "common/strings.h"

namespace dm::config {
namespace {

bool HasScheme(std::string_view s) { return s.find("://") != std::string_view::npos; }

std::string Wrap(std::string_view item, bool https) {
  std::string_view trimmed = TrimSpace(item);
  if (HasScheme(trimmed)) return std::string(trimmed);
  return (https ? "https://" : "http://") + std::string(trimmed);
}

}  // namespace

bool SplitHostPort(std::string_view addr, std::string* host, std::string* port) {
  size_t colon = addr.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view h = addr.substr(0, colon);
  std::string_view p = addr.substr(colon + 1);
  if (!h.empty() && h.front() == '[') {
    if (h.back() != ']') return false;
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos || h.find(']') != std::string_view::npos) {
    return false;  // IPv6 without brackets is ambiguous, as Go rejects it
  }
  *host = std::string(h);
  *port = std::string(p);
  return true;
}

std::string UnwrapScheme(std::string_view addr) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (addr.starts_with(scheme)) return std::string(addr.substr(scheme.size()));
  }
  return std::string(addr);
}

std::string WrapSchemes(std::string_view list, bool https) {
  std::string out;
  for (const std::string& item : SplitString(list, ',')) {
    if (TrimSpace(item).empty()) continue;
    if (!out.empty()) out += ',';
    out += Wrap(item, https);
  }
  return out;
}

std::string WrapSchemesForInitialCluster(std::string_view list, bool https) {
  std::string out;
  for (const std::string& item : SplitString(list, ',')) {
    if (TrimSpace(item).empty()) continue;
    if (!out.empty()) out += ',';
    size_t eq = item.find('=');
    if (eq == std::string::npos) {
      out += std::string(TrimSpace(item));
    } else {
      out += std::string(TrimSpace(std::string_view(item).substr(0, eq))) + "=" + Wrap(item.substr(eq + 1), https);
    }
  }
  return out;
}

bool IsAdvertisable(std::string_view addr) {
  std::string host;
  std::string port;
  if (!SplitHostPort(addr, &host, &port)) return false;
  return !host.empty() && host != "0.0.0.0" && !port.empty();
}

}  // namespace dm::config
