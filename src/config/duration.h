// Go-style durations ("30s", "5m0s", "1h30m", "1.5ms"), the format DM's
// configs use for every time.Duration key (checker backoffs, rpc-timeout,
// validator intervals, safe-mode-duration).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/status.h"

namespace dm::config {

// A config duration. Nanoseconds, like Go's time.Duration, so every value a
// DM config can hold round-trips exactly.
using Duration = std::chrono::nanoseconds;

// Parses Go's time.ParseDuration syntax: an optional sign, then one or more
// decimal numbers (fractions allowed) each followed by a unit among ns, us,
// µs, ms, s, m, h. "0" alone is accepted. Returns InvalidArgument on syntax
// errors or overflow; the message does not repeat the input.
Result<Duration> ParseGoDuration(std::string_view text);

// Formats like Go's Duration.String(): "0s", "500ms", "1.5s", "5m0s",
// "1h0m0s". FormatGoDuration(ParseGoDuration(s)) is the canonical form.
std::string FormatGoDuration(Duration d);

}  // namespace dm::config
