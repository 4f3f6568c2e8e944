#!/usr/bin/env bash
# Installs every build, test and runtime dependency of dm from Debian's packages.
# Idempotent and non-interactive: packages already installed are skipped, so a
# second run does not touch the network at all.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git ccache
  clang libclang-rt-14-dev clang-format
  # libraries
  libmariadb-dev libyaml-cpp-dev libtomlplusplus-dev nlohmann-json3-dev
  libcpp-httplib-dev libspdlog-dev libfmt-dev libcli11-dev libssl-dev zlib1g-dev libzstd-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  # servers and peer tools used by tests, the demo and benchmarks
  mariadb-server mariadb-client etcd-server sysbench mydumper percona-toolkit
  prometheus procps curl jq openssl python3 time
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d keeps package scripts from starting system services (mariadb, etcd,
# prometheus): dm runs its own instances on its own ports.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  created_policy=1
fi
trap '[ "$created_policy" = 1 ] && $SUDO rm -f "$policy"' EXIT
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
