#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test tessera.
# (g++ 12, CMake 3.25 and the CUDA toolkit at /usr/local/cuda are expected to be
# there already; the toolkit is optional: without nvcc the CUDA targets are skipped.)
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  g++ cmake make libxtensor-dev libxsimd-dev xtl-dev librange-v3-dev \
  libboost-test-dev libbenchmark-dev libopenblas-dev libxgboost-dev >/dev/null
echo "tessera: dependencies installed"
