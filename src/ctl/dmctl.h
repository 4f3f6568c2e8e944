// dmctl as a library: the command-line client of dm-master, with DM's
// commands, flags and JSON output. cmd/dmctl/main.cc only forwards argv here,
// so tests run commands in-process.
#pragma once

#include <functional>
#include <iosfwd>

#include "ctl/master_api.h"
#include "ctl/master_client.h"

namespace dm::ctl {

// Runs one dmctl invocation (argv[0] is the program name). Writes results to
// `out`, diagnostics to `err`, and returns the process exit code: 0 on
// success, 1 when the command failed (DM's `result: false`, an unreachable
// master, an unreadable file), 2 on bad usage (with the command's help).
// Talks to dm-master over HTTP(S).
int RunDmctl(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

// Builds the transport for the connection that the global flags describe;
// called at most once per invocation, only by commands that need a master.
using TransportFactory = std::function<MasterTransport(const MasterConnection&)>;

// As above with the transport supplied by `connect`: the seam through which
// tests observe the requests a command makes and feed it answers.
int RunDmctl(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
             const TransportFactory& connect);

}  // namespace dm::ctl
