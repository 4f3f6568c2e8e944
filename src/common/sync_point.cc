#include "common/sync_point.h"

#include <signal.h>

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <string>

namespace dm {
namespace {

struct ArmedPoint {
  std::string name;  // empty: nothing armed
  long count = 1;
  std::atomic<long> hits{0};
};

ArmedPoint& Armed() {
  static ArmedPoint* armed = [] {
    auto* point = new ArmedPoint;  // lives as long as the process
    const char* env = std::getenv("DM_CRASH_POINT");
    if (env == nullptr) return point;
    std::string_view spec(env);
    if (auto colon = spec.rfind(':'); colon != std::string_view::npos) {
      long n = 0;
      auto [ptr, ec] = std::from_chars(spec.data() + colon + 1, spec.data() + spec.size(), n);
      if (ec == std::errc() && ptr == spec.data() + spec.size() && n > 0) {
        point->count = n;
        spec = spec.substr(0, colon);
      }
    }
    point->name = std::string(spec);
    return point;
  }();
  return *armed;
}

}  // namespace

void HitSyncPoint(std::string_view name) {
  ArmedPoint& armed = Armed();
  if (armed.name.empty() || armed.name != name) return;
  if (armed.hits.fetch_add(1) + 1 == armed.count) raise(SIGKILL);
}

}  // namespace dm
