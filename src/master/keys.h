// The etcd key layout of dm's cluster state, DM's own (dm-spec §1.2), so an
// operator who knows DM's keys finds them here. Every segment after a prefix
// is hex-encoded as DM encodes it, so names may hold any byte.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace dm::master::keys {

// "/dm-master/leader": the election key; its value names the leader.
std::string Leader();

// "/dm-cluster/id": the cluster's id, 8 bytes big-endian, made once (DM's
// ClusterIDKey).
std::string ClusterId();
// "/dm-cluster/topology": the OpenAPI's ClusterTopology JSON, as TiUP or a
// PUT /api/v1/cluster/info stores it (DM's ClusterTopologyKey).
std::string ClusterTopology();

// "/dm-worker/r/<worker>": a registered worker (persistent).
std::string WorkerRegistration(std::string_view worker);
std::string WorkerRegistrationPrefix();
// "/dm-worker/a/<worker>": the worker's keepalive key, bound to its lease.
std::string WorkerKeepalive(std::string_view worker);
std::string WorkerKeepalivePrefix();

// "/dm-master/v2/upstream/config/<source>": a source config (YAML as given).
std::string SourceConfig(std::string_view source);
std::string SourceConfigPrefix();

// "/dm-master/bound-worker/<worker>": the worker's current source.
std::string BoundWorker(std::string_view worker);
std::string BoundWorkerPrefix();
// "/dm-master/last-bound-worker/<worker>": its previous source, kept after an
// unbind so a returning worker gets its source back.
std::string LastBoundWorker(std::string_view worker);
std::string LastBoundWorkerPrefix();

// "/dm-master/upstream/subtask/<source>/<task>": the task file of a subtask.
std::string SubTaskConfig(std::string_view source, std::string_view task);
std::string SubTaskConfigPrefix();
std::string SubTaskConfigPrefix(std::string_view source);
// "/dm-master/stage/subtask/<source>/<task>": the stage the worker converges to.
std::string SubTaskStage(std::string_view source, std::string_view task);
std::string SubTaskStagePrefix();
std::string SubTaskStagePrefix(std::string_view source);
// "/dm-master/load-task/<task>/<source>": the worker holding the subtask's
// dump files while it dumps or loads (failover must come back to it).
std::string LoadTask(std::string_view task, std::string_view source);
std::string LoadTaskPrefix();
// "/dm-master/task-cli-args/<task>/<source>": start-task's --start-time.
std::string TaskCliArgs(std::string_view task, std::string_view source);
std::string TaskCliArgsPrefix();

// "/dm-master/presence/<master>": a master on an external etcd, bound to its
// lease (dm's own key: DM always runs embedded etcd, whose member list names
// the masters).
std::string MasterPresence(std::string_view master);
std::string MasterPresencePrefix();

// Splits the hex segments that follow `prefix` in `key`. Corruption when the
// key does not start with the prefix or a segment is not hex.
Result<std::vector<std::string>> DecodeSegments(std::string_view key, std::string_view prefix);

}  // namespace dm::master::keys
