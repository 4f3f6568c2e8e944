// The JSON shapes of etcd's v3 gRPC gateway (etcd 3.4, POST /v3/...): the
// protobuf messages of etcdserverpb in proto3 JSON with the .proto field
// names. Three rules the gateway follows and this codec mirrors:
//   - bytes fields (keys, values, range ends) are base64;
//   - 64-bit integers are JSON strings ("123"); numbers are accepted too;
//   - a field holding its zero value (0, false, "", []) is left out, so an
//     absent field means zero.
// Errors come back with an HTTP error status and {"error", "message",
// "code"}, where code is the gRPC status code.
//
// Pure functions, no I/O: the Client sends what the encoders build and hands
// the response bodies to the decoders.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "etcd/types.h"

namespace dm::etcd::gateway {

// Request bodies.
nlohmann::json RangeRequest(std::string_view key, std::string_view range_end);
nlohmann::json PutRequest(std::string_view key, std::string_view value, int64_t lease);
nlohmann::json DeleteRangeRequest(std::string_view key, std::string_view range_end);
nlohmann::json TxnRequest(const std::vector<Compare>& compares, const std::vector<Op>& success,
                          const std::vector<Op>& failure);
nlohmann::json LeaseGrantRequest(int64_t ttl_seconds);
nlohmann::json LeaseIdRequest(int64_t lease);  // keepalive and revoke
nlohmann::json MemberAddRequest(const std::vector<std::string>& peer_urls);
nlohmann::json MemberRemoveRequest(uint64_t id);
// Opens a watch on [key, range_end) from `start_revision` (0: from now).
nlohmann::json WatchCreateRequest(std::string_view key, std::string_view range_end, int64_t start_revision);

// Parses the first JSON value of a response body. Anything after it is
// ignored: a streamed answer (keepalive, watch) holds one object per message.
Result<nlohmann::json> ParseBody(std::string_view body);

// The Status for a failed call: `http_status` and the body's error object.
// gRPC NotFound (an unknown or expired lease) becomes NotFound, Unavailable
// and DeadlineExceeded ("no leader", "request timed out") Unavailable, any
// other code InvalidArgument; the message is etcd's own.
Status ErrorStatus(int http_status, std::string_view body);

// Response decoders. Each fails with Corruption when a field has a type the
// gateway never sends.
Result<int64_t> DecodeHeaderRevision(const nlohmann::json& response);
Result<RangeResult> DecodeRangeResponse(const nlohmann::json& response);
Result<int64_t> DecodeDeleteRangeResponse(const nlohmann::json& response);  // number deleted
// The ranges are the response_range entries in order: one per Get op of the
// branch that ran.
Result<TxnResult> DecodeTxnResponse(const nlohmann::json& response);
Result<int64_t> DecodeLeaseGrantResponse(const nlohmann::json& response);  // lease id
// The remaining TTL in seconds from one keepalive message ({"result": {...}}
// or {"error": {...}}); 0 means the lease is gone.
Result<int64_t> DecodeKeepAliveResponse(const nlohmann::json& message);
Result<std::vector<Member>> DecodeMemberListResponse(const nlohmann::json& response);
Result<Member> DecodeMemberAddResponse(const nlohmann::json& response);
Result<MemberStatus> DecodeStatusResponse(const nlohmann::json& response);

// One message of a watch stream ({"result": WatchResponse}).
struct WatchMessage {
  int64_t revision = 0;  // the store's revision when the message was sent
  bool created = false;  // the first message, confirming the watch
  bool canceled = false;
  int64_t compact_revision = 0;  // with canceled: the start revision was compacted up to this
  std::string cancel_reason;
  std::vector<WatchEvent> events;
};
// Decodes one stream message; an {"error": ...} message becomes its Status.
Result<WatchMessage> DecodeWatchMessage(const nlohmann::json& message);

}  // namespace dm::etcd::gateway
