#include "common/version.h"

#include <fmt/format.h>

namespace dm {

std::string VersionBlock() {
  const BuildInfo& info = GetBuildInfo();
  return fmt::format(
      "Release Version: {}\nGit Commit Hash: {}\nGit Branch: {}\nUTC Build Time: {}\nCompiler Version: {}\n",
      info.release_version, info.git_hash, info.git_branch, info.build_time, info.compiler);
}

}  // namespace dm
