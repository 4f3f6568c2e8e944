// SQL text building without a connection: identifiers, string literals, hex
// literals. Every function is pure and thread-safe.
//
// String escaping follows the server's lexer (sql/sql_lex.cc): inside '...'
// a backslash starts an escape unless sql_mode has NO_BACKSLASH_ESCAPES, in
// which case only a doubled quote is special. The result is safe for any
// connection character set in which byte 0x5C ('\\') and 0x27 ('\'') never
// occur inside a multi-byte character: utf8mb4, utf8mb3, latin1, ascii,
// binary. It is NOT safe for gbk, big5, sjis or cp932 connections; use
// HexLiteral() there.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace dm::mysql {

// Returns `name` in backticks with embedded backticks doubled, so any
// identifier (spaces, reserved words, unicode, backticks) is taken verbatim:
// QuoteIdentifier("a`b") == "`a``b`". Bytes are not validated; the server
// rejects names it does not allow (e.g. NUL, trailing space).
std::string QuoteIdentifier(std::string_view name);

// "`schema`.`table`" with both parts quoted by QuoteIdentifier.
std::string QualifiedName(std::string_view schema, std::string_view table);

// How the session parses backslashes in string literals.
enum class StringEscaping {
  kBackslash,           // the server default
  kNoBackslashEscapes,  // sql_mode contains NO_BACKSLASH_ESCAPES
};

// Returns `bytes` as a single-quoted string literal. Binary-safe: every byte
// value round-trips. With kBackslash, \0 \n \r \\ ' " and \x1a are escaped
// (as mysql_real_escape_string does); with kNoBackslashEscapes only ' is
// doubled and all other bytes are sent as they are.
std::string QuoteString(std::string_view bytes, StringEscaping escaping = StringEscaping::kBackslash);

// Returns X'..' (upper-case hex) for `bytes`; X'' for empty input. A hex
// literal is a binary string whatever the connection character set or
// sql_mode, so it is the safest way to send BLOB/BINARY data.
std::string HexLiteral(std::string_view bytes);

// Upper-case hex of `bytes` without decoration ("00FF").
std::string HexEncode(std::string_view bytes);

// Decodes hex digits (either case) to bytes. InvalidArgument on an odd
// length or a non-hex character.
Result<std::string> HexDecode(std::string_view hex);

}  // namespace dm::mysql
