#include "http/metrics.h"

#include <gtest/gtest.h>

namespace dm::http {
namespace {

TEST(MetricsTest, RendersPrometheusTextWithEscapedLabels) {
  MetricsRegistry registry;
  auto& state = registry.Gauge("dm_worker_task_state", "state of task", {"task", "source_id", "worker"});
  state.WithLabels({"t\"1", "mysql-01", "w\n1"}).Set(2);
  registry.Counter("dm_syncer_finished_jobs_total", "jobs", {"type"}).WithLabels({"insert"}).Add(3);
  std::string text = registry.Render();
  EXPECT_NE(text.find("# TYPE dm_worker_task_state gauge\n"), std::string::npos);
  EXPECT_NE(text.find(R"(dm_worker_task_state{task="t\"1",source_id="mysql-01",worker="w\n1"} 2)"),
            std::string::npos);
  EXPECT_NE(text.find("dm_syncer_finished_jobs_total{type=\"insert\"} 3\n"), std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  MetricsRegistry registry;
  auto& lag = registry.Histogram("dm_syncer_replication_lag", "lag", {"task"}, {1, 5, 10});
  auto& series = lag.HistogramWithLabels({"t"});
  for (double v : {0.5, 2.0, 3.0, 20.0}) series.Observe(v);
  std::string text = registry.Render();
  EXPECT_NE(text.find("dm_syncer_replication_lag_bucket{task=\"t\",le=\"1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("dm_syncer_replication_lag_bucket{task=\"t\",le=\"5\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("dm_syncer_replication_lag_bucket{task=\"t\",le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("dm_syncer_replication_lag_count{task=\"t\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("dm_syncer_replication_lag_sum{task=\"t\"} 25.5\n"), std::string::npos);
}

TEST(MetricsTest, RemovedSeriesDisappear) {
  MetricsRegistry registry;
  auto& g = registry.Gauge("g", "h", {"task"});
  g.WithLabels({"a"}).Set(1);
  g.Remove({"a"});
  EXPECT_EQ(registry.Render().find("g{task=\"a\"}"), std::string::npos);
}

}  // namespace
}  // namespace dm::http
