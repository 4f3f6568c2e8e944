// MariaDB's compressed event payloads (log_bin_compress): QUERY_COMPRESSED
// compresses the statement text, the *_ROWS_COMPRESSED events the row images.
// Layout: docs/formats/binlog_events.md#compressed-payload.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "common/status.h"

namespace dm::binlog {

// Inflates `payload` (header byte, big-endian uncompressed length, zlib
// stream) into *out, replacing its content; *out's capacity is reused, so a
// long-lived scratch string makes steady-state decoding allocation-free.
// The announced length is bounded by zlib's maximum ratio before anything is
// allocated. Corruption (BinlogDecompressFailed) naming `position` when the
// header, the stream or the resulting length is bad.
Status InflateMariaDbPayload(std::span<const uint8_t> payload, uint64_t position, std::string* out);

}  // namespace dm::binlog
