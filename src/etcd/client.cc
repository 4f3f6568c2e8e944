#include "etcd/client.h"

#include <fmt/format.h>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "etcd/gateway_json.h"

namespace dm::etcd {
namespace {

using nlohmann::json;

// "host:port" becomes "http://host:port"; a trailing '/' is dropped.
Result<std::string> NormaliseEndpoint(std::string_view endpoint) {
  std::string url(TrimSpace(endpoint));
  while (url.ends_with('/')) url.pop_back();
  if (url.find("://") == std::string::npos) url = "http://" + url;
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    return Status::InvalidArgument(fmt::format("etcd endpoint '{}' is neither http:// nor https://", endpoint));
  }
  std::string_view host_port = std::string_view(url).substr(url.find("://") + 3);
  size_t colon = host_port.rfind(':');
  if (host_port.empty() || host_port.find('/') != std::string_view::npos || colon == std::string_view::npos ||
      colon == 0 || colon + 1 == host_port.size()) {
    return Status::InvalidArgument(fmt::format("etcd endpoint '{}' is not scheme://host:port", endpoint));
  }
  return url;
}

// Whether httplib's error means the request never reached the endpoint, so
// sending it to the next one cannot apply it twice.
bool NeverSent(httplib::Error error) {
  return error == httplib::Error::Connection || error == httplib::Error::ConnectionTimeout ||
         error == httplib::Error::SSLConnection || error == httplib::Error::SSLServerVerification ||
         error == httplib::Error::SSLLoadingCerts;
}

struct Answer {
  httplib::Error error = httplib::Error::Success;
  int status = 0;
  std::string body;

  bool ok() const { return error == httplib::Error::Success; }
};

// Keeps a write to a connection the peer closed (a TLS server that refused
// our certificate after the handshake) from killing the process with
// SIGPIPE: the signal is blocked on this thread for the duration of a call,
// and one it raised is consumed before the mask is restored. dm does not
// ignore SIGPIPE process-wide, and a library should not decide that.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_mask_);
  }
  ~SigpipeGuard() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      const timespec no_wait{};
      sigtimedwait(&pipe_, nullptr, &no_wait);
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_;
  sigset_t old_mask_;
  bool was_pending_ = false;
};

// Receives a reply body piece by piece; returning false stops reading.
using BodyReceiver = std::function<bool(std::string_view)>;

// POSTs `body`. A 200 reply's body goes to `receive` as it arrives (a
// stream), or into Answer::body when `receive` is empty; other replies are
// kept in Answer::body.
// The gateway ends every error reply with an HTTP trailer
// (Grpc-Trailer-Content-Type), which httplib 0.11 cannot read: it reports a
// read error after having received the whole body. A reply that announced a
// trailer and failed only after its status line is therefore taken as
// complete; a body cut short still fails, as JSON that does not parse.
Answer Post(httplib::Client& http, std::string_view path, const std::string& body,
            const BodyReceiver& receive = nullptr) {
  SigpipeGuard no_sigpipe;
  Answer answer;
  bool trailer_announced = false;
  httplib::Request request;
  request.method = "POST";
  request.path = std::string(path);
  request.body = body;
  request.set_header("Content-Type", "application/json");
  request.response_handler = [&](const httplib::Response& response) {
    answer.status = response.status;
    trailer_announced = response.has_header("Trailer");
    return true;
  };
  request.content_receiver = [&](const char* data, size_t size, uint64_t, uint64_t) {
    if (answer.status == 200 && receive) return receive(std::string_view(data, size));
    answer.body.append(data, size);
    return true;
  };
  httplib::Response response;
  if (!http.send(request, response, answer.error) &&
      !(answer.error == httplib::Error::Read && answer.status != 0 && trailer_announced)) {
    return answer;
  }
  answer.error = httplib::Error::Success;
  return answer;
}

// An idle watch stream is re-opened this often, which bounds how long a
// stop request waits.
constexpr auto kWatchIdleRead = std::chrono::seconds(1);

// Decodes one line of a watch stream and delivers its events, advancing
// `next_revision` past each.
Status HandleWatchLine(std::string_view line, int64_t& next_revision, const Client::WatchCallback& on_event) {
  DM_ASSIGN_OR_RETURN(json message, gateway::ParseBody(line));
  DM_ASSIGN_OR_RETURN(gateway::WatchMessage watch, gateway::DecodeWatchMessage(message));
  if (watch.canceled) {
    if (watch.compact_revision > 0) {
      return Status::Aborted(fmt::format("etcd compacted its history up to revision {}; revision {} is gone",
                                         watch.compact_revision, next_revision));
    }
    return Status::Unavailable(fmt::format("etcd canceled the watch: {}", watch.cancel_reason));
  }
  if (watch.created && next_revision == 0) next_revision = watch.revision + 1;
  for (const WatchEvent& event : watch.events) {
    on_event(event);
    next_revision = event.kv.mod_revision + 1;
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  if (options.endpoints.empty()) return Status::InvalidArgument("no etcd endpoint given");
  if (options.request_timeout <= std::chrono::milliseconds::zero()) {
    return Status::InvalidArgument("etcd request timeout must be positive");
  }
  std::vector<std::string> endpoints;
  for (const std::string& endpoint : options.endpoints) {
    DM_ASSIGN_OR_RETURN(std::string url, NormaliseEndpoint(endpoint));
    endpoints.push_back(std::move(url));
  }
  return std::unique_ptr<Client>(new Client(std::move(options), std::move(endpoints)));
}

Result<std::unique_ptr<Client>> Client::Connect(ClientOptions options) {
  DM_ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Create(std::move(options)));
  DM_RETURN_IF_ERROR(client->EndpointStatus().status());
  return client;
}

Client::Client(ClientOptions options, std::vector<std::string> endpoints)
    : options_(std::move(options)), endpoints_(std::move(endpoints)) {}

Client::~Client() = default;

std::unique_ptr<httplib::Client> Client::Connection(const std::string& endpoint,
                                                    std::chrono::milliseconds read_timeout) const {
  auto http = std::make_unique<httplib::Client>(endpoint, options_.tls.cert, options_.tls.key);
  if (endpoint.starts_with("https://")) {
    if (!options_.tls.ca.empty()) http->set_ca_cert_path(options_.tls.ca);
    http->enable_server_certificate_verification(true);
  }
  auto split = [](std::chrono::milliseconds timeout) {
    return std::pair<time_t, time_t>(static_cast<time_t>(timeout.count() / 1000),
                                     static_cast<time_t>(timeout.count() % 1000 * 1000));
  };
  auto [seconds, micros] = split(options_.request_timeout);
  http->set_connection_timeout(seconds, micros);
  http->set_write_timeout(seconds, micros);
  auto [read_seconds, read_micros] = split(read_timeout);
  http->set_read_timeout(read_seconds, read_micros);
  return http;
}

Result<json> Client::Call(std::string_view path, const json& request) {
  const std::string body = request.dump();
  std::vector<std::string> failures;
  const size_t start = preferred_.load();
  for (size_t attempt = 0; attempt < endpoints_.size(); ++attempt) {
    const size_t index = (start + attempt) % endpoints_.size();
    const std::string& endpoint = endpoints_[index];
    // A fresh connection per call keeps the client free of shared mutable
    // state and makes "connection refused" an unambiguous never-sent.
    std::unique_ptr<httplib::Client> http = Connection(endpoint, options_.request_timeout);
    Answer answer = Post(*http, path, body);
    if (!answer.ok()) {
      std::string failure = fmt::format("{}: {}", endpoint, httplib::to_string(answer.error));
      if (NeverSent(answer.error)) {
        failures.push_back(std::move(failure));
        continue;
      }
      return Status::Unavailable(fmt::format("etcd {} failed after sending: {}", path, failure));
    }
    if (answer.status == 200) {
      preferred_.store(index);
      return gateway::ParseBody(answer.body);
    }
    Status error = gateway::ErrorStatus(answer.status, answer.body);
    // A member without a leader cannot serve, another one may.
    if (error.code() != StatusCode::kUnavailable) return error.WithContext(fmt::format("etcd {}", path));
    failures.push_back(fmt::format("{}: {}", endpoint, error.message()));
  }
  return Status::Unavailable(fmt::format("etcd {}: no endpoint answered ({})", path, fmt::join(failures, "; ")));
}

Status Client::Watch(std::string_view prefix, int64_t from_revision, const WatchCallback& on_event,
                     std::stop_token stop) {
  const Op range = Op::GetPrefix(prefix);
  int64_t next_revision = from_revision;
  size_t index = preferred_.load();
  std::vector<std::string> failures;  // endpoints that refused in a row
  while (!stop.stop_requested()) {
    const std::string& endpoint = endpoints_[index];
    std::string pending;
    Status stream_status;
    auto receive = [&](std::string_view data) {
      pending.append(data);
      // The gateway writes one JSON message per line.
      for (size_t newline = pending.find('\n'); newline != std::string::npos; newline = pending.find('\n')) {
        std::string line = pending.substr(0, newline);
        pending.erase(0, newline + 1);
        if (TrimSpace(line).empty()) continue;
        stream_status = HandleWatchLine(line, next_revision, on_event);
        if (!stream_status.ok()) return false;
      }
      return !stop.stop_requested();
    };
    std::unique_ptr<httplib::Client> http = Connection(endpoint, kWatchIdleRead);
    const std::string body = gateway::WatchCreateRequest(range.key, range.range_end, next_revision).dump();
    Answer answer = Post(*http, "/v3/watch", body, receive);
    if (!stream_status.ok()) return stream_status.WithContext(fmt::format("etcd watch on {}", endpoint));
    if (answer.ok() && answer.status != 200) {
      Status error = gateway::ErrorStatus(answer.status, answer.body);
      if (error.code() != StatusCode::kUnavailable) return error.WithContext("etcd /v3/watch");
      failures.push_back(fmt::format("{}: {}", endpoint, error.message()));
    } else if (!answer.ok() && NeverSent(answer.error)) {
      failures.push_back(fmt::format("{}: {}", endpoint, httplib::to_string(answer.error)));
    } else {
      // The stream went idle or ended: open it again where it left off.
      failures.clear();
      preferred_.store(index);
      continue;
    }
    if (failures.size() >= endpoints_.size()) {
      return Status::Unavailable(fmt::format("etcd /v3/watch: no endpoint answered ({})", fmt::join(failures, "; ")));
    }
    index = (index + 1) % endpoints_.size();
  }
  return Status::OK();
}

Result<RangeResult> Client::Range(std::string_view key, std::string_view range_end) {
  DM_ASSIGN_OR_RETURN(json response, Call("/v3/kv/range", gateway::RangeRequest(key, range_end)));
  return gateway::DecodeRangeResponse(response);
}

Result<int64_t> Client::DeleteRange(std::string_view key, std::string_view range_end) {
  DM_ASSIGN_OR_RETURN(json response, Call("/v3/kv/deleterange", gateway::DeleteRangeRequest(key, range_end)));
  return gateway::DecodeDeleteRangeResponse(response);
}

Result<int64_t> Client::Put(std::string_view key, std::string_view value, int64_t lease) {
  DM_ASSIGN_OR_RETURN(json response, Call("/v3/kv/put", gateway::PutRequest(key, value, lease)));
  return gateway::DecodeHeaderRevision(response);
}

Result<std::optional<KeyValue>> Client::Get(std::string_view key) {
  DM_ASSIGN_OR_RETURN(RangeResult range, Range(key, ""));
  if (range.kvs.empty()) return std::optional<KeyValue>();
  return std::optional<KeyValue>(std::move(range.kvs.front()));
}

Result<RangeResult> Client::GetPrefix(std::string_view prefix) {
  Op op = Op::GetPrefix(prefix);
  return Range(op.key, op.range_end);
}

Result<int64_t> Client::Delete(std::string_view key) { return DeleteRange(key, ""); }

Result<int64_t> Client::DeletePrefix(std::string_view prefix) {
  Op op = Op::DeletePrefix(prefix);
  return DeleteRange(op.key, op.range_end);
}

Result<TxnResult> Client::Txn(const std::vector<Compare>& compares, const std::vector<Op>& success,
                              const std::vector<Op>& failure) {
  DM_ASSIGN_OR_RETURN(json response, Call("/v3/kv/txn", gateway::TxnRequest(compares, success, failure)));
  return gateway::DecodeTxnResponse(response);
}

Result<int64_t> Client::GrantLease(std::chrono::seconds ttl) {
  DM_ASSIGN_OR_RETURN(json response, Call("/v3/lease/grant", gateway::LeaseGrantRequest(ttl.count())));
  return gateway::DecodeLeaseGrantResponse(response);
}

Result<std::chrono::seconds> Client::KeepAliveOnce(int64_t lease) {
  // The gateway streams keepalive: our body is the one request message and
  // the answer is one {"result": ...} message.
  DM_ASSIGN_OR_RETURN(json response, Call("/v3/lease/keepalive", gateway::LeaseIdRequest(lease)));
  DM_ASSIGN_OR_RETURN(int64_t ttl, gateway::DecodeKeepAliveResponse(response));
  // etcd answers a keepalive of a lease it no longer has with TTL 0.
  if (ttl <= 0) return Status::NotFound(fmt::format("etcd lease {:x} expired or was revoked", lease));
  return std::chrono::seconds(ttl);
}

Status Client::RevokeLease(int64_t lease) { return Call("/v3/lease/revoke", gateway::LeaseIdRequest(lease)).status(); }

Result<std::vector<Member>> Client::ListMembers() {
  DM_ASSIGN_OR_RETURN(json response, Call("/v3/cluster/member/list", json::object()));
  return gateway::DecodeMemberListResponse(response);
}

Result<Member> Client::AddMember(const std::vector<std::string>& peer_urls) {
  DM_ASSIGN_OR_RETURN(json response, Call("/v3/cluster/member/add", gateway::MemberAddRequest(peer_urls)));
  return gateway::DecodeMemberAddResponse(response);
}

Status Client::RemoveMember(uint64_t id) {
  return Call("/v3/cluster/member/remove", gateway::MemberRemoveRequest(id)).status();
}

Result<MemberStatus> Client::EndpointStatus() {
  DM_ASSIGN_OR_RETURN(json response, Call("/v3/maintenance/status", json::object()));
  return gateway::DecodeStatusResponse(response);
}

}  // namespace dm::etcd
