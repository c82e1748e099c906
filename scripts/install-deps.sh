#!/usr/bin/env bash
# The one list of Debian packages the project needs. Installs only what is missing,
# so a second run on a prepared machine costs a few dpkg look-ups.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libfmt-dev libssl-dev libjemalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  awscli
)
# Node.js and npm run the pinned CDK toolkit over the assembly (tests/cdk_test.cc). A
# machine that has Node.js from elsewhere (NodeSource, whose nodejs carries npm) keeps it.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
# cfn-lint and moto are Python packages that neither apt nor npm offers; the machine image
# carries them. Without them their tests are skipped, and `make test` names them.

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
