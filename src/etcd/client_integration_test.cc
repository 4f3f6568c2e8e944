// The Client against a real etcd 3.4 member (started per test).
#include <gtest/gtest.h>

#include <thread>

#include "etcd/client.h"
#include "etcd/etcd_test_util.h"

namespace dm::etcd {
namespace {

using testing::EtcdTest;
using testing::WaitFor;
using testing::WatchRecorder;
using namespace std::chrono_literals;

class ClientTest : public EtcdTest {};

TEST_F(ClientTest, PutGetPrefixAndDelete) {
  auto first = client_->Put("/dm/a", "1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = client_->Put("/dm/b", std::string("\0bin\xff", 5));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first + 1);
  ASSERT_TRUE(client_->Put("/dm0", "outside").ok());
  ASSERT_TRUE(client_->Put("/dm/a", "2").ok());

  auto a = client_->Get("/dm/a");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->value, "2");
  EXPECT_EQ((*a)->version, 2);
  EXPECT_EQ((*a)->create_revision, *first);
  EXPECT_GT((*a)->mod_revision, *second);
  auto missing = client_->Get("/dm/none");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  auto prefix = client_->GetPrefix("/dm/");
  ASSERT_TRUE(prefix.ok());
  ASSERT_EQ(prefix->kvs.size(), 2u);
  EXPECT_EQ(prefix->kvs[0].key, "/dm/a");
  EXPECT_EQ(prefix->kvs[1].key, "/dm/b");
  EXPECT_EQ(prefix->kvs[1].value, std::string("\0bin\xff", 5));
  EXPECT_EQ(prefix->revision, (*a)->mod_revision);

  EXPECT_EQ(*client_->Delete("/dm/none"), 0);
  EXPECT_EQ(*client_->Delete("/dm/a"), 1);
  ASSERT_TRUE(client_->Put("/dm/c", "").ok());
  EXPECT_EQ(*client_->DeletePrefix("/dm/"), 2);
  EXPECT_TRUE(client_->GetPrefix("/dm/")->kvs.empty());
  EXPECT_EQ(client_->GetPrefix("")->kvs.size(), 1u);  // only "/dm0" is left
}

TEST_F(ClientTest, EmptyValueRoundTrips) {
  ASSERT_TRUE(client_->Put("k", "").ok());
  auto kv = client_->Get("k");
  ASSERT_TRUE(kv.ok() && kv->has_value());
  EXPECT_EQ((*kv)->value, "");
}

TEST_F(ClientTest, EtcdRequestErrorsAreInvalidArgumentWithEtcdsMessage) {
  auto put = client_->Put("", "v");
  EXPECT_EQ(put.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(put.status().message().find("key is not provided"), std::string::npos) << put.status().ToString();
  // A transaction may not write one key twice.
  auto txn = client_->Txn({}, {Op::Put("k", "1"), Op::Put("k", "2")}, {});
  EXPECT_EQ(txn.status().code(), StatusCode::kInvalidArgument) << txn.status().ToString();
}

TEST_F(ClientTest, TxnMissingComparesCreateOnlyOnce) {
  auto created = client_->Txn({Compare::Missing("k")}, {Op::Put("k", "first"), Op::Get("k")}, {Op::Get("k")});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_TRUE(created->succeeded);
  ASSERT_EQ(created->ranges.size(), 1u);
  ASSERT_EQ(created->ranges[0].kvs.size(), 1u);
  EXPECT_EQ(created->ranges[0].kvs[0].value, "first");

  auto again = client_->Txn({Compare::Missing("k")}, {Op::Put("k", "second")}, {Op::Get("k"), Op::Get("none")});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->succeeded);
  ASSERT_EQ(again->ranges.size(), 2u);
  EXPECT_EQ(again->ranges[0].kvs.at(0).value, "first");
  EXPECT_TRUE(again->ranges[1].kvs.empty());
  EXPECT_EQ(again->revision, created->revision);  // nothing was written

  auto exists = client_->Txn({Compare::Exists("k")}, {Op::Get("k")}, {});
  ASSERT_TRUE(exists.ok());
  EXPECT_TRUE(exists->succeeded);
  auto exists_missing = client_->Txn({Compare::Exists("none")}, {}, {});
  ASSERT_TRUE(exists_missing.ok());
  EXPECT_FALSE(exists_missing->succeeded);
}

TEST_F(ClientTest, TxnModRevisionAndValueCompares) {
  auto revision = client_->Put("k", "v1");
  ASSERT_TRUE(revision.ok());
  // Compare-and-swap on the mod revision: the stale writer loses.
  auto swapped = client_->Txn({Compare::ModRevisionIs("k", *revision)}, {Op::Put("k", "v2")}, {});
  ASSERT_TRUE(swapped.ok());
  EXPECT_TRUE(swapped->succeeded);
  auto stale = client_->Txn({Compare::ModRevisionIs("k", *revision)}, {Op::Put("k", "v3")}, {Op::Get("k")});
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(stale->succeeded);
  EXPECT_EQ(stale->ranges.at(0).kvs.at(0).value, "v2");
  EXPECT_EQ(stale->ranges.at(0).kvs.at(0).mod_revision, swapped->revision);

  auto value_match = client_->Txn({Compare::ValueIs("k", "v2")}, {Op::Delete("k")}, {});
  ASSERT_TRUE(value_match.ok());
  EXPECT_TRUE(value_match->succeeded);
  EXPECT_FALSE(client_->Get("k")->has_value());
  // A missing key never equals a value, and has mod revision 0.
  auto value_missing = client_->Txn({Compare::ValueIs("k", "")}, {}, {});
  ASSERT_TRUE(value_missing.ok());
  EXPECT_FALSE(value_missing->succeeded);
  auto mod_zero = client_->Txn({Compare::ModRevisionIs("k", 0)}, {}, {});
  ASSERT_TRUE(mod_zero.ok());
  EXPECT_TRUE(mod_zero->succeeded);
}

TEST_F(ClientTest, TxnRunsOpsOfTheTakenBranchInOrder) {
  ASSERT_TRUE(client_->Put("p/1", "a").ok());
  ASSERT_TRUE(client_->Put("p/2", "b").ok());
  auto txn =
      client_->Txn({Compare::Exists("p/1")},
                   {Op::GetPrefix("p/"), Op::DeletePrefix("p/"), Op::GetPrefix("p/"), Op::Put("q", "c"), Op::Get("q")},
                   {Op::Put("never", "x")});
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  EXPECT_TRUE(txn->succeeded);
  ASSERT_EQ(txn->ranges.size(), 3u);
  EXPECT_EQ(txn->ranges[0].kvs.size(), 2u);
  EXPECT_TRUE(txn->ranges[1].kvs.empty());
  ASSERT_EQ(txn->ranges[2].kvs.size(), 1u);
  EXPECT_EQ(txn->ranges[2].kvs[0].value, "c");
  EXPECT_FALSE(client_->Get("never")->has_value());
  // etcd refuses a put inside a range the same branch deletes.
  auto overlapping = client_->Txn({}, {Op::DeletePrefix("q"), Op::Put("q", "d")}, {});
  EXPECT_EQ(overlapping.status().code(), StatusCode::kInvalidArgument) << overlapping.status().ToString();
}

TEST_F(ClientTest, LeaseKeepsAttachedKeysUntilItExpires) {
  auto lease = client_->GrantLease(2s);
  ASSERT_TRUE(lease.ok()) << lease.status().ToString();
  ASSERT_TRUE(client_->Put("leased", "v", *lease).ok());
  auto kv = client_->Get("leased");
  ASSERT_TRUE(kv.ok() && kv->has_value());
  EXPECT_EQ((*kv)->lease, *lease);

  // Kept alive for longer than its TTL, the key stays.
  for (int i = 0; i < 4; ++i) {
    auto ttl = client_->KeepAliveOnce(*lease);
    ASSERT_TRUE(ttl.ok()) << ttl.status().ToString();
    EXPECT_GE(ttl->count(), 1);
    std::this_thread::sleep_for(800ms);
  }
  EXPECT_TRUE(client_->Get("leased")->has_value());

  // Left alone, the lease expires and takes the key with it.
  EXPECT_TRUE(WaitFor([&] { return !client_->Get("leased")->has_value(); }, 8s));
  auto expired = client_->KeepAliveOnce(*lease);
  EXPECT_EQ(expired.status().code(), StatusCode::kNotFound) << expired.status().ToString();
  EXPECT_EQ(client_->Put("again", "v", *lease).status().code(), StatusCode::kNotFound);
}

TEST_F(ClientTest, RevokeDeletesAttachedKeysAtOnce) {
  auto lease = client_->GrantLease(60s);
  ASSERT_TRUE(lease.ok());
  ASSERT_TRUE(client_->Put("a", "1", *lease).ok());
  ASSERT_TRUE(client_->Put("b", "2", *lease).ok());
  ASSERT_TRUE(client_->RevokeLease(*lease).ok());
  EXPECT_TRUE(client_->GetPrefix("")->kvs.empty());
  EXPECT_EQ(client_->RevokeLease(*lease).code(), StatusCode::kNotFound);
  EXPECT_EQ(client_->KeepAliveOnce(*lease).status().code(), StatusCode::kNotFound);
}

TEST_F(ClientTest, ConcurrentCallsFromManyThreads) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 25; ++i) {
        std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
        EXPECT_TRUE(client_->Put(key, std::to_string(i)).ok());
        auto kv = client_->Get(key);
        EXPECT_TRUE(kv.ok() && kv->has_value() && (*kv)->value == std::to_string(i));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(client_->GetPrefix("t" + std::to_string(t) + "/")->kvs.size(), 25u);
}

TEST_F(ClientTest, SingleMemberListsItselfAndReportsStatus) {
  auto members = client_->ListMembers();
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].name, "m0");
  EXPECT_EQ((*members)[0].client_urls, std::vector<std::string>{etcd_.client_url()});
  auto status = client_->EndpointStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->member_id, (*members)[0].id);
  EXPECT_EQ(status->leader, (*members)[0].id);
  EXPECT_EQ(status->version.substr(0, 4), "3.4.");
}

TEST_F(ClientTest, WatchDeliversHistoryAndNewChangesInOrder) {
  auto first = client_->Put("w/a", "1");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(client_->Put("other", "x").ok());
  WatchRecorder watch(*client_, "w/", *first);
  ASSERT_TRUE(client_->Put("w/b", "2").ok());
  ASSERT_TRUE(client_->Delete("w/a").ok());
  EXPECT_TRUE(WaitFor([&] { return watch.events().size() >= 3; }, 10s));
  auto [status, took] = watch.Stop();
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_LE(took.count(), 3000);
  std::vector<WatchEvent> events = watch.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, WatchEvent::Type::kPut);
  EXPECT_EQ(events[0].kv.key, "w/a");
  EXPECT_EQ(events[0].kv.mod_revision, *first);
  EXPECT_EQ(events[1].kv.key, "w/b");
  EXPECT_EQ(events[1].kv.value, "2");
  EXPECT_EQ(events[2].type, WatchEvent::Type::kDelete);
  EXPECT_EQ(events[2].kv.key, "w/a");
  EXPECT_GT(events[2].kv.mod_revision, events[1].kv.mod_revision);
}

TEST_F(ClientTest, WatchFromNowSurvivesIdleReopensWithoutRepeats) {
  ASSERT_TRUE(client_->Put("w/old", "before").ok());
  WatchRecorder watch(*client_, "w/", 0);
  std::this_thread::sleep_for(1s);
  ASSERT_TRUE(client_->Put("w/1", "a").ok());
  std::this_thread::sleep_for(2500ms);  // the idle stream is re-opened twice
  ASSERT_TRUE(client_->Put("w/2", "b").ok());
  EXPECT_TRUE(WaitFor([&] { return watch.events().size() >= 2; }, 10s));
  std::this_thread::sleep_for(1500ms);
  auto [status, took] = watch.Stop();
  EXPECT_TRUE(status.ok()) << status.ToString();
  std::vector<WatchEvent> events = watch.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kv.key, "w/1");
  EXPECT_EQ(events[1].kv.key, "w/2");
}

TEST(ClientConnectTest, UnreachableEndpointsAreUnavailable) {
  testing::Ports ports(2);
  ClientOptions options;
  options.endpoints = {testing::LocalUrl(ports[0]), "127.0.0.1:" + std::to_string(ports[1])};
  options.request_timeout = 1s;
  auto client = Client::Connect(options);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(client.status().message().find(std::to_string(ports[1])), std::string::npos) << client.status().ToString();
}

}  // namespace
}  // namespace dm::etcd
