#include "common/flags.h"

#include <cctype>

namespace dm {

std::vector<std::string> NormalizeGoStyleFlags(int argc, const char* const* argv) {
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(argc));
  bool passthrough = false;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (i == 0 || passthrough) {
      out.push_back(std::move(arg));
      continue;
    }
    if (arg == "--") passthrough = true;
    bool single_dash = arg.size() > 2 && arg[0] == '-' && arg[1] != '-';
    if (single_dash && std::isalpha(static_cast<unsigned char>(arg[1]))) {
      size_t name_end = arg.find('=');
      size_t name_len = (name_end == std::string::npos ? arg.size() : name_end) - 1;
      if (name_len > 1) arg = "-" + arg;
    }
    out.push_back(std::move(arg));
  }
  return out;
}

}  // namespace dm
