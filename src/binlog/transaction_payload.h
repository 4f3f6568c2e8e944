// MySQL 8.0.20+'s compressed transactions (binlog_transaction_compression=ON):
// one TRANSACTION_PAYLOAD_EVENT holds the events of a whole transaction,
// usually zstd-compressed. Layout and the positions dm reports for the inner
// events: docs/formats/binlog_events.md#compressed-transactions.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "common/status.h"

struct ZSTD_DCtx_s;  // zstd.h stays out of the header

namespace dm::binlog {

// Compression type field values (MySQL's own codes).
inline constexpr uint64_t kPayloadCompressionZstd = 0;
inline constexpr uint64_t kPayloadCompressionNone = 255;

// "zstd", "none", or "" for a code MySQL does not define.
std::string_view PayloadCompressionName(uint64_t compression_type);

// The header fields of a TRANSACTION_PAYLOAD_EVENT and a view of its payload.
struct TransactionPayload {
  uint64_t compression_type = kPayloadCompressionNone;
  uint64_t payload_size = 0;       // bytes of `payload`
  uint64_t uncompressed_size = 0;  // bytes of the inner events once decompressed
  // The (compressed) inner events; points into the event's bytes.
  std::span<const uint8_t> payload;
};

// Decodes the type-length-value header of `event` (a TRANSACTION_PAYLOAD_EVENT
// under `format`). Corruption naming the event's position when a field is
// truncated, a field repeats, the payload size is missing or disagrees with
// the bytes after the header. The compression type is not checked here (see
// TransactionPayloadDecompressor).
Result<TransactionPayload> DecodeTransactionPayload(const RawEvent& event, const FormatDescription& format);

// Turns payloads into the bytes of their inner events, reusing one zstd
// context and one output buffer, so that steady-state expansion allocates
// nothing once the buffer has grown to the largest transaction.
// Not thread-safe.
class TransactionPayloadDecompressor {
 public:
  // `max_uncompressed_size` bounds the announced uncompressed size before
  // anything is allocated.
  explicit TransactionPayloadDecompressor(uint64_t max_uncompressed_size);
  ~TransactionPayloadDecompressor();
  TransactionPayloadDecompressor(const TransactionPayloadDecompressor&) = delete;
  TransactionPayloadDecompressor& operator=(const TransactionPayloadDecompressor&) = delete;

  // Returns the inner events of `payload` (of the event at `position`). The
  // view stays valid until the next call, the destruction of this object, or
  // (for an uncompressed payload, returned in place) the end of life of the
  // event's bytes. FailedPrecondition (BinlogDecompressFailed) for a
  // compression type dm does not know; Corruption (BinlogDecompressFailed)
  // naming `position` when the announced size exceeds the limit or what the
  // compressed size can produce, or when zstd fails or yields another size.
  Result<std::span<const uint8_t>> Decompress(const TransactionPayload& payload, uint64_t position);

 private:
  struct ContextDeleter {
    void operator()(ZSTD_DCtx_s* context) const;
  };
  const uint64_t max_uncompressed_size_;
  std::unique_ptr<ZSTD_DCtx_s, ContextDeleter> context_;  // ZSTD_DCtx, made on first use
  std::vector<uint8_t> buffer_;
};

}  // namespace dm::binlog
