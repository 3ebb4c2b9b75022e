#!/usr/bin/env bash
# Installs the Debian packages arq needs, if any is missing. As root it runs apt-get; otherwise
# it prints the exact command to run and fails, so nothing half-builds.
#   scripts/install-deps.sh        what `make run` and `make test` need
#   scripts/install-deps.sh fuzz   that, plus clang and libFuzzer for `make fuzz`
set -euo pipefail

packages=(
  cmake ninja-build make g++ pkg-config git
  libeigen3-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libmujoco-dev
  libegl-dev libegl-mesa0 libgl1-mesa-dri  # headless OpenGL for `arq render` of DMC tasks
  gnuplot-nox
  python3-numpy  # scripts/q_from_checkpoint.py (and its test) read checkpoints with numpy
  python3-dev pybind11-dev python3-pytest  # the arq Python module (python/) and its tests
)
if [[ "${1:-}" == "fuzz" ]]; then
  packages+=(clang-14 libfuzzer-14-dev)  # `make fuzz`: -fsanitize=fuzzer,address,undefined
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "arq: missing Debian packages: ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "arq: run this as root, then run make again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
