// Values exchanged with etcd's v3 KV API, independent of the transport:
// keys and values are raw bytes here (the JSON gateway's base64 is the
// codec's business, see gateway_json.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dm::etcd {

// One stored key (etcd's mvccpb.KeyValue). Revisions are the store's global
// revisions: create_revision is 0 only for a key that does not exist.
struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  int64_t version = 0;  // number of writes since the key was (re)created
  int64_t lease = 0;    // 0: not attached to a lease
};

// The keys a range read found, in key order, and the store's revision when
// it was read (the response header's revision).
struct RangeResult {
  std::vector<KeyValue> kvs;
  int64_t revision = 0;
};

// One condition of a transaction: `key`'s `target` `relation` operand. A
// missing key compares as version/create_revision/mod_revision 0 and, as
// etcd does, never satisfies a value comparison.
struct Compare {
  enum class Target { kVersion, kCreateRevision, kModRevision, kValue };
  enum class Relation { kEqual, kNotEqual, kGreater, kLess };

  std::string key;
  Target target = Target::kVersion;
  Relation relation = Relation::kEqual;
  int64_t number = 0;  // operand of the three numeric targets
  std::string value;   // operand of Target::kValue

  // True when `key` does not exist (create_revision == 0).
  static Compare Missing(std::string key);
  // True when `key` exists (create_revision != 0).
  static Compare Exists(std::string key);
  // True when `key` was last written at `revision` (0: the key is missing).
  static Compare ModRevisionIs(std::string key, int64_t revision);
  // True when `key` exists and holds exactly `value`.
  static Compare ValueIs(std::string key, std::string value);
};

// One operation of a transaction branch. A key range is [key, range_end);
// an empty range_end means the single key.
struct Op {
  enum class Type { kPut, kDelete, kGet };

  Type type = Type::kGet;
  std::string key;
  std::string range_end;
  std::string value;  // kPut only
  int64_t lease = 0;  // kPut only; 0: no lease

  static Op Put(std::string key, std::string value, int64_t lease = 0);
  static Op Delete(std::string key);
  static Op DeletePrefix(std::string_view prefix);
  static Op Get(std::string key);
  static Op GetPrefix(std::string_view prefix);
};

// What a transaction did: which branch ran (`succeeded` = every compare
// held), one RangeResult per Get op of that branch in op order, and the
// store's revision after it.
struct TxnResult {
  bool succeeded = false;
  std::vector<RangeResult> ranges;
  int64_t revision = 0;
};

// One change seen by a watch. For kDelete, kv holds the key and the
// deletion's revision (mod_revision) only.
struct WatchEvent {
  enum class Type { kPut, kDelete };

  Type type = Type::kPut;
  KeyValue kv;
};

// One member of the etcd cluster. A member added but not started yet has
// no name and no client URLs.
struct Member {
  uint64_t id = 0;
  std::string name;
  std::vector<std::string> peer_urls;
  std::vector<std::string> client_urls;
};

// What one member says about itself (/v3/maintenance/status).
struct MemberStatus {
  uint64_t member_id = 0;
  uint64_t leader = 0;  // 0: the member knows no leader
  std::string version;  // etcd's version, "3.4.23"
  int64_t db_size = 0;  // bytes of the backend file
  int64_t raft_index = 0;
};

// The end of the key range holding every key that starts with `prefix`: the
// prefix with its last byte below 0xff incremented and the rest dropped; "\0"
// (etcd's "every key from here on") when there is no such byte.
std::string PrefixRangeEnd(std::string_view prefix);

}  // namespace dm::etcd
