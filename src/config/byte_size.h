// Human-readable sizes as DM's configs write them ("64", "500m", "1GiB"),
// parsed like Docker's go-units, which DM uses for these keys.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace dm::config {

// Parses "<number>[ ][kmgtp][i][b]" (case-insensitive unit, as go-units'
// FromHumanSize/RAMInBytes), multiplying by powers of `base` (1000 for
// FromHumanSize, 1024 for RAMInBytes). A bare number is bytes. Errors do
// not repeat the input.
Result<uint64_t> ParseByteSize(std::string_view text, uint64_t base);

// mydumper chunk-filesize in bytes: a bare integer is MB (as DM's
// ParseFileSize), anything else a FromHumanSize value.
Result<uint64_t> ParseChunkFileSize(std::string_view text);

}  // namespace dm::config
