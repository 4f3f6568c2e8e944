// Named crash points (RocksDB's TEST_SYNC_POINT idea) for tests that must
// kill dm at an exact moment, such as "rows applied, checkpoint not yet
// flushed". With DM_CRASH_POINT=name or name:N in the environment, the N-th
// (default first) pass through DM_SYNC_POINT("name") kills the process with
// SIGKILL, as `kill -9` would. Release builds compile the points out
// (DM_NO_SYNC_POINTS).
#pragma once

#include <string_view>

namespace dm {

// Kills the process when `name` is the armed point and its count is reached.
// Thread-safe.
void HitSyncPoint(std::string_view name);

}  // namespace dm

#ifdef DM_NO_SYNC_POINTS
#define DM_SYNC_POINT(name) \
  do {                      \
  } while (0)
#else
#define DM_SYNC_POINT(name) ::dm::HitSyncPoint(name)
#endif
