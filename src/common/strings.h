// Small string helpers shared by every layer.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dm {

// Levenshtein distance, used for "did you mean" hints.
size_t EditDistance(std::string_view a, std::string_view b);

// Returns the candidate nearest to `word`, or "" when none is close enough to
// be a plausible typo (distance above a third of the word's length, min 2).
std::string ClosestMatch(std::string_view word, std::span<const std::string> candidates);

// Returns " (did you mean 'x'?)" or "" when no candidate is close.
std::string DidYouMean(std::string_view word, std::span<const std::string> candidates);

std::vector<std::string> SplitString(std::string_view s, char sep, bool skip_empty = true);
std::string_view TrimSpace(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// True when `word` equals one of `names`, ignoring ASCII case.
bool EqualsAnyIgnoreCase(std::string_view word, std::initializer_list<std::string_view> names);
// `s` with A-Z lower-cased and every other byte (UTF-8 too) unchanged, as
// MySQL folds names when lower_case_table_names is set.
std::string AsciiLower(std::string_view s);
std::string AsciiUpper(std::string_view s);

// 64-bit FNV-1a of `bytes`: a stable short name for something (it never
// changes between versions or runs); not for hash tables on hot paths.
uint64_t Fnv1a64(std::string_view bytes);

}  // namespace dm
