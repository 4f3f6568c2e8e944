// Election between candidates sharing one real etcd member.
#include <gtest/gtest.h>

#include <thread>

#include "etcd/election.h"
#include "etcd/etcd_test_util.h"

namespace dm::etcd {
namespace {

using namespace std::chrono_literals;

constexpr char kKey[] = "/dm-master/leader";
constexpr auto kTtl = 2s;

class ElectionTest : public testing::EtcdTest {
 protected:
  // Steps `election` until it leads, at most `timeout`; returns the time it took.
  std::optional<std::chrono::milliseconds> StepUntilLeading(Election& election, std::chrono::milliseconds timeout) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < timeout) {
      auto leading = election.Step();
      EXPECT_TRUE(leading.ok()) << leading.status().ToString();
      if (leading.ok() && *leading) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
      }
      std::this_thread::sleep_for(250ms);
    }
    return std::nullopt;
  }

  std::optional<std::string> CurrentLeader(Election& election) {
    auto leader = election.Leader();
    EXPECT_TRUE(leader.ok()) << leader.status().ToString();
    return leader.ok() ? *leader : std::nullopt;
  }
};

TEST_F(ElectionTest, FirstCandidateLeadsAndKeepsLeadingWhileStepping) {
  Election a(*client_, kKey, "a", kTtl);
  Election b(*client_, kKey, "b", kTtl);
  EXPECT_EQ(CurrentLeader(a), std::nullopt);
  ASSERT_TRUE(*a.Step());
  EXPECT_FALSE(*b.Step());
  EXPECT_EQ(CurrentLeader(b), "a");
  // Stepping for twice the TTL keeps the lease, and so the key, alive.
  for (int i = 0; i < 8; ++i) {
    std::this_thread::sleep_for(500ms);
    EXPECT_TRUE(*a.Step());
    EXPECT_FALSE(*b.Step());
  }
  auto key = client_->Get(kKey);
  ASSERT_TRUE(key.ok() && key->has_value());
  EXPECT_EQ((*key)->lease, a.lease());
  EXPECT_EQ((*key)->version, 1);  // written once, never rewritten by a step
}

TEST_F(ElectionTest, AnotherCandidateTakesOverWhenTheLeaderStopsStepping) {
  Election a(*client_, kKey, "a", kTtl);
  Election b(*client_, kKey, "b", kTtl);
  ASSERT_TRUE(*a.Step());
  ASSERT_FALSE(*b.Step());
  // `a` stops stepping (a dead leader): within ttl plus etcd's expiry
  // check (every 500 ms) and one step, `b` leads.
  auto took = StepUntilLeading(b, 10s);
  ASSERT_TRUE(took.has_value()) << "b never took over";
  EXPECT_LE(took->count(), (kTtl + 2s).count() * 1000) << "handover took " << took->count() << " ms";
  EXPECT_EQ(CurrentLeader(b), "b");
  // The old leader finds its lease gone and follows.
  EXPECT_FALSE(*a.Step());
  EXPECT_EQ(CurrentLeader(a), "b");
}

TEST_F(ElectionTest, ResignHandsOverAtOnce) {
  Election a(*client_, kKey, "a", kTtl);
  Election b(*client_, kKey, "b", kTtl);
  ASSERT_TRUE(*a.Step());
  ASSERT_FALSE(*b.Step());
  const int64_t old_lease = a.lease();
  ASSERT_TRUE(a.Resign().ok());
  EXPECT_EQ(a.lease(), 0);
  EXPECT_EQ(client_->KeepAliveOnce(old_lease).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(CurrentLeader(a), std::nullopt);
  EXPECT_TRUE(*b.Step());
  EXPECT_EQ(CurrentLeader(a), "b");
  EXPECT_FALSE(*a.Step());
  EXPECT_NE(a.lease(), 0);
}

TEST_F(ElectionTest, ResignNeverDeletesAnotherLeadersKey) {
  Election a(*client_, kKey, "a", kTtl);
  Election b(*client_, kKey, "b", kTtl);
  ASSERT_TRUE(*a.Step());
  ASSERT_TRUE(StepUntilLeading(b, 10s).has_value());
  // `a` still believes it leads (it has not stepped since); its resign
  // must leave b's key alone.
  ASSERT_TRUE(a.Resign().ok());
  EXPECT_EQ(CurrentLeader(b), "b");
  EXPECT_TRUE(*b.Step());
}

TEST_F(ElectionTest, ResignWithoutLeadingIsHarmless) {
  Election a(*client_, kKey, "a", kTtl);
  EXPECT_TRUE(a.Resign().ok());
  Election b(*client_, kKey, "b", kTtl);
  ASSERT_TRUE(*b.Step());
  EXPECT_FALSE(*a.Step());
  EXPECT_TRUE(a.Resign().ok());
  EXPECT_EQ(CurrentLeader(b), "b");
}

}  // namespace
}  // namespace dm::etcd
