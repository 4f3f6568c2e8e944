#include "filter/pattern.h"

#include <fmt/format.h>

#include <cwctype>
#include <locale>
#include <utility>

namespace dm::filter {

namespace {

// Lower-cases one code point with the C.UTF-8 locale when the system has it
// (Debian always does); ASCII-only otherwise.
char32_t LowerCodePoint(char32_t cp) {
  static const std::ctype<wchar_t>* facet = []() -> const std::ctype<wchar_t>* {
    try {
      static const std::locale loc("C.UTF-8");
      return &std::use_facet<std::ctype<wchar_t>>(loc);
    } catch (const std::exception&) {
      return nullptr;
    }
  }();
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  if (facet == nullptr) return cp;
  return static_cast<char32_t>(facet->tolower(static_cast<wchar_t>(cp)));
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes one UTF-8 sequence at s[i]; returns its length, 0 when invalid.
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  auto b = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  uint8_t c = b(0);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  char32_t v = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(k) & 0x3F);
  }
  *cp = v;
  return len;
}

// A `[...]` set at the start of `p`. `close` is the index of the first `]`
// in p, or npos when there is none (then `[` is a literal), as DM's
// getRangeItem.
struct ByteSet {
  bool negated = false;
  std::vector<std::pair<uint8_t, uint8_t>> ranges;
  size_t close = std::string_view::npos;

  bool Matches(uint8_t c) const {
    for (const auto& [lo, hi] : ranges) {
      if (lo <= c && c <= hi) return !negated;
    }
    return negated;
  }
  bool operator==(const ByteSet& o) const {
    auto covered = [](const ByteSet& a, const ByteSet& b) {
      for (const auto& r : a.ranges) {
        bool found = false;
        for (const auto& r2 : b.ranges) found = found || (r2.first <= r.first && r.second <= r2.second);
        if (!found) return false;
      }
      return true;
    };
    return negated == o.negated && covered(*this, o) && covered(o, *this);
  }
};

ByteSet ParseByteSet(std::string_view p) {
  ByteSet set;
  set.close = p.find(']');
  if (set.close == std::string_view::npos) return set;
  size_t start = 1;
  if (p[start] == '!') {
    ++start;
    set.negated = true;
  }
  for (size_t i = start; i < set.close; ++i) {
    auto c = static_cast<uint8_t>(p[i]);
    if (p[i + 1] == '-' && i + 2 < set.close) {
      set.ranges.emplace_back(c, static_cast<uint8_t>(p[i + 2]));
      i += 2;
    } else {
      set.ranges.emplace_back(c, c);
    }
  }
  // DM turns `[!]` into a set holding only '!'.
  if (set.ranges.empty() && set.negated) {
    set.negated = false;
    set.ranges.emplace_back('!', '!');
  }
  return set;
}

// Rewrites the RE2 constructs ECMAScript lacks (see pattern.h).
Result<std::string> TranslateGoRegex(std::string_view p, bool* icase) {
  std::string out;
  size_t i = 0;
  if (p.starts_with("(?")) {
    size_t close = p.find(')');
    std::string_view flags = close == std::string_view::npos ? "" : p.substr(2, close - 2);
    bool all_flags = !flags.empty() && flags.find_first_not_of("is") == std::string_view::npos;
    if (all_flags) {
      if (flags.find('i') != std::string_view::npos) *icase = true;
      i = close + 1;
    }
  }
  for (; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char n = p[i + 1];
      if (n == 'A') {
        out += '^';
      } else if (n == 'z') {
        out += '$';
      } else {
        out += c;
        out += n;
      }
      ++i;
      continue;
    }
    std::string_view rest = p.substr(i);
    size_t name_at = rest.starts_with("(?P<") ? 4 : (rest.starts_with("(?<") && rest.size() > 3 &&
                                                       rest[3] != '=' && rest[3] != '!')
                                                          ? 3
                                                          : 0;
    if (name_at != 0) {
      size_t gt = rest.find('>');
      if (gt == std::string_view::npos) {
        return Status::InvalidArgument(fmt::format("regexp '{}': unterminated group name", p));
      }
      out += '(';
      i += gt;
      continue;
    }
    if (rest.starts_with("(?") && !rest.starts_with("(?:") && !rest.starts_with("(?=") &&
        !rest.starts_with("(?!")) {
      return Status::InvalidArgument(
          fmt::format("regexp '{}': inline flags are only supported at the start", p));
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string FoldCase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c));
      ++i;
      continue;
    }
    char32_t cp = 0;
    size_t len = DecodeUtf8(s, i, &cp);
    if (len == 0) {
      out.push_back(s[i]);
      ++i;
      continue;
    }
    AppendUtf8(LowerCodePoint(cp), &out);
    i += len;
  }
  return out;
}

Result<GoRegex> GoRegex::Compile(std::string_view pattern, bool icase) {
  DM_ASSIGN_OR_RETURN(std::string translated, TranslateGoRegex(pattern, &icase));
  auto flags = std::regex::ECMAScript | std::regex::optimize;
  if (icase) flags |= std::regex::icase;
  try {
    return GoRegex(std::string(pattern), std::make_shared<const std::regex>(translated, flags));
  } catch (const std::regex_error& e) {
    return Status::InvalidArgument(fmt::format("regexp '{}' does not compile: {}", pattern, e.what()));
  }
}

bool GoRegex::Search(std::string_view s) const { return std::regex_search(s.begin(), s.end(), *re_); }

std::vector<std::string> GoRegex::FindSubmatch(std::string_view s) const {
  std::match_results<std::string_view::const_iterator> m;
  std::vector<std::string> out;
  if (!std::regex_search(s.begin(), s.end(), m, *re_)) return out;
  out.reserve(m.size());
  for (const auto& sub : m) out.emplace_back(sub.matched ? sub.str() : std::string());
  return out;
}

Status ValidateWildcard(std::string_view pattern) {
  if (pattern.empty()) return Status::InvalidArgument("wildcard pattern is empty");
  size_t star = pattern.find('*');
  if (star != std::string_view::npos && star + 1 != pattern.size()) {
    return Status::InvalidArgument(fmt::format(
        "pattern '{}' is not valid: '*' must be its last character (as DM's table selector)", pattern));
  }
  return Status::OK();
}

bool WildcardMatch(std::string_view p, std::string_view s) {
  while (!p.empty()) {
    char c = p[0];
    if (c == '*') return true;  // only ever last
    if (s.empty()) return false;
    if (c == '?') {
      p.remove_prefix(1);
    } else if (c == '[') {
      ByteSet set = ParseByteSet(p);
      if (set.close == std::string_view::npos) {
        if (s[0] != '[') return false;
        p.remove_prefix(1);
      } else {
        if (!set.Matches(static_cast<uint8_t>(s[0]))) return false;
        p.remove_prefix(set.close + 1);
      }
    } else {
      if (s[0] != c) return false;
      p.remove_prefix(1);
    }
    s.remove_prefix(1);
  }
  return s.empty();
}

// ---- RuleSelector: a port of DM's trieSelector ----

struct RuleSelector::Item {
  std::unique_ptr<Node> child;
  std::vector<int> rules;
  std::unique_ptr<Node> next_level;  // schema level -> table level
  ByteSet set;                       // for `[...]` items only
};

struct RuleSelector::Node {
  std::map<uint8_t, std::unique_ptr<Item>> characters;
  std::unique_ptr<Item> asterisk;
  std::unique_ptr<Item> question;
  std::vector<std::unique_ptr<Item>> sets;
};

RuleSelector::RuleSelector() : root_(std::make_unique<Node>()) {}
RuleSelector::~RuleSelector() = default;
RuleSelector::RuleSelector(RuleSelector&&) noexcept = default;
RuleSelector& RuleSelector::operator=(RuleSelector&&) noexcept = default;

Result<RuleSelector::Item*> RuleSelector::InsertPath(Node* n, std::string_view pattern) {
  DM_RETURN_IF_ERROR(ValidateWildcard(pattern));
  Item* entity = nullptr;
  for (size_t i = 0; i < pattern.size(); ++i) {
    std::unique_ptr<Item>* slot = nullptr;
    size_t skip = 0;
    switch (pattern[i]) {
      case '*':
        slot = &n->asterisk;
        break;
      case '?':
        slot = &n->question;
        break;
      case '[': {
        ByteSet set = ParseByteSet(pattern.substr(i));
        if (set.close == std::string_view::npos) {
          slot = &n->characters[static_cast<uint8_t>('[')];
          break;
        }
        skip = set.close;
        for (auto& item : n->sets) {
          if (item->set == set) slot = &item;
        }
        if (slot == nullptr) {
          n->sets.push_back(std::make_unique<Item>());
          n->sets.back()->set = std::move(set);
          slot = &n->sets.back();
        }
        break;
      }
      default:
        slot = &n->characters[static_cast<uint8_t>(pattern[i])];
    }
    if (*slot == nullptr) *slot = std::make_unique<Item>();
    entity = slot->get();
    if (entity->child == nullptr) entity->child = std::make_unique<Node>();
    n = entity->child.get();
    i += skip;
  }
  return entity;
}

Status RuleSelector::Insert(std::string_view schema_pattern, std::string_view table_pattern, int id,
                            bool allow_duplicate) {
  if (schema_pattern.empty()) return Status::InvalidArgument("schema pattern must not be empty");
  DM_ASSIGN_OR_RETURN(Item * entity, InsertPath(root_.get(), schema_pattern));
  if (!table_pattern.empty()) {
    if (entity->next_level == nullptr) entity->next_level = std::make_unique<Node>();
    DM_ASSIGN_OR_RETURN(entity, InsertPath(entity->next_level.get(), table_pattern));
  }
  if (!allow_duplicate && !entity->rules.empty()) {
    return Status::AlreadyExists(
        fmt::format("a rule for schema pattern '{}' table pattern '{}' exists already", schema_pattern,
                    table_pattern));
  }
  entity->rules.push_back(id);
  return Status::OK();
}

void RuleSelector::MatchNode(const Node* n, std::string_view s, std::vector<int>* rules,
                             std::vector<const Node*>* next_levels) {
  if (n == nullptr) return;
  auto append = [&](const Item* item) {
    rules->insert(rules->end(), item->rules.begin(), item->rules.end());
    if (item->next_level != nullptr) next_levels->push_back(item->next_level.get());
  };
  const Item* entity = nullptr;
  for (size_t i = 0; i < s.size(); ++i) {
    bool last = i + 1 == s.size();
    if (n->asterisk != nullptr) append(n->asterisk.get());
    if (n->question != nullptr) {
      if (last) append(n->question.get());
      MatchNode(n->question->child.get(), s.substr(i + 1), rules, next_levels);
    }
    for (const auto& item : n->sets) {
      if (item->set.Matches(static_cast<uint8_t>(s[i]))) {
        if (last) append(item.get());
        MatchNode(item->child.get(), s.substr(i + 1), rules, next_levels);
      }
    }
    auto it = n->characters.find(static_cast<uint8_t>(s[i]));
    if (it == n->characters.end()) return;
    entity = it->second.get();
    n = entity->child.get();
  }
  if (entity != nullptr) append(entity);
  if (n->asterisk != nullptr) append(n->asterisk.get());
}

std::vector<int> RuleSelector::Match(std::string_view schema, std::string_view table) const {
  std::vector<int> rules;
  std::vector<const Node*> next_levels;
  MatchNode(root_.get(), schema, &rules, &next_levels);
  for (const Node* level : next_levels) {
    std::vector<const Node*> unused;
    MatchNode(level, table, &rules, &unused);
  }
  return rules;
}

}  // namespace dm::filter
