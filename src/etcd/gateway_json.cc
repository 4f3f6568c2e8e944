#include "etcd/gateway_json.h"

#include <fmt/format.h>

#include <charconv>
#include <sstream>

#include "common/base64.h"

namespace dm::etcd::gateway {
namespace {

using nlohmann::json;

// gRPC status codes the gateway reports in an error body's "code".
constexpr int kGrpcDeadlineExceeded = 4;
constexpr int kGrpcNotFound = 5;
constexpr int kGrpcUnavailable = 14;

std::string Int64String(int64_t n) { return std::to_string(n); }

// Reads an integer field: absent means 0, the gateway writes a string, a
// plain JSON number is accepted as well.
template <typename Int>
Result<Int> IntField(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return Int{0};
  if (it->is_number_integer()) return it->get<Int>();
  if (!it->is_string()) return Status::Corruption(fmt::format("etcd answered a non-integer '{}'", name));
  const std::string& text = it->get_ref<const std::string&>();
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::Corruption(fmt::format("etcd answered '{}' = \"{}\", not an integer", name, text));
  }
  return value;
}

Result<std::string> StringField(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Status::Corruption(fmt::format("etcd answered a non-string '{}'", name));
  return it->get<std::string>();
}

Result<std::string> BytesField(const json& object, const char* name) {
  DM_ASSIGN_OR_RETURN(std::string text, StringField(object, name));
  auto bytes = Base64Decode(text);
  if (!bytes.ok())
    return Status::Corruption(fmt::format("etcd answered '{}' that is {}", name, bytes.status().message()));
  return std::move(bytes).value();
}

Result<bool> BoolField(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return false;
  if (!it->is_boolean()) return Status::Corruption(fmt::format("etcd answered a non-boolean '{}'", name));
  return it->get<bool>();
}

Result<std::vector<std::string>> StringListField(const json& object, const char* name) {
  std::vector<std::string> out;
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_array()) return Status::Corruption(fmt::format("etcd answered a non-array '{}'", name));
  for (const json& item : *it) {
    if (!item.is_string()) return Status::Corruption(fmt::format("etcd answered a non-string in '{}'", name));
    out.push_back(item.get<std::string>());
  }
  return out;
}

// The object under `name`; an absent one reads as {} (all fields zero).
Result<json> ObjectField(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return json::object();
  if (!it->is_object()) return Status::Corruption(fmt::format("etcd answered a non-object '{}'", name));
  return *it;
}

Result<const json*> ArrayField(const json& object, const char* name) {
  static const json kEmpty = json::array();
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return &kEmpty;
  if (!it->is_array()) return Status::Corruption(fmt::format("etcd answered a non-array '{}'", name));
  return &*it;
}

Status RequireObject(const json& value, std::string_view what) {
  if (value.is_object()) return Status::OK();
  return Status::Corruption(fmt::format("etcd answered a non-object {}", what));
}

Result<KeyValue> DecodeKeyValue(const json& object) {
  DM_RETURN_IF_ERROR(RequireObject(object, "key-value"));
  KeyValue kv;
  DM_ASSIGN_OR_RETURN(kv.key, BytesField(object, "key"));
  DM_ASSIGN_OR_RETURN(kv.value, BytesField(object, "value"));
  DM_ASSIGN_OR_RETURN(kv.create_revision, IntField<int64_t>(object, "create_revision"));
  DM_ASSIGN_OR_RETURN(kv.mod_revision, IntField<int64_t>(object, "mod_revision"));
  DM_ASSIGN_OR_RETURN(kv.version, IntField<int64_t>(object, "version"));
  DM_ASSIGN_OR_RETURN(kv.lease, IntField<int64_t>(object, "lease"));
  return kv;
}

Result<Member> DecodeMember(const json& object) {
  DM_RETURN_IF_ERROR(RequireObject(object, "member"));
  Member member;
  DM_ASSIGN_OR_RETURN(member.id, IntField<uint64_t>(object, "ID"));
  DM_ASSIGN_OR_RETURN(member.name, StringField(object, "name"));
  DM_ASSIGN_OR_RETURN(member.peer_urls, StringListField(object, "peerURLs"));
  DM_ASSIGN_OR_RETURN(member.client_urls, StringListField(object, "clientURLs"));
  return member;
}

// The gateway's name of `target` and of the Compare oneof field that holds
// its operand.
struct TargetFields {
  const char* name;
  const char* operand;
};

TargetFields FieldsOf(Compare::Target target) {
  switch (target) {
    case Compare::Target::kVersion: return {"VERSION", "version"};
    case Compare::Target::kCreateRevision: return {"CREATE", "create_revision"};
    case Compare::Target::kModRevision: return {"MOD", "mod_revision"};
    case Compare::Target::kValue: return {"VALUE", "value"};
  }
  return {"VERSION", "version"};
}

const char* RelationName(Compare::Relation relation) {
  switch (relation) {
    case Compare::Relation::kEqual: return "EQUAL";
    case Compare::Relation::kNotEqual: return "NOT_EQUAL";
    case Compare::Relation::kGreater: return "GREATER";
    case Compare::Relation::kLess: return "LESS";
  }
  return "EQUAL";
}

json EncodeCompare(const Compare& compare) {
  const TargetFields fields = FieldsOf(compare.target);
  json out = {{"key", Base64Encode(compare.key)}, {"target", fields.name}, {"result", RelationName(compare.relation)}};
  out[fields.operand] =
      compare.target == Compare::Target::kValue ? Base64Encode(compare.value) : Int64String(compare.number);
  return out;
}

json EncodeOp(const Op& op) {
  switch (op.type) {
    case Op::Type::kPut: return {{"request_put", PutRequest(op.key, op.value, op.lease)}};
    case Op::Type::kDelete: return {{"request_delete_range", DeleteRangeRequest(op.key, op.range_end)}};
    case Op::Type::kGet: return {{"request_range", RangeRequest(op.key, op.range_end)}};
  }
  return json::object();
}

json EncodeOps(const std::vector<Op>& ops) {
  json out = json::array();
  for (const Op& op : ops) out.push_back(EncodeOp(op));
  return out;
}

json KeyRange(std::string_view key, std::string_view range_end) {
  json out = {{"key", Base64Encode(key)}};
  if (!range_end.empty()) out["range_end"] = Base64Encode(range_end);
  return out;
}

}  // namespace

json RangeRequest(std::string_view key, std::string_view range_end) { return KeyRange(key, range_end); }

json PutRequest(std::string_view key, std::string_view value, int64_t lease) {
  json out = {{"key", Base64Encode(key)}, {"value", Base64Encode(value)}};
  if (lease != 0) out["lease"] = Int64String(lease);
  return out;
}

json DeleteRangeRequest(std::string_view key, std::string_view range_end) { return KeyRange(key, range_end); }

json TxnRequest(const std::vector<Compare>& compares, const std::vector<Op>& success, const std::vector<Op>& failure) {
  json compare_list = json::array();
  for (const Compare& compare : compares) compare_list.push_back(EncodeCompare(compare));
  return {{"compare", std::move(compare_list)}, {"success", EncodeOps(success)}, {"failure", EncodeOps(failure)}};
}

json WatchCreateRequest(std::string_view key, std::string_view range_end, int64_t start_revision) {
  json create = KeyRange(key, range_end);
  if (start_revision != 0) create["start_revision"] = Int64String(start_revision);
  return {{"create_request", std::move(create)}};
}

json LeaseGrantRequest(int64_t ttl_seconds) { return {{"TTL", Int64String(ttl_seconds)}}; }

json LeaseIdRequest(int64_t lease) { return {{"ID", Int64String(lease)}}; }

json MemberAddRequest(const std::vector<std::string>& peer_urls) { return {{"peerURLs", peer_urls}}; }

json MemberRemoveRequest(uint64_t id) { return {{"ID", std::to_string(id)}}; }

Result<json> ParseBody(std::string_view body) {
  // operator>> reads one value and leaves the rest of the stream alone.
  std::istringstream in{std::string(body)};
  json value;
  try {
    in >> value;
  } catch (const json::exception& e) {
    std::string_view head = body.substr(0, 200);
    return Status::Corruption(fmt::format("etcd answered no JSON ({}): {}", e.what(), head));
  }
  return value;
}

Status ErrorStatus(int http_status, std::string_view body) {
  auto parsed = ParseBody(body);
  std::string message;
  int code = 0;
  if (parsed.ok() && parsed->is_object()) {
    auto text = StringField(*parsed, "message");
    if (text.ok() && text->empty()) text = StringField(*parsed, "error");
    if (text.ok()) message = *text;
    auto grpc_code = IntField<int>(*parsed, "code");
    if (grpc_code.ok()) code = *grpc_code;
  }
  if (message.empty()) message = fmt::format("etcd answered HTTP {}: {}", http_status, body.substr(0, 200));
  if (code == kGrpcNotFound) return Status::NotFound(std::move(message));
  if (code == kGrpcUnavailable || code == kGrpcDeadlineExceeded || (code == 0 && http_status >= 500)) {
    return Status::Unavailable(std::move(message));
  }
  return Status::InvalidArgument(std::move(message));
}

Result<int64_t> DecodeHeaderRevision(const json& response) {
  DM_RETURN_IF_ERROR(RequireObject(response, "response"));
  DM_ASSIGN_OR_RETURN(json header, ObjectField(response, "header"));
  return IntField<int64_t>(header, "revision");
}

Result<RangeResult> DecodeRangeResponse(const json& response) {
  RangeResult result;
  DM_ASSIGN_OR_RETURN(result.revision, DecodeHeaderRevision(response));
  DM_ASSIGN_OR_RETURN(const json* kvs, ArrayField(response, "kvs"));
  for (const json& item : *kvs) {
    DM_ASSIGN_OR_RETURN(KeyValue kv, DecodeKeyValue(item));
    result.kvs.push_back(std::move(kv));
  }
  return result;
}

Result<int64_t> DecodeDeleteRangeResponse(const json& response) {
  DM_RETURN_IF_ERROR(RequireObject(response, "response"));
  return IntField<int64_t>(response, "deleted");
}

Result<TxnResult> DecodeTxnResponse(const json& response) {
  TxnResult result;
  DM_ASSIGN_OR_RETURN(result.revision, DecodeHeaderRevision(response));
  DM_ASSIGN_OR_RETURN(result.succeeded, BoolField(response, "succeeded"));
  DM_ASSIGN_OR_RETURN(const json* responses, ArrayField(response, "responses"));
  for (const json& item : *responses) {
    DM_RETURN_IF_ERROR(RequireObject(item, "txn response"));
    auto range = item.find("response_range");
    if (range == item.end()) continue;
    DM_ASSIGN_OR_RETURN(RangeResult decoded, DecodeRangeResponse(*range));
    result.ranges.push_back(std::move(decoded));
  }
  return result;
}

Result<int64_t> DecodeLeaseGrantResponse(const json& response) {
  DM_RETURN_IF_ERROR(RequireObject(response, "response"));
  DM_ASSIGN_OR_RETURN(std::string error, StringField(response, "error"));
  if (!error.empty()) return Status::InvalidArgument(error);
  return IntField<int64_t>(response, "ID");
}

Result<int64_t> DecodeKeepAliveResponse(const json& message) {
  DM_RETURN_IF_ERROR(RequireObject(message, "keepalive message"));
  auto error = message.find("error");
  if (error != message.end()) return ErrorStatus(200, error->dump());
  DM_ASSIGN_OR_RETURN(json result, ObjectField(message, "result"));
  return IntField<int64_t>(result, "TTL");
}

Result<std::vector<Member>> DecodeMemberListResponse(const json& response) {
  DM_RETURN_IF_ERROR(RequireObject(response, "response"));
  DM_ASSIGN_OR_RETURN(const json* members, ArrayField(response, "members"));
  std::vector<Member> out;
  for (const json& item : *members) {
    DM_ASSIGN_OR_RETURN(Member member, DecodeMember(item));
    out.push_back(std::move(member));
  }
  return out;
}

Result<Member> DecodeMemberAddResponse(const json& response) {
  DM_RETURN_IF_ERROR(RequireObject(response, "response"));
  DM_ASSIGN_OR_RETURN(json member, ObjectField(response, "member"));
  return DecodeMember(member);
}

Result<MemberStatus> DecodeStatusResponse(const json& response) {
  DM_RETURN_IF_ERROR(RequireObject(response, "response"));
  DM_ASSIGN_OR_RETURN(json header, ObjectField(response, "header"));
  MemberStatus status;
  DM_ASSIGN_OR_RETURN(status.member_id, IntField<uint64_t>(header, "member_id"));
  DM_ASSIGN_OR_RETURN(status.leader, IntField<uint64_t>(response, "leader"));
  DM_ASSIGN_OR_RETURN(status.version, StringField(response, "version"));
  DM_ASSIGN_OR_RETURN(status.db_size, IntField<int64_t>(response, "dbSize"));
  DM_ASSIGN_OR_RETURN(status.raft_index, IntField<int64_t>(response, "raftIndex"));
  return status;
}

Result<WatchMessage> DecodeWatchMessage(const json& message) {
  DM_RETURN_IF_ERROR(RequireObject(message, "watch message"));
  auto error = message.find("error");
  if (error != message.end()) return ErrorStatus(200, error->dump());
  DM_ASSIGN_OR_RETURN(json result, ObjectField(message, "result"));
  WatchMessage out;
  DM_ASSIGN_OR_RETURN(out.revision, DecodeHeaderRevision(result));
  DM_ASSIGN_OR_RETURN(out.created, BoolField(result, "created"));
  DM_ASSIGN_OR_RETURN(out.canceled, BoolField(result, "canceled"));
  DM_ASSIGN_OR_RETURN(out.compact_revision, IntField<int64_t>(result, "compact_revision"));
  DM_ASSIGN_OR_RETURN(out.cancel_reason, StringField(result, "cancel_reason"));
  DM_ASSIGN_OR_RETURN(const json* events, ArrayField(result, "events"));
  for (const json& item : *events) {
    DM_RETURN_IF_ERROR(RequireObject(item, "watch event"));
    WatchEvent event;
    DM_ASSIGN_OR_RETURN(std::string type, StringField(item, "type"));
    if (type == "DELETE") {
      event.type = WatchEvent::Type::kDelete;
    } else if (!type.empty() && type != "PUT") {
      return Status::Corruption(fmt::format("etcd answered a watch event of type '{}'", type));
    }
    DM_ASSIGN_OR_RETURN(json kv, ObjectField(item, "kv"));
    DM_ASSIGN_OR_RETURN(event.kv, DecodeKeyValue(kv));
    out.events.push_back(std::move(event));
  }
  return out;
}

}  // namespace dm::etcd::gateway
