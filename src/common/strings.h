// Small string helpers shared by every layer.
#pragma once

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

}  // namespace dm
