#include "binlog/compression.h"

#include <fmt/format.h>
#include <zlib.h>

#include "binlog/event_header.h"

namespace dm::binlog {
namespace {

Status Fail(uint64_t position, std::string_view what) {
  return Status(StatusCode::kCorruption,
                fmt::format("compressed binlog event at position {}: {}", position, what),
                ErrorCode::kBinlogDecompressFailed);
}

// deflate cannot shrink data by more than about 1032:1.
constexpr uint64_t kMaxDeflateRatio = 1032;

}  // namespace

Status InflateMariaDbPayload(std::span<const uint8_t> payload, uint64_t position, std::string* out) {
  if (payload.empty()) return Fail(position, "empty payload");
  const uint8_t header = payload[0];
  const int length_bytes = header & 0x07;
  const int algorithm = (header >> 4) & 0x07;
  if ((header & 0x80) == 0 || algorithm != 0 || length_bytes < 1 || length_bytes > 4) {
    return Fail(position, fmt::format("unsupported compression header 0x{:02x}", header));
  }
  if (payload.size() < 1 + static_cast<size_t>(length_bytes)) return Fail(position, "truncated length");
  uint64_t length = 0;
  for (int i = 0; i < length_bytes; ++i) length = (length << 8) | payload[1 + static_cast<size_t>(i)];
  const auto stream = payload.subspan(1 + static_cast<size_t>(length_bytes));
  if (length > kMaxEventSize || length > stream.size() * kMaxDeflateRatio + 64) {
    return Fail(position, fmt::format("announced length {} is impossible for {} compressed bytes", length,
                                      stream.size()));
  }
  out->resize(length);
  uLongf produced = static_cast<uLongf>(length);
  uLong consumed = static_cast<uLong>(stream.size());
  const int rc = uncompress2(reinterpret_cast<Bytef*>(out->data()), &produced, stream.data(), &consumed);
  if (rc != Z_OK || produced != length) {
    return Fail(position, fmt::format("zlib error {} ({} of {} bytes inflated)", rc, produced, length));
  }
  return Status::OK();
}

}  // namespace dm::binlog
