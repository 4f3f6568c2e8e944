// The source.yaml that `operate-source --print-sample-config` prints.
#pragma once

#include <string_view>

namespace dm::ctl {

// A complete source.yaml with every documented key at its default (or an
// example value where there is no default); it loads without errors.
std::string_view SampleSourceConfig();

}  // namespace dm::ctl
