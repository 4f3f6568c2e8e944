#include "master/keys.h"

#include <fmt/format.h>

namespace dm::master::keys {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";

std::string Hex(std::string_view segment) {
  std::string out;
  out.reserve(segment.size() * 2);
  for (unsigned char c : segment) {
    out.push_back(kHexDigits[c >> 4]);
    out.push_back(kHexDigits[c & 0xf]);
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Join(std::string_view prefix, std::string_view a) { return fmt::format("{}{}", prefix, Hex(a)); }
std::string Join(std::string_view prefix, std::string_view a, std::string_view b) {
  return fmt::format("{}{}/{}", prefix, Hex(a), Hex(b));
}

constexpr std::string_view kWorkerRegistration = "/dm-worker/r/";
constexpr std::string_view kWorkerKeepalive = "/dm-worker/a/";
constexpr std::string_view kSourceConfig = "/dm-master/v2/upstream/config/";
constexpr std::string_view kBoundWorker = "/dm-master/bound-worker/";
constexpr std::string_view kLastBoundWorker = "/dm-master/last-bound-worker/";
constexpr std::string_view kSubTaskConfig = "/dm-master/upstream/subtask/";
constexpr std::string_view kSubTaskStage = "/dm-master/stage/subtask/";
constexpr std::string_view kLoadTask = "/dm-master/load-task/";
constexpr std::string_view kTaskCliArgs = "/dm-master/task-cli-args/";
constexpr std::string_view kMasterPresence = "/dm-master/presence/";

}  // namespace

std::string Leader() { return "/dm-master/leader"; }
std::string ClusterId() { return "/dm-cluster/id"; }
std::string ClusterTopology() { return "/dm-cluster/topology"; }
std::string WorkerRegistration(std::string_view worker) { return Join(kWorkerRegistration, worker); }
std::string WorkerRegistrationPrefix() { return std::string(kWorkerRegistration); }
std::string WorkerKeepalive(std::string_view worker) { return Join(kWorkerKeepalive, worker); }
std::string WorkerKeepalivePrefix() { return std::string(kWorkerKeepalive); }
std::string SourceConfig(std::string_view source) { return Join(kSourceConfig, source); }
std::string SourceConfigPrefix() { return std::string(kSourceConfig); }
std::string BoundWorker(std::string_view worker) { return Join(kBoundWorker, worker); }
std::string BoundWorkerPrefix() { return std::string(kBoundWorker); }
std::string LastBoundWorker(std::string_view worker) { return Join(kLastBoundWorker, worker); }
std::string LastBoundWorkerPrefix() { return std::string(kLastBoundWorker); }
std::string SubTaskConfig(std::string_view source, std::string_view task) {
  return Join(kSubTaskConfig, source, task);
}
std::string SubTaskConfigPrefix() { return std::string(kSubTaskConfig); }
std::string SubTaskConfigPrefix(std::string_view source) { return Join(kSubTaskConfig, source) + "/"; }
std::string SubTaskStage(std::string_view source, std::string_view task) { return Join(kSubTaskStage, source, task); }
std::string SubTaskStagePrefix() { return std::string(kSubTaskStage); }
std::string SubTaskStagePrefix(std::string_view source) { return Join(kSubTaskStage, source) + "/"; }
std::string LoadTask(std::string_view task, std::string_view source) { return Join(kLoadTask, task, source); }
std::string LoadTaskPrefix() { return std::string(kLoadTask); }
std::string TaskCliArgs(std::string_view task, std::string_view source) { return Join(kTaskCliArgs, task, source); }
std::string TaskCliArgsPrefix() { return std::string(kTaskCliArgs); }
std::string MasterPresence(std::string_view master) { return Join(kMasterPresence, master); }
std::string MasterPresencePrefix() { return std::string(kMasterPresence); }

Result<std::vector<std::string>> DecodeSegments(std::string_view key, std::string_view prefix) {
  if (key.substr(0, prefix.size()) != prefix) {
    return Status::Corruption(fmt::format("etcd key '{}' is not under '{}'", key, prefix));
  }
  std::vector<std::string> segments(1);
  for (size_t i = prefix.size(); i < key.size();) {
    if (key[i] == '/') {
      segments.emplace_back();
      ++i;
      continue;
    }
    int hi = HexValue(key[i]);
    int lo = i + 1 < key.size() ? HexValue(key[i + 1]) : -1;
    if (hi < 0 || lo < 0) return Status::Corruption(fmt::format("etcd key '{}' has a segment that is not hex", key));
    segments.back().push_back(static_cast<char>(hi << 4 | lo));
    i += 2;
  }
  return segments;
}

}  // namespace dm::master::keys
