#include "etcd/gateway_json.h"

#include <gtest/gtest.h>

namespace dm::etcd::gateway {
namespace {

using nlohmann::json;

json Parse(std::string_view text) {
  auto parsed = ParseBody(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : json();
}

TEST(GatewayJsonTest, PutEncodesBytesAsBase64AndLeaseAsString) {
  EXPECT_EQ(PutRequest("a", std::string("\0\xff", 2), 0), json({{"key", "YQ=="}, {"value", "AP8="}}));
  EXPECT_EQ(PutRequest("a", "", 8691281286716872455),
            json({{"key", "YQ=="}, {"value", ""}, {"lease", "8691281286716872455"}}));
}

TEST(GatewayJsonTest, RangeSendsRangeEndOnlyForRanges) {
  EXPECT_EQ(RangeRequest("a", ""), json({{"key", "YQ=="}}));
  EXPECT_EQ(RangeRequest("a", "b"), json({{"key", "YQ=="}, {"range_end", "Yg=="}}));
  EXPECT_EQ(DeleteRangeRequest("a", std::string(1, '\0')), json({{"key", "YQ=="}, {"range_end", "AA=="}}));
}

TEST(GatewayJsonTest, TxnEncodesComparesAndOps) {
  json txn = TxnRequest({Compare::Missing("a"), Compare::ModRevisionIs("b", 12), Compare::ValueIs("c", "x"),
                         Compare{"d", Compare::Target::kVersion, Compare::Relation::kGreater, 3, {}}},
                        {Op::Put("a", "v", 5), Op::GetPrefix("a")}, {Op::Delete("a")});
  json expected = json::parse(R"({
    "compare": [
      {"key": "YQ==", "target": "CREATE", "result": "EQUAL", "create_revision": "0"},
      {"key": "Yg==", "target": "MOD", "result": "EQUAL", "mod_revision": "12"},
      {"key": "Yw==", "target": "VALUE", "result": "EQUAL", "value": "eA=="},
      {"key": "ZA==", "target": "VERSION", "result": "GREATER", "version": "3"}],
    "success": [
      {"request_put": {"key": "YQ==", "value": "dg==", "lease": "5"}},
      {"request_range": {"key": "YQ==", "range_end": "Yg=="}}],
    "failure": [{"request_delete_range": {"key": "YQ=="}}]})");
  EXPECT_EQ(txn, expected);
}

TEST(GatewayJsonTest, LeaseAndMemberRequestsUseStrings) {
  EXPECT_EQ(LeaseGrantRequest(5), json({{"TTL", "5"}}));
  EXPECT_EQ(LeaseIdRequest(-3), json({{"ID", "-3"}}));
  EXPECT_EQ(MemberRemoveRequest(15161059783862745548ULL), json({{"ID", "15161059783862745548"}}));
  EXPECT_EQ(MemberAddRequest({"http://127.0.0.1:1"}), json({{"peerURLs", {"http://127.0.0.1:1"}}}));
}

// Captured from etcd 3.4.23: value 0 fields (value "", lease 0) are absent.
TEST(GatewayJsonTest, RangeResponseDecodesAbsentFieldsAsZero) {
  json response = Parse(
      R"({"header":{"cluster_id":"16143856701744735195","member_id":"882030360437913757","revision":"2","raft_term":"2"},)"
      R"("kvs":[{"key":"YQ==","create_revision":"2","mod_revision":"2","version":"1"},)"
      R"({"key":"Yg==","create_revision":"3","mod_revision":"9","version":"4","value":"eA==","lease":"8691281286716872455"}],"count":"2"})");
  auto range = DecodeRangeResponse(response);
  ASSERT_TRUE(range.ok()) << range.status().ToString();
  EXPECT_EQ(range->revision, 2);
  ASSERT_EQ(range->kvs.size(), 2u);
  EXPECT_EQ(range->kvs[0].key, "a");
  EXPECT_EQ(range->kvs[0].value, "");
  EXPECT_EQ(range->kvs[0].lease, 0);
  EXPECT_EQ(range->kvs[0].version, 1);
  EXPECT_EQ(range->kvs[1].value, "x");
  EXPECT_EQ(range->kvs[1].mod_revision, 9);
  EXPECT_EQ(range->kvs[1].lease, 8691281286716872455);
}

TEST(GatewayJsonTest, EmptyRangeHasNoKvsField) {
  auto range = DecodeRangeResponse(Parse(R"({"header":{"revision":"3"}})"));
  ASSERT_TRUE(range.ok());
  EXPECT_TRUE(range->kvs.empty());
  EXPECT_EQ(range->revision, 3);
}

TEST(GatewayJsonTest, IntegersAsJsonNumbersAreAccepted) {
  auto range = DecodeRangeResponse(Parse(R"({"header":{"revision":7},"kvs":[{"key":"YQ==","version":2}]})"));
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->revision, 7);
  EXPECT_EQ(range->kvs[0].version, 2);
}

TEST(GatewayJsonTest, MalformedFieldsAreCorruption) {
  EXPECT_EQ(DecodeRangeResponse(Parse(R"({"header":{"revision":"x1"}})")).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeRangeResponse(Parse(R"({"kvs":[{"key":"Y!=="}]})")).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeRangeResponse(Parse(R"({"kvs":{}})")).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeRangeResponse(Parse(R"([1])")).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseBody("<html>").status().code(), StatusCode::kCorruption);
}

// Captured: a txn whose failure branch ran a range and a delete.
TEST(GatewayJsonTest, TxnResponseKeepsRangesInOrderAndAbsentSucceededIsFalse) {
  json response = Parse(
      R"({"header":{"revision":"3"},"responses":[{"response_range":{"header":{"revision":"2"},)"
      R"("kvs":[{"key":"YQ==","create_revision":"2","mod_revision":"2","version":"1"}],"count":"1"}},)"
      R"({"response_delete_range":{"header":{"revision":"3"},"deleted":"1"}},{"response_range":{"header":{"revision":"3"}}}]})");
  auto txn = DecodeTxnResponse(response);
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  EXPECT_FALSE(txn->succeeded);
  EXPECT_EQ(txn->revision, 3);
  ASSERT_EQ(txn->ranges.size(), 2u);
  EXPECT_EQ(txn->ranges[0].kvs.size(), 1u);
  EXPECT_TRUE(txn->ranges[1].kvs.empty());
  auto succeeded = DecodeTxnResponse(Parse(R"({"header":{"revision":"4"},"succeeded":true})"));
  ASSERT_TRUE(succeeded.ok());
  EXPECT_TRUE(succeeded->succeeded);
  EXPECT_TRUE(succeeded->ranges.empty());
}

TEST(GatewayJsonTest, DeleteCountAndLeaseGrant) {
  EXPECT_EQ(*DecodeDeleteRangeResponse(Parse(R"({"header":{},"deleted":"3"})")), 3);
  EXPECT_EQ(*DecodeDeleteRangeResponse(Parse(R"({"header":{}})")), 0);
  EXPECT_EQ(*DecodeLeaseGrantResponse(Parse(R"({"header":{},"ID":"8691281286716872455","TTL":"2"})")),
            8691281286716872455);
}

// Captured: the keepalive stream of a live lease, then of an unknown one
// (no TTL), with the trailer text a chunked reply can leave after it.
TEST(GatewayJsonTest, KeepAliveTtlAbsentMeansGone) {
  EXPECT_EQ(*DecodeKeepAliveResponse(Parse(R"({"result":{"header":{"revision":"2"},"ID":"7","TTL":"5"}})")), 5);
  EXPECT_EQ(*DecodeKeepAliveResponse(Parse("{\"result\":{\"header\":{\"revision\":\"2\"},\"ID\":\"12345\"}}\n"
                                           "Grpc-Trailer-Content-Type: application/grpc")),
            0);
  auto error = DecodeKeepAliveResponse(Parse(R"({"error":{"code":14,"message":"etcdserver: no leader"}})"));
  EXPECT_EQ(error.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(error.status().message(), "etcdserver: no leader");
}

TEST(GatewayJsonTest, ErrorBodiesMapToStatusCodes) {
  Status not_found = ErrorStatus(
      404,
      R"({"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5})");
  EXPECT_EQ(not_found.code(), StatusCode::kNotFound);
  EXPECT_EQ(not_found.message(), "etcdserver: requested lease not found");
  Status bad = ErrorStatus(
      400, R"({"error":"etcdserver: key is not provided","message":"etcdserver: key is not provided","code":3})");
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(), "etcdserver: key is not provided");
  EXPECT_EQ(ErrorStatus(503, R"({"error":"etcdserver: no leader","code":14})").code(), StatusCode::kUnavailable);
  EXPECT_EQ(ErrorStatus(504, R"({"error":"etcdserver: request timed out","code":4})").code(), StatusCode::kUnavailable);
  Status not_json = ErrorStatus(502, "Bad Gateway");
  EXPECT_EQ(not_json.code(), StatusCode::kUnavailable);
  EXPECT_NE(not_json.message().find("HTTP 502"), std::string::npos);
}

// Captured: member list of a one-member cluster and the answer to an add.
TEST(GatewayJsonTest, MembersDecodeIdsAsUnsigned) {
  auto members = DecodeMemberListResponse(
      Parse(R"({"header":{"raft_term":"2"},"members":[{"ID":"882030360437913757","name":"e0",)"
            R"("peerURLs":["http://127.0.0.1:21073"],"clientURLs":["http://127.0.0.1:21072"]}]})"));
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].id, 882030360437913757ULL);
  EXPECT_EQ((*members)[0].name, "e0");
  EXPECT_EQ((*members)[0].peer_urls, std::vector<std::string>{"http://127.0.0.1:21073"});
  EXPECT_EQ((*members)[0].client_urls, std::vector<std::string>{"http://127.0.0.1:21072"});
  auto added = DecodeMemberAddResponse(
      Parse(R"({"header":{},"member":{"ID":"15161059783862745548","peerURLs":["http://127.0.0.1:1"]},"members":[]})"));
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->id, 15161059783862745548ULL);
  EXPECT_TRUE(added->name.empty());
  EXPECT_TRUE(added->client_urls.empty());
}

TEST(GatewayJsonTest, StatusResponse) {
  auto status = DecodeStatusResponse(Parse(
      R"({"header":{"cluster_id":"16143856701744735195","member_id":"882030360437913757","revision":"1","raft_term":"2"},)"
      R"("version":"3.4.23","dbSize":"20480","leader":"882030360437913757","raftIndex":"4","raftTerm":"2"})"));
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->member_id, 882030360437913757ULL);
  EXPECT_EQ(status->leader, 882030360437913757ULL);
  EXPECT_EQ(status->version, "3.4.23");
  EXPECT_EQ(status->db_size, 20480);
  EXPECT_EQ(status->raft_index, 4);
}

TEST(GatewayJsonTest, WatchCreateSendsStartRevisionOnlyWhenSet) {
  EXPECT_EQ(WatchCreateRequest("a", "b", 0), json({{"create_request", {{"key", "YQ=="}, {"range_end", "Yg=="}}}}));
  EXPECT_EQ(WatchCreateRequest("a", "", 12), json({{"create_request", {{"key", "YQ=="}, {"start_revision", "12"}}}}));
}

// Captured from etcd 3.4.23: creation, then puts (type absent) and a delete.
TEST(GatewayJsonTest, WatchMessagesDecodeEvents) {
  auto created = DecodeWatchMessage(Parse(R"({"result":{"header":{"revision":"4"},"created":true}})"));
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created->created);
  EXPECT_EQ(created->revision, 4);
  EXPECT_TRUE(created->events.empty());
  auto events = DecodeWatchMessage(Parse(
      R"({"result":{"header":{"revision":"4"},"events":[{"kv":{"key":"YQ==","create_revision":"2","mod_revision":"2",)"
      R"("version":"1","value":"MQ=="}},{"type":"DELETE","kv":{"key":"YQ==","mod_revision":"4"}}]}})"));
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->events.size(), 2u);
  EXPECT_EQ(events->events[0].type, WatchEvent::Type::kPut);
  EXPECT_EQ(events->events[0].kv.value, "1");
  EXPECT_EQ(events->events[1].type, WatchEvent::Type::kDelete);
  EXPECT_EQ(events->events[1].kv.mod_revision, 4);
  EXPECT_EQ(DecodeWatchMessage(Parse(R"({"result":{"events":[{"type":"NOPE","kv":{}}]}})")).status().code(),
            StatusCode::kCorruption);
}

TEST(GatewayJsonTest, WatchOfACompactedRevisionIsCanceled) {
  auto canceled =
      DecodeWatchMessage(Parse(R"({"result":{"header":{"raft_term":"2"},"canceled":true,"compact_revision":"3"}})"));
  ASSERT_TRUE(canceled.ok());
  EXPECT_TRUE(canceled->canceled);
  EXPECT_EQ(canceled->compact_revision, 3);
}

}  // namespace
}  // namespace dm::etcd::gateway
