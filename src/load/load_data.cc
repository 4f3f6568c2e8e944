#include "load/load_data.h"

#include <array>
#include <initializer_list>

#include "common/strings.h"

namespace dm::load {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordByte(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || IsDigit(c) || u == '_' || u == '$' || u >= 0x80;
}
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Bytes a LOAD DATA field must escape: the escape byte itself, the field and
// line terminators, and NUL (kept readable in the stream).
constexpr std::array<bool, 256> kNeedsFieldEscape = [] {
  std::array<bool, 256> t{};
  t[static_cast<unsigned char>('\\')] = true;
  t[static_cast<unsigned char>('\t')] = true;
  t[static_cast<unsigned char>('\n')] = true;
  t[0] = true;
  return t;
}();

void AppendFieldByte(char c, std::string* out) {
  switch (c) {
    case '\\': out->append("\\\\"); return;
    case '\t': out->append("\\t"); return;
    case '\n': out->append("\\n"); return;
    case '\0': out->append("\\0"); return;
    default: out->push_back(c);
  }
}

// Reads the values of INSERT rows and writes them as LOAD DATA fields. Every
// read function returns false on anything it does not convert exactly.
class RowsReader {
 public:
  RowsReader(std::string_view s, bool backslash_escapes, std::string* out)
      : s_(s), backslash_escapes_(backslash_escapes), out_(out) {}

  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }
  bool AtEnd() {
    SkipSpace();
    while (pos_ < s_.size() && s_[pos_] == ';') {
      ++pos_;
      SkipSpace();
    }
    return pos_ == s_.size();
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool ConsumeWord(std::string_view upper) {
    SkipSpace();
    size_t end = pos_;
    while (end < s_.size() && IsWordByte(s_[end])) ++end;
    if (!EqualsIgnoreCase(s_.substr(pos_, end - pos_), upper)) return false;
    pos_ = end;
    return true;
  }
  size_t pos() const { return pos_; }
  void set_pos(size_t pos) { pos_ = pos; }

  // One value for a column of class `column`, appended as a field.
  bool Value(LoadDataColumn column) {
    SkipSpace();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '\'' || c == '"') return column != LoadDataColumn::kUnsupported && QuotedString(c);
    if ((c == 'X' || c == 'x') && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\'') {
      return column == LoadDataColumn::kString && QuotedHex();
    }
    if (c == '0' && pos_ + 1 < s_.size() && (s_[pos_ + 1] == 'x' || s_[pos_ + 1] == 'X')) {
      return column == LoadDataColumn::kString && BareHex();
    }
    if (c == 'N' || c == 'n') {
      if (!ConsumeWord("NULL")) return false;
      out_->append("\\N");
      return true;
    }
    return Number(column);
  }

 private:
  bool QuotedString(char quote) {
    ++pos_;
    while (pos_ < s_.size()) {
      // Copy the run of bytes that need no attention at once.
      size_t run = pos_;
      while (run < s_.size()) {
        char b = s_[run];
        if (b == quote || b == '\\' || kNeedsFieldEscape[static_cast<unsigned char>(b)]) break;
        ++run;
      }
      out_->append(s_.data() + pos_, run - pos_);
      pos_ = run;
      if (pos_ >= s_.size()) return false;
      char b = s_[pos_];
      if (b == quote) {
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == quote) {
          out_->push_back(quote);
          pos_ += 2;
          continue;
        }
        ++pos_;
        // 'a' 'b' concatenates in SQL; not worth converting.
        SkipSpace();
        return pos_ < s_.size() && s_[pos_] != '\'' && s_[pos_] != '"';
      }
      if (b == '\\' && backslash_escapes_) {
        if (pos_ + 1 >= s_.size()) return false;
        char e = s_[pos_ + 1];
        pos_ += 2;
        switch (e) {
          case '0': AppendFieldByte('\0', out_); break;
          case 'b': out_->push_back('\b'); break;
          case 'n': AppendFieldByte('\n', out_); break;
          case 'r': out_->push_back('\r'); break;
          case 't': AppendFieldByte('\t', out_); break;
          case 'Z': out_->push_back('\x1a'); break;
          // The server keeps the backslash of \% and \_ (LIKE patterns).
          case '%':
          case '_':
            AppendFieldByte('\\', out_);
            out_->push_back(e);
            break;
          default: AppendFieldByte(e, out_);
        }
        continue;
      }
      AppendFieldByte(b, out_);
      ++pos_;
    }
    return false;
  }

  bool HexDigits(size_t begin, size_t end) {
    if ((end - begin) % 2 != 0) return false;
    for (size_t i = begin; i < end; i += 2) {
      int hi = HexDigit(s_[i]);
      int lo = HexDigit(s_[i + 1]);
      if (hi < 0 || lo < 0) return false;
      AppendFieldByte(static_cast<char>((hi << 4) | lo), out_);
    }
    return true;
  }

  bool QuotedHex() {
    size_t begin = pos_ + 2;
    size_t close = s_.find('\'', begin);
    if (close == std::string_view::npos || !HexDigits(begin, close)) return false;
    pos_ = close + 1;
    return true;
  }

  bool BareHex() {
    size_t begin = pos_ + 2;
    size_t end = begin;
    while (end < s_.size() && IsWordByte(s_[end])) ++end;
    // 0x with an odd digit count has an implied leading zero; rare enough
    // to leave to the INSERT path.
    if (end == begin || !HexDigits(begin, end)) return false;
    pos_ = end;
    return true;
  }

  // Numeric literals go to numeric columns only, and only in forms whose
  // string conversion equals the literal's: an integer column would read
  // "1e3" as 1, so exponents are for FLOAT/DOUBLE.
  bool Number(LoadDataColumn column) {
    if (column != LoadDataColumn::kInteger && column != LoadDataColumn::kDecimal && column != LoadDataColumn::kFloat) {
      return false;
    }
    size_t i = pos_;
    if (i < s_.size() && (s_[i] == '-' || s_[i] == '+')) ++i;
    size_t digits_begin = i;
    while (i < s_.size() && IsDigit(s_[i])) ++i;
    bool digits = i > digits_begin;
    if (i < s_.size() && s_[i] == '.') {
      if (column == LoadDataColumn::kInteger) return false;
      ++i;
      size_t frac_begin = i;
      while (i < s_.size() && IsDigit(s_[i])) ++i;
      digits = digits || i > frac_begin;
    }
    if (!digits) return false;
    if (i < s_.size() && (s_[i] == 'e' || s_[i] == 'E')) {
      if (column != LoadDataColumn::kFloat) return false;
      ++i;
      if (i < s_.size() && (s_[i] == '-' || s_[i] == '+')) ++i;
      size_t exp_begin = i;
      while (i < s_.size() && IsDigit(s_[i])) ++i;
      if (i == exp_begin) return false;
    }
    if (i < s_.size() && IsWordByte(s_[i])) return false;
    out_->append(s_.data() + pos_, i - pos_);
    pos_ = i;
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
  bool backslash_escapes_;
  std::string* out_;
};

// The column names of "(`a`, b, `c``d`)"; false when it is not such a list.
bool ParseColumnNames(std::string_view list, std::vector<std::string>* names) {
  size_t i = 1;  // after '('
  auto skip = [&] {
    while (i < list.size() && IsSpace(list[i])) ++i;
  };
  while (true) {
    skip();
    std::string name;
    if (i < list.size() && list[i] == '`') {
      ++i;
      while (true) {
        if (i >= list.size()) return false;
        if (list[i] == '`') {
          if (i + 1 < list.size() && list[i + 1] == '`') {
            name.push_back('`');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        name.push_back(list[i++]);
      }
    } else {
      size_t begin = i;
      while (i < list.size() && IsWordByte(list[i])) ++i;
      if (i == begin) return false;
      name.assign(list.substr(begin, i - begin));
    }
    names->push_back(std::move(name));
    skip();
    if (i >= list.size()) return false;
    if (list[i] == ')') return i + 1 == list.size();
    if (list[i] != ',') return false;
    ++i;
  }
}

}  // namespace

LoadDataColumn LoadDataColumnFor(std::string_view data_type) {
  if (EqualsAnyIgnoreCase(data_type, {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"})) {
    return LoadDataColumn::kInteger;
  }
  if (EqualsAnyIgnoreCase(data_type, {"decimal", "numeric"})) return LoadDataColumn::kDecimal;
  if (EqualsAnyIgnoreCase(data_type, {"float", "double", "real"})) return LoadDataColumn::kFloat;
  if (EqualsAnyIgnoreCase(data_type, {"date", "time", "datetime", "timestamp"})) return LoadDataColumn::kTemporal;
  if (EqualsAnyIgnoreCase(data_type, {"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "binary",
                                      "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "enum", "set"})) {
    return LoadDataColumn::kString;
  }
  // YEAR reads the string '0' as 2000 but the number 0 as 0000; BIT, JSON
  // (MySQL refuses binary-charset input), GEOMETRY, INET4/INET6/UUID and
  // anything unknown go through INSERT.
  return LoadDataColumn::kUnsupported;
}

LoadDataColumn LoadDataColumns::Find(std::string_view name) const {
  for (size_t i = 0; i < names.size(); ++i) {
    if (EqualsIgnoreCase(names[i], name)) return classes[i];
  }
  return LoadDataColumn::kUnsupported;
}

bool LoadDataBatch::UseColumnList(std::string_view list) {
  if (have_column_list_ && list == column_list_) return true;
  if (!empty()) return false;  // one LOAD DATA statement has one column list
  have_column_list_ = false;
  classes_.clear();
  if (list.empty()) {
    classes_ = columns_->classes;
  } else {
    std::vector<std::string> names;
    if (!ParseColumnNames(list, &names)) return false;
    for (const std::string& name : names) classes_.push_back(columns_->Find(name));
  }
  for (LoadDataColumn c : classes_) {
    if (c == LoadDataColumn::kUnsupported) return false;
  }
  if (classes_.empty()) return false;
  column_list_.assign(list);
  have_column_list_ = true;
  return true;
}

bool LoadDataBatch::Append(std::string_view stmt, const StatementHead& head) {
  std::string_view body = stmt.substr(head.name_end);
  size_t i = 0;
  while (i < body.size() && IsSpace(body[i])) ++i;
  std::string_view list;
  if (i < body.size() && body[i] == '(') {
    size_t close = body.find(')', i);
    if (close == std::string_view::npos) return false;
    list = body.substr(i, close + 1 - i);
    i = close + 1;
  }
  // A ')' inside a quoted column name ends the search above early; then the
  // list does not parse and the statement takes the INSERT path.
  if (!UseColumnList(list)) return false;
  return AppendRows(body.substr(i));
}

bool LoadDataBatch::AppendRows(std::string_view values) {
  const size_t rollback_size = data_.size();
  uint64_t rows = 0;
  RowsReader in(values, backslash_escapes_, &data_);
  bool ok = in.ConsumeWord("VALUES") || in.ConsumeWord("VALUE");
  while (ok) {
    ok = in.Consume('(');
    for (size_t col = 0; ok && col < classes_.size(); ++col) {
      if (col > 0) {
        ok = in.Consume(',');
        data_.push_back('\t');
      }
      ok = ok && in.Value(classes_[col]);
    }
    ok = ok && in.Consume(')');
    if (!ok) break;
    data_.push_back('\n');
    ++rows;
    if (in.Consume(',')) continue;
    ok = in.AtEnd();  // ON DUPLICATE KEY UPDATE and the like are not converted
    break;
  }
  if (!ok) {
    data_.resize(rollback_size);
    if (empty()) have_column_list_ = false;
    return false;
  }
  rows_ += rows;
  return true;
}

std::string LoadDataBatch::Statement(InsertVerb verb, std::string_view qualified_target) const {
  std::string sql = "LOAD DATA LOCAL INFILE 'dm-load-batch' ";
  sql += verb == InsertVerb::kIgnore ? "IGNORE" : "REPLACE";
  sql += " INTO TABLE ";
  sql += qualified_target;
  sql +=
      " CHARACTER SET binary FIELDS TERMINATED BY '\\t' ENCLOSED BY '' ESCAPED BY '\\\\'"
      " LINES STARTING BY '' TERMINATED BY '\\n' ";
  sql += column_list_;
  return sql;
}

}  // namespace dm::load
