// Command-line compatibility with DM's Go binaries, which accept "-flag v",
// "--flag v" and "--flag=v" alike. CLI11 takes only the double-dash forms for
// long names, so arguments are normalised before parsing.
#pragma once

#include <string>
#include <vector>

namespace dm {

// Rewrites "-name" and "-name=v" (a single dash before a multi-character name)
// to "--name" / "--name=v". Single-letter flags ("-V", "-L"), negative numbers,
// "-" and everything after "--" are left alone. argv[0] is kept.
std::vector<std::string> NormalizeGoStyleFlags(int argc, const char* const* argv);

}  // namespace dm
