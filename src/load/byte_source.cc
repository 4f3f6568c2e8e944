#include "load/byte_source.h"

#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace dm::load {
namespace {

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class FileSource final : public ByteSource {
 public:
  FileSource(std::FILE* file, std::string name) : file_(file), name_(std::move(name)) {}
  ~FileSource() override { std::fclose(file_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  Result<size_t> Read(char* dst, size_t n) override {
    size_t got = std::fread(dst, 1, n, file_);
    if (got < n && std::ferror(file_)) {
      return Status::Unavailable(name_ + ": read failed: " + std::strerror(errno))
          .WithErrorCode(ErrorCode::kLoadUnitReadSchemaFile);
    }
    return got;
  }
  const std::string& name() const override { return name_; }

 private:
  std::FILE* file_;
  std::string name_;
};

class GzipSource final : public ByteSource {
 public:
  GzipSource(gzFile file, std::string name) : file_(file), name_(std::move(name)) {}
  ~GzipSource() override { gzclose(file_); }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  Result<size_t> Read(char* dst, size_t n) override {
    // gzread takes an unsigned length; keep requests well inside it.
    unsigned want = static_cast<unsigned>(std::min<size_t>(n, 1u << 30));
    int got = gzread(file_, dst, want);
    if (got < 0) {
      int errnum = 0;
      const char* msg = gzerror(file_, &errnum);
      return Status::Corruption(name_ + ": gzip stream is damaged: " + (msg ? msg : "unknown error"))
          .WithErrorCode(ErrorCode::kLoadUnitParseStatement);
    }
    return static_cast<size_t>(got);
  }
  const std::string& name() const override { return name_; }

 private:
  gzFile file_;
  std::string name_;
};

class ZstdSource final : public ByteSource {
 public:
  ZstdSource(std::FILE* file, std::string name)
      : file_(file), name_(std::move(name)), ctx_(ZSTD_createDCtx()), in_(ZSTD_DStreamInSize(), '\0') {}
  ~ZstdSource() override {
    ZSTD_freeDCtx(ctx_);
    std::fclose(file_);
  }
  ZstdSource(const ZstdSource&) = delete;
  ZstdSource& operator=(const ZstdSource&) = delete;

  Result<size_t> Read(char* dst, size_t n) override {
    if (ctx_ == nullptr) return Status::Internal(name_ + ": cannot allocate a zstd context");
    ZSTD_outBuffer out{dst, n, 0};
    while (out.pos == 0) {
      if (input_.pos == input_.size) {
        size_t got = std::fread(in_.data(), 1, in_.size(), file_);
        if (got == 0) {
          if (std::ferror(file_)) {
            return Status::Unavailable(name_ + ": read failed: " + std::strerror(errno))
                .WithErrorCode(ErrorCode::kLoadUnitReadSchemaFile);
          }
          // A frame cut short is damage, not the end of the data.
          if (frame_open_) {
            return Status::Corruption(name_ + ": zstd stream ends inside a frame")
                .WithErrorCode(ErrorCode::kLoadUnitParseStatement);
          }
          return size_t{0};
        }
        input_ = ZSTD_inBuffer{in_.data(), got, 0};
      }
      size_t ret = ZSTD_decompressStream(ctx_, &out, &input_);
      if (ZSTD_isError(ret)) {
        return Status::Corruption(name_ + ": zstd stream is damaged: " + ZSTD_getErrorName(ret))
            .WithErrorCode(ErrorCode::kLoadUnitParseStatement);
      }
      frame_open_ = ret != 0;
    }
    return out.pos;
  }
  const std::string& name() const override { return name_; }

 private:
  std::FILE* file_;
  std::string name_;
  ZSTD_DCtx* ctx_;
  std::string in_;                    // compressed bytes read from the file
  ZSTD_inBuffer input_{nullptr, 0, 0};  // the unconsumed part of in_
  bool frame_open_ = false;           // inside a frame that has not ended
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::string bytes, std::string name) : bytes_(std::move(bytes)), name_(std::move(name)) {}
  Result<size_t> Read(char* dst, size_t n) override {
    size_t got = std::min(n, bytes_.size() - pos_);
    std::memcpy(dst, bytes_.data() + pos_, got);
    pos_ += got;
    return got;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string bytes_;
  size_t pos_ = 0;
  std::string name_;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> OpenByteSource(const std::string& path) {
  if (EndsWith(path, ".gz")) {
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr) {
      return Status::NotFound(path + ": cannot open: " + std::strerror(errno))
          .WithErrorCode(ErrorCode::kLoadUnitReadSchemaFile);
    }
    gzbuffer(file, 1 << 20);
    return std::unique_ptr<ByteSource>(std::make_unique<GzipSource>(file, path));
  }
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Status::NotFound(path + ": cannot open: " + std::strerror(errno))
        .WithErrorCode(ErrorCode::kLoadUnitReadSchemaFile);
  }
  if (EndsWith(path, ".zst")) return std::unique_ptr<ByteSource>(std::make_unique<ZstdSource>(file, path));
  return std::unique_ptr<ByteSource>(std::make_unique<FileSource>(file, path));
}

std::unique_ptr<ByteSource> MemoryByteSource(std::string bytes, std::string name) {
  return std::make_unique<MemorySource>(std::move(bytes), std::move(name));
}

Result<uint64_t> StreamSize(const std::string& path) {
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) {
    return Status::NotFound(path + ": cannot stat: " + ec.message()).WithErrorCode(ErrorCode::kLoadUnitReadSchemaFile);
  }
  if (!EndsWith(path, ".gz") && !EndsWith(path, ".zst")) return size;
  // The gzip trailer's ISIZE is only the last member's length mod 2^32 and a
  // zstd frame need not record its size, but the checkpoint needs the exact
  // end, so count the stream once.
  DM_ASSIGN_OR_RETURN(auto source, OpenByteSource(path));
  std::string buffer(1 << 20, '\0');
  uint64_t total = 0;
  while (true) {
    DM_ASSIGN_OR_RETURN(size_t got, source->Read(buffer.data(), buffer.size()));
    if (got == 0) break;
    total += got;
  }
  return total;
}

}  // namespace dm::load
