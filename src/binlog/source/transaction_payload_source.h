// TransactionPayloadSource: a BinlogSource that opens MySQL's compressed
// transactions. It passes every event of the source it wraps through, and
// after each TRANSACTION_PAYLOAD_EVENT delivers the events inside it, so that
// consumers (the syncer, dm-binlog, the fuzzer) see a compressed transaction
// as if the server had written it uncompressed, behind the payload event.
//
// Inner events carry RawEvent::in_transaction_payload (they have no checksum
// of their own: the payload event's covers them) and the payload event's
// position, as MySQL's mysqlbinlog and SHOW BINLOG EVENTS report them; the
// source's position() stays at the payload event until its last inner event
// is delivered, so a consumer that records position() after a transaction's
// XID records the end of the payload event (docs/formats/binlog_events.md#
// compressed-transactions).
#pragma once

#include <cstdint>
#include <span>

#include "binlog/format_description.h"
#include "binlog/source/binlog_source.h"
#include "binlog/transaction_payload.h"

namespace dm::binlog {

struct TransactionPayloadSourceOptions {
  // Largest uncompressed transaction accepted; a payload announcing more is
  // Corruption before anything is allocated.
  uint64_t max_uncompressed_size = kMaxEventSize;
};

class TransactionPayloadSource final : public BinlogSource {
 public:
  // Reads from `source`, which must outlive this object and is read only
  // through it from now on.
  explicit TransactionPayloadSource(BinlogSource& source, TransactionPayloadSourceOptions options = {});
  TransactionPayloadSource(const TransactionPayloadSource&) = delete;
  TransactionPayloadSource& operator=(const TransactionPayloadSource&) = delete;

  // See BinlogSource. The payload is decoded and decompressed when the event
  // after it is asked for, so a consumer verifies the payload event's
  // checksum first. Errors of a payload (bad header, unknown compression,
  // decompression, an inner event running past the payload, a nested
  // payload) name the payload event's position and are sticky.
  Result<bool> Next(RawEvent* event) override;
  const std::string& file_name() const override { return source_.file_name(); }
  uint64_t position() const override {
    return payload_pending_ || !inner_.empty() ? payload_position_ : source_.position();
  }

 private:
  // Decodes the payload event `payload_` and points inner_ at its events.
  Status Expand();
  // Frames the next inner event from inner_ into *event.
  Status NextInner(RawEvent* event);

  BinlogSource& source_;
  TransactionPayloadDecompressor decompressor_;
  // The format of the events read so far: the payload's body is decoded
  // under it (checksum, header length).
  FormatDescription format_;
  RawEvent payload_;              // the last payload event delivered
  bool payload_pending_ = false;  // payload_ delivered, not yet expanded
  uint64_t payload_position_ = 0;
  std::span<const uint8_t> inner_;        // inner events not yet delivered
  const uint8_t* inner_begin_ = nullptr;  // start of the uncompressed payload
  Status error_;                          // sticky
};

}  // namespace dm::binlog
