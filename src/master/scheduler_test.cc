#include "master/scheduler.h"

#include <gtest/gtest.h>

namespace dm::master {
namespace {

using Kind = BindingChange::Kind;

void AddWorker(ClusterView& view, const std::string& name, bool alive, const std::string& last_source = "") {
  WorkerRecord& w = view.workers[name];
  w.name = name;
  w.address = "127.0.0.1:1";
  w.alive = alive;
  w.last_source = last_source;
}

void Bind(ClusterView& view, const std::string& source, const std::string& worker) {
  view.bound[source] = worker;
  view.workers[worker].bound_source = source;
}

TEST(SchedulerTest, FreeWorkersGetUnboundSourcesOneEach) {
  ClusterView view;
  view.sources = {{"s1", ""}, {"s2", ""}, {"s3", ""}};
  AddWorker(view, "w1", true);
  AddWorker(view, "w2", true);
  auto changes = PlanBindings(view);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].kind, Kind::kBind);
  EXPECT_EQ(changes[0].source, "s1");
  EXPECT_EQ(changes[0].worker, "w1");
  EXPECT_EQ(changes[1].source, "s2");
  EXPECT_EQ(changes[1].worker, "w2");
}

TEST(SchedulerTest, OfflineWorkersAreNeverChosen) {
  ClusterView view;
  view.sources = {{"s1", ""}};
  AddWorker(view, "w1", false);
  EXPECT_TRUE(PlanBindings(view).empty());
}

TEST(SchedulerTest, ExpiredLeaseUnbindsAndRebindsToAFreeWorker) {
  ClusterView view;
  view.sources = {{"s1", ""}};
  AddWorker(view, "w1", false);
  AddWorker(view, "w2", true);
  Bind(view, "s1", "w1");
  auto changes = PlanBindings(view);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].kind, Kind::kUnbind);
  EXPECT_EQ(changes[0].worker, "w1");
  EXPECT_EQ(changes[1].kind, Kind::kBind);
  EXPECT_EQ(changes[1].worker, "w2");
}

TEST(SchedulerTest, LiveBindingsStay) {
  ClusterView view;
  view.sources = {{"s1", ""}};
  AddWorker(view, "w1", true);
  AddWorker(view, "w2", true);
  Bind(view, "s1", "w2");
  EXPECT_TRUE(PlanBindings(view).empty());
}

TEST(SchedulerTest, RemovedSourceIsUnboundAndItsWorkerReused) {
  ClusterView view;
  view.sources = {{"s2", ""}};
  AddWorker(view, "w1", true);
  Bind(view, "s1", "w1");
  auto changes = PlanBindings(view);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].kind, Kind::kUnbind);
  EXPECT_EQ(changes[0].source, "s1");
  EXPECT_EQ(changes[1].kind, Kind::kBind);
  EXPECT_EQ(changes[1].source, "s2");
  EXPECT_EQ(changes[1].worker, "w1");
}

TEST(SchedulerTest, LastBoundWorkerIsPreferred) {
  ClusterView view;
  view.sources = {{"s1", ""}};
  AddWorker(view, "w1", true);
  AddWorker(view, "w2", true, "s1");
  auto changes = PlanBindings(view);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].worker, "w2");
}

TEST(SchedulerTest, SourceInLoadWaitsForTheWorkerHoldingItsDumpFiles) {
  ClusterView view;
  view.sources = {{"s1", ""}};
  AddWorker(view, "w1", false);
  AddWorker(view, "w2", true);
  view.load_workers[{"task", "s1"}] = "w1";
  EXPECT_TRUE(PlanBindings(view).empty());

  view.workers["w1"].alive = true;
  auto changes = PlanBindings(view);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].worker, "w1");
}

TEST(SchedulerTest, OnlyAnOfflineUnboundRegisteredWorkerIsRemovable) {
  ClusterView view;
  AddWorker(view, "live", true);
  AddWorker(view, "gone", false);
  AddWorker(view, "expired", false);
  Bind(view, "s1", "expired");
  view.workers["unregistered"].last_source = "s2";  // only a last-bound record left
  EXPECT_TRUE(CheckWorkerRemovable(view, "gone").ok());
  EXPECT_EQ(CheckWorkerRemovable(view, "live").code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(CheckWorkerRemovable(view, "live").message().find("still online"), std::string::npos);
  EXPECT_EQ(CheckWorkerRemovable(view, "expired").code(), StatusCode::kUnavailable);
  EXPECT_EQ(CheckWorkerRemovable(view, "unregistered").code(), StatusCode::kNotFound);
  EXPECT_EQ(CheckWorkerRemovable(view, "nobody").code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace dm::master
