// dm-master as a library: flags, config loading and the process lifecycle.
// cmd/dm-master/main.cc only forwards argv here.
#pragma once

#include <iosfwd>

namespace dm::master {

// Returns the process exit code: 0 success, 1 runtime/config error, 2 usage.
int RunMaster(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace dm::master
