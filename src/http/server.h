// dm::http::Server: the one listener of each dm process. It serves the
// process's control API and, always, GET /status (the version block, as DM)
// and GET /metrics (Prometheus text). HTTP/1.1 with JSON bodies; HTTPS with
// optional client-certificate checks when TLS options are given.
//
// Handlers run on the server's worker threads and must be thread-safe.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "http/metrics.h"

namespace dm::http {

struct Request {
  std::string method;
  std::string path;
  std::string body;
  std::vector<std::string> captures;  // regex groups of the route pattern, [0] is the whole path
  std::vector<std::pair<std::string, std::string>> query;

  // First value of a query parameter, or `fallback`.
  std::string QueryParam(const std::string& key, const std::string& fallback = "") const;
  // Every non-empty value of a repeated query parameter (`k=a&k=b`), in order.
  std::vector<std::string> QueryParams(const std::string& key) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

using Handler = std::function<Response(const Request&)>;

// DM's `ssl-ca`, `ssl-cert`, `ssl-key`, `cert-allowed-cn`.
struct TlsOptions {
  std::string ca;
  std::string cert;
  std::string key;
  std::vector<std::string> allowed_cn;  // empty: any certificate signed by `ca`

  bool enabled() const { return !cert.empty() || !key.empty(); }
};

class Server {
 public:
  // `metrics` is rendered at /metrics; it must outlive the server.
  Server(const MetricsRegistry* metrics, TlsOptions tls = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Registers a handler for `method` and a path regex ("/apis/v1alpha1/status/(.+)").
  // REQUIRES: called before Start().
  void Handle(const std::string& method, const std::string& pattern, Handler handler);

  // Binds host:port synchronously (port 0 picks a free port) and serves on a
  // background thread. Fails with the address in the message when the port is
  // taken or the TLS files are unusable.
  Status Start(const std::string& host, uint16_t port);

  // Start() on `address` as ParseListenAddress reads it; errors begin with
  // `key`, the config key the address came from ("worker-addr: address 'x'
  // must be host:port").
  Status Listen(std::string_view key, const std::string& address);

  // The bound port; valid after a successful Start().
  uint16_t port() const { return port_; }
  // "host:port" as bound (the host as given, 0.0.0.0 for all interfaces);
  // valid after a successful Start().
  const std::string& bound_address() const { return bound_address_; }

  // Stops accepting, finishes in-flight requests and joins the thread. Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
  std::string bound_address_;
  std::thread thread_;
};

// Splits "host:port" (":8262" means all interfaces, as DM). Port must be 0-65535.
Result<std::pair<std::string, uint16_t>> ParseListenAddress(const std::string& addr);

}  // namespace dm::http
