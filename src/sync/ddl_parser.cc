// ParseStatement: a recursive-descent reader over the lexer's tokens that
// follows the MySQL 8.0 / MariaDB 10.11 grammar only where names appear and
// skips the rest by balanced parentheses (docs/design/ddl.md).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>

#include "common/strings.h"
#include "sync/ddl.h"

namespace dm::sync {
namespace {

constexpr size_t kMaxNearBytes = 40;

// First words of statements that reach the binlog as QUERY events but change
// no table: transaction control, session state, privileges, maintenance.
constexpr std::array kNotDdlFirstWords = std::to_array<std::string_view>({
    "BEGIN", "COMMIT", "ROLLBACK", "XA", "SAVEPOINT", "RELEASE", "START", "SET", "GRANT", "REVOKE",
    "FLUSH", "ANALYZE", "OPTIMIZE", "REPAIR", "CHECK", "CHECKSUM", "INSTALL", "UNINSTALL", "LOCK",
    "UNLOCK", "DO", "RESET", "PURGE", "USE", "CALL", "SELECT", "SHOW", "HANDLER",
});
constexpr std::array kDmlFirstWords = std::to_array<std::string_view>({
    "INSERT", "UPDATE", "DELETE", "REPLACE", "LOAD", "WITH",
});
// Objects after CREATE/ALTER/DROP that are not tables, databases or indexes.
// ALGORITHM, DEFINER, SQL (SECURITY) and AGGREGATE only precede views and
// stored programs.
constexpr std::array kNotDdlObjects = std::to_array<std::string_view>({
    "USER", "ROLE", "VIEW", "FUNCTION", "PROCEDURE", "TRIGGER", "EVENT", "SERVER", "TABLESPACE",
    "LOGFILE", "RESOURCE", "PACKAGE", "INSTANCE", "UNDO", "ALGORITHM", "DEFINER", "SQL", "AGGREGATE",
});
constexpr std::array kProgramPrefixes = std::to_array<std::string_view>({
    "ALGORITHM", "DEFINER", "SQL", "AGGREGATE",
});
// The object keywords looked for after such a prefix, for the note.
constexpr std::array kProgramObjects = std::to_array<std::string_view>({
    "VIEW", "FUNCTION", "PROCEDURE", "TRIGGER", "EVENT", "PACKAGE",
});
// Words that begin a table option in an ALTER TABLE specification.
constexpr std::array kTableOptionWords = std::to_array<std::string_view>({
    "ENGINE", "AUTO_INCREMENT", "AVG_ROW_LENGTH", "DEFAULT", "CHARACTER", "CHARSET", "COLLATE",
    "CHECKSUM", "TABLE_CHECKSUM", "COMMENT", "COMPRESSION", "CONNECTION", "DATA", "INDEX",
    "DELAY_KEY_WRITE", "ENCRYPTION", "ENCRYPTED", "ENCRYPTION_KEY_ID", "INSERT_METHOD",
    "KEY_BLOCK_SIZE", "MAX_ROWS", "MIN_ROWS", "PACK_KEYS", "PASSWORD", "ROW_FORMAT",
    "STATS_AUTO_RECALC", "STATS_PERSISTENT", "STATS_SAMPLE_PAGES", "TABLESPACE", "UNION",
    "PAGE_CHECKSUM", "PAGE_COMPRESSED", "PAGE_COMPRESSION_LEVEL", "TRANSACTIONAL", "IETF_QUOTES",
    "SEQUENCE", "AUTOEXTEND_SIZE", "SECONDARY_ENGINE", "SECONDARY_ENGINE_ATTRIBUTE",
    "ENGINE_ATTRIBUTE", "STORAGE", "START",
});
// Words that begin a partition operation in an ALTER TABLE specification.
constexpr std::array kPartitionWords = std::to_array<std::string_view>({
    "PARTITION", "REMOVE", "COALESCE", "REORGANIZE", "EXCHANGE", "ANALYZE", "CHECK", "OPTIMIZE",
    "REBUILD", "REPAIR", "TRUNCATE", "PARTITIONS",
});
// Words that may follow ALTER DATABASE when the database name is left out.
constexpr std::array kDatabaseOptionWords = std::to_array<std::string_view>({
    "DEFAULT", "CHARACTER", "CHARSET", "COLLATE", "ENCRYPTION", "READ", "COMMENT",
});

template <size_t N>
bool OneOf(std::string_view word, const std::array<std::string_view, N>& words) {
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return EqualsIgnoreCase(word, w); });
}

bool IsColumnSpec(AlterSpecKind kind) {
  return kind == AlterSpecKind::kAddColumn || kind == AlterSpecKind::kChangeColumn ||
         kind == AlterSpecKind::kModifyColumn;
}

class DdlParser {
 public:
  DdlParser(DdlStatement* out, std::vector<Token> tokens) : out_(out), sql_(out->sql), tokens_(std::move(tokens)) {
    // A trailing `;` is not part of the statement (mysqlbinlog output, tools).
    while (!tokens_.empty() && IsOp(&tokens_.back(), ';')) tokens_.pop_back();
  }

  Status Parse() {
    if (AtEnd()) return SyntaxError("a statement");
    // MariaDB's SET STATEMENT var=value [, ...] FOR <statement> runs the inner
    // statement with session variables changed; the prefix stays in the text.
    if (AcceptWords({"SET", "STATEMENT"})) {
      while (!AcceptWord("FOR")) {
        if (AtEnd()) return SyntaxError("FOR");
        DM_RETURN_IF_ERROR(SkipItem());
      }
      if (AtEnd()) return SyntaxError("a statement after FOR");
    }
    const size_t first_pos = pos_;
    const Token* first = Peek();
    if (first->kind != TokenKind::kWord) return SyntaxError("a statement keyword");
    const std::string_view word = Text(first);
    if (OneOf(word, kNotDdlFirstWords)) return NotDdl(AsciiUpper(word));
    if (OneOf(word, kDmlFirstWords)) {
      out_->kind = StatementKind::kDml;
      out_->keywords = AsciiUpper(word);
      return Status::OK();
    }
    Advance();
    if (EqualsIgnoreCase(word, "CREATE")) return ParseCreate();
    if (EqualsIgnoreCase(word, "ALTER")) return ParseAlter();
    if (EqualsIgnoreCase(word, "DROP")) return ParseDrop();
    if (EqualsIgnoreCase(word, "RENAME")) return ParseRename();
    if (EqualsIgnoreCase(word, "TRUNCATE")) return ParseTruncate();
    pos_ = first_pos;
    return SyntaxError("a statement keyword");
  }

 private:
  // ---- token access ----
  bool AtEnd() const { return pos_ >= tokens_.size(); }
  const Token* Peek(size_t ahead = 0) const {
    return pos_ + ahead < tokens_.size() ? &tokens_[pos_ + ahead] : nullptr;
  }
  void Advance() {
    if (!AtEnd()) ++pos_;
  }
  std::string_view Text(const Token* token) const { return TokenText(sql_, *token); }
  bool IsWord(const Token* token, std::string_view word) const {
    return token != nullptr && token->kind == TokenKind::kWord && EqualsIgnoreCase(Text(token), word);
  }
  bool IsOp(const Token* token, char op) const {
    return token != nullptr && token->kind == TokenKind::kOperator && sql_[token->begin] == op;
  }
  bool IsIdentifier(const Token* token) const {
    return token != nullptr && (token->kind == TokenKind::kWord || token->kind == TokenKind::kQuotedIdent);
  }
  bool PeekWord(std::string_view word, size_t ahead = 0) const { return IsWord(Peek(ahead), word); }
  bool PeekOp(char op, size_t ahead = 0) const { return IsOp(Peek(ahead), op); }
  template <size_t N>
  bool PeekOneOf(const std::array<std::string_view, N>& words, size_t ahead = 0) const {
    const Token* token = Peek(ahead);
    return token != nullptr && token->kind == TokenKind::kWord && OneOf(Text(token), words);
  }
  bool AcceptWord(std::string_view word) {
    if (!PeekWord(word)) return false;
    Advance();
    return true;
  }
  // Consumes `words` when all of them come next, else nothing.
  bool AcceptWords(std::initializer_list<std::string_view> words) {
    size_t ahead = 0;
    for (std::string_view word : words) {
      if (!PeekWord(word, ahead++)) return false;
    }
    pos_ += words.size();
    return true;
  }
  bool AcceptOp(char op) {
    if (!PeekOp(op)) return false;
    Advance();
    return true;
  }
  Status ExpectWord(std::string_view word) {
    if (AcceptWord(word)) return Status::OK();
    return SyntaxError(word);
  }
  // The offset of token `index` (the statement's size past the last token).
  size_t OffsetOf(size_t index) const { return index < tokens_.size() ? tokens_[index].begin : sql_.size(); }
  size_t Offset() const { return OffsetOf(pos_); }
  // The end of the last consumed token.
  size_t ConsumedEnd() const { return pos_ == 0 ? 0 : tokens_[pos_ - 1].end; }

  Status SyntaxError(std::string_view expected) const { return SyntaxErrorAt(pos_, expected); }
  // `expected` was not found at token `index`.
  Status SyntaxErrorAt(size_t index, std::string_view expected) const {
    const size_t offset = OffsetOf(index);
    const std::string near = index < tokens_.size() ? fmt::format("'{}'", sql_.substr(offset, kMaxNearBytes))
                                                    : std::string("the end of the statement");
    return Status(StatusCode::kInvalidArgument, fmt::format("expected {} at byte {} near {}", expected, offset, near),
                  ErrorCode::kSyncerUnitParseStmt);
  }

  Status NotDdl(std::string keywords) {
    out_->kind = StatementKind::kNotDdl;
    out_->keywords = std::move(keywords);
    return Status::OK();
  }
  void SetKind(StatementKind kind, std::string_view keywords) {
    out_->kind = kind;
    out_->keywords = std::string(keywords);
  }

  // ---- names ----
  Result<std::string> ParseIdentifier(std::string_view what) {
    if (!IsIdentifier(Peek())) return SyntaxError(what);
    std::string value = IdentifierValue(sql_, *Peek());
    Advance();
    return value;
  }

  // name or schema.name; records it with `role`.
  Status ParseTableName(NameRole role) {
    if (!IsIdentifier(Peek())) return SyntaxError("a table name");
    const size_t first_index = pos_;
    NameRef ref;
    ref.role = role;
    ref.begin = Peek()->begin;
    std::string first = IdentifierValue(sql_, *Peek());
    Advance();
    if (PeekOp('.') && IsIdentifier(Peek(1))) {
      Advance();
      ref.name.schema = std::move(first);
      ref.name.table = IdentifierValue(sql_, *Peek());
      ref.schema_written = true;
      Advance();
    } else {
      if (out_->default_schema.empty()) {
        return Status(StatusCode::kInvalidArgument,
                      fmt::format("table name '{}' at byte {} has no schema and the event has no default database",
                                  first, ref.begin),
                      ErrorCode::kSyncerUnitNoDefaultSchema);
      }
      ref.name.schema = out_->default_schema;
      ref.name.table = std::move(first);
    }
    if (ref.name.schema.empty() || ref.name.table.empty()) return SyntaxErrorAt(first_index, "a non-empty name");
    ref.end = ConsumedEnd();
    out_->names.push_back(std::move(ref));
    return Status::OK();
  }

  Status ParseDatabaseName() {
    const size_t first_index = pos_;
    const size_t begin = Offset();
    DM_ASSIGN_OR_RETURN(std::string name, ParseIdentifier("a database name"));
    if (name.empty()) return SyntaxErrorAt(first_index, "a non-empty name");
    out_->names.push_back(NameRef{TableName{std::move(name), ""}, NameRole::kSubject, true, begin, ConsumedEnd()});
    return Status::OK();
  }

  // ( name [, name]... ) as in UNION=(t1, t2).
  Status ParseParenthesizedNames(NameRole role) {
    if (!AcceptOp('(')) return SyntaxError("'('");
    do {
      DM_RETURN_IF_ERROR(ParseTableName(role));
    } while (AcceptOp(','));
    if (!AcceptOp(')')) return SyntaxError("')'");
    return Status::OK();
  }

  // ---- skipping ----
  // Advances past one token, or past a whole parenthesised group when at
  // '('. A REFERENCES clause met on the way records its table (a foreign key's
  // parent); REFERENCES is reserved, so unquoted it is always that clause.
  Status SkipItem() {
    int depth = 0;
    do {
      if (AtEnd()) return SyntaxError("')'");
      if (AcceptWord("REFERENCES")) {
        DM_RETURN_IF_ERROR(ParseTableName(NameRole::kReferenced));
        continue;
      }
      if (PeekOp('(')) ++depth;
      if (PeekOp(')')) {
        if (depth == 0) return SyntaxError("an opening '(' for this ')'");
        --depth;
      }
      Advance();
    } while (depth > 0);
    return Status::OK();
  }

  Status SkipToEnd() {
    while (!AtEnd()) DM_RETURN_IF_ERROR(SkipItem());
    return Status::OK();
  }

  Status ExpectEnd() { return AtEnd() ? Status::OK() : SyntaxError("the end of the statement"); }

  // MariaDB's lock wait clause after a table name: WAIT n | NOWAIT.
  void SkipWaitClause() {
    if (AcceptWord("NOWAIT")) return;
    if (PeekWord("WAIT") && Peek(1) != nullptr && Peek(1)->kind == TokenKind::kNumber) pos_ += 2;
  }

  bool AtUnionOption() const { return PeekWord("UNION") && (PeekOp('(', 1) || (PeekOp('=', 1) && PeekOp('(', 2))); }
  Status ParseUnionOption() {
    Advance();  // UNION
    AcceptOp('=');
    return ParseParenthesizedNames(NameRole::kReferenced);
  }

  // ---- CREATE ----
  Status ParseCreate() {
    out_->or_replace = AcceptWords({"OR", "REPLACE"});
    if (AcceptWord("TEMPORARY")) {
      out_->temporary = true;
      DM_RETURN_IF_ERROR(ExpectWord("TABLE"));
      return ParseCreateTable();
    }
    if (AcceptWord("TABLE")) return ParseCreateTable();
    if (AcceptWord("DATABASE") || AcceptWord("SCHEMA")) return ParseCreateDatabase();
    if (PeekWord("SPATIAL") && PeekWord("REFERENCE", 1)) return NotDdl("CREATE SPATIAL REFERENCE SYSTEM");
    if (PeekWord("UNIQUE") || PeekWord("FULLTEXT") || PeekWord("SPATIAL") || PeekWord("INDEX") ||
        PeekWord("ONLINE") || PeekWord("OFFLINE")) {
      return ParseCreateIndex();
    }
    if (PeekOneOf(kNotDdlObjects)) return NotDdlObject("CREATE");
    return SyntaxError("TABLE, DATABASE, INDEX or a non-table object after CREATE");
  }

  // CREATE/ALTER/DROP of a view, stored program, user, ...: named for the
  // note by its object keyword.
  Status NotDdlObject(std::string_view verb) {
    const bool prefixed = PeekOneOf(kProgramPrefixes);
    for (size_t i = pos_; prefixed && i < tokens_.size(); ++i) {
      if (tokens_[i].kind == TokenKind::kWord && OneOf(TokenText(sql_, tokens_[i]), kProgramObjects)) {
        return NotDdl(fmt::format("{} {}", verb, AsciiUpper(TokenText(sql_, tokens_[i]))));
      }
    }
    return NotDdl(fmt::format("{} {}", verb, AsciiUpper(Text(Peek()))));
  }

  Status ParseCreateDatabase() {
    SetKind(StatementKind::kCreateDatabase, "CREATE DATABASE");
    out_->if_not_exists = AcceptWords({"IF", "NOT", "EXISTS"});
    DM_RETURN_IF_ERROR(ParseDatabaseName());
    return SkipToEnd();
  }

  Status ParseCreateTable() {
    SetKind(StatementKind::kCreateTable, "CREATE TABLE");
    out_->if_not_exists = AcceptWords({"IF", "NOT", "EXISTS"});
    DM_RETURN_IF_ERROR(ParseTableName(NameRole::kSubject));
    if (AcceptWord("LIKE")) {
      out_->create_like = true;
      DM_RETURN_IF_ERROR(ParseTableName(NameRole::kLikeSource));
      return ExpectEnd();
    }
    if (PeekOp('(') && PeekWord("LIKE", 1)) {
      pos_ += 2;
      out_->create_like = true;
      DM_RETURN_IF_ERROR(ParseTableName(NameRole::kLikeSource));
      if (!AcceptOp(')')) return SyntaxError("')'");
      return ExpectEnd();
    }
    // The column and index definitions, then table options, partitioning and
    // an optional query. Names inside the query are not routed (see ddl.h).
    while (!AtEnd()) {
      if (AtQueryStart()) {
        out_->create_select = true;
        return Status::OK();
      }
      if (AtUnionOption()) {
        DM_RETURN_IF_ERROR(ParseUnionOption());
        continue;
      }
      DM_RETURN_IF_ERROR(SkipItem());
    }
    return Status::OK();
  }

  // SELECT ..., (SELECT ...), WITH ..., TABLE t, VALUES ROW(...).
  bool AtQueryStart() const {
    size_t ahead = 0;
    while (PeekOp('(', ahead)) ++ahead;
    return PeekWord("SELECT", ahead) || PeekWord("WITH", ahead) ||
           (ahead == 0 && (PeekWord("TABLE") || PeekWord("VALUES")));
  }

  Status ParseCreateIndex() {
    SetKind(StatementKind::kCreateIndex, "CREATE INDEX");
    AcceptWord("ONLINE") || AcceptWord("OFFLINE");
    AcceptWord("UNIQUE") || AcceptWord("FULLTEXT") || AcceptWord("SPATIAL");
    DM_RETURN_IF_ERROR(ExpectWord("INDEX"));
    out_->if_not_exists = AcceptWords({"IF", "NOT", "EXISTS"});
    DM_RETURN_IF_ERROR(ParseIdentifier("an index name").status());
    while (!AcceptWord("ON")) {
      if (AtEnd()) return SyntaxError("ON");
      DM_RETURN_IF_ERROR(SkipItem());  // USING BTREE
    }
    DM_RETURN_IF_ERROR(ParseTableName(NameRole::kSubject));
    return SkipToEnd();
  }

  // ---- ALTER ----
  Status ParseAlter() {
    AcceptWord("ONLINE") || AcceptWord("OFFLINE");
    AcceptWord("IGNORE");
    if (AcceptWord("TABLE")) return ParseAlterTable();
    if (AcceptWord("DATABASE") || AcceptWord("SCHEMA")) return ParseAlterDatabase();
    if (PeekOneOf(kNotDdlObjects)) return NotDdlObject("ALTER");
    return SyntaxError("TABLE, DATABASE or a non-table object after ALTER");
  }

  Status ParseAlterDatabase() {
    SetKind(StatementKind::kAlterDatabase, "ALTER DATABASE");
    if (IsIdentifier(Peek()) && !PeekOneOf(kDatabaseOptionWords)) {
      DM_RETURN_IF_ERROR(ParseDatabaseName());
    } else {
      // Without a name the statement acts on the default database; the
      // rewrite inserts the target name after DATABASE.
      if (out_->default_schema.empty()) {
        return Status(StatusCode::kInvalidArgument,
                      "ALTER DATABASE without a name and the event has no default database",
                      ErrorCode::kSyncerUnitNoDefaultSchema);
      }
      const size_t at = ConsumedEnd();
      out_->names.push_back(NameRef{TableName{out_->default_schema, ""}, NameRole::kSubject, false, at, at});
    }
    return SkipToEnd();
  }

  Status ParseAlterTable() {
    SetKind(StatementKind::kAlterTable, "ALTER TABLE");
    out_->if_exists = AcceptWords({"IF", "EXISTS"});
    DM_RETURN_IF_ERROR(ParseTableName(NameRole::kSubject));
    SkipWaitClause();
    while (!AtEnd()) {
      DM_RETURN_IF_ERROR(ParseAlterSpec());
      if (AcceptOp(',') && AtEnd()) return SyntaxError("an alter specification");
    }
    return Status::OK();
  }

  Status ParseAlterSpec() {
    AlterSpec spec;
    spec.begin = Offset();
    DM_RETURN_IF_ERROR(ParseAlterSpecHead(&spec));
    // A partition operation takes the rest of the statement: its partition
    // lists have commas of their own, and the server allows nothing after it.
    const bool to_end = spec.kind == AlterSpecKind::kPartition;
    while (!AtEnd() && (to_end || (!PeekOp(',') && !AtPartitioningClause()))) {
      if (IsColumnSpec(spec.kind) && AcceptWord("FIRST")) {
        spec.position = ColumnPosition::kFirst;
      } else if (IsColumnSpec(spec.kind) && AcceptWord("AFTER")) {
        spec.position = ColumnPosition::kAfter;
        DM_ASSIGN_OR_RETURN(spec.after_column, ParseIdentifier("a column name after AFTER"));
      } else if (spec.kind == AlterSpecKind::kTableOptions && AtUnionOption()) {
        DM_RETURN_IF_ERROR(ParseUnionOption());
      } else {
        DM_RETURN_IF_ERROR(SkipItem());
      }
    }
    spec.end = ConsumedEnd();
    if (spec.end <= spec.begin) return SyntaxError("an alter specification");
    out_->alter_specs.push_back(std::move(spec));
    return Status::OK();
  }

  // PARTITION BY / REMOVE PARTITIONING may follow the last specification
  // without a comma; they start a specification of their own.
  bool AtPartitioningClause() const {
    return (PeekWord("PARTITION") && PeekWord("BY", 1)) || (PeekWord("REMOVE") && PeekWord("PARTITIONING", 1));
  }

  Status ParseOptionalName(std::string* name) {
    if (IsIdentifier(Peek()) && !PeekWord("USING")) {
      DM_ASSIGN_OR_RETURN(*name, ParseIdentifier("a name"));
    }
    return Status::OK();
  }

  // Reads the words that decide a specification's kind and the names right
  // after them; the caller skips the rest.
  Status ParseAlterSpecHead(AlterSpec* spec) {
    if (AcceptWord("ADD")) return ParseAddSpec(spec);
    if (AcceptWord("DROP")) return ParseDropSpec(spec);
    if (AcceptWord("CHANGE")) {
      spec->kind = AlterSpecKind::kChangeColumn;
      AcceptWord("COLUMN");
      spec->if_exists = AcceptWords({"IF", "EXISTS"});
      DM_ASSIGN_OR_RETURN(spec->name, ParseIdentifier("a column name"));
      DM_ASSIGN_OR_RETURN(spec->new_name, ParseIdentifier("a new column name"));
      return Status::OK();
    }
    if (AcceptWord("MODIFY")) {
      spec->kind = AlterSpecKind::kModifyColumn;
      AcceptWord("COLUMN");
      spec->if_exists = AcceptWords({"IF", "EXISTS"});
      DM_ASSIGN_OR_RETURN(spec->name, ParseIdentifier("a column name"));
      return Status::OK();
    }
    if (AcceptWord("ALTER")) {
      if (AcceptWord("INDEX") || AcceptWord("KEY")) {
        spec->kind = AlterSpecKind::kAlterIndex;
      } else if (PeekWord("CHECK") || PeekWord("CONSTRAINT")) {
        spec->kind = AlterSpecKind::kOther;
        return Status::OK();
      } else {
        spec->kind = AlterSpecKind::kAlterColumn;
        AcceptWord("COLUMN");
        spec->if_exists = AcceptWords({"IF", "EXISTS"});
      }
      DM_ASSIGN_OR_RETURN(spec->name, ParseIdentifier("a name"));
      return Status::OK();
    }
    if (AcceptWord("RENAME")) return ParseRenameSpec(spec);
    if (AcceptWord("CONVERT")) return ParseConvertSpec(spec);
    if (AcceptWords({"ENABLE", "KEYS"})) {
      spec->kind = AlterSpecKind::kEnableKeys;
      return Status::OK();
    }
    if (AcceptWords({"DISABLE", "KEYS"})) {
      spec->kind = AlterSpecKind::kDisableKeys;
      return Status::OK();
    }
    if (AcceptWords({"ORDER", "BY"})) {
      spec->kind = AlterSpecKind::kOrderBy;
      return Status::OK();
    }
    if (AcceptWord("FORCE")) {
      spec->kind = AlterSpecKind::kForce;
      return Status::OK();
    }
    if (PeekWord("ALGORITHM") || PeekWord("LOCK")) {
      spec->kind = AlterSpecKind::kAlterOptions;
      return Status::OK();
    }
    if ((PeekWord("DISCARD") || PeekWord("IMPORT")) && PeekWord("TABLESPACE", 1)) {
      spec->kind = AlterSpecKind::kTablespace;
      return Status::OK();
    }
    if ((PeekWord("DISCARD") || PeekWord("IMPORT")) && PeekWord("PARTITION", 1)) {
      spec->kind = AlterSpecKind::kPartition;
      return Status::OK();
    }
    if (AcceptWord("EXCHANGE")) {
      spec->kind = AlterSpecKind::kPartition;
      DM_RETURN_IF_ERROR(ExpectWord("PARTITION"));
      DM_ASSIGN_OR_RETURN(spec->name, ParseIdentifier("a partition name"));
      DM_RETURN_IF_ERROR(ExpectWord("WITH"));
      DM_RETURN_IF_ERROR(ExpectWord("TABLE"));
      return ParseTableName(NameRole::kReferenced);
    }
    if (PeekOneOf(kPartitionWords) && (PeekWord("PARTITION") || PeekWord("PARTITION", 1) ||
                                       PeekWord("PARTITIONING", 1) || PeekWord("PARTITIONS"))) {
      spec->kind = AlterSpecKind::kPartition;
      return Status::OK();
    }
    if (PeekOneOf(kTableOptionWords)) {
      spec->kind = AlterSpecKind::kTableOptions;
      return Status::OK();
    }
    if (AtEnd() || PeekOp(',')) return SyntaxError("an alter specification");
    spec->kind = AlterSpecKind::kOther;
    return Status::OK();
  }

  Status ParseAddSpec(AlterSpec* spec) {
    if (PeekWord("PARTITION")) {
      spec->kind = AlterSpecKind::kPartition;
      return Status::OK();
    }
    if (PeekWord("PERIOD") || PeekWord("SYSTEM")) {
      spec->kind = AlterSpecKind::kOther;
      return Status::OK();
    }
    std::string constraint;
    bool has_constraint = false;
    if (AcceptWord("CONSTRAINT")) {
      has_constraint = true;
      spec->if_not_exists = AcceptWords({"IF", "NOT", "EXISTS"});
      if (IsIdentifier(Peek()) && !PeekWord("PRIMARY") && !PeekWord("UNIQUE") && !PeekWord("FOREIGN") &&
          !PeekWord("CHECK")) {
        DM_ASSIGN_OR_RETURN(constraint, ParseIdentifier("a constraint name"));
      }
    }
    if (AcceptWords({"PRIMARY", "KEY"})) {
      spec->kind = AlterSpecKind::kAddPrimaryKey;
      return Status::OK();
    }
    if (AcceptWord("UNIQUE")) {
      spec->kind = AlterSpecKind::kAddUniqueKey;
      AcceptWord("INDEX") || AcceptWord("KEY");
      return ParseIndexNameAfterKind(spec, constraint);
    }
    if (AcceptWords({"FOREIGN", "KEY"})) {
      spec->kind = AlterSpecKind::kAddForeignKey;
      return ParseIndexNameAfterKind(spec, constraint);
    }
    if (AcceptWord("CHECK")) {
      spec->kind = AlterSpecKind::kAddCheck;
      spec->name = constraint;
      return Status::OK();
    }
    if (has_constraint) return SyntaxError("PRIMARY KEY, UNIQUE, FOREIGN KEY or CHECK after CONSTRAINT");
    if (AcceptWord("INDEX") || AcceptWord("KEY")) {
      spec->kind = AlterSpecKind::kAddIndex;
      return ParseIndexNameAfterKind(spec, "");
    }
    if (AcceptWord("FULLTEXT") || AcceptWord("SPATIAL")) {
      spec->kind = AlterSpecKind::kAddIndex;
      AcceptWord("INDEX") || AcceptWord("KEY");
      return ParseIndexNameAfterKind(spec, "");
    }
    spec->kind = AlterSpecKind::kAddColumn;
    AcceptWord("COLUMN");
    spec->if_not_exists = AcceptWords({"IF", "NOT", "EXISTS"});
    if (PeekOp('(')) return Status::OK();  // ADD COLUMN (a INT, b INT): a list
    DM_ASSIGN_OR_RETURN(spec->name, ParseIdentifier("a column name"));
    return Status::OK();
  }

  // [IF NOT EXISTS] [name]; the constraint symbol names the key when given.
  Status ParseIndexNameAfterKind(AlterSpec* spec, const std::string& constraint) {
    spec->if_not_exists = AcceptWords({"IF", "NOT", "EXISTS"}) || spec->if_not_exists;
    DM_RETURN_IF_ERROR(ParseOptionalName(&spec->name));
    if (!constraint.empty()) spec->name = constraint;
    return Status::OK();
  }

  Status ParseDropSpec(AlterSpec* spec) {
    if (AcceptWords({"PRIMARY", "KEY"})) {
      spec->kind = AlterSpecKind::kDropPrimaryKey;
      return Status::OK();
    }
    if (PeekWord("PARTITION")) {
      spec->kind = AlterSpecKind::kPartition;
      return Status::OK();
    }
    if (PeekWord("PERIOD") || PeekWord("SYSTEM")) {
      spec->kind = AlterSpecKind::kOther;
      return Status::OK();
    }
    if (AcceptWord("INDEX") || AcceptWord("KEY")) {
      spec->kind = AlterSpecKind::kDropIndex;
    } else if (AcceptWords({"FOREIGN", "KEY"})) {
      spec->kind = AlterSpecKind::kDropForeignKey;
    } else if (AcceptWord("CONSTRAINT") || AcceptWord("CHECK")) {
      spec->kind = AlterSpecKind::kDropConstraint;
    } else {
      spec->kind = AlterSpecKind::kDropColumn;
      AcceptWord("COLUMN");
    }
    spec->if_exists = AcceptWords({"IF", "EXISTS"});
    DM_ASSIGN_OR_RETURN(spec->name, ParseIdentifier("a name"));
    return Status::OK();
  }

  Status ParseRenameSpec(AlterSpec* spec) {
    if (AcceptWord("COLUMN")) {
      spec->kind = AlterSpecKind::kRenameColumn;
    } else if (AcceptWord("INDEX") || AcceptWord("KEY")) {
      spec->kind = AlterSpecKind::kRenameIndex;
    } else {
      spec->kind = AlterSpecKind::kRenameTable;
      AcceptWord("TO") || AcceptWord("AS");
      return ParseTableName(NameRole::kNewName);
    }
    DM_ASSIGN_OR_RETURN(spec->name, ParseIdentifier("a name"));
    DM_RETURN_IF_ERROR(ExpectWord("TO"));
    DM_ASSIGN_OR_RETURN(spec->new_name, ParseIdentifier("a new name"));
    return Status::OK();
  }

  Status ParseConvertSpec(AlterSpec* spec) {
    if (AcceptWord("TO")) {
      spec->kind = AlterSpecKind::kConvertCharset;
      return Status::OK();
    }
    spec->kind = AlterSpecKind::kPartition;
    if (AcceptWord("PARTITION")) {  // MariaDB: CONVERT PARTITION p TO TABLE t
      DM_ASSIGN_OR_RETURN(spec->name, ParseIdentifier("a partition name"));
      DM_RETURN_IF_ERROR(ExpectWord("TO"));
      DM_RETURN_IF_ERROR(ExpectWord("TABLE"));
      return ParseTableName(NameRole::kReferenced);
    }
    if (AcceptWord("TABLE")) {  // MariaDB: CONVERT TABLE t TO PARTITION p ...
      DM_RETURN_IF_ERROR(ParseTableName(NameRole::kReferenced));
      DM_RETURN_IF_ERROR(ExpectWord("TO"));
      DM_RETURN_IF_ERROR(ExpectWord("PARTITION"));
      DM_ASSIGN_OR_RETURN(spec->name, ParseIdentifier("a partition name"));
      return Status::OK();
    }
    return SyntaxError("TO, PARTITION or TABLE after CONVERT");
  }

  // ---- DROP ----
  Status ParseDrop() {
    if (AcceptWord("TEMPORARY")) {
      out_->temporary = true;
      if (!AcceptWord("TABLE") && !AcceptWord("TABLES")) return SyntaxError("TABLE");
      return ParseDropTable();
    }
    if (AcceptWord("TABLE") || AcceptWord("TABLES")) return ParseDropTable();
    if (AcceptWord("DATABASE") || AcceptWord("SCHEMA")) {
      SetKind(StatementKind::kDropDatabase, "DROP DATABASE");
      out_->if_exists = AcceptWords({"IF", "EXISTS"});
      DM_RETURN_IF_ERROR(ParseDatabaseName());
      return ExpectEnd();
    }
    if (PeekWord("INDEX") || PeekWord("ONLINE") || PeekWord("OFFLINE")) return ParseDropIndex();
    if (PeekWord("SPATIAL") && PeekWord("REFERENCE", 1)) return NotDdl("DROP SPATIAL REFERENCE SYSTEM");
    if (PeekOneOf(kNotDdlObjects)) return NotDdlObject("DROP");
    return SyntaxError("TABLE, DATABASE, INDEX or a non-table object after DROP");
  }

  Status ParseDropTable() {
    SetKind(StatementKind::kDropTable, "DROP TABLE");
    out_->if_exists = AcceptWords({"IF", "EXISTS"});
    do {
      DM_RETURN_IF_ERROR(ParseTableName(NameRole::kSubject));
    } while (AcceptOp(','));
    SkipWaitClause();
    AcceptWord("RESTRICT") || AcceptWord("CASCADE");
    return ExpectEnd();
  }

  Status ParseDropIndex() {
    SetKind(StatementKind::kDropIndex, "DROP INDEX");
    AcceptWord("ONLINE") || AcceptWord("OFFLINE");
    DM_RETURN_IF_ERROR(ExpectWord("INDEX"));
    out_->if_exists = AcceptWords({"IF", "EXISTS"});
    DM_RETURN_IF_ERROR(ParseIdentifier("an index name").status());
    DM_RETURN_IF_ERROR(ExpectWord("ON"));
    DM_RETURN_IF_ERROR(ParseTableName(NameRole::kSubject));
    return SkipToEnd();  // ALGORITHM=..., LOCK=..., WAIT n, NOWAIT
  }

  // ---- RENAME, TRUNCATE ----
  Status ParseRename() {
    if (PeekWord("USER")) return NotDdl("RENAME USER");
    if (!AcceptWord("TABLE") && !AcceptWord("TABLES")) return SyntaxError("TABLE or USER after RENAME");
    SetKind(StatementKind::kRenameTable, "RENAME TABLE");
    out_->if_exists = AcceptWords({"IF", "EXISTS"});
    do {
      DM_RETURN_IF_ERROR(ParseTableName(NameRole::kSubject));
      SkipWaitClause();
      DM_RETURN_IF_ERROR(ExpectWord("TO"));
      DM_RETURN_IF_ERROR(ParseTableName(NameRole::kNewName));
    } while (AcceptOp(','));
    return ExpectEnd();
  }

  Status ParseTruncate() {
    SetKind(StatementKind::kTruncateTable, "TRUNCATE TABLE");
    AcceptWord("TABLE");
    DM_RETURN_IF_ERROR(ParseTableName(NameRole::kSubject));
    SkipWaitClause();
    return ExpectEnd();
  }

  DdlStatement* out_;
  std::string_view sql_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

Result<DdlStatement> ParseStatement(std::string_view sql, std::string_view default_schema,
                                    const SqlDialect& dialect) {
  DdlStatement statement;
  statement.sql = std::string(sql);
  statement.default_schema = std::string(default_schema);
  statement.dialect = dialect;
  const std::string context = fmt::format("cannot parse statement {}", QuoteStatementForError(sql));
  Result<std::vector<Token>> tokens = LexSql(statement.sql, dialect);
  if (!tokens.ok()) {
    return Status(tokens.status()).WithErrorCode(ErrorCode::kSyncerUnitParseStmt).WithContext(context);
  }
  DdlParser parser(&statement, std::move(tokens).value());
  if (Status status = parser.Parse(); !status.ok()) return std::move(status).WithContext(context);
  return statement;
}

}  // namespace dm::sync
