#include "master/scheduler.h"

#include <fmt/format.h>

#include <set>

#include "master/keys.h"

namespace dm::master {
namespace {

bool IsFree(const WorkerRecord& w, const std::set<std::string>& taken) {
  return w.alive && w.bound_source.empty() && !w.address.empty() && !taken.contains(w.name);
}

}  // namespace

std::vector<BindingChange> PlanBindings(const ClusterView& view) {
  std::vector<BindingChange> changes;
  std::set<std::string> unbound_sources;
  for (const auto& [source, config] : view.sources) unbound_sources.insert(source);
  std::set<std::string> released;  // workers whose binding this plan removes
  for (const auto& [source, worker] : view.bound) {
    auto w = view.workers.find(worker);
    const bool alive = w != view.workers.end() && w->second.alive;
    if (!view.sources.contains(source) || !alive) {
      changes.push_back({BindingChange::Kind::kUnbind, source, worker});
      released.insert(worker);
      continue;
    }
    unbound_sources.erase(source);
  }

  std::set<std::string> taken;  // workers this plan binds
  auto free = [&](const WorkerRecord& w) {
    return IsFree(w, taken) || (released.contains(w.name) && w.alive && !taken.contains(w.name));
  };
  for (const std::string& source : unbound_sources) {
    std::string chosen;
    bool must_wait = false;
    for (const auto& [key, worker] : view.load_workers) {
      if (key.second != source) continue;
      auto w = view.workers.find(worker);
      if (w != view.workers.end() && free(w->second)) {
        chosen = worker;
        break;
      }
      must_wait = true;  // its dump files are on a worker that is busy or offline
    }
    if (chosen.empty() && must_wait) continue;
    if (chosen.empty()) {
      for (const auto& [name, w] : view.workers) {
        if (w.last_source == source && free(w)) {
          chosen = name;
          break;
        }
      }
    }
    if (chosen.empty()) {
      for (const auto& [name, w] : view.workers) {
        if (free(w)) {
          chosen = name;
          break;
        }
      }
    }
    if (chosen.empty()) continue;  // waits for a free worker
    taken.insert(chosen);
    changes.push_back({BindingChange::Kind::kBind, source, chosen});
  }
  return changes;
}

Status CheckWorkerRemovable(const ClusterView& view, const std::string& name) {
  auto w = view.workers.find(name);
  if (w == view.workers.end() || w->second.address.empty()) {
    return Status::NotFound(fmt::format("dm-worker with name {} not exists", name));
  }
  if (w->second.alive) {
    return Status::FailedPrecondition(fmt::format("dm-worker with name {} is still online, must shut it down first",
                                                  name));
  }
  if (!w->second.bound_source.empty()) {
    return Status::Unavailable(fmt::format("dm-worker with name {} is still bound to source {}; retry in a second",
                                           name, w->second.bound_source));
  }
  return Status::OK();
}

Status ApplyBindingChange(etcd::Client& client, const BindingChange& change, const etcd::Compare& leader_fence) {
  if (change.kind == BindingChange::Kind::kUnbind) {
    DM_ASSIGN_OR_RETURN(etcd::TxnResult txn,
                        client.Txn({etcd::Compare::ValueIs(keys::BoundWorker(change.worker),
                                                           BindingValue(change.source, change.worker)),
                                   leader_fence},
                                   {etcd::Op::Delete(keys::BoundWorker(change.worker))}, {}));
    if (!txn.succeeded) {
      return Status::FailedPrecondition(
          fmt::format("worker '{}' is no longer bound to source '{}'", change.worker, change.source));
    }
    return Status::OK();
  }
  const std::string value = BindingValue(change.source, change.worker);
  DM_ASSIGN_OR_RETURN(
      etcd::TxnResult txn,
      client.Txn({etcd::Compare::Missing(keys::BoundWorker(change.worker)),
                  etcd::Compare::Exists(keys::WorkerKeepalive(change.worker)),
                  etcd::Compare::Exists(keys::SourceConfig(change.source)), leader_fence},
                 {etcd::Op::Put(keys::BoundWorker(change.worker), value),
                  etcd::Op::Put(keys::LastBoundWorker(change.worker), value)},
                 {}));
  if (!txn.succeeded) {
    return Status::FailedPrecondition(fmt::format("cannot bind source '{}' to worker '{}': the worker is gone or "
                                                  "bound, or the source was removed",
                                                  change.source, change.worker));
  }
  return Status::OK();
}

}  // namespace dm::master
