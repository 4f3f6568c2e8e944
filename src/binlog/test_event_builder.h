// Test helper: builds binlog events byte by byte, with a correct header and,
// on request, a correct CRC32, so unit tests can feed decoders both valid
// events and precisely damaged ones. Header-only; used by *_test.cc only.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "binlog/event_header.h"
#include "binlog/format_description.h"

namespace dm::binlog::testing {

class EventBuilder {
 public:
  EventBuilder& U8(uint64_t v) { return UInt(v, 1); }
  EventBuilder& U16(uint64_t v) { return UInt(v, 2); }
  EventBuilder& U24(uint64_t v) { return UInt(v, 3); }
  EventBuilder& U32(uint64_t v) { return UInt(v, 4); }
  EventBuilder& U48(uint64_t v) { return UInt(v, 6); }
  EventBuilder& U64(uint64_t v) { return UInt(v, 8); }
  EventBuilder& UInt(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) body_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
  EventBuilder& BigEndian(uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) body_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
  EventBuilder& Packed(uint64_t v) {
    if (v < 251) return U8(v);
    if (v < (1u << 16)) return U8(0xfc).U16(v);
    if (v < (1u << 24)) return U8(0xfd).U24(v);
    return U8(0xfe).U64(v);
  }
  EventBuilder& Bytes(std::string_view s) {
    body_.insert(body_.end(), s.begin(), s.end());
    return *this;
  }
  EventBuilder& Bytes(const std::vector<uint8_t>& b) {
    body_.insert(body_.end(), b.begin(), b.end());
    return *this;
  }
  EventBuilder& PackedString(std::string_view s) { return Packed(s.size()).Bytes(s); }

  // The event: 19-byte header (event_size and log_pos filled in) + body +
  // CRC32 when `checksum`.
  std::vector<uint8_t> Build(EventType type, bool checksum = true, uint32_t position = 4,
                             uint32_t server_id = 1, uint16_t flags = 0) const {
    EventBuilder out;
    const size_t size = kEventHeaderSize + body_.size() + (checksum ? kChecksumSize : 0);
    out.U32(1700000000).U8(static_cast<uint8_t>(type)).U32(server_id).U32(size);
    out.U32(position + size).U16(flags);
    out.Bytes(body_);
    if (checksum) {
      out.U32(0);
      const uint32_t crc = ComputeEventChecksum(out.body_);
      out.body_.resize(out.body_.size() - kChecksumSize);
      out.U32(crc);
    }
    return out.body_;
  }

  const std::vector<uint8_t>& body() const { return body_; }

 private:
  std::vector<uint8_t> body_;
};

// A RawEvent over `bytes` (which must outlive it) at binlog position `position`.
inline RawEvent ViewOf(const std::vector<uint8_t>& bytes, uint64_t position = 4) {
  RawEvent e;
  auto header = DecodeEventHeader(bytes, position);
  if (header.ok()) e.header = *header;
  e.bytes = bytes;
  e.position = position;
  return e;
}

// A FORMAT_DESCRIPTION as a MariaDB 10.11 server writes it; the post-header
// table is left empty so decoders use the standard lengths.
inline FormatDescription TestFormat(bool crc32 = true, ServerFlavor flavor = ServerFlavor::kMariaDb) {
  FormatDescription f;
  f.server_version = flavor == ServerFlavor::kMariaDb ? "10.11.19-MariaDB-log" : "8.0.36";
  f.flavor = flavor;
  f.checksum = crc32 ? ChecksumAlgorithm::kCrc32 : ChecksumAlgorithm::kOff;
  return f;
}

}  // namespace dm::binlog::testing
