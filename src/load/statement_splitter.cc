#include "load/statement_splitter.h"

#include <cstring>

namespace dm::load {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Bytes that can change the lexer state outside quotes and comments.
bool IsSpecialInNormal(char c) {
  return c == ';' || c == '\'' || c == '"' || c == '`' || c == '#' || c == '-' || c == '/' || c == '*';
}

}  // namespace

StatementSplitter::StatementSplitter(std::unique_ptr<ByteSource> source, Options options)
    : source_(std::move(source)), options_(options) {
  if (options_.read_size == 0) options_.read_size = 1;
}

Status StatementSplitter::Unterminated(std::string_view what) const {
  return Status::Corruption(source_->name() + ": unterminated " + std::string(what) + " starting at byte offset " +
                            std::to_string(token_offset_) + " (file ends at byte " +
                            std::to_string(base_offset_ + size_) + ")")
      .WithErrorCode(ErrorCode::kLoadUnitParseStatement);
}

Result<bool> StatementSplitter::Fill() {
  if (eof_) return false;
  // Keep the statement being collected; drop everything before it.
  bool in_statement = state_ != State::kLeading &&
                      !((state_ == State::kLineComment || state_ == State::kBlockComment) &&
                        comment_return_ == State::kLeading);
  size_t keep_from = in_statement ? stmt_start_ : scan_;
  if (in_statement && size_ - stmt_start_ > options_.max_statement_bytes) {
    return Status::Corruption(source_->name() + ": statement starting at byte offset " +
                              std::to_string(base_offset_ + stmt_start_) + " is longer than " +
                              std::to_string(options_.max_statement_bytes) + " bytes (unterminated quote?)")
        .WithErrorCode(ErrorCode::kLoadUnitParseStatement);
  }
  if (keep_from > 0) {
    std::memmove(buffer_.data(), buffer_.data() + keep_from, size_ - keep_from);
    size_ -= keep_from;
    scan_ -= keep_from;
    base_offset_ += keep_from;
    if (in_statement) stmt_start_ = 0;
  }
  if (buffer_.size() < size_ + options_.read_size) buffer_.resize(size_ + options_.read_size);
  DM_ASSIGN_OR_RETURN(size_t got, source_->Read(buffer_.data() + size_, options_.read_size));
  if (got == 0) {
    eof_ = true;
    return false;
  }
  size_ += got;
  return true;
}

Result<bool> StatementSplitter::Next() {
  state_ = State::kLeading;
  in_version_comment_ = false;
  // Returns buffer_[scan_ + k] in *out, reading more input when needed; false
  // at end of input. May move the buffer contents (indices stay valid).
  auto peek = [this](size_t k, char* out) -> Result<bool> {
    while (scan_ + k >= size_) {
      DM_ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) return false;
    }
    *out = buffer_[scan_ + k];
    return true;
  };
  auto emit = [this](size_t end, uint64_t end_offset) {
    stmt_begin_ = stmt_start_;
    size_t len = end - stmt_start_;
    while (len > 0 && IsSpace(buffer_[stmt_start_ + len - 1])) --len;
    stmt_len_ = len;
    stmt_begin_offset_ = base_offset_ + stmt_start_;
    stmt_end_offset_ = end_offset;
  };

  while (true) {
    if (scan_ >= size_) {
      DM_ASSIGN_OR_RETURN(bool more, Fill());
      if (more) continue;
      switch (state_) {
        case State::kLeading:
          return false;
        case State::kLineComment:
          if (comment_return_ == State::kLeading) return false;
          [[fallthrough]];
        case State::kNormal:
          // A last statement without `;`: run it as the mysql client would.
          emit(size_, base_offset_ + size_);
          state_ = State::kLeading;
          return true;
        case State::kSingleQuote:
          return Unterminated("string literal");
        case State::kDoubleQuote:
          return Unterminated("double-quoted string");
        case State::kBacktick:
          return Unterminated("quoted identifier");
        case State::kBlockComment:
          return Unterminated("comment");
      }
    }
    char c = buffer_[scan_];
    switch (state_) {
      case State::kLeading: {
        if (IsSpace(c) || c == ';') {
          ++scan_;
          continue;
        }
        char n1 = 0;
        char n2 = 0;
        if (c == '#') {
          comment_return_ = State::kLeading;
          state_ = State::kLineComment;
          ++scan_;
          continue;
        }
        if (c == '-') {
          DM_ASSIGN_OR_RETURN(bool has1, peek(1, &n1));
          if (has1 && n1 == '-') {
            DM_ASSIGN_OR_RETURN(bool has2, peek(2, &n2));
            if (!has2 || IsSpace(n2)) {
              comment_return_ = State::kLeading;
              state_ = State::kLineComment;
              scan_ += 2;
              continue;
            }
          }
        } else if (c == '/') {
          DM_ASSIGN_OR_RETURN(bool has1, peek(1, &n1));
          if (has1 && n1 == '*') {
            DM_ASSIGN_OR_RETURN(bool has2, peek(2, &n2));
            char n3 = 0;
            bool versioned = has2 && n2 == '!';
            if (has2 && n2 == 'M') {
              DM_ASSIGN_OR_RETURN(bool has3, peek(3, &n3));
              versioned = has3 && n3 == '!';
            }
            if (!versioned) {
              comment_return_ = State::kLeading;
              state_ = State::kBlockComment;
              token_offset_ = base_offset_ + scan_;
              scan_ += 2;
              continue;
            }
          }
        }
        // The statement starts here; kNormal looks at this byte again.
        stmt_start_ = scan_;
        state_ = State::kNormal;
        continue;
      }
      case State::kNormal: {
        if (!IsSpecialInNormal(c)) {
          ++scan_;
          while (scan_ < size_ && !IsSpecialInNormal(buffer_[scan_])) ++scan_;
          continue;
        }
        char n1 = 0;
        switch (c) {
          case ';':
            if (in_version_comment_) {
              ++scan_;
              continue;
            }
            emit(scan_, base_offset_ + scan_ + 1);
            ++scan_;
            state_ = State::kLeading;
            return true;
          case '\'':
          case '"':
          case '`':
            state_ = c == '\'' ? State::kSingleQuote : c == '"' ? State::kDoubleQuote : State::kBacktick;
            token_offset_ = base_offset_ + scan_;
            ++scan_;
            continue;
          case '#':
            comment_return_ = State::kNormal;
            state_ = State::kLineComment;
            ++scan_;
            continue;
          case '-': {
            DM_ASSIGN_OR_RETURN(bool has1, peek(1, &n1));
            if (has1 && n1 == '-') {
              char n2 = 0;
              DM_ASSIGN_OR_RETURN(bool has2, peek(2, &n2));
              if (!has2 || IsSpace(n2)) {
                comment_return_ = State::kNormal;
                state_ = State::kLineComment;
                scan_ += 2;
                continue;
              }
            }
            ++scan_;
            continue;
          }
          case '/': {
            DM_ASSIGN_OR_RETURN(bool has1, peek(1, &n1));
            if (has1 && n1 == '*') {
              char n2 = 0;
              DM_ASSIGN_OR_RETURN(bool has2, peek(2, &n2));
              if (has2 && n2 == '!') {
                in_version_comment_ = true;
                scan_ += 3;
                continue;
              }
              if (has2 && n2 == 'M') {
                char n3 = 0;
                DM_ASSIGN_OR_RETURN(bool has3, peek(3, &n3));
                if (has3 && n3 == '!') {
                  in_version_comment_ = true;
                  scan_ += 4;
                  continue;
                }
              }
              comment_return_ = State::kNormal;
              state_ = State::kBlockComment;
              token_offset_ = base_offset_ + scan_;
              scan_ += 2;
              continue;
            }
            ++scan_;
            continue;
          }
          case '*': {
            if (in_version_comment_) {
              DM_ASSIGN_OR_RETURN(bool has1, peek(1, &n1));
              if (has1 && n1 == '/') {
                in_version_comment_ = false;
                scan_ += 2;
                continue;
              }
            }
            ++scan_;
            continue;
          }
          default:
            ++scan_;
            continue;
        }
      }
      case State::kSingleQuote:
      case State::kDoubleQuote:
      case State::kBacktick: {
        char quote = state_ == State::kSingleQuote ? '\'' : state_ == State::kDoubleQuote ? '"' : '`';
        bool escapes = options_.backslash_escapes && state_ != State::kBacktick;
        // Fast path over ordinary bytes.
        while (scan_ < size_ && buffer_[scan_] != quote && !(escapes && buffer_[scan_] == '\\')) ++scan_;
        if (scan_ >= size_) continue;
        if (buffer_[scan_] == quote) {
          // A doubled quote closes and reopens: same result as an escape.
          state_ = State::kNormal;
          ++scan_;
          continue;
        }
        // Backslash: the next byte is taken literally, whatever it is.
        char n1 = 0;
        DM_ASSIGN_OR_RETURN(bool has1, peek(1, &n1));
        if (!has1) {
          ++scan_;  // end of input inside the literal; reported above
          continue;
        }
        scan_ += 2;
        continue;
      }
      case State::kLineComment: {
        const void* nl = std::memchr(buffer_.data() + scan_, '\n', size_ - scan_);
        if (nl == nullptr) {
          scan_ = size_;
          continue;
        }
        scan_ = static_cast<size_t>(static_cast<const char*>(nl) - buffer_.data()) + 1;
        state_ = comment_return_;
        continue;
      }
      case State::kBlockComment: {
        if (c == '*') {
          char n1 = 0;
          DM_ASSIGN_OR_RETURN(bool has1, peek(1, &n1));
          if (has1 && n1 == '/') {
            scan_ += 2;
            state_ = comment_return_;
            continue;
          }
        }
        ++scan_;
        continue;
      }
    }
  }
}

}  // namespace dm::load
