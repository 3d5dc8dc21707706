#!/usr/bin/env bash
# One command to run the whole test suite (configures and builds what is missing).
# The last line printed is ctest's summary: "N% tests passed, F tests failed out of T".
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
cmake --build "$BUILD_DIR" -j"$(nproc)" || exit 1
log="$(mktemp)"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
echo
grep -E "tests passed, [0-9]+ tests failed out of" "$log" | tail -1
rm -f "$log"
exit "$rc"
