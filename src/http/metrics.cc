#include "http/metrics.h"

#include <fmt/format.h>

#include <cmath>

namespace dm::http {
namespace {

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

// Label values escape backslash, double quote and newline (exposition format).
void AppendEscaped(std::string& out, const std::string& value) {
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

void AtomicAdd(std::atomic<double>& target, double delta) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

}  // namespace

void Series::Add(double delta) { AtomicAdd(value_, delta); }

HistogramSeries::HistogramSeries(const std::vector<double>& bounds)
    : bounds_(bounds), counts_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i <= bounds.size(); ++i) counts_[i].store(0);
}

void HistogramSeries::Observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, value);
}

MetricFamily::MetricFamily(std::string name, std::string help, MetricType type,
                           std::vector<std::string> label_names, std::vector<double> buckets)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)),
      buckets_(std::move(buckets)) {}

Series& MetricFamily::WithLabels(const std::vector<std::string>& values) {
  std::lock_guard lock(mu_);
  auto& slot = series_[values];
  if (!slot) slot = std::make_unique<Series>();
  return *slot;
}

HistogramSeries& MetricFamily::HistogramWithLabels(const std::vector<std::string>& values) {
  std::lock_guard lock(mu_);
  auto& slot = histograms_[values];
  if (!slot) slot = std::make_unique<HistogramSeries>(buckets_);
  return *slot;
}

void MetricFamily::Remove(const std::vector<std::string>& values) {
  std::lock_guard lock(mu_);
  series_.erase(values);
  histograms_.erase(values);
}

std::string MetricFamily::Labels(const std::vector<std::string>& values, const std::string& extra) const {
  if (label_names_.empty() && extra.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < label_names_.size() && i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += label_names_[i];
    out += "=\"";
    AppendEscaped(out, values[i]);
    out.push_back('"');
  }
  if (!extra.empty()) {
    if (out.size() > 1) out.push_back(',');
    out += extra;
  }
  out.push_back('}');
  return out;
}

void MetricFamily::Render(std::string& out) const {
  std::lock_guard lock(mu_);
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name_, help_, name_, TypeName(type_));
  for (const auto& [values, series] : series_) {
    fmt::format_to(std::back_inserter(out), "{}{} {}\n", name_, Labels(values), FormatValue(series->Value()));
  }
  for (const auto& [values, hist] : histograms_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= buckets_.size(); ++i) {
      cumulative += hist->counts_[i].load(std::memory_order_relaxed);
      std::string le = i < buckets_.size() ? FormatValue(buckets_[i]) : "+Inf";
      fmt::format_to(std::back_inserter(out), "{}_bucket{} {}\n", name_, Labels(values, "le=\"" + le + "\""),
                     cumulative);
    }
    fmt::format_to(std::back_inserter(out), "{}_sum{} {}\n{}_count{} {}\n", name_, Labels(values),
                   FormatValue(hist->sum_.load()), name_, Labels(values), hist->count_.load());
  }
}

MetricFamily& MetricsRegistry::GetOrCreate(const std::string& name, const std::string& help, MetricType type,
                                           std::vector<std::string> labels, std::vector<double> buckets) {
  std::lock_guard lock(mu_);
  auto& slot = families_[name];
  if (!slot) slot = std::make_unique<MetricFamily>(name, help, type, std::move(labels), std::move(buckets));
  return *slot;
}

MetricFamily& MetricsRegistry::Counter(const std::string& name, const std::string& help,
                                       std::vector<std::string> labels) {
  return GetOrCreate(name, help, MetricType::kCounter, std::move(labels), {});
}

MetricFamily& MetricsRegistry::Gauge(const std::string& name, const std::string& help,
                                     std::vector<std::string> labels) {
  return GetOrCreate(name, help, MetricType::kGauge, std::move(labels), {});
}

MetricFamily& MetricsRegistry::Histogram(const std::string& name, const std::string& help,
                                         std::vector<std::string> labels, std::vector<double> buckets) {
  return GetOrCreate(name, help, MetricType::kHistogram, std::move(labels), std::move(buckets));
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) family->Render(out);
  return out;
}

}  // namespace dm::http
