// `--start-time` of start-task and check-task: where incremental replication
// begins when there is no checkpoint yet.
#pragma once

#include <string_view>

#include "common/status.h"

namespace dm::ctl {

// Accepts DM's forms: "2021-10-21 00:01:00" or "2021-10-21T00:01:00",
// optionally followed by "Z", "+08:00" or "+0800" (an absolute time; without
// an offset the master reads the time in the upstream's time zone). The date
// and time must exist (month 1-12, a day of that month, 00:00:00-23:59:59);
// fractional seconds are refused, as DM refuses them. Returns
// InvalidArgument naming the flag, the value and the accepted forms.
Status ValidateStartTime(std::string_view text);

}  // namespace dm::ctl
