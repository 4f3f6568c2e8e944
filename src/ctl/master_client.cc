#include "ctl/master_client.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "config/address.h"
#include "http/client.h"

namespace dm::ctl {

Result<std::vector<std::string>> ParseMasterAddresses(std::string_view list) {
  std::vector<std::string> addresses;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string item = config::UnwrapScheme(list.substr(start, comma - start));
    std::string host, port;
    if (!config::SplitHostPort(item, &host, &port) || port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
      return Status::InvalidArgument(fmt::format("--master-addr '{}': '{}' is not host:port", list, item));
    }
    addresses.push_back(std::move(item));
    start = comma + 1;
  }
  return addresses;
}

MasterTransport HttpMasterTransport(MasterConnection connection) {
  return [connection = std::move(connection)](const MasterRequest& request) -> Result<http::Response> {
    Status last;
    for (const auto& address : connection.addresses) {
      auto response = http::Call(address, request.method, request.target, request.body,
                                 http::ClientOptions{connection.tls, connection.timeout});
      if (response.ok() || response.status().code() != StatusCode::kUnavailable) return response;
      last = response.status();
    }
    return Status::Unavailable(fmt::format("cannot reach dm-master at {}: {}", fmt::join(connection.addresses, ", "),
                                           last.message()))
        .WithErrorCode(ErrorCode::kCtlMasterConnect);
  };
}

}  // namespace dm::ctl
