// Shared command-line plumbing for dm's binaries (CLI11 underneath).
#pragma once

#include <CLI/CLI.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "common/flags.h"

namespace dm {

// Parses argv the way DM's Go binaries do ("-flag v", "--flag v",
// "--flag=v"). Returns -1 when the program should continue, otherwise the
// exit code after CLI11 printed help (0) or a usage error (2) to the streams.
inline int ParseCommandLine(CLI::App& app, int argc, const char* const* argv, std::ostream& out,
                            std::ostream& err) {
  std::vector<std::string> args = NormalizeGoStyleFlags(argc, argv);
  args.erase(args.begin());
  std::reverse(args.begin(), args.end());  // CLI11 consumes from the back
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp& e) {
    out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& e) {
    err << app.get_name() << ": " << e.what() << "\n";
    return 2;
  }
  return -1;
}

}  // namespace dm
