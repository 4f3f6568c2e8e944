// A MySQL/MariaDB SQL lexer for statements from QUERY events, good enough to
// parse DDL and to rewrite it byte-exactly.
//
// Whitespace and comments (`-- `, `#`, `/* */`, optimizer hints `/*+ */`)
// produce no tokens. Versioned comments (`/*!NNNNN ... */`, MariaDB's
// `/*M!NNNNNN ... */`) are SQL the server runs, so their content is lexed as
// live SQL and only their markers are dropped, whatever the version number
// (binlogs only hold statements the upstream accepted). Every token records
// the byte range it came from, so a rewriter can replace a few tokens and copy
// every other byte (comments, strings, spacing) unchanged.
//
// Quoting follows the server's lexer (sql/sql_lex.cc): `...` is an identifier
// with `` as an escaped backtick; '...' is a string in which a doubled quote
// and (unless NO_BACKSLASH_ESCAPES) a backslash escape; "..." is a string, or
// an identifier with "" as escape under ANSI_QUOTES. Any byte value may appear
// inside quotes and in identifiers (bytes >= 0x80 are identifier bytes, as in
// utf8mb4 names); no input makes the lexer crash or read out of bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace dm::sync {

// How the session that wrote a statement parses quotes: the parts of
// @@sql_mode that change lexing.
struct SqlDialect {
  bool ansi_quotes = false;        // "..." is an identifier
  bool backslash_escapes = true;   // false under NO_BACKSLASH_ESCAPES

  // The dialect of a QUERY event's sql_mode status variable (MySQL's MODE_*
  // bits: ANSI_QUOTES = 1 << 2, NO_BACKSLASH_ESCAPES = 1 << 20; MariaDB uses
  // the same values).
  static SqlDialect FromSqlMode(uint64_t sql_mode);
};

enum class TokenKind : uint8_t {
  kWord,         // a keyword or unquoted identifier: [A-Za-z0-9_$] and bytes >= 0x80
  kQuotedIdent,  // `...`, or "..." under ANSI_QUOTES
  kString,       // '...', or "..." without ANSI_QUOTES
  kNumber,       // 12, 1.5, .5, 1e-3, 0x1F, 0b101
  kOperator,     // any other single byte: ( ) , . ; = @ ...
};

// One token: the bytes [begin, end) of the lexed text, quotes included.
struct Token {
  TokenKind kind = TokenKind::kOperator;
  size_t begin = 0;
  size_t end = 0;
};

// Splits `sql` into tokens. InvalidArgument naming the byte offset where an
// unterminated quote or comment begins. Tokens refer to `sql` by offset only.
Result<std::vector<Token>> LexSql(std::string_view sql, const SqlDialect& dialect);

// The bytes of `token` in `sql`.
inline std::string_view TokenText(std::string_view sql, const Token& token) {
  return sql.substr(token.begin, token.end - token.begin);
}

// The name an identifier token stands for: the word itself for kWord; the
// quoted text with its doubled quotes undone for kQuotedIdent.
// REQUIRES: token.kind is kWord or kQuotedIdent and token lies inside `sql`.
std::string IdentifierValue(std::string_view sql, const Token& token);

}  // namespace dm::sync
