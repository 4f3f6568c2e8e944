#include "http/server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <charconv>
#include <ostream>

#include "common/log.h"
#include "common/signals.h"
#include "common/version.h"

namespace dm::http {
namespace {

std::string PeerCommonName(const SSL* ssl) {
  if (ssl == nullptr) return "";
  X509* cert = SSL_get_peer_certificate(ssl);
  if (cert == nullptr) return "";
  char cn[256] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn));
  X509_free(cert);
  return cn;
}

}  // namespace

struct Server::Impl {
  std::unique_ptr<httplib::Server> server;
  TlsOptions tls;
};

std::string Request::QueryParam(const std::string& key, const std::string& fallback) const {
  for (const auto& [k, v] : query) {
    if (k == key) return v;
  }
  return fallback;
}

std::vector<std::string> Request::QueryParams(const std::string& key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : query) {
    if (k == key && !v.empty()) out.push_back(v);
  }
  return out;
}

Server::Server(const MetricsRegistry* metrics, TlsOptions tls) : impl_(std::make_unique<Impl>()) {
  impl_->tls = std::move(tls);
  if (impl_->tls.enabled()) {
    impl_->server = std::make_unique<httplib::SSLServer>(impl_->tls.cert.c_str(), impl_->tls.key.c_str(),
                                                         impl_->tls.ca.empty() ? nullptr : impl_->tls.ca.c_str());
  } else {
    impl_->server = std::make_unique<httplib::Server>();
  }
  // httplib's default adds SO_REUSEPORT, which would let a second dm process
  // silently share this port; keep only SO_REUSEADDR so a busy port fails.
  impl_->server->set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  Handle("GET", "/status", [](const Request&) {
    return Response{200, "text/plain; charset=utf-8", VersionBlock()};
  });
  Handle("GET", "/metrics", [metrics](const Request&) {
    return Response{200, "text/plain; version=0.0.4; charset=utf-8", metrics ? metrics->Render() : ""};
  });
  if (!impl_->tls.allowed_cn.empty()) {
    // As DM: with cert-allowed-cn set, a client whose certificate's CN is not
    // listed is refused before any handler runs.
    impl_->server->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      std::string cn = PeerCommonName(req.ssl);
      const auto& allowed = impl_->tls.allowed_cn;
      if (std::find(allowed.begin(), allowed.end(), cn) != allowed.end()) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      res.status = 403;
      res.set_content(fmt::format(R"({{"result":false,"msg":"certificate CN '{}' is not allowed"}})", cn),
                      "application/json");
      return httplib::Server::HandlerResponse::Handled;
    });
  }
}

Server::~Server() { Stop(); }

void Server::Handle(const std::string& method, const std::string& pattern, Handler handler) {
  auto adapter = [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    Request request;
    request.method = req.method;
    request.path = req.path;
    request.body = req.body;
    for (const auto& m : req.matches) request.captures.push_back(m.str());
    for (const auto& [k, v] : req.params) request.query.emplace_back(k, v);
    Response response = handler(request);
    res.status = response.status;
    res.set_content(std::move(response.body), response.content_type);
  };
  auto& server = *impl_->server;
  if (method == "GET") {
    server.Get(pattern, adapter);
  } else if (method == "POST") {
    server.Post(pattern, adapter);
  } else if (method == "PUT") {
    server.Put(pattern, adapter);
  } else if (method == "DELETE") {
    server.Delete(pattern, adapter);
  } else if (method == "PATCH") {
    server.Patch(pattern, adapter);
  }
}

Status Server::Start(const std::string& host, uint16_t port) {
  auto& server = *impl_->server;
  if (!server.is_valid()) {
    return Status::InvalidArgument(fmt::format("cannot set up TLS with ssl-cert '{}', ssl-key '{}', ssl-ca '{}'",
                                               impl_->tls.cert, impl_->tls.key, impl_->tls.ca));
  }
  std::string bind_host = host.empty() ? "0.0.0.0" : host;
  if (port == 0) {
    int bound = server.bind_to_any_port(bind_host);
    if (bound <= 0) return Status::Unavailable(fmt::format("cannot listen on {}:0", bind_host));
    port_ = static_cast<uint16_t>(bound);
  } else {
    if (!server.bind_to_port(bind_host, port)) {
      return Status::Unavailable(fmt::format("cannot listen on {}:{} (address in use?)", bind_host, port));
    }
    port_ = port;
  }
  thread_ = std::thread([&server] { server.listen_after_bind(); });
  // httplib's stop() is a no-op until the accept loop runs, so a Stop() right
  // after Start() would hang the join; wait (bounded) for the loop to start.
  for (int i = 0; i < 5000 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!server.is_running()) {
    Stop();
    return Status::Internal(fmt::format("HTTP server on {}:{} did not start", bind_host, port_));
  }
  bound_address_ = fmt::format("{}:{}", bind_host, port_);
  return Status::OK();
}

Status Server::Listen(std::string_view key, const std::string& address) {
  auto host_port = ParseListenAddress(address);
  if (!host_port.ok()) return host_port.status().WithContext(key);
  return Start(host_port->first, host_port->second);
}

void Server::Stop() {
  if (thread_.joinable()) {
    // Wait out a listener that is still starting (see Start()).
    for (int i = 0; i < 5000 && !impl_->server->is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    impl_->server->stop();
    thread_.join();
  }
}

Result<std::pair<std::string, uint16_t>> ParseListenAddress(const std::string& addr) {
  size_t colon = addr.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument(fmt::format("address '{}' must be host:port", addr));
  }
  std::string host = addr.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string_view port_text = std::string_view(addr).substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535 || port_text.empty()) {
    return Status::InvalidArgument(fmt::format("address '{}' has an invalid port", addr));
  }
  if (host.empty()) host = "0.0.0.0";
  return std::make_pair(host, static_cast<uint16_t>(port));
}

}  // namespace dm::http
