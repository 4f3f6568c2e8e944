// How dmctl reaches dm-master: the --master-addr list, TLS and timeout, and
// the HTTP transport that tries each address in turn (as DM's dmctl dials
// the next endpoint when one cannot be reached; any master forwards to the
// leader, so any reachable one will do).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ctl/master_api.h"
#include "http/server.h"

namespace dm::ctl {

struct MasterConnection {
  std::vector<std::string> addresses;  // "host:port", tried in this order
  http::TlsOptions tls;                // ca verifies the master; cert/key identify dmctl
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};  // per request, DM's --rpc-timeout
};

// Splits DM's --master-addr ("a:8261,b:8261", each optionally prefixed with
// http:// or https://) into host:port items. InvalidArgument naming the item
// when one has no port or the list is empty.
Result<std::vector<std::string>> ParseMasterAddresses(std::string_view list);

// A transport sending each request to the first address that answers. When
// none can be reached, Unavailable with DM's dmctl error code (48001) whose
// message names every address tried and the last reason.
MasterTransport HttpMasterTransport(MasterConnection connection);

}  // namespace dm::ctl
