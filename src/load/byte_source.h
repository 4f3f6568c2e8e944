// Sequential byte input for dump files: plain files, gzip (.sql.gz) and
// zstd (.sql.zst, as dumpling's --compress zstd writes).
//
// The loader reads every dump file front to back exactly once per attempt, so
// the interface is a forward-only stream; offsets are counted in the bytes the
// stream yields (compressed files: uncompressed bytes), which is what the loader
// checkpoint's `offset` column records.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace dm::load {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `dst`. Returns the number read; 0 means end of
  // input. Errors name the file.
  virtual Result<size_t> Read(char* dst, size_t n) = 0;
  // Name for messages (the file path).
  virtual const std::string& name() const = 0;
};

// Opens `path` for reading; a name ending in ".gz" (zlib, multi-member
// streams included) or ".zst" (zstd, multi-frame streams included) is
// decompressed. NotFound when the file is missing.
Result<std::unique_ptr<ByteSource>> OpenByteSource(const std::string& path);

// A source over bytes held in memory (tests). `name` is used in messages.
std::unique_ptr<ByteSource> MemoryByteSource(std::string bytes, std::string name = "<memory>");

// Size in bytes of the stream OpenByteSource(path) yields: the file size for
// plain files; for compressed files, the exact uncompressed size (the file is
// read once).
Result<uint64_t> StreamSize(const std::string& path);

}  // namespace dm::load
