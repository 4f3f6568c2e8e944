// Binding sources to workers, as DM's scheduler does (dm-spec §1.3): each
// source is served by at most one worker and each worker serves at most one
// source. The leader plans from a ClusterView and applies each change as an
// etcd transaction that fails if the view went stale, so two leaders (one
// about to lose its lease) can never bind one worker twice.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "etcd/client.h"
#include "master/cluster_view.h"

namespace dm::master {

struct BindingChange {
  enum class Kind { kBind, kUnbind };
  Kind kind = Kind::kBind;
  std::string source;
  std::string worker;
};

// The changes that bring `view` to a valid state:
//  - unbind sources whose worker's lease has expired (the lease outlived a
//    full keepalive-ttl, and the worker stopped itself at half of it), and
//    bindings whose source was removed;
//  - bind each unbound source to a free live worker, preferring, as DM: the
//    worker holding one of the source's subtasks in Dump or Load (its dump
//    files are local), then the worker last bound to the source, then any
//    free worker (by name, so the plan is deterministic).
// A source that needs the worker holding its dump files waits for it while
// any of its subtasks is in Dump or Load: another worker could not load them.
std::vector<BindingChange> PlanBindings(const ClusterView& view);

// Whether offline-member may forget worker `name`, as DM's RemoveWorker: it
// must be registered (NotFound), offline, i.e. its keepalive lease expired
// (FailedPrecondition), and bound to no source (Unavailable: a lease that
// expired a moment ago; the leader's next pass unbinds it).
Status CheckWorkerRemovable(const ClusterView& view, const std::string& name);

// Applies one change, only while `leader_fence` holds (the leader key still
// names us: a master that lost leadership cannot write bindings, and the
// leader makes all binding changes from one thread, so a source is never bound
// twice). Bind also requires the worker alive and unbound and the source to
// exist. FailedPrecondition when the view was stale.
Status ApplyBindingChange(etcd::Client& client, const BindingChange& change, const etcd::Compare& leader_fence);

}  // namespace dm::master
