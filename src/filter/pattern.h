// Name-matching primitives shared by the block-allow list, the table router
// and the binlog event filter: DM's wildcard patterns, DM's `~regexp`
// patterns, a trie selector that returns matching rules in DM's order, and
// DM's case folding.
//
// Wildcards (as DM's pkg/table-rule-selector): `*` matches zero or more bytes
// and may only be the last character; `?` matches exactly one byte; `[abc]`,
// `[a-z]` and `[!a-z]` match one byte from (or not from) a set; a `[` without
// a closing `]` is a literal. Everything else matches itself. DM walks names
// rune by rune but indexes bytes, so non-ASCII literal patterns never match
// there; we compare bytes, so they do (a deliberate fix, see docs).
//
// Regexps: DM compiles Go RE2 syntax. We use std::regex (ECMAScript) after
// translating the RE2 constructs that ECMAScript lacks: leading inline flags
// `(?i)`/`(?s)`/`(?is)` (i becomes icase; s is accepted and ignored, names
// never contain newlines), named groups `(?P<n>` and `(?<n>` (become plain
// groups), `\A` and `\z` (become ^ and $). Other RE2-only syntax fails to
// compile with InvalidArgument naming the pattern. Matching is a search
// (unanchored), as Go's MatchString.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace dm::filter {

// DM's case folding for case-insensitive matching (Go strings.ToLower):
// ASCII and the Unicode letters the C.UTF-8 locale knows are lowered; bytes
// that are not valid UTF-8 are kept as they are.
std::string FoldCase(std::string_view s);

// A compiled Go-style regular expression (see the file comment).
// Thread-safe for concurrent matching once built.
class GoRegex {
 public:
  // Compiles `pattern`; `icase` adds case-insensitivity (DM's "(?i)" prefix).
  // InvalidArgument when the pattern does not compile.
  static Result<GoRegex> Compile(std::string_view pattern, bool icase = false);

  // True when the expression matches anywhere in `s` (Go MatchString).
  bool Search(std::string_view s) const;
  // Go FindStringSubmatch: the whole match followed by every group (empty
  // for a group that did not take part), or an empty vector for no match.
  std::vector<std::string> FindSubmatch(std::string_view s) const;

  const std::string& pattern() const { return pattern_; }

 private:
  GoRegex(std::string pattern, std::shared_ptr<const std::regex> re)
      : pattern_(std::move(pattern)), re_(std::move(re)) {}
  std::string pattern_;
  std::shared_ptr<const std::regex> re_;  // immutable, shared by copies
};

// Checks that `pattern` is a valid DM wildcard: not empty and no character
// after a `*`. InvalidArgument otherwise.
Status ValidateWildcard(std::string_view pattern);

// True when `name` matches the wildcard `pattern` (see the file comment).
// REQUIRES: ValidateWildcard(pattern).ok().
bool WildcardMatch(std::string_view pattern, std::string_view name);

// DM's trie selector: rules keyed by (schema pattern, table pattern); an
// empty table pattern makes a schema-level rule. Match() returns the ids of
// all matching rules in DM's order: schema-level rules first (in trie walk
// order: wildcard branches at shorter prefixes before longer ones, `?` and
// ranges before the literal path, a trailing `*` last), then table-level
// rules under each matching schema node in the same order. The binlog event
// filter depends on this order (the first decisive rule wins).
//
// Not thread-safe for Insert; Match is const and safe to call concurrently.
class RuleSelector {
 public:
  RuleSelector();
  ~RuleSelector();
  RuleSelector(RuleSelector&&) noexcept;
  RuleSelector& operator=(RuleSelector&&) noexcept;

  // Adds rule `id` under the patterns. With allow_duplicate false, a second
  // rule on the same (schema, table) patterns is AlreadyExists (DM's
  // selector.Insert); with true it is appended (selector.Append).
  // InvalidArgument for an empty schema pattern or an invalid wildcard.
  Status Insert(std::string_view schema_pattern, std::string_view table_pattern, int id,
                bool allow_duplicate);

  // Ids of the rules matching schema/table; table "" asks for a schema-level
  // match (table-level rules whose pattern matches "" — only a bare `*` —
  // are included, as in DM).
  std::vector<int> Match(std::string_view schema, std::string_view table) const;

 private:
  struct Node;
  struct Item;
  static Result<Item*> InsertPath(Node* root, std::string_view pattern);
  static void MatchNode(const Node* n, std::string_view s, std::vector<int>* rules,
                        std::vector<const Node*>* next_levels);

  std::unique_ptr<Node> root_;
};

}  // namespace dm::filter
