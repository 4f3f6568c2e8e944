#include "binlog/control_events.h"

#include <fmt/format.h>

#include "binlog/decimal.h"

namespace dm::binlog {

Result<RotateEvent> DecodeRotate(const RawEvent& event, const FormatDescription& format) {
  EventReader r = BodyReader(event, format);
  RotateEvent out;
  // Rotate's post-header is the 8-byte position in every v4 writer.
  const uint8_t post_header = format.PostHeaderLength(EventType::kRotate, 8);
  out.position = r.ReadU64("position");
  if (post_header > 8) r.Skip(post_header - 8u, "post-header");
  out.next_file = r.ReadRest();
  if (r.ok() && out.next_file.empty()) r.Fail("ROTATE_EVENT without a file name");
  if (!r.ok()) return r.status();
  return out;
}

Result<XidEvent> DecodeXid(const RawEvent& event, const FormatDescription& format) {
  EventReader r = BodyReader(event, format);
  XidEvent out;
  out.xid = r.ReadU64("xid");
  if (!r.ok()) return r.status();
  return out;
}

Result<HeartbeatEvent> DecodeHeartbeat(const RawEvent& event, const FormatDescription& format) {
  EventReader r = BodyReader(event, format);
  HeartbeatEvent out;
  out.log_file = r.ReadRest();
  out.position = event.header.next_position;
  if (!r.ok()) return r.status();
  return out;
}

Result<IntvarEvent> DecodeIntvar(const RawEvent& event, const FormatDescription& format) {
  EventReader r = BodyReader(event, format);
  IntvarEvent out;
  const uint8_t type = r.ReadU8("type");
  out.value = r.ReadU64("value");
  if (r.ok() && type != 1 && type != 2) r.Fail(fmt::format("unknown INTVAR type {}", type));
  if (!r.ok()) return r.status();
  out.type = static_cast<IntvarType>(type);
  return out;
}

Result<RandEvent> DecodeRand(const RawEvent& event, const FormatDescription& format) {
  EventReader r = BodyReader(event, format);
  RandEvent out;
  out.seed1 = r.ReadU64("seed1");
  out.seed2 = r.ReadU64("seed2");
  if (!r.ok()) return r.status();
  return out;
}

Result<UserVarEvent> DecodeUserVar(const RawEvent& event, const FormatDescription& format) {
  EventReader r = BodyReader(event, format);
  UserVarEvent out;
  const uint32_t name_length = r.ReadU32("name_length");
  out.name = r.ReadBytes(name_length, "name");
  out.is_null = r.ReadU8("is_null") != 0;
  if (!out.is_null) {
    const uint8_t type = r.ReadU8("type");
    out.charset = r.ReadU32("charset");
    const uint32_t value_length = r.ReadU32("value_length");
    out.value = r.ReadBytes(value_length, "value");
    if (r.ok()) {
      if (type > 4 || type == 3) r.Fail(fmt::format("unknown USER_VAR value type {}", type));
      out.type = static_cast<UserVarType>(type);
    }
    // Optional flags byte (MySQL 5.1.x and later, MariaDB).
    if (r.remaining() > 0) out.is_unsigned = (r.ReadU8("flags") & 1) != 0;
    if (r.ok()) {
      const auto n = out.value.size();
      if ((out.type == UserVarType::kInt || out.type == UserVarType::kReal) && n != 8) {
        r.Fail(fmt::format("USER_VAR {} value of {} bytes, expected 8", out.type == UserVarType::kInt ? "INT" : "REAL", n));
      } else if (out.type == UserVarType::kDecimal) {
        // precision, scale, then the binary decimal.
        if (n < 2) {
          r.Fail("USER_VAR DECIMAL value shorter than its precision and scale");
        } else {
          const auto precision = static_cast<uint8_t>(out.value[0]);
          const auto scale = static_cast<uint8_t>(out.value[1]);
          Status s = ValidateDecimal(precision, scale,
                                     std::span(reinterpret_cast<const uint8_t*>(out.value.data()) + 2, n - 2));
          if (!s.ok()) r.Fail(s.message());
        }
      }
    }
  }
  if (!r.ok()) return r.status();
  return out;
}

std::string UserVarEvent::ValueText() const {
  if (is_null) return "NULL";
  const auto* bytes = reinterpret_cast<const uint8_t*>(value.data());
  auto le64 = [&] {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | bytes[i];
    return v;
  };
  switch (type) {
    case UserVarType::kString:
    case UserVarType::kRow:
      return std::string(value);
    case UserVarType::kInt:
      return is_unsigned ? fmt::format("{}", le64()) : fmt::format("{}", static_cast<int64_t>(le64()));
    case UserVarType::kReal:
      return fmt::format("{}", std::bit_cast<double>(le64()));
    case UserVarType::kDecimal: {
      std::string out;
      AppendDecimalText(bytes[0], bytes[1], std::span(bytes + 2, value.size() - 2), &out);
      return out;
    }
  }
  return {};
}

Result<BinlogCheckpointEvent> DecodeBinlogCheckpoint(const RawEvent& event, const FormatDescription& format) {
  EventReader r = BodyReader(event, format);
  BinlogCheckpointEvent out;
  const uint32_t length = r.ReadU32("file_length");
  out.file = r.ReadBytes(length, "file");
  if (!r.ok()) return r.status();
  return out;
}

Result<RowsQueryEvent> DecodeRowsQuery(const RawEvent& event, const FormatDescription& format) {
  EventReader r = BodyReader(event, format);
  RowsQueryEvent out;
  if (event.header.type == EventType::kRowsQuery) r.Skip(1, "length");
  out.query = r.ReadRest();
  if (!r.ok()) return r.status();
  return out;
}

}  // namespace dm::binlog
