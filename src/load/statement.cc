#include "load/statement.h"

#include <array>

#include "common/strings.h"

namespace dm::load {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsWordByte(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' || u == '$' ||
         u >= 0x80;
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct Token {
  enum Type : uint8_t { kEnd, kWord, kIdent, kString, kPunct } type = kEnd;
  size_t begin = 0;
  size_t end = 0;
  std::string text;  // kWord: upper-cased; kIdent: decoded name; kPunct: the byte
};

// A tokenizer for statement heads: skips whitespace, comments and the
// markers of versioned comments, whose content is SQL.
class HeadLexer {
 public:
  explicit HeadLexer(std::string_view s, size_t pos = 0) : s_(s), pos_(pos) {}

  Token Next() {
    SkipTrivia();
    Token t;
    t.begin = pos_;
    if (pos_ >= s_.size()) {
      t.end = pos_;
      return t;
    }
    char c = s_[pos_];
    if (c == '`') {
      t.type = Token::kIdent;
      ++pos_;
      while (pos_ < s_.size()) {
        if (s_[pos_] == '`') {
          if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '`') {
            t.text.push_back('`');
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        t.text.push_back(s_[pos_++]);
      }
    } else if (c == '\'' || c == '"') {
      t.type = Token::kString;
      ++pos_;
      while (pos_ < s_.size()) {
        if (s_[pos_] == '\\') {
          pos_ += 2;
          continue;
        }
        if (s_[pos_] == c) {
          ++pos_;
          if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            continue;
          }
          break;
        }
        ++pos_;
      }
      pos_ = std::min(pos_, s_.size());
    } else if (IsWordByte(c)) {
      t.type = Token::kWord;
      while (pos_ < s_.size() && IsWordByte(s_[pos_])) ++pos_;
      t.text = AsciiUpper(s_.substr(t.begin, pos_ - t.begin));
    } else {
      t.type = Token::kPunct;
      t.text = std::string(1, c);
      ++pos_;
    }
    t.end = pos_;
    return t;
  }

  size_t pos() const { return pos_; }

 private:
  void SkipTrivia() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (IsSpace(c)) {
        ++pos_;
      } else if (c == '#' ||
                 (c == '-' && s_.substr(pos_, 2) == "--" && (pos_ + 2 >= s_.size() || IsSpace(s_[pos_ + 2])))) {
        size_t nl = s_.find('\n', pos_);
        pos_ = nl == std::string_view::npos ? s_.size() : nl + 1;
      } else if (s_.substr(pos_, 3) == "/*!" || s_.substr(pos_, 4) == "/*M!") {
        pos_ += s_[pos_ + 2] == 'M' ? 4 : 3;
        while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
      } else if (s_.substr(pos_, 2) == "/*") {
        size_t close = s_.find("*/", pos_ + 2);
        pos_ = close == std::string_view::npos ? s_.size() : close + 2;
      } else if (s_.substr(pos_, 2) == "*/") {
        pos_ += 2;  // end of a versioned comment
      } else {
        return;
      }
    }
  }

  std::string_view s_;
  size_t pos_;
};

bool IsWord(const Token& t, std::string_view upper) { return t.type == Token::kWord && t.text == upper; }
bool IsPunct(const Token& t, char c) { return t.type == Token::kPunct && t.text.size() == 1 && t.text[0] == c; }

}  // namespace

Result<StatementHead> ParseStatementHead(std::string_view stmt) {
  HeadLexer lex(stmt);
  StatementHead head;
  Token t = lex.Next();
  if (t.type == Token::kEnd) {
    head.kind = StatementKind::kEmpty;
    return head;
  }
  // Words that are names keep their spelling: re-read them from the text.
  auto fix_word = [&](Token* tok) {
    if (tok->type == Token::kWord) tok->text = std::string(stmt.substr(tok->begin, tok->end - tok->begin));
  };
  auto read_name = [&](Token first) -> Status {
    fix_word(&first);
    HeadLexer probe = lex;
    Token dot = probe.Next();
    if (IsPunct(dot, '.')) {
      Token second = probe.Next();
      fix_word(&second);
      if (second.type == Token::kIdent || second.type == Token::kWord) {
        lex = probe;
        head.schema = first.text;
        head.name = second.text;
        head.name_begin = first.begin;
        head.name_end = second.end;
        return Status::OK();
      }
    }
    if (first.type != Token::kIdent && first.type != Token::kWord) {
      return Status::InvalidArgument("expected a name at byte " + std::to_string(first.begin) + " of the statement");
    }
    head.name = first.text;
    head.name_begin = first.begin;
    head.name_end = first.end;
    return Status::OK();
  };
  auto skip_if_not_exists = [&](Token* tok) {
    if (!IsWord(*tok, "IF")) return;
    HeadLexer probe = lex;
    Token n = probe.Next();
    Token e = probe.Next();
    if (IsWord(n, "NOT") && IsWord(e, "EXISTS")) {
      lex = probe;
      *tok = lex.Next();
    }
  };

  if (IsWord(t, "SET")) {
    head.kind = StatementKind::kSet;
    return head;
  }
  if (IsWord(t, "INSERT") || IsWord(t, "REPLACE")) {
    head.kind = IsWord(t, "INSERT") ? StatementKind::kInsert : StatementKind::kReplace;
    Token n = lex.Next();
    while (IsWord(n, "LOW_PRIORITY") || IsWord(n, "DELAYED") || IsWord(n, "HIGH_PRIORITY") || IsWord(n, "IGNORE")) {
      if (IsWord(n, "IGNORE")) head.ignore = true;
      n = lex.Next();
    }
    if (IsWord(n, "INTO")) n = lex.Next();
    DM_RETURN_IF_ERROR(read_name(n));
    return head;
  }
  if (IsWord(t, "CREATE")) {
    Token n = lex.Next();
    if (IsWord(n, "OR")) {
      Token r = lex.Next();
      if (!IsWord(r, "REPLACE")) return head;
      n = lex.Next();
    }
    if (IsWord(n, "DATABASE") || IsWord(n, "SCHEMA")) {
      head.kind = StatementKind::kCreateDatabase;
      n = lex.Next();
      skip_if_not_exists(&n);
      DM_RETURN_IF_ERROR(read_name(n));
      return head;
    }
    if (IsWord(n, "TEMPORARY")) n = lex.Next();
    if (IsWord(n, "TABLE") || IsWord(n, "SEQUENCE")) {
      head.kind = IsWord(n, "TABLE") ? StatementKind::kCreateTable : StatementKind::kCreateSequence;
      n = lex.Next();
      skip_if_not_exists(&n);
      DM_RETURN_IF_ERROR(read_name(n));
      return head;
    }
    // ALGORITHM=..., DEFINER=..., SQL SECURITY ... may precede VIEW.
    for (int i = 0; i < 64 && n.type != Token::kEnd; ++i, n = lex.Next()) {
      if (IsWord(n, "VIEW")) {
        head.kind = StatementKind::kCreateView;
        n = lex.Next();
        skip_if_not_exists(&n);
        DM_RETURN_IF_ERROR(read_name(n));
        return head;
      }
      if (IsWord(n, "AS") || IsWord(n, "TRIGGER") || IsWord(n, "PROCEDURE") || IsWord(n, "FUNCTION")) break;
    }
    return head;
  }
  if (IsWord(t, "DROP")) {
    head.kind = StatementKind::kDrop;
    return head;
  }
  return head;
}

std::string RewriteInsert(std::string_view stmt, const StatementHead& head, InsertVerb verb,
                          std::string_view qualified_target) {
  std::string_view prefix = verb == InsertVerb::kReplace  ? "REPLACE INTO "
                            : verb == InsertVerb::kIgnore ? "INSERT IGNORE INTO "
                                                          : "INSERT INTO ";
  std::string_view body = stmt.substr(head.name_end);
  std::string out;
  out.reserve(prefix.size() + qualified_target.size() + body.size());
  out.append(prefix).append(qualified_target).append(body);
  return out;
}

namespace {

// The end of the quoted string or identifier that starts at `pos` (one past
// its closing quote), or npos when it is not closed.
size_t SkipQuoted(std::string_view s, size_t pos, bool backslash_escapes) {
  const char quote = s[pos];
  for (size_t i = pos + 1; i < s.size(); ++i) {
    if (s[i] == '\\' && quote != '`' && backslash_escapes) {
      ++i;
    } else if (s[i] == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return std::string_view::npos;
}

}  // namespace

Result<std::string> RewriteInsertWithExtraColumns(std::string_view stmt, const StatementHead& head, InsertVerb verb,
                                                  std::string_view qualified_target, std::string_view default_columns,
                                                  const ExtraColumnsSql& extra, bool backslash_escapes) {
  std::string_view body = stmt.substr(head.name_end);
  std::string out = RewriteInsert(stmt.substr(0, head.name_end), head, verb, qualified_target);
  out.reserve(out.size() + body.size() + body.size() / 8);
  size_t i = 0;
  while (i < body.size() && IsSpace(body[i])) ++i;
  if (i < body.size() && body[i] == '(') {
    // The column list: copy it up to its closing parenthesis, then add ours.
    size_t j = i + 1;
    while (j < body.size() && body[j] != ')') {
      j = body[j] == '`' ? SkipQuoted(body, j, false) : j + 1;
      if (j == std::string_view::npos) return Status::InvalidArgument("INSERT column list is not closed");
    }
    if (j >= body.size()) return Status::InvalidArgument("INSERT column list is not closed");
    out.append(body.substr(0, j)).append(extra.names).push_back(')');
    i = j + 1;
  } else {
    out.append(" (").append(default_columns).append(extra.names).push_back(')');
    i = 0;  // keeps the whitespace before VALUES
  }
  // The rows: each closing parenthesis at depth 1 ends one.
  HeadLexer lex(body, i);
  Token values = lex.Next();
  if (values.type != Token::kWord || (values.text != "VALUES" && values.text != "VALUE")) {
    return Status::InvalidArgument("INSERT without VALUES cannot take extra columns");
  }
  out.append(body.substr(i, values.end - i));
  int depth = 0;
  size_t copied = values.end;
  for (size_t j = values.end; j < body.size();) {
    char c = body[j];
    if (c == '\'' || c == '"' || c == '`') {
      j = SkipQuoted(body, j, backslash_escapes);
      if (j == std::string_view::npos) return Status::InvalidArgument("INSERT row has an unclosed string");
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')') {
      if (depth == 1) {
        out.append(body.substr(copied, j - copied)).append(extra.values);
        copied = j;
      }
      --depth;
      if (depth < 0) return Status::InvalidArgument("INSERT rows have an unbalanced ')'");
    }
    ++j;
  }
  if (depth != 0) return Status::InvalidArgument("INSERT row is not closed");
  out.append(body.substr(copied));
  return out;
}

std::string RewriteCreate(std::string_view stmt, const StatementHead& head, std::string_view quoted_target) {
  std::string_view prefix = head.kind == StatementKind::kCreateDatabase   ? "CREATE DATABASE IF NOT EXISTS "
                            : head.kind == StatementKind::kCreateSequence ? "CREATE SEQUENCE "
                                                                          : "CREATE TABLE ";
  std::string out(prefix);
  out.append(quoted_target).append(stmt.substr(head.name_end));
  return out;
}

Result<std::vector<std::string>> ParseCreateTableColumns(std::string_view stmt) {
  DM_ASSIGN_OR_RETURN(StatementHead head, ParseStatementHead(stmt));
  if (head.kind != StatementKind::kCreateTable) return Status::InvalidArgument("not a CREATE TABLE statement");
  HeadLexer lex(stmt, head.name_end);
  Token t = lex.Next();
  if (!IsPunct(t, '(')) return Status::InvalidArgument("CREATE TABLE without a column list");
  static constexpr std::array<std::string_view, 11> kClauses = {
      "PRIMARY", "KEY", "INDEX", "UNIQUE", "CONSTRAINT", "FOREIGN", "FULLTEXT", "SPATIAL", "CHECK", "PERIOD", "SYSTEM"};
  std::vector<std::string> columns;
  bool element_start = true;
  int depth = 1;
  while (depth > 0) {
    t = lex.Next();
    if (t.type == Token::kEnd) return Status::InvalidArgument("CREATE TABLE column list is not closed");
    if (element_start && depth == 1) {
      element_start = false;
      if (t.type == Token::kIdent) {
        columns.push_back(t.text);
      } else if (t.type == Token::kWord) {
        bool clause = false;
        for (std::string_view k : kClauses) clause = clause || t.text == k;
        if (!clause) columns.emplace_back(stmt.substr(t.begin, t.end - t.begin));
      }
    }
    if (IsPunct(t, '(')) {
      ++depth;
    } else if (IsPunct(t, ')')) {
      --depth;
    } else if (IsPunct(t, ',') && depth == 1) {
      element_start = true;
    }
  }
  return columns;
}

std::optional<std::string> SetNamesCharset(std::string_view stmt) {
  HeadLexer lex(stmt);
  if (!IsWord(lex.Next(), "SET") || !IsWord(lex.Next(), "NAMES")) return std::nullopt;
  Token name = lex.Next();
  if (name.type != Token::kWord && name.type != Token::kString && name.type != Token::kIdent) return std::nullopt;
  std::string_view raw = stmt.substr(name.begin, name.end - name.begin);
  if (name.type == Token::kString && raw.size() >= 2) raw = raw.substr(1, raw.size() - 2);
  if (name.type == Token::kIdent) raw = name.text;
  return AsciiLower(raw);
}

bool IsUnsafeSessionSet(std::string_view stmt) {
  std::string upper = AsciiUpper(stmt);
  return upper.find("SQL_LOG_BIN") != std::string::npos || upper.find("UNIQUE_CHECKS") != std::string::npos;
}

}  // namespace dm::load
