#include "sync/sql_lexer.h"

#include <fmt/format.h>

namespace dm::sync {
namespace {

constexpr uint64_t kModeAnsiQuotes = uint64_t{1} << 2;
constexpr uint64_t kModeNoBackslashEscapes = uint64_t{1} << 20;

bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(unsigned char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
// Bytes >= 0x80 belong to identifiers so utf8mb4 names lex as one word.
bool IsIdentByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_' || c == '$' || c >= 0x80;
}

class Lexer {
 public:
  Lexer(std::string_view sql, const SqlDialect& dialect) : sql_(sql), dialect_(dialect) {}

  Result<std::vector<Token>> Run() {
    while (pos_ < sql_.size()) {
      DM_RETURN_IF_ERROR(Step());
    }
    if (versioned_depth_ > 0) {
      return Unterminated("versioned comment", versioned_start_);
    }
    return std::move(tokens_);
  }

 private:
  unsigned char At(size_t i) const { return i < sql_.size() ? static_cast<unsigned char>(sql_[i]) : 0; }
  bool StartsWith(size_t i, std::string_view s) const { return sql_.substr(i, s.size()) == s; }

  Status Unterminated(std::string_view what, size_t start) const {
    return Status::InvalidArgument(fmt::format("unterminated {} starting at byte {}", what, start));
  }

  void Emit(TokenKind kind, size_t begin, size_t end) {
    tokens_.push_back(Token{kind, begin, end});
    pos_ = end;
  }

  Status Step() {
    const unsigned char c = At(pos_);
    if (IsSpace(c)) {
      ++pos_;
      return Status::OK();
    }
    if (c == '#') return SkipLineComment();
    // As the server: `--` starts a comment only when a space or control byte
    // (or the end) follows, so `a--1` stays an expression.
    if (c == '-' && At(pos_ + 1) == '-' && (pos_ + 2 >= sql_.size() || At(pos_ + 2) <= ' ')) {
      return SkipLineComment();
    }
    if (c == '/' && At(pos_ + 1) == '*') return OpenComment();
    if (c == '*' && At(pos_ + 1) == '/' && versioned_depth_ > 0) {
      --versioned_depth_;
      pos_ += 2;
      return Status::OK();
    }
    if (c == '`') return LexQuoted(TokenKind::kQuotedIdent, '`', /*backslash=*/false, "quoted identifier");
    if (c == '\'') return LexQuoted(TokenKind::kString, '\'', dialect_.backslash_escapes, "string");
    if (c == '"') {
      if (dialect_.ansi_quotes) return LexQuoted(TokenKind::kQuotedIdent, '"', false, "quoted identifier");
      return LexQuoted(TokenKind::kString, '"', dialect_.backslash_escapes, "string");
    }
    if (c == '.' && IsDigit(At(pos_ + 1)) && !FollowsName()) {
      LexNumberTail(pos_);
      return Status::OK();
    }
    if (IsIdentByte(c)) {
      LexWordOrNumber();
      return Status::OK();
    }
    Emit(TokenKind::kOperator, pos_, pos_ + 1);
    return Status::OK();
  }

  Status SkipLineComment() {
    const size_t newline = sql_.find('\n', pos_);
    pos_ = newline == std::string_view::npos ? sql_.size() : newline + 1;
    return Status::OK();
  }

  // At "/*": a versioned comment opens (its content is live SQL) or an
  // ordinary comment (including an optimizer hint) is skipped to its "*/".
  Status OpenComment() {
    const size_t start = pos_;
    size_t digits_at = 0;
    if (At(pos_ + 2) == '!') {
      digits_at = pos_ + 3;
    } else if (At(pos_ + 2) == 'M' && At(pos_ + 3) == '!') {
      digits_at = pos_ + 4;
    }
    if (digits_at != 0) {
      // MySQL writes five digits, MariaDB five or six; skip at most six so a
      // number right after the version stays part of the SQL.
      size_t end = digits_at;
      while (end < sql_.size() && end - digits_at < 6 && IsDigit(At(end))) ++end;
      if (versioned_depth_ == 0) versioned_start_ = start;
      ++versioned_depth_;
      pos_ = end;
      return Status::OK();
    }
    const size_t close = sql_.find("*/", pos_ + 2);
    if (close == std::string_view::npos) return Unterminated("comment", start);
    pos_ = close + 2;
    return Status::OK();
  }

  Status LexQuoted(TokenKind kind, char quote, bool backslash, std::string_view what) {
    const size_t start = pos_;
    size_t i = pos_ + 1;
    while (i < sql_.size()) {
      const char c = sql_[i];
      if (backslash && c == '\\') {
        i += 2;
        continue;
      }
      if (c == quote) {
        if (i + 1 < sql_.size() && sql_[i + 1] == quote) {
          i += 2;
          continue;
        }
        Emit(kind, start, i + 1);
        return Status::OK();
      }
      ++i;
    }
    return Unterminated(what, start);
  }

  // True when the previous token is a name: "t.5" is a name, a dot and a
  // name part, not a name and the number .5.
  bool FollowsName() const {
    if (tokens_.empty()) return false;
    const TokenKind last = tokens_.back().kind;
    return last == TokenKind::kWord || last == TokenKind::kQuotedIdent;
  }

  // True after "name.", where the next run is a name part even if it starts
  // with a digit (`db`.1t).
  bool FollowsNameDot() const {
    if (tokens_.size() < 2) return false;
    const Token& dot = tokens_.back();
    if (dot.kind != TokenKind::kOperator || sql_[dot.begin] != '.') return false;
    const TokenKind before = tokens_[tokens_.size() - 2].kind;
    return before == TokenKind::kWord || before == TokenKind::kQuotedIdent;
  }

  // A run of identifier bytes: a number when it reads as one (digits with an
  // optional fraction and exponent, 0x.., 0b..), else a word (MySQL allows
  // names such as 1e or 2abc).
  void LexWordOrNumber() {
    const size_t start = pos_;
    size_t end = start;
    while (end < sql_.size() && IsIdentByte(At(end))) ++end;
    if (!IsDigit(At(start)) || FollowsNameDot()) {
      Emit(TokenKind::kWord, start, end);
      return;
    }
    const std::string_view run = sql_.substr(start, end - start);
    if (run.size() > 2 && run[0] == '0' && (run[1] == 'x' || run[1] == 'b')) {
      bool literal = true;
      for (size_t i = 2; i < run.size(); ++i) {
        const auto d = static_cast<unsigned char>(run[i]);
        literal = literal && (run[1] == 'x' ? IsHexDigit(d) : (d == '0' || d == '1'));
      }
      Emit(literal ? TokenKind::kNumber : TokenKind::kWord, start, end);
      return;
    }
    size_t digits_end = start;
    while (digits_end < end && IsDigit(At(digits_end))) ++digits_end;
    // A signed exponent ("1e-3") runs past the identifier bytes.
    const size_t exponent_end = ExponentEnd(digits_end);
    if (digits_end == end || (exponent_end > digits_end && exponent_end >= end)) {
      LexNumberTail(start);
      return;
    }
    Emit(TokenKind::kWord, start, end);
  }

  // Where an exponent ("e5", "E-3") starting at `i` ends, or `i` when there
  // is none.
  size_t ExponentEnd(size_t i) const {
    if (At(i) != 'e' && At(i) != 'E') return i;
    size_t j = i + 1;
    if (At(j) == '+' || At(j) == '-') ++j;
    if (!IsDigit(At(j))) return i;
    while (IsDigit(At(j))) ++j;
    return j;
  }

  // A decimal number from `start`: digits, an optional fraction, an optional
  // exponent.
  void LexNumberTail(size_t start) {
    size_t i = start;
    while (IsDigit(At(i))) ++i;
    if (At(i) == '.') {
      ++i;
      while (IsDigit(At(i))) ++i;
    }
    i = ExponentEnd(i);
    Emit(TokenKind::kNumber, start, i);
  }

  std::string_view sql_;
  SqlDialect dialect_;
  size_t pos_ = 0;
  int versioned_depth_ = 0;      // open /*! ... */ comments
  size_t versioned_start_ = 0;   // where the outermost one began
  std::vector<Token> tokens_;
};

}  // namespace

SqlDialect SqlDialect::FromSqlMode(uint64_t sql_mode) {
  SqlDialect dialect;
  dialect.ansi_quotes = (sql_mode & kModeAnsiQuotes) != 0;
  dialect.backslash_escapes = (sql_mode & kModeNoBackslashEscapes) == 0;
  return dialect;
}

Result<std::vector<Token>> LexSql(std::string_view sql, const SqlDialect& dialect) {
  return Lexer(sql, dialect).Run();
}

std::string IdentifierValue(std::string_view sql, const Token& token) {
  const std::string_view text = TokenText(sql, token);
  if (token.kind != TokenKind::kQuotedIdent || text.size() < 2) return std::string(text);
  const char quote = text.front();
  std::string value;
  value.reserve(text.size() - 2);
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    value.push_back(text[i]);
    if (text[i] == quote) ++i;  // the lexer only accepts doubled quotes inside
  }
  return value;
}

}  // namespace dm::sync
