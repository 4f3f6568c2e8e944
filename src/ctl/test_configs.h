// Small task and source files shared by dm_ctl's tests.
#pragma once

namespace dm::ctl::testdata {

// A task file that decodes cleanly; its name is "orders".
inline constexpr const char* kTaskYaml = R"(name: "orders"
task-mode: all
target-database:
  host: "127.0.0.1"
  port: 4000
  user: "root"
mysql-instances:
  - source-id: "mysql-01"
)";

// A source file that decodes cleanly; its source-id is "mysql-07".
inline constexpr const char* kSourceYaml = R"(source-id: "mysql-07"
from:
  host: "127.0.0.1"
  port: 3306
  user: "root"
)";

}  // namespace dm::ctl::testdata
