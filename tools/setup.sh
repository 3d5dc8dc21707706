#!/usr/bin/env bash
# One command for a new user: install dependencies, build everything, run the quickstart.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD_DIR" -j"$(nproc)"
"$BUILD_DIR"/examples/quickstart
