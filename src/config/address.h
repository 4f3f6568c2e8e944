// host:port and URL-list helpers for dm-master/dm-worker addresses, with DM's
// leniency about "http://" prefixes.
#pragma once

#include <string>
#include <string_view>

namespace dm::config {

// Splits "host:port", "[v6]:port" or ":port" as Go's net.SplitHostPort.
// Returns false when there is no port separator or brackets are unbalanced.
bool SplitHostPort(std::string_view addr, std::string* host, std::string* port);

// Strips a leading "http://" or "https://" (DM's utils.UnwrapScheme).
std::string UnwrapScheme(std::string_view addr);

// Adds "http://" (or "https://" when `https`) to each comma-separated item
// that has no scheme (DM's utils.WrapSchemes). Empty items are dropped.
std::string WrapSchemes(std::string_view list, bool https);

// As WrapSchemes for "name=url,name=url" (DM's WrapSchemesForInitialCluster).
std::string WrapSchemesForInitialCluster(std::string_view list, bool https);

// True when an advertised address has a usable host: not empty and not
// 0.0.0.0 (other machines must be able to dial it), plus a port.
bool IsAdvertisable(std::string_view addr);

}  // namespace dm::config
