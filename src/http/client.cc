#include "http/client.h"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <memory>

namespace dm::http {
namespace {

// httplib takes timeouts as whole seconds plus microseconds.
std::pair<time_t, time_t> SecondsAndMicros(std::chrono::milliseconds t) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(t);
  return {seconds.count(), std::chrono::duration_cast<std::chrono::microseconds>(t - seconds).count()};
}

std::unique_ptr<httplib::ClientImpl> MakeClient(const std::string& host, int port, const ClientOptions& options) {
  std::unique_ptr<httplib::ClientImpl> client;
  if (options.tls.enabled() || !options.tls.ca.empty()) {
    auto tls = options.tls.cert.empty()
                   ? std::make_unique<httplib::SSLClient>(host, port)
                   : std::make_unique<httplib::SSLClient>(host, port, options.tls.cert, options.tls.key);
    if (!options.tls.ca.empty()) {
      tls->set_ca_cert_path(options.tls.ca.c_str());
      tls->enable_server_certificate_verification(true);
    } else {
      tls->enable_server_certificate_verification(false);
    }
    client = std::move(tls);
  } else {
    client = std::make_unique<httplib::ClientImpl>(host, port);
  }
  const auto [connect_s, connect_us] = SecondsAndMicros(std::min(options.connect_timeout, options.timeout));
  client->set_connection_timeout(connect_s, connect_us);
  const auto [seconds, micros] = SecondsAndMicros(options.timeout);
  client->set_read_timeout(seconds, micros);
  client->set_write_timeout(seconds, micros);
  client->set_keep_alive(false);
  return client;
}

}  // namespace

Result<Response> Call(const std::string& address, const std::string& method, const std::string& target,
                      const std::string& body, const ClientOptions& options) {
  DM_ASSIGN_OR_RETURN(auto host_port, ParseListenAddress(address));
  if (host_port.first.empty() || host_port.first == "0.0.0.0") host_port.first = "127.0.0.1";
  auto client = MakeClient(host_port.first, host_port.second, options);
  httplib::Result result = [&] {
    if (method == "GET") return client->Get(target.c_str());
    if (method == "DELETE") return client->Delete(target.c_str(), body, "application/json");
    if (method == "PUT") return client->Put(target.c_str(), body, "application/json");
    return client->Post(target.c_str(), body, "application/json");
  }();
  if (!result) return Status::Unavailable(fmt::format("{}: {} error", address, httplib::to_string(result.error())));
  Response response;
  response.status = result->status;
  response.content_type = result->get_header_value("Content-Type");
  response.body = std::move(result->body);
  return response;
}

}  // namespace dm::http
