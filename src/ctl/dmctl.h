// dmctl as a library: the command-line client of dm-master, with DM's
// commands, flags and JSON output. cmd/dmctl/main.cc only forwards argv here,
// so tests run commands in-process.
#pragma once

#include <iosfwd>

namespace dm::ctl {

// Runs one dmctl invocation (argv[0] is the program name). Writes results to
// `out`, diagnostics to `err`, and returns the process exit code: 0 on
// success, 1 when the command failed (DM's `result: false`), 2 on bad usage.
int RunDmctl(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace dm::ctl
