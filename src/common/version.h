// Build identity, filled in at build time (cmake/BuildInfo.cmake).
#pragma once

#include <string>
#include <string_view>

namespace dm {

struct BuildInfo {
  std::string_view release_version;  // "v0.1.0-12-gabcdef0" (git describe) or "v0.1.0"
  std::string_view git_hash;         // full commit hash; "-dirty" when built with local changes
  std::string_view git_branch;
  std::string_view build_time;       // "2026-11-25 08:10:00", UTC
  std::string_view compiler;         // "g++ 12.2.0"
};

const BuildInfo& GetBuildInfo();

// The five-line block printed by -V and served at GET /status (DESIGN.md §6):
// Release Version, Git Commit Hash, Git Branch, UTC Build Time, Compiler Version.
std::string VersionBlock();

}  // namespace dm
