// gen_errors: renders dm's error catalogue (src/common/errors.def) as
// docs/errors.md, or as a DM-style errors.toml with --toml. The docs copy is
// checked by the `errors_doc_current` test, so it never drifts from the code.
#include <fmt/format.h>

#include <cstring>
#include <iostream>

#include "common/errors.h"

namespace {

std::string TomlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

void PrintMarkdown() {
  std::cout << "# dm error catalogue\n\n"
               "Generated from `src/common/errors.def` by `build/bin/gen_errors`; do not edit by hand.\n"
               "Codes follow DM's ranges and classes, and logs render them as\n"
               "`[code=20004:class=config:scope=internal:level=medium]`.\n\n"
               "| code | name | class | scope | level | message | workaround |\n"
               "|---|---|---|---|---|---|---|\n";
  for (const dm::ErrorInfo& e : dm::AllErrors()) {
    std::cout << fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", static_cast<int>(e.code), e.name,
                             e.error_class, e.scope, e.level, e.message, e.workaround);
  }
}

void PrintToml() {
  for (const dm::ErrorInfo& e : dm::AllErrors()) {
    std::cout << fmt::format("[error.DM-{}-{}]\nerror = '''\n{}\n'''\nworkaround = \"{}\"\ntags = [\"{}\", \"{}\"]\n\n",
                             e.error_class, static_cast<int>(e.code), e.message, TomlEscape(e.workaround), e.scope,
                             e.level);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--toml") == 0) {
    PrintToml();
  } else {
    PrintMarkdown();
  }
  return 0;
}
