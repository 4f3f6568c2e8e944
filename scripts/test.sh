#!/usr/bin/env bash
# Runs every dm test: installs dependencies, configures, builds, and runs the
# whole CTest suite (unit and integration; integration tests start their own
# MariaDB instances through CTest fixtures). Never runs bench/.
#
#   ./scripts/test.sh            build in ./build and run all tests
#   BUILD_DIR=b DM_SANITIZE=address,undefined ./scripts/test.sh
#   ./scripts/test.sh -L unit    extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-RelWithDebInfo} \
  -DDM_SANITIZE="${DM_SANITIZE:-}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
cd "$build_dir"
ctest --output-on-failure -j "$(nproc)" --timeout 900 "$@"
