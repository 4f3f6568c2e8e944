#include "binlog/location.h"

#include <fmt/format.h>

namespace dm::binlog {

std::string BinlogFileName::ToString() const {
  return fmt::format("{}.{:0{}}", base, index, digits);
}

Result<BinlogFileName> ParseBinlogFileName(std::string_view name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size() || name.size() - dot - 1 > 19) {
    return Status::InvalidArgument(fmt::format("'{}' is not a binlog file name (base.NNNNNN)", name));
  }
  BinlogFileName out;
  out.base = std::string(name.substr(0, dot));
  for (char c : name.substr(dot + 1)) {
    if (c < '0' || c > '9') {
      return Status::InvalidArgument(fmt::format("'{}' is not a binlog file name (base.NNNNNN)", name));
    }
    out.index = out.index * 10 + static_cast<uint64_t>(c - '0');
  }
  out.digits = static_cast<int>(name.size() - dot - 1);
  return out;
}

std::string Position::ToString() const { return fmt::format("({}, {})", file, offset); }

std::strong_ordering ComparePositions(const Position& a, const Position& b) {
  if (a.file != b.file) {
    auto pa = ParseBinlogFileName(a.file);
    auto pb = ParseBinlogFileName(b.file);
    if (pa.ok() && pb.ok() && pa->base == pb->base && pa->index != pb->index) return pa->index <=> pb->index;
    if (auto c = a.file.compare(b.file); c != 0) return c < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  return a.offset <=> b.offset;
}

std::string Location::ToString() const {
  if (gtid_set.empty()) return fmt::format("position: {}", position.ToString());
  return fmt::format("position: {}, gtid-set: {}", position.ToString(), gtid_set);
}

}  // namespace dm::binlog
