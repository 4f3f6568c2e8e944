// A small Prometheus registry: counter, gauge and histogram families with
// labels, rendered in the Prometheus text exposition format (version 0.0.4)
// at GET /metrics. DM's metric names are kept (dm_syncer_replication_lag,
// dm_worker_task_state, ...) so existing dashboards and alerts keep working.
//
// Thread-safety: all methods are safe to call concurrently. Series handles
// returned by WithLabels() stay valid for the registry's lifetime, so hot
// paths look a series up once and then update it lock-free.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dm::http {

enum class MetricType { kCounter, kGauge, kHistogram };

// One labelled time series. Counters only go up; gauges are set freely.
class Series {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// One labelled histogram with fixed upper bounds.
class HistogramSeries {
 public:
  explicit HistogramSeries(const std::vector<double>& bounds);
  void Observe(double value);

 private:
  friend class MetricFamily;
  const std::vector<double>& bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // one per bound, plus +Inf
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

class MetricFamily {
 public:
  MetricFamily(std::string name, std::string help, MetricType type, std::vector<std::string> label_names,
               std::vector<double> buckets);

  // Returns the series for these label values (in label_names order), creating
  // it on first use. REQUIRES: values.size() == label_names.size(); not a
  // histogram family.
  Series& WithLabels(const std::vector<std::string>& values);
  // REQUIRES: a histogram family.
  HistogramSeries& HistogramWithLabels(const std::vector<std::string>& values);
  // Drops a series (a stopped task's gauges must not linger).
  void Remove(const std::vector<std::string>& values);

  void Render(std::string& out) const;
  const std::string& name() const { return name_; }

 private:
  std::string Labels(const std::vector<std::string>& values, const std::string& extra = "") const;

  const std::string name_;
  const std::string help_;
  const MetricType type_;
  const std::vector<std::string> label_names_;
  const std::vector<double> buckets_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series_;
  std::map<std::vector<std::string>, std::unique_ptr<HistogramSeries>> histograms_;
};

class MetricsRegistry {
 public:
  // Each returns the family, creating it on first use; later calls with the
  // same name return the same family.
  MetricFamily& Counter(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  MetricFamily& Gauge(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  MetricFamily& Histogram(const std::string& name, const std::string& help, std::vector<std::string> labels,
                          std::vector<double> buckets);

  // The whole registry in Prometheus text format.
  std::string Render() const;

 private:
  MetricFamily& GetOrCreate(const std::string& name, const std::string& help, MetricType type,
                            std::vector<std::string> labels, std::vector<double> buckets);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<MetricFamily>> families_;
};

}  // namespace dm::http
