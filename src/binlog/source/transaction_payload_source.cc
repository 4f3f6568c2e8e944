#include "binlog/source/transaction_payload_source.h"

#include <fmt/format.h>

namespace dm::binlog {

TransactionPayloadSource::TransactionPayloadSource(BinlogSource& source, TransactionPayloadSourceOptions options)
    : source_(source), decompressor_(options.max_uncompressed_size) {}

Result<bool> TransactionPayloadSource::Next(RawEvent* event) {
  if (!error_.ok()) return error_;
  if (payload_pending_) {
    payload_pending_ = false;
    if (Status s = Expand(); !s.ok()) {
      error_ = std::move(s);
      return error_;
    }
  }
  if (!inner_.empty()) {
    if (Status s = NextInner(event); !s.ok()) {
      error_ = std::move(s);
      return error_;
    }
    return true;
  }
  DM_ASSIGN_OR_RETURN(bool more, source_.Next(event));
  if (!more) return false;
  // *event may hold an inner event from before.
  event->in_transaction_payload = false;
  if (event->header.type == EventType::kFormatDescription) {
    // A damaged FORMAT_DESCRIPTION is the consumer's error to report; the
    // payload decoding keeps the previous format meanwhile.
    auto format = DecodeFormatDescription(*event);
    if (format.ok()) format_ = std::move(*format);
  } else if (event->header.type == EventType::kTransactionPayload) {
    // The bytes stay valid until source_.Next(), which comes after Expand().
    payload_ = *event;
    payload_position_ = event->position;
    payload_pending_ = true;
  }
  return true;
}

Status TransactionPayloadSource::Expand() {
  DM_ASSIGN_OR_RETURN(TransactionPayload payload, DecodeTransactionPayload(payload_, format_));
  DM_ASSIGN_OR_RETURN(inner_, decompressor_.Decompress(payload, payload_position_));
  inner_begin_ = inner_.data();
  return Status::OK();
}

Status TransactionPayloadSource::NextInner(RawEvent* event) {
  const size_t offset = static_cast<size_t>(inner_.data() - inner_begin_);
  auto fail = [&](std::string_view what) {
    return Status(StatusCode::kCorruption,
                  fmt::format("TRANSACTION_PAYLOAD_EVENT at {}: inner event at offset {} of the uncompressed "
                              "payload: {}",
                              payload_position_, offset, what),
                  ErrorCode::kBinlogEventCorrupt);
  };
  auto header = DecodeEventHeader(inner_, payload_position_);
  if (!header.ok()) return fail(header.status().message());
  if (header->event_size > inner_.size()) {
    return fail(fmt::format("its size {} runs past the {} bytes left", header->event_size, inner_.size()));
  }
  if (header->type == EventType::kTransactionPayload) return fail("a TRANSACTION_PAYLOAD_EVENT cannot nest");
  event->header = *header;
  event->bytes = inner_.first(header->event_size);
  event->position = payload_position_;
  event->in_transaction_payload = true;
  inner_ = inner_.subspan(header->event_size);
  return Status::OK();
}

}  // namespace dm::binlog
