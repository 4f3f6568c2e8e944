// dm::http::Call: one request to another dm process's HTTP API (a worker to
// the masters, a master to a worker or to the leader, dmctl to a master).
// Plain HTTP, or HTTPS with DM's ssl-ca/ssl-cert/ssl-key when TLS is on, so
// a server with cert-allowed-cn accepts us by our certificate.
#pragma once

#include <chrono>
#include <string>

#include "common/status.h"
#include "http/server.h"

namespace dm::http {

struct ClientOptions {
  TlsOptions tls;  // ca verifies the server (none: not verified, as DM); cert/key identify us
  std::chrono::milliseconds timeout{10'000};  // sending the request and reading the answer
  // Connecting; short, as DM's dial timeout, so a dead address among several
  // is skipped quickly. Never longer than `timeout`.
  std::chrono::milliseconds connect_timeout{3'000};
};

// Sends `method` `target` (path and query) with a JSON `body` to `address`
// ("host:port"). Any HTTP status is a successful call: the caller reads
// Response::status. Unavailable (retryable) when the connection cannot be
// made or the answer does not arrive in time; the message names the address.
// Thread-safe: every call uses its own connection.
Result<Response> Call(const std::string& address, const std::string& method, const std::string& target,
                      const std::string& body, const ClientOptions& options);

}  // namespace dm::http
