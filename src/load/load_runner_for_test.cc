// dm_load_runner: a test-only program that runs RunLoad once, so the kill -9
// test can SIGKILL a real loader process at arbitrary moments.
//
//   dm_load_runner --port=P --user=U --password=W --task=T --source=S --dir=D
//                  [--pool=N] [--txn-statements=N] [--meta-schema=M]
//                  [--on-duplicate=replace|ignore|error]
//
// Exit status: 0 when the load finished, 1 on a load error (printed on
// standard error), 2 on bad flags.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stop_token>
#include <string>

#include "load/loader.h"

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    size_t eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      std::fprintf(stderr, "bad flag '%s'\n", arg.c_str());
      return 2;
    }
    flags[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
  }
  auto get = [&](const std::string& k, const std::string& d) {
    auto it = flags.find(k);
    return it == flags.end() ? d : it->second;
  };
  dm::load::LoadOptions options;
  options.target.host = get("host", "127.0.0.1");
  options.target.port = static_cast<uint16_t>(std::atoi(get("port", "3306").c_str()));
  options.target.user = get("user", "root");
  options.target.password = dm::Secret(get("password", ""));
  options.task = get("task", "");
  options.source_id = get("source", "");
  options.dump_dir = get("dir", "");
  options.meta_schema = get("meta-schema", "dm_meta");
  options.pool_size = std::atoi(get("pool", "4").c_str());
  options.txn_max_statements = static_cast<size_t>(std::atoi(get("txn-statements", "16").c_str()));
  std::string dup = get("on-duplicate", "replace");
  options.on_duplicate = dup == "error"    ? dm::config::OnDuplicateLogical::kError
                         : dup == "ignore" ? dm::config::OnDuplicateLogical::kIgnore
                                           : dm::config::OnDuplicateLogical::kReplace;
  std::stop_source never;
  auto result = dm::load::RunLoad(options, never.get_token(), nullptr);
  if (!result.ok()) {
    std::fprintf(stderr, "%s\n", result.status().ToString().c_str());
    return 1;
  }
  std::printf("ok already_complete=%d files=%llu bytes=%llu\n", result->already_complete ? 1 : 0,
              static_cast<unsigned long long>(result->files_loaded),
              static_cast<unsigned long long>(result->bytes_loaded));
  return 0;
}
