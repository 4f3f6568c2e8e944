#include "master/cluster_view.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "master/keys.h"

namespace dm::master {
namespace {

using json = nlohmann::json;

Result<json> ParseValue(const etcd::KeyValue& kv) {
  json doc = json::parse(kv.value, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::Corruption(fmt::format("etcd key '{}' does not hold a JSON object", kv.key));
  }
  return doc;
}

std::string StringField(const json& doc, const char* name) {
  auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Calls `each(segments, kv)` for every key of `range` (read under `prefix`),
// with its segments decoded and checked to number `arity`.
template <class Each>
Status ForEach(const etcd::RangeResult& range, const std::string& prefix, size_t arity, Each each) {
  for (const etcd::KeyValue& kv : range.kvs) {
    DM_ASSIGN_OR_RETURN(std::vector<std::string> segments, keys::DecodeSegments(kv.key, prefix));
    if (segments.size() != arity) {
      return Status::Corruption(fmt::format("etcd key '{}' should have {} segment(s) after '{}'", kv.key, arity, prefix));
    }
    DM_RETURN_IF_ERROR(each(segments, kv));
  }
  return Status::OK();
}

}  // namespace

std::string_view ExpectedStageName(ExpectedStage stage) {
  return stage == ExpectedStage::kRunning ? "Running" : "Paused";
}

Result<ExpectedStage> ParseExpectedStage(std::string_view name) {
  if (name == "Running") return ExpectedStage::kRunning;
  if (name == "Paused") return ExpectedStage::kPaused;
  return Status::Corruption(fmt::format("unknown expected stage '{}'", name));
}

std::vector<std::string> ClusterView::TaskNames() const {
  std::vector<std::string> names;
  for (const auto& [key, record] : subtasks) {
    if (names.empty() || names.back() != key.first) names.push_back(key.first);
  }
  return names;
}

std::vector<const SubTaskRecord*> ClusterView::SubTasksOf(const std::string& task,
                                                          const std::vector<std::string>& only_sources) const {
  std::vector<const SubTaskRecord*> out;
  for (auto it = subtasks.lower_bound({task, ""}); it != subtasks.end() && it->first.first == task; ++it) {
    if (!only_sources.empty() &&
        std::find(only_sources.begin(), only_sources.end(), it->first.second) == only_sources.end()) {
      continue;
    }
    out.push_back(&it->second);
  }
  return out;
}

Result<ClusterView> ReadClusterView(etcd::Client& client) {
  // One read-only transaction: every prefix at the same revision.
  const std::vector<std::string> prefixes = {
      keys::WorkerRegistrationPrefix(), keys::WorkerKeepalivePrefix(), keys::SourceConfigPrefix(),
      keys::BoundWorkerPrefix(),        keys::LastBoundWorkerPrefix(), keys::SubTaskConfigPrefix(),
      keys::SubTaskStagePrefix(),       keys::LoadTaskPrefix(),        keys::TaskCliArgsPrefix()};
  std::vector<etcd::Op> reads;
  for (const std::string& prefix : prefixes) reads.push_back(etcd::Op::GetPrefix(prefix));
  DM_ASSIGN_OR_RETURN(etcd::TxnResult txn, client.Txn({}, reads, {}));
  if (txn.ranges.size() != prefixes.size()) {
    return Status::Internal(fmt::format("etcd answered {} ranges for {} reads", txn.ranges.size(), prefixes.size()));
  }
  ClusterView view;
  view.revision = txn.revision;
  DM_RETURN_IF_ERROR(ForEach(txn.ranges[0], prefixes[0], 1, [&](auto& seg, auto& kv) -> Status {
    DM_ASSIGN_OR_RETURN(json doc, ParseValue(kv));
    WorkerRecord& w = view.workers[seg[0]];
    w.name = seg[0];
    w.address = StringField(doc, "address");
    return Status::OK();
  }));
  DM_RETURN_IF_ERROR(ForEach(txn.ranges[1], prefixes[1], 1, [&](auto& seg, auto&) {
    auto it = view.workers.find(seg[0]);
    if (it != view.workers.end()) it->second.alive = true;
    return Status::OK();
  }));
  DM_RETURN_IF_ERROR(ForEach(txn.ranges[2], prefixes[2], 1, [&](auto& seg, auto& kv) {
    view.sources[seg[0]] = kv.value;
    return Status::OK();
  }));
  DM_RETURN_IF_ERROR(ForEach(txn.ranges[3], prefixes[3], 1, [&](auto& seg, auto& kv) -> Status {
    DM_ASSIGN_OR_RETURN(json doc, ParseValue(kv));
    std::string source = StringField(doc, "source");
    view.bound[source] = seg[0];
    view.workers[seg[0]].name = seg[0];
    view.workers[seg[0]].bound_source = source;
    return Status::OK();
  }));
  DM_RETURN_IF_ERROR(ForEach(txn.ranges[4], prefixes[4], 1, [&](auto& seg, auto& kv) -> Status {
    DM_ASSIGN_OR_RETURN(json doc, ParseValue(kv));
    auto it = view.workers.find(seg[0]);
    if (it != view.workers.end()) it->second.last_source = StringField(doc, "source");
    return Status::OK();
  }));
  DM_RETURN_IF_ERROR(ForEach(txn.ranges[5], prefixes[5], 2, [&](auto& seg, auto& kv) {
    SubTaskRecord& r = view.subtasks[{seg[1], seg[0]}];
    r.source = seg[0];
    r.task = seg[1];
    r.task_yaml = kv.value;
    return Status::OK();
  }));
  DM_RETURN_IF_ERROR(ForEach(txn.ranges[6], prefixes[6], 2, [&](auto& seg, auto& kv) -> Status {
    auto it = view.subtasks.find({seg[1], seg[0]});
    if (it == view.subtasks.end()) return Status::OK();  // a stop-task in flight removes both
    DM_ASSIGN_OR_RETURN(json doc, ParseValue(kv));
    DM_ASSIGN_OR_RETURN(it->second.stage, ParseExpectedStage(StringField(doc, "expect")));
    return Status::OK();
  }));
  DM_RETURN_IF_ERROR(ForEach(txn.ranges[7], prefixes[7], 2, [&](auto& seg, auto& kv) -> Status {
    DM_ASSIGN_OR_RETURN(json doc, ParseValue(kv));
    view.load_workers[{seg[0], seg[1]}] = StringField(doc, "worker");
    return Status::OK();
  }));
  DM_RETURN_IF_ERROR(ForEach(txn.ranges[8], prefixes[8], 2, [&](auto& seg, auto& kv) -> Status {
    auto it = view.subtasks.find({seg[0], seg[1]});
    if (it == view.subtasks.end()) return Status::OK();
    DM_ASSIGN_OR_RETURN(json doc, ParseValue(kv));
    it->second.start_time = StringField(doc, "start-time");
    return Status::OK();
  }));
  return view;
}

std::string BindingValue(const std::string& source, const std::string& worker) {
  return json{{"source", source}, {"worker", worker}}.dump();
}

std::string StageValue(const std::string& task, const std::string& source, ExpectedStage stage) {
  return json{{"task", task}, {"source", source}, {"expect", ExpectedStageName(stage)}}.dump();
}

std::string RegistrationValue(const std::string& worker, const std::string& address) {
  return json{{"name", worker}, {"address", address}}.dump();
}

}  // namespace dm::master
