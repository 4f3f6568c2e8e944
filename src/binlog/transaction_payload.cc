#include "binlog/transaction_payload.h"

#include <fmt/format.h>
#include <zstd.h>

#include <optional>

#include "binlog/event_reader.h"

namespace dm::binlog {
namespace {

// Field types of the payload header (MySQL's on-the-wire codes).
constexpr uint64_t kFieldEnd = 0;
constexpr uint64_t kFieldPayloadSize = 1;
constexpr uint64_t kFieldCompressionType = 2;
constexpr uint64_t kFieldUncompressedSize = 3;

// A zstd block yields at most 128 KiB and costs at least 4 bytes (3 header
// bytes and one RLE byte), so no frame inflates by more than this.
constexpr uint64_t kMaxZstdRatio = (uint64_t{128} << 10) / 4;

Status Fail(StatusCode code, uint64_t position, std::string_view what) {
  return Status(code, fmt::format("TRANSACTION_PAYLOAD_EVENT at {}: {}", position, what),
                ErrorCode::kBinlogDecompressFailed);
}

}  // namespace

std::string_view PayloadCompressionName(uint64_t compression_type) {
  switch (compression_type) {
    case kPayloadCompressionZstd: return "zstd";
    case kPayloadCompressionNone: return "none";
    default: return "";
  }
}

Result<TransactionPayload> DecodeTransactionPayload(const RawEvent& event, const FormatDescription& format) {
  const std::string where = fmt::format("TRANSACTION_PAYLOAD_EVENT at {}", event.position);
  EventReader r = BodyReader(event, format);
  std::optional<uint64_t> fields[kFieldUncompressedSize + 1];
  while (r.ok()) {
    const uint64_t type = r.ReadPackedInt("payload header field type");
    if (!r.ok() || type == kFieldEnd) break;
    const uint64_t length = r.ReadPackedInt("payload header field length");
    std::span<const uint8_t> value = r.ReadSpan(length, "payload header field value");
    if (!r.ok()) break;
    // Field types MySQL may add later are skipped by their length.
    if (type > kFieldUncompressedSize) continue;
    if (fields[type]) {
      r.Fail(fmt::format("payload header field {} appears twice", type));
      break;
    }
    EventReader v(value, r.binlog_position() - length);
    fields[type] = v.ReadPackedInt("payload header field value");
    if (v.ok() && v.remaining() != 0) v.Fail(fmt::format("field {} has {} bytes after its value", type, v.remaining()));
    if (!v.ok()) return v.status().WithContext(where);
  }
  if (r.ok() && !fields[kFieldPayloadSize]) r.Fail("the payload header has no payload size");
  TransactionPayload p;
  p.payload_size = fields[kFieldPayloadSize].value_or(0);
  p.compression_type = fields[kFieldCompressionType].value_or(kPayloadCompressionNone);
  p.uncompressed_size = fields[kFieldUncompressedSize].value_or(p.payload_size);
  if (r.ok() && p.payload_size != r.remaining()) {
    r.Fail(fmt::format("payload size {} but {} bytes follow the header", p.payload_size, r.remaining()));
  }
  p.payload = r.ReadSpan(r.remaining());
  if (!r.ok()) return r.status().WithContext(where);
  return p;
}

void TransactionPayloadDecompressor::ContextDeleter::operator()(ZSTD_DCtx_s* context) const { ZSTD_freeDCtx(context); }

TransactionPayloadDecompressor::TransactionPayloadDecompressor(uint64_t max_uncompressed_size)
    : max_uncompressed_size_(max_uncompressed_size) {}

TransactionPayloadDecompressor::~TransactionPayloadDecompressor() = default;

Result<std::span<const uint8_t>> TransactionPayloadDecompressor::Decompress(const TransactionPayload& payload,
                                                                            uint64_t position) {
  const uint64_t size = payload.uncompressed_size;
  if (size > max_uncompressed_size_) {
    return Fail(StatusCode::kCorruption, position,
                fmt::format("uncompressed size {} exceeds the limit of {} bytes", size, max_uncompressed_size_));
  }
  switch (payload.compression_type) {
    case kPayloadCompressionNone:
      if (size != payload.payload.size()) {
        return Fail(StatusCode::kCorruption, position,
                    fmt::format("uncompressed payload of {} bytes announces {}", payload.payload.size(), size));
      }
      return payload.payload;
    case kPayloadCompressionZstd: break;
    default:
      return Fail(
          StatusCode::kFailedPrecondition, position,
          fmt::format("unknown compression type {} (dm knows zstd = 0 and none = 255)", payload.compression_type));
  }
  if (size > payload.payload.size() * kMaxZstdRatio) {
    return Fail(StatusCode::kCorruption, position,
                fmt::format("uncompressed size {} is impossible for {} zstd bytes", size, payload.payload.size()));
  }
  if (!context_) {
    context_.reset(ZSTD_createDCtx());
    if (!context_) return Status(StatusCode::kInternal, "ZSTD_createDCtx failed");
  }
  buffer_.resize(size);
  const size_t produced = ZSTD_decompressDCtx(context_.get(), buffer_.data(), buffer_.size(), payload.payload.data(),
                                              payload.payload.size());
  if (ZSTD_isError(produced)) {
    return Fail(StatusCode::kCorruption, position,
                fmt::format("zstd: {} (announced uncompressed size {})", ZSTD_getErrorName(produced), size));
  }
  if (produced != size) {
    return Fail(StatusCode::kCorruption, position,
                fmt::format("zstd produced {} bytes, the header announces {}", produced, size));
  }
  return std::span<const uint8_t>(buffer_.data(), size);
}

}  // namespace dm::binlog
