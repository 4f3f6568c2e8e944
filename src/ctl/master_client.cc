#include "ctl/master_client.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <httplib.h>

#include <memory>

#include "config/address.h"

namespace dm::ctl {
namespace {

// As DM's dmctl dial timeout.
constexpr time_t kDialTimeoutSeconds = 3;

std::unique_ptr<httplib::ClientImpl> MakeClient(const std::string& host, int port, const MasterConnection& connection) {
  std::unique_ptr<httplib::ClientImpl> client;
  if (connection.tls.enabled() || !connection.tls.ca.empty()) {
    auto tls = connection.tls.cert.empty()
                   ? std::make_unique<httplib::SSLClient>(host, port)
                   : std::make_unique<httplib::SSLClient>(host, port, connection.tls.cert, connection.tls.key);
    // Without --ssl-ca the master's certificate cannot be checked, as DM.
    tls->enable_server_certificate_verification(!connection.tls.ca.empty());
    if (!connection.tls.ca.empty()) tls->set_ca_cert_path(connection.tls.ca.c_str());
    client = std::move(tls);
  } else {
    client = std::make_unique<httplib::ClientImpl>(host, port);
  }
  // As DM's dmctl: a short dial timeout so a dead address is skipped quickly,
  // then --rpc-timeout for the answer.
  client->set_connection_timeout(kDialTimeoutSeconds, 0);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(connection.timeout);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(connection.timeout - seconds);
  client->set_read_timeout(seconds.count(), micros.count());
  client->set_write_timeout(seconds.count(), micros.count());
  return client;
}

// One request to one master; Unavailable when it cannot be reached.
// REQUIRES: `address` passed ParseMasterAddresses.
Result<http::Response> CallOnce(const std::string& address, const MasterRequest& request,
                                const MasterConnection& connection) {
  std::string host, port;
  config::SplitHostPort(address, &host, &port);
  auto client = MakeClient(host.empty() ? "127.0.0.1" : host, std::stoi(port), connection);
  httplib::Result result = [&] {
    const char* target = request.target.c_str();
    if (request.method == "GET") return client->Get(target);
    if (request.method == "DELETE") return client->Delete(target, request.body, "application/json");
    if (request.method == "PUT") return client->Put(target, request.body, "application/json");
    return client->Post(target, request.body, "application/json");
  }();
  if (!result) return Status::Unavailable(fmt::format("{}: {} error", address, httplib::to_string(result.error())));
  return http::Response{result->status, result->get_header_value("Content-Type"), std::move(result->body)};
}

}  // namespace

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
      auto response = CallOnce(address, request, connection);
      if (response.ok() || response.status().code() != StatusCode::kUnavailable) return response;
      last = response.status();
    }
    return Status::Unavailable(fmt::format("cannot reach dm-master at {}: {}", fmt::join(connection.addresses, ", "),
                                           last.message()))
        .WithErrorCode(ErrorCode::kCtlMasterConnect);
  };
}

}  // namespace dm::ctl
