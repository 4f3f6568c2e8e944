// Splits a dump file into SQL statements, binary-safe and streaming.
//
// A statement ends at a `;` outside string literals ('...', "..."),
// quoted identifiers (`...`) and comments (-- ..., # ..., /* ... */), as the
// mysql client splits a script. Inside quotes a backslash escapes the next
// byte (unless the dump was made with NO_BACKSLASH_ESCAPES) and a doubled
// quote is an escaped quote; any byte value, including 0x00 and invalid
// UTF-8, may appear. MySQL versioned comments (/*! ... */, /*M! ... */) are
// SQL the server runs, so they are kept in the statement text, and a `;`
// inside one does not end the statement.
//
// Whitespace and ordinary comments before a statement are not part of it;
// an empty statement (`;` alone) is skipped. A final statement without `;`
// is returned as it is (the server judges it). End of input inside a quote
// or a block comment is Corruption naming the byte offset where it began.
//
// Offsets count bytes of the input stream from its start. end_offset() of a
// statement is the offset just past its `;`: the point a restart resumes at
// (DM's loader checkpoint `offset`). Lexing is stateless at those points, so
// a file may be split starting at any statement's end_offset.
//
// Memory: one read buffer plus the longest statement. A statement longer than
// Options::max_statement_bytes is Corruption (usually an unterminated quote).
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "load/byte_source.h"

namespace dm::load {

class StatementSplitter {
 public:
  struct Options {
    bool backslash_escapes = true;             // false for NO_BACKSLASH_ESCAPES dumps
    size_t read_size = size_t{1} << 20;        // bytes per read from the source
    size_t max_statement_bytes = size_t{1} << 30;  // as max_allowed_packet's ceiling
  };

  // Takes ownership of `source`.
  StatementSplitter(std::unique_ptr<ByteSource> source, Options options);
  explicit StatementSplitter(std::unique_ptr<ByteSource> source)
      : StatementSplitter(std::move(source), Options()) {}

  // Advances to the next statement. Returns false at the end of input.
  // Errors name the source and a byte offset.
  Result<bool> Next();

  // The current statement without its `;`; valid until the next Next().
  // REQUIRES: the last Next() returned true.
  std::string_view statement() const { return {buffer_.data() + stmt_begin_, stmt_len_}; }
  uint64_t begin_offset() const { return stmt_begin_offset_; }
  uint64_t end_offset() const { return stmt_end_offset_; }
  // Bytes consumed so far (after Next() returned false: the input's size).
  uint64_t consumed() const { return base_offset_ + scan_; }
  const std::string& source_name() const { return source_->name(); }

 private:
  enum class State : uint8_t {
    kLeading,        // before a statement: whitespace and comments skipped
    kNormal,         // inside a statement, outside quotes and comments
    kSingleQuote,
    kDoubleQuote,
    kBacktick,
    kLineComment,    // -- or # comment, up to the newline
    kBlockComment,   // /* ... */ (not versioned)
  };

  // Reads more input, compacting consumed bytes away first. Returns false at
  // end of input.
  Result<bool> Fill();
  Status Unterminated(std::string_view what) const;

  std::unique_ptr<ByteSource> source_;
  Options options_;
  std::string buffer_;       // bytes [0, size_) are valid
  size_t size_ = 0;
  size_t scan_ = 0;          // next byte to look at (buffer index)
  uint64_t base_offset_ = 0; // stream offset of buffer_[0]
  bool eof_ = false;

  State state_ = State::kLeading;
  State comment_return_ = State::kLeading;  // state a comment returns to
  bool in_version_comment_ = false;         // inside /*! ... */ in a statement
  size_t stmt_start_ = 0;                   // buffer index where the statement began
  uint64_t token_offset_ = 0;               // stream offset of the open quote/comment

  size_t stmt_begin_ = 0;
  size_t stmt_len_ = 0;
  uint64_t stmt_begin_offset_ = 0;
  uint64_t stmt_end_offset_ = 0;
};

}  // namespace dm::load
