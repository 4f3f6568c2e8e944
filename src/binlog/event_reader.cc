#include "binlog/event_reader.h"

#include <fmt/format.h>

#include <bit>

namespace dm::binlog {

void EventReader::SetLimit(size_t limit) {
  if (!ok()) return;
  if (limit > limit_ || limit < pos_) {
    Fail(fmt::format("limit {} outside the readable range [{}, {}]", limit, pos_, limit_));
    return;
  }
  limit_ = limit;
}

float EventReader::ReadFloat(std::string_view field) {
  return std::bit_cast<float>(static_cast<uint32_t>(ReadUInt(4, field)));
}

double EventReader::ReadDouble(std::string_view field) {
  return std::bit_cast<double>(ReadUInt(8, field));
}

uint64_t EventReader::ReadPackedInt(std::string_view field) {
  const uint8_t first = ReadU8(field);
  if (!ok()) return 0;
  if (first < 0xfb) return first;
  switch (first) {
    case 0xfc:
      return ReadUInt(2, field);
    case 0xfd:
      return ReadUInt(3, field);
    case 0xfe:
      return ReadUInt(8, field);
    default:
      pos_ -= 1;  // report the offset of the bad marker
      Fail(fmt::format("invalid packed integer marker 0x{:02x}{}{}", first, field.empty() ? "" : " in ",
                       field));
      return 0;
  }
}

std::string_view EventReader::ReadPackedString(std::string_view field) {
  const uint64_t n = ReadPackedInt(field);
  if (!ok()) return {};
  if (n > remaining()) {
    FailTruncated(n, field);
    return {};
  }
  return ReadBytes(static_cast<size_t>(n), field);
}

void EventReader::Fail(std::string_view what) {
  if (!ok()) return;
  status_ = Status(StatusCode::kCorruption,
                   fmt::format("malformed binlog event at offset {} (position {}): {}", pos_,
                               base_position_ + pos_, what),
                   ErrorCode::kBinlogEventCorrupt);
}

void EventReader::FailTruncated(size_t n, std::string_view field) {
  if (!ok()) return;
  status_ = Status(StatusCode::kCorruption,
                   fmt::format("truncated binlog event: {} needs {} bytes at offset {} (position {}), "
                               "{} left",
                               field.empty() ? std::string_view("value") : field, n, pos_,
                               base_position_ + pos_, limit_ - pos_),
                   ErrorCode::kBinlogEventCorrupt);
}

}  // namespace dm::binlog
