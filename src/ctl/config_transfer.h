// `config export` / `config import`: every source and task config of a
// cluster to and from a directory (DM v2.0.5+), composed from the master's
// ordinary calls: show sources and the task list, get-config each, and on
// import operate-source create each source, then start-task each task.
//
// Layout, as DM: <dir>/sources/<source-id>.yaml, <dir>/tasks/<task>.yaml.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

#include "common/status.h"
#include "ctl/master_api.h"

namespace dm::ctl {

// One call to the master answering with its parsed JSON body.
using MasterCall = std::function<Result<nlohmann::ordered_json>(const MasterRequest&)>;

// Writes `text` to `path` with mode 0600 (configs hold passwords), through a
// temporary file renamed into place so a failed write leaves no partial file.
Status WriteConfigFile(const std::string& path, std::string_view text);

// Writes every source and task config to `dir` (created, mode 0700) and
// prints DM's "export configs to directory `dir` succeed". A master answer
// with result false is printed to `out` and fails the export.
Status ExportConfigs(const MasterCall& call, const std::string& dir, std::ostream& out);

// Creates every source in <dir>/sources, then starts every task in
// <dir>/tasks, each in file-name order, printing DM's progress lines. As DM,
// a source or task that already exists is not an error (so an import can be
// repeated); any other failure prints the master's answer and stops.
Status ImportConfigs(const MasterCall& call, const std::string& dir, std::ostream& out);

}  // namespace dm::ctl
