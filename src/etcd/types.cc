#include "etcd/types.h"

#include <utility>

namespace dm::etcd {

Compare Compare::Missing(std::string key) { return {std::move(key), Target::kCreateRevision, Relation::kEqual, 0, {}}; }

Compare Compare::Exists(std::string key) {
  return {std::move(key), Target::kCreateRevision, Relation::kNotEqual, 0, {}};
}

Compare Compare::ModRevisionIs(std::string key, int64_t revision) {
  return {std::move(key), Target::kModRevision, Relation::kEqual, revision, {}};
}

Compare Compare::ValueIs(std::string key, std::string value) {
  return {std::move(key), Target::kValue, Relation::kEqual, 0, std::move(value)};
}

Op Op::Put(std::string key, std::string value, int64_t lease) {
  return {Type::kPut, std::move(key), {}, std::move(value), lease};
}

Op Op::Delete(std::string key) { return {Type::kDelete, std::move(key), {}, {}, 0}; }

namespace {

// etcd refuses an empty key; as clientv3 does, the empty prefix (every key)
// starts at "\0".
std::string PrefixStart(std::string_view prefix) { return prefix.empty() ? std::string(1, '\0') : std::string(prefix); }

}  // namespace

Op Op::DeletePrefix(std::string_view prefix) {
  return {Type::kDelete, PrefixStart(prefix), PrefixRangeEnd(prefix), {}, 0};
}

Op Op::Get(std::string key) { return {Type::kGet, std::move(key), {}, {}, 0}; }

Op Op::GetPrefix(std::string_view prefix) { return {Type::kGet, PrefixStart(prefix), PrefixRangeEnd(prefix), {}, 0}; }

std::string PrefixRangeEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto last = static_cast<unsigned char>(end.back());
    if (last < 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');
}

}  // namespace dm::etcd
